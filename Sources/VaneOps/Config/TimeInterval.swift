import Foundation
import VaneText

/// A range of days of the month as written (`1:5`, `-3:-1`, `1:-1`).
public struct DayRange: Sendable, Equatable {
    public var from: Int
    public var to: Int
}

/// One entry of a named time interval (Alertmanager's `time_intervals`): it holds at an instant
/// when every field it gives holds — `times` (minutes of the day, start inclusive, end
/// exclusive), `weekdays`, `days_of_month` (negative counts from the month's end), `months`,
/// `years` — in its `location` (UTC by default).
public struct TimeInterval: Sendable, Equatable {
    public var times: [Range<Int>] = []
    public var weekdays: [ClosedRange<Int>] = []
    /// Days of the month, from and to; negative days count from the month's end (-1 is its last).
    public var daysOfMonth: [DayRange] = []
    public var months: [ClosedRange<Int>] = []
    public var years: [ClosedRange<Int>] = []
    public var location = "UTC"

    static let weekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                             "november", "december"]

    /// Whether the interval holds at `micros` (since the epoch).
    public func contains(_ micros: Int64) -> Bool {
        guard let zone = TimeZone(identifier: location) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        guard let year = c.year, let month = c.month, let day = c.day, let hour = c.hour, let minute = c.minute, let weekday = c.weekday
        else { return false }
        if !times.isEmpty, !times.contains(where: { $0.contains(hour * 60 + minute) }) { return false }
        if !weekdays.isEmpty, !weekdays.contains(where: { $0.contains(weekday - 1) }) { return false }
        if !daysOfMonth.isEmpty {
            let length = calendar.range(of: .day, in: .month, for: date)?.count ?? 31
            func resolve(_ d: Int) -> Int { d < 0 ? length + d + 1 : d }
            if !daysOfMonth.contains(where: { resolve($0.from) <= day && day <= resolve($0.to) }) {
                return false
            }
        }
        if !months.isEmpty, !months.contains(where: { $0.contains(month) }) { return false }
        if !years.isEmpty, !years.contains(where: { $0.contains(year) }) { return false }
        return true
    }

    static func read(_ tree: YAMLTree) throws(DocumentError) -> TimeInterval {
        let f = try tree.mapping(known: ["times", "weekdays", "days_of_month", "months", "years", "location"])
        var interval = TimeInterval()
        if let list = f["times"], !list.isNull {
            for item in try list.sequence(maximum: 100) {
                let t = try item.mapping(known: ["start_time", "end_time"])
                guard let s = t["start_time"], let e = t["end_time"] else { throw item.error("a time range needs start_time and end_time") }
                let start = try minutes(s), end = try minutes(e)
                guard start < end else { throw item.error("start time cannot be equal or greater than end time") }
                interval.times.append(start..<end)
            }
        }
        interval.weekdays = try ranges(f["weekdays"]) { text, tree throws(DocumentError) in
            guard let i = weekdayNames.firstIndex(of: text.lowercased()) else { throw tree.error("\(text) is not a valid weekday") }
            return i
        }
        if let list = f["days_of_month"], !list.isNull {
            for item in try list.sequence(maximum: 100) {
                let text = try item.string()
                let parts = text.split(separator: ":", omittingEmptySubsequences: false)
                let days = parts.compactMap { Int($0) }
                guard parts.count <= 2, days.count == parts.count, days.allSatisfy({ $0 != 0 && (-31...31).contains($0) }) else {
                    throw item.error("\(text) is not a valid day of the month or range of days")
                }
                let from = days[0], to = days.count == 2 ? days[1] : days[0]
                if (from < 0) == (to < 0), from > to { throw item.error("start day cannot be after end day in \(text)") }
                interval.daysOfMonth.append(DayRange(from: from, to: to))
            }
        }
        interval.months = try ranges(f["months"]) { text, tree throws(DocumentError) in
            if let i = monthNames.firstIndex(of: text.lowercased()) { return i + 1 }
            guard let m = Int(text), (1...12).contains(m) else { throw tree.error("\(text) is not a valid month") }
            return m
        }
        interval.years = try ranges(f["years"]) { text, tree throws(DocumentError) in
            guard let y = Int(text), y > 0 else { throw tree.error("\(text) is not a valid year") }
            return y
        }
        if let location = f["location"], !location.isNull {
            let name = try location.string()
            guard TimeZone(identifier: name) != nil else { throw location.error("unknown time zone \(name)") }
            interval.location = name
        }
        return interval
    }

    static func minutes(_ tree: YAMLTree) throws(DocumentError) -> Int {
        let text = try tree.string()
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440
        else { throw tree.error("invalid time \(text): use HH:MM") }
        return h * 60 + m
    }

    static func ranges(_ tree: YAMLTree?, _ value: (String, YAMLTree) throws(DocumentError) -> Int) throws(DocumentError) -> [ClosedRange<Int>] {
        guard let tree, !tree.isNull else { return [] }
        var result: [ClosedRange<Int>] = []
        for item in try tree.sequence(maximum: 100) {
            let text = try item.string()
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else { throw item.error("invalid range \(text)") }
            let low = try value(parts[0], item)
            let high = parts.count == 2 ? try value(parts[1], item) : low
            guard low <= high else { throw item.error("start of the range \(text) is after its end") }
            result.append(low...high)
        }
        return result
    }
}
