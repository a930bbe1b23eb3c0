import ArgumentParser
import Foundation
import VaneMonitoring
import VaneSeries

/// `vane anomaly`: streaming anomaly scores for metric series, and the detectors' evaluation.
struct AnomalyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly",
        abstract: "Score metric series for anomalies, and evaluate the detectors.",
        subcommands: [AnomalyScoreCommand.self, AnomalyEvaluateCommand.self])
}

/// `vane anomaly score`: one anomaly score per row, streaming, no look-ahead.
struct AnomalyScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Add an anomaly score in [0, 1] to every row of a metric series.",
        discussion: """
            Reads timestamp,value rows (CSV with a header row; timestamps as YYYY-MM-DD HH:MM:SS, \
            RFC 3339 or epoch seconds) and writes timestamp,value,anomaly_score rows: the same \
            rows in the same order, the timestamp and value written as they were read. Each \
            score uses only the rows at or before it, so appending rows never changes earlier \
            scores.

            Rows are taken in file order: repeated or decreasing timestamps count as one row each, \
            gaps are allowed. A missing value (empty, NaN, NA, null) or an infinity is not learned \
            from and scores 0. An unreadable timestamp or value stops the run with an error naming \
            its line (exit status 2); nothing is written then.

            Detectors (--detector): \(DetectorName.allCases.map(\.rawValue).joined(separator: ", ")). \
            The default is the best one on the evaluation corpus (vane anomaly evaluate).
            """)

    @Option(help: ArgumentHelp("The series: CSV with timestamp and value columns.", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("The detector to use.", valueName: "name"))
    var detector: String = DetectorName.default.rawValue

    @Option(help: ArgumentHelp("Where to write the scored rows (default: standard output).", valueName: "file"))
    var output: String = "-"

    func validate() throws {
        guard DetectorName(rawValue: detector) != nil else {
            throw ValidationError("--detector '\(detector)' is not one of \(DetectorName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let table = try ReportOutput.compute("anomaly score") {
            ReportOutput.stage("reading \(input)…")
            return try TimeSeriesCSV.parse(try CSVReader.readFile(input), file: input)
        }
        ReportOutput.stage("scoring \(table.count) rows…")
        var model = DetectorName(rawValue: detector)!.makeDetector()
        var out = [UInt8]()
        out.reserveCapacity(table.bytes.count + table.count * 22 + 32)
        out.append(contentsOf: Array("timestamp,value,anomaly_score\n".utf8))
        table.bytes.withUnsafeBufferPointer { b in
            for i in 0..<table.count {
                let s = model.score(timestamp: table.timestamps[i], value: table.values[i])
                Self.appendField(b, table.timestampFields[i], to: &out)
                out.append(0x2C)
                Self.appendField(b, table.valueFields[i], to: &out)
                out.append(0x2C)
                out.append(contentsOf: Self.scoreText(s).utf8)
                out.append(0x0A)
            }
        }
        ReportOutput.clearStage()
        do { try ReportOutput.write(Data(out), to: output) } catch {
            throw ExitCode(ReportOutput.fail("anomaly score", "cannot write \(output): \(error.localizedDescription)"))
        }
    }

    /// A field as read; quoted again when it holds a comma or a quote.
    static func appendField(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, to out: inout [UInt8]) {
        let field = b[r]
        if field.contains(0x2C) || field.contains(0x22) || field.contains(0x0A) {
            out.append(0x22)
            for c in field { if c == 0x22 { out.append(0x22) }; out.append(c) }
            out.append(0x22)
        } else {
            out.append(contentsOf: field)
        }
    }

    /// The shortest text that reads back as the same score, clamped to [0, 1] and never NaN.
    static func scoreText(_ s: Double) -> String {
        guard s.isFinite else { return "0" }
        let c = min(1, max(0, s))
        return c == 0 ? "0" : c == 1 ? "1" : "\(c)"
    }
}

/// `vane anomaly evaluate`: the detectors scored on the labelled corpus by NAB's rules.
struct AnomalyEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score the detectors on a generated, labelled corpus by the NAB scoring rules.",
        discussion: """
            Generates a reproducible corpus of labelled series (daily and weekly seasonality, \
            trends, noise, count series, irregular sampling; spikes, dips, level shifts, variance \
            changes, slow drifts, flat-lines and seasonality breaks as labelled anomalies), runs \
            each detector over every series point by point, and scores it as the Numenta \
            Anomaly Benchmark does: windows around each anomaly, early detections rewarded, false \
            positives charged, one threshold per detector and profile optimised over the corpus, \
            normalised so that the null detector scores 0 and a perfect one 100. Prints a \
            scoreboard (Markdown); --json writes every figure.
            """)

    @Option(help: ArgumentHelp("Seed of the corpus.", valueName: "n"))
    var seed: UInt64 = 20_251_202

    @Option(help: ArgumentHelp("Number of series.", valueName: "n"))
    var series: Int = 80

    @Option(help: ArgumentHelp("Detectors to score (comma-separated; default all).", valueName: "names"))
    var detector: [String] = []

    @Option(help: ArgumentHelp("Write the full results as JSON to this file.", valueName: "file"))
    var json: String?

    func validate() throws {
        guard (1...10_000).contains(series) else { throw ValidationError("--series must be between 1 and 10000") }
        for name in ReportOutput.names(detector) ?? [] where DetectorName(rawValue: name) == nil {
            throw ValidationError("--detector '\(name)' is not one of \(DetectorName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let names = (ReportOutput.names(detector) ?? DetectorName.allCases.map(\.rawValue)).compactMap(DetectorName.init(rawValue:))
        ReportOutput.stage("generating \(series) series…")
        let corpus = SeriesGenerator(seed: seed, seriesCount: series).corpus()
        var entries: [(name: String, result: NABResult)] = []
        for name in names {
            ReportOutput.stage("scoring \(name.rawValue)…")
            let result = DetectorEvaluation.evaluate(corpus: corpus) { s in
                var d = name.makeDetector()
                return d.scores(timestamps: s.timestamps, values: s.values)
            }
            entries.append((name.rawValue, result))
        }
        ReportOutput.clearStage()
        let rows = corpus.reduce(0) { $0 + $1.values.count }
        print("corpus: seed \(seed), \(corpus.count) series, \(rows) rows, \(entries.first?.result.windowCount ?? 0) anomaly windows\n")
        print(NABResult.scoreboard(entries))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            struct Entry: Encodable { var detector: String; var result: NABResult }
            do {
                try ReportOutput.write(encoder.encode(entries.map { Entry(detector: $0.name, result: $0.result) }), to: json)
            } catch {
                throw ExitCode(ReportOutput.fail("anomaly evaluate", "cannot write the report: \(error.localizedDescription)"))
            }
        }
    }
}
