/// An instant as the Alertmanager API carries it: microseconds since the Unix epoch and the UTC
/// offset it was written with, which Alertmanager keeps for an alert's times and writes back
/// (`2026-01-01T10:00:00.123+02:00`). Ordered by instant only.
public struct WireTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var micros: Int64
    /// The offset from UTC, in seconds, that the time is written with.
    public var offsetSeconds: Int32

    public init(micros: Int64, offsetSeconds: Int32 = 0) {
        self.micros = micros
        self.offsetSeconds = offsetSeconds
    }

    /// A time in UTC from milliseconds since the epoch.
    public init(millis: Int64) { self.init(micros: millis &* 1000) }

    public static func == (a: WireTime, b: WireTime) -> Bool { a.micros == b.micros }
    public func hash(into hasher: inout Hasher) { hasher.combine(micros) }
    public static func < (a: WireTime, b: WireTime) -> Bool { a.micros < b.micros }

    /// This time plus `micros` microseconds, written in the same offset.
    public func adding(micros delta: Int64) -> WireTime { WireTime(micros: micros &+ delta, offsetSeconds: offsetSeconds) }

    /// The same instant written in UTC.
    public var utc: WireTime { WireTime(micros: micros) }

    /// The smallest and largest instants accepted: years 0001 to 9999.
    static let minMicros: Int64 = -62_135_596_800_000_000
    static let maxMicros: Int64 = 253_402_300_799_999_999

    /// Reads RFC 3339 (`2026-03-02T09:13:25.222Z`, `…+02:00`, up to nine fractional digits, which
    /// are kept to the microsecond); also a space or lower-case `t` between date and time and a
    /// lower-case `z`, as Go's parser does. Nil for anything else.
    public init?(rfc3339 text: some StringProtocol) {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2) else { return nil }
        guard i < b.count, b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20 else { return nil }
        i += 1
        guard let hour = digits(2), expect(0x3A), let minute = digits(2), expect(0x3A), let second = digits(2) else { return nil }
        var micros = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var count = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if count < 6 { micros = micros * 10 + Int(b[i] - 0x30) }
                count += 1
                i += 1
            }
            guard count >= 1, count <= 9 else { return nil }
            for _ in min(count, 6)..<6 { micros *= 10 }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            let sign = b[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = digits(2), expect(0x3A), let om = digits(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count, (1...12).contains(month), day >= 1, day <= WireTime.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60 else { return nil }
        let days = WireTime.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        self.init(micros: seconds * 1_000_000 + Int64(micros), offsetSeconds: Int32(offset))
        guard self.micros >= WireTime.minMicros, self.micros <= WireTime.maxMicros else { return nil }
    }

    /// `2006-01-02T15:04:05.000Z07:00`, Alertmanager's form: milliseconds (truncated), `Z` for UTC.
    public var description: String {
        let local = micros + Int64(offsetSeconds) * 1_000_000
        var seconds = local / 1_000_000
        var fraction = local % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = WireTime.civil(fromDays: Int(days))
        var out = ""
        out.reserveCapacity(29)
        func pad(_ v: Int, _ width: Int) {
            let s = String(v)
            if s.count < width { out += String(repeating: "0", count: width - s.count) }
            out += s
        }
        pad(year, 4); out += "-"; pad(month, 2); out += "-"; pad(day, 2); out += "T"
        pad(Int(secondOfDay / 3600), 2); out += ":"; pad(Int(secondOfDay / 60 % 60), 2); out += ":"; pad(Int(secondOfDay % 60), 2)
        out += "."; pad(Int(fraction / 1000), 3)
        if offsetSeconds == 0 {
            out += "Z"
        } else {
            let o = abs(Int(offsetSeconds))
            out += offsetSeconds < 0 ? "-" : "+"
            pad(o / 3600, 2); out += ":"; pad(o / 60 % 60, 2)
        }
        return out
    }

    /// Go's `time.RFC3339Nano` (what Alertmanager's webhook writes): fraction digits as needed,
    /// trailing zeros dropped, the offset kept.
    public var rfc3339Nano: String {
        let base = description
        let dot = base.firstIndex(of: ".")!
        let zone = base[base.index(dot, offsetBy: 4)...]
        let local = micros + Int64(offsetSeconds) * 1_000_000
        var fraction = local % 1_000_000
        if fraction < 0 { fraction += 1_000_000 }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(base[..<dot]) + (digits.isEmpty ? "" : "." + digits) + zone
    }

    /// Go's zero time as RFC 3339, which Alertmanager's webhook writes as a firing alert's end.
    public static let zeroText = "0001-01-01T00:00:00Z"

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
