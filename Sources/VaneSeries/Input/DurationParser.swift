import Foundation

/// Parses durations such as `7d`, `36h`, `90m`, `45s`, `2w`, `1d12h` or a plain number of
/// seconds, into seconds.
public enum DurationParser {
    /// Seconds per unit letter.
    static let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]

    /// Seconds, or nil when the text is not a positive, finite duration.
    public static func seconds(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !s.isEmpty else { return nil }
        if let plain = Double(s) { return plain > 0 && plain.isFinite ? plain : nil }
        var total = 0.0
        var number = ""
        for ch in s {
            if ch.isNumber || ch == "." {
                number.append(ch)
            } else if let unit = units[ch], let v = Double(number) {
                total += v * unit
                number = ""
            } else {
                return nil
            }
        }
        guard number.isEmpty, total > 0, total.isFinite else { return nil }
        return total
    }
}
