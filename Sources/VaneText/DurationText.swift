/// Durations written as Prometheus and Alertmanager write them: one or more `<integer><unit>`
/// parts, largest unit first, units `ms`, `s`, `m`, `h`, `d` (24 h), `w` (7 d) and `y` (365 d):
/// `500ms`, `2s`, `5m`, `1h30m`. `0` alone is zero.
public enum DurationText {
    /// The largest duration accepted: ten years, so every sum fits in milliseconds.
    public static let maximumMilliseconds: Int64 = 10 * 365 * 86_400_000

    /// The duration `text` writes, nil when it is not one (or exceeds ``maximumMilliseconds``).
    public static func parse(_ text: String) -> Duration? {
        milliseconds(text).map { .milliseconds($0) }
    }

    /// The milliseconds `text` writes; nil when it is not a duration.
    public static func milliseconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let units: [(name: String, ms: Int64)] = [
            ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
        ]
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        var i = 0
        var total: Int64 = 0
        var lastRank = -1
        while i < bytes.count {
            var value: Int64 = 0
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                guard value < 1_000_000_000_000 else { return nil }
                value = value * 10 + Int64(bytes[i] - 0x30)
                i += 1
            }
            guard i > start else { return nil }
            let unitStart = i
            while i < bytes.count, bytes[i] >= 0x61, bytes[i] <= 0x7A { i += 1 }
            let unit = String(decoding: bytes[unitStart..<i], as: UTF8.self)
            guard let rank = units.firstIndex(where: { $0.name == unit }), rank > lastRank else { return nil }
            lastRank = rank
            let (product, overflow) = value.multipliedReportingOverflow(by: units[rank].ms)
            guard !overflow else { return nil }
            total += product
            guard total <= maximumMilliseconds else { return nil }
        }
        return total
    }

    /// `d` as the shortest text ``parse(_:)`` reads back (`90s` is `1m30s`).
    public static func format(milliseconds ms: Int64) -> String {
        if ms == 0 { return "0s" }
        var rest = ms
        var out = ""
        for (name, unit) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] where rest >= unit {
            out += "\(rest / unit)\(name)"
            rest %= unit
        }
        return out
    }
}
