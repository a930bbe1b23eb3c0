import ArgumentParser
import Foundation
import VaneMonitoring
import VaneSeries

/// `vane forecast`: a point forecast with prediction intervals, and when a limit will be crossed.
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast a metric series with prediction intervals and warn before it crosses a limit.",
        discussion: """
            Reads timestamp,value rows (CSV with a header row; timestamps as YYYY-MM-DD HH:MM:SS, \
            RFC 3339 or epoch seconds), puts them on a regular grid at their median sampling step \
            (repeated timestamps averaged, gaps interpolated, unordered rows sorted, missing and \
            infinite values skipped), and fits additive Holt-Winters: seasonal when the series \
            has a daily, weekly, hourly or other clear period, Holt's linear trend otherwise. \
            Prints the forecast at the horizon with its interval.

            With --limit, also prints when the series will cross the limit: likely (the point \
            forecast reaches it), earliest and latest (the edges of the interval reach it); a \
            time beyond the horizon is "not within the horizon". --json writes every step.

            Exit status: 0 no crossing (or no --limit), 1 the forecast crosses the limit within \
            the horizon or the series is already past it, 2 bad input.
            """)

    @Option(help: ArgumentHelp("The series: CSV with timestamp and value columns.", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("How far ahead: 7d, 36h, 90m, 2w, 1d12h, or seconds.", valueName: "duration"))
    var horizon: String

    @Option(help: ArgumentHelp("Report when the series will cross this value.", valueName: "x"))
    var limit: Double?

    @Option(help: ArgumentHelp("Coverage of the prediction intervals.", valueName: "p"))
    var level: Double = 0.95

    @Option(help: ArgumentHelp("Write the forecast as JSON to this file (- for standard output).", valueName: "file"))
    var json: String?

    func validate() throws {
        guard DurationParser.seconds(horizon) != nil else { throw ValidationError("--horizon '\(horizon)' is not a duration (7d, 36h, 90m, 2w, or seconds)") }
        guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1") }
        if let limit, !limit.isFinite { throw ValidationError("--limit must be a finite number") }
    }

    func run() throws {
        let seconds = DurationParser.seconds(horizon)!
        let forecast = try ReportOutput.compute("forecast") {
            ReportOutput.stage("reading \(input)…")
            let table = try TimeSeriesCSV.parse(try CSVReader.readFile(input), file: input)
            ReportOutput.stage("fitting \(table.count) points…")
            return try Forecaster.forecast(timestamps: table.timestamps, values: table.values, horizon: seconds, level: level, limit: limit)
        }
        if let json {
            do { try ReportOutput.write(forecast.jsonData(horizon: seconds), to: json) } catch {
                throw ExitCode(ReportOutput.fail("forecast", "cannot write the report: \(error.localizedDescription)"))
            }
        }
        if json != "-" { print(Self.summary(forecast), terminator: "") }
        if let c = forecast.crossing, c.alreadyCrossed || c.likely != nil { throw ExitCode(ReportOutput.findingStatus) }
    }

    /// Model, the forecast at a few times up to the horizon, and the crossing.
    static func summary(_ f: Forecast) -> String {
        var out = "\(f.model)"
        if let p = f.fit.period { out += ", period \(Self.duration(Double(p) * f.step))" }
        out += ", step \(Self.duration(f.step)), \(f.fit.count) points fitted\n\n"
        var table = TextTable(headers: ["time", "forecast", "lower", "upper"], rightAligned: [1, 2, 3])
        let n = f.points.count
        let shown = Set((1...min(8, n)).map { n * $0 / min(8, n) - 1 })
        for i in shown.sorted() {
            let p = f.points[i]
            table.rows.append([TimestampParser.rfc3339(p.timestamp), TextFormat.short(p.value), TextFormat.short(p.lower), TextFormat.short(p.upper)])
        }
        out += table.render()
        if let c = f.crossing {
            func when(_ t: Double?) -> String { t.map(TimestampParser.rfc3339) ?? "not within the horizon" }
            out += "\n"
            if c.alreadyCrossed {
                out += "LIMIT \(TextFormat.short(c.limit)): already reached at \(TimestampParser.rfc3339(f.lastTimestamp))\n"
            } else {
                out += "limit \(TextFormat.short(c.limit)) (\(c.direction == "up" ? "rising to it" : "falling to it")): "
                    + "likely \(when(c.likely)); earliest \(when(c.earliest)); latest \(when(c.latest))\n"
                if c.likely != nil { out += "LIMIT CROSSED within the horizon\n" }
            }
        }
        return out
    }

    /// 5m, 1h, 1d, 7d… for periods and steps.
    static func duration(_ s: Double) -> String {
        for (unit, size) in [("w", 604_800.0), ("d", 86_400), ("h", 3_600), ("m", 60)] where s >= size && (s / size).rounded() == s / size {
            return "\(Int(s / size))\(unit)"
        }
        return "\(TextFormat.short(s))s"
    }
}
