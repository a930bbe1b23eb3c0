import Foundation

/// Parses the timestamp forms `vane anomaly score` and `vane forecast` accept, into epoch
/// seconds (UTC): `YYYY-MM-DD HH:MM:SS`, RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`, a
/// space allowed for the `T`, fractional seconds and offset optional), a bare date
/// `YYYY-MM-DD`, or epoch seconds (an integer or decimal number).
public enum TimestampParser {
    /// Epoch seconds of the text in `bytes[start..<end]`, or nil when it is none of the forms.
    public static func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var n = count
        var s = p
        // trim spaces and a surrounding pair of quotes
        while n > 0 && (s[0] == 0x20 || s[0] == 0x09) { s += 1; n -= 1 }
        while n > 0 && (s[n - 1] == 0x20 || s[n - 1] == 0x09 || s[n - 1] == 0x0D) { n -= 1 }
        guard n > 0 else { return nil }
        if n >= 10 && s[4] == 0x2D && s[7] == 0x2D { return calendar(s, n) }
        return epoch(s, n)
    }

    /// Epoch seconds of a Swift string (for tests and messages).
    public static func parse(_ text: String) -> Double? {
        var t = text
        return t.withUTF8 { b in b.baseAddress.flatMap { parse($0, b.count) } }
    }

    @inline(__always)
    private static func digits(_ s: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var v = 0
        for i in at..<(at + count) {
            let d = Int(s[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
        }
        return v
    }

    private static func calendar(_ s: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard let y = digits(s, 0, 4), let mo = digits(s, 5, 2), let d = digits(s, 8, 2),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo) else { return nil }
        var seconds = Double(daysFromCivil(y, mo, d)) * 86_400
        if n == 10 { return seconds }
        guard n >= 19, s[10] == 0x20 || s[10] == 0x54 || s[10] == 0x74, s[13] == 0x3A, s[16] == 0x3A,
              let h = digits(s, 11, 2), let mi = digits(s, 14, 2), let se = digits(s, 17, 2),
              h <= 23, mi <= 59, se <= 60 else { return nil }
        seconds += Double(h * 3600 + mi * 60 + se)
        var i = 19
        if i < n && s[i] == 0x2E {   // fraction
            i += 1
            var scale = 0.1, fraction = 0.0, any = false
            while i < n, s[i] >= 48, s[i] <= 57 {
                fraction += Double(s[i] - 48) * scale
                scale /= 10
                i += 1
                any = true
            }
            guard any else { return nil }
            seconds += fraction
        }
        if i == n { return seconds }
        if (s[i] == 0x5A || s[i] == 0x7A) && i + 1 == n { return seconds }   // Z
        if (s[i] == 0x2B || s[i] == 0x2D) && i + 6 == n && s[i + 3] == 0x3A,
           let oh = digits(s, i + 1, 2), let om = digits(s, i + 4, 2), oh <= 23, om <= 59 {
            let offset = Double(oh * 3600 + om * 60)
            return s[i] == 0x2B ? seconds - offset : seconds + offset
        }
        return nil
    }

    private static func epoch(_ s: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var i = 0, negative = false
        if s[0] == 0x2D { negative = true; i = 1 } else if s[0] == 0x2B { i = 1 }
        var value = 0.0, any = false
        while i < n, s[i] >= 48, s[i] <= 57 { value = value * 10 + Double(s[i] - 48); i += 1; any = true }
        if i < n && s[i] == 0x2E {
            i += 1
            var scale = 0.1
            while i < n, s[i] >= 48, s[i] <= 57 { value += Double(s[i] - 48) * scale; scale /= 10; i += 1; any = true }
        }
        guard any, i == n, value.isFinite, value < 1e12 else { return nil }
        return negative ? -value : value
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension TimestampParser {
    /// RFC 3339 in UTC (`2014-04-01T00:05:00Z`; fractional seconds only when present).
    public static func rfc3339(_ epoch: Double) -> String {
        guard epoch.isFinite, abs(epoch) < 1e13 else { return "\(epoch)" }
        let whole = epoch.rounded(.down)
        let days = Int((whole / 86_400).rounded(.down))
        var secondOfDay = Int(whole - Double(days) * 86_400)
        let (y, m, d) = civilFromDays(days)
        let h = secondOfDay / 3600; secondOfDay %= 3600
        let mi = secondOfDay / 60, s = secondOfDay % 60
        var out = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, h, mi, s)
        let fraction = epoch - whole
        if fraction > 5e-7 { out += String(String(format: "%.6f", fraction).dropFirst()).replacingOccurrences(of: "0+$", with: "", options: .regularExpression) }
        return out + "Z"
    }

    /// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
