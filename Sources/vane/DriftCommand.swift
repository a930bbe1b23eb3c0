import ArgumentParser
import Foundation
import VaneMonitoring

/// `vane drift`: data drift between a reference and a current window, as Evidently computes it.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare a current data window with a reference, column by column, and gate on drift.",
        discussion: """
            Computes, for every column, the drift statistic Evidently's DataDriftPreset chooses (or \
            the one forced with --method), its threshold and verdict, and the dataset verdict: drift \
            when the share of drifted columns is at least --drift-share (default 0.5).

            Default method per column, from the reference's non-missing size: up to 1000 values, \
            numerical columns use ks (K-S p-value; z for 2 distinct values, chisquare for 3-5) and \
            categorical ones chisquare (z for 2 values); above 1000, numerical columns use the normed \
            wasserstein distance (jensenshannon for up to 5 values) and categorical ones \
            jensenshannon. Methods: ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div, \
            hellinger, anderson, cramer_von_mises, t_test, ed.

            Inputs are CSV with a header row (an empty field is missing; inf and -inf are \
            infinities) or JSON lines (.jsonl, .ndjson). Column types are inferred as Evidently \
            infers them unless given with --numerical and --categorical. Missing values and \
            infinities are dropped per column and counted; a column with no values left on a side \
            is reported as "not enough data" and never counts as drift.

            Prints a table of verdicts; --json writes the full result (schema_version 1, see the \
            README), --html a self-contained page with a chart per column. Exit status: 0 no \
            dataset drift, 1 dataset drift, 2 bad input (the message names the file, line and \
            column).
            """)

    @OptionGroup var windows: WindowOptions

    @Option(help: ArgumentHelp("Force a method: COLUMN=METHOD for one column, METHOD for all (repeatable).", valueName: "column=method"))
    var method: [String] = []

    @Option(help: ArgumentHelp("Set a threshold: COLUMN=X for one column, X for all (repeatable).", valueName: "column=x"))
    var threshold: [String] = []

    @Option(name: .customLong("drift-share"), help: ArgumentHelp("Dataset drift when this share of columns drifts (0-1).", valueName: "x"))
    var driftShare: Double = 0.5

    @OptionGroup var files: ReportFileOptions

    func validate() throws {
        guard driftShare.isFinite, driftShare >= 0, driftShare <= 1 else { throw ValidationError("--drift-share must be between 0 and 1") }
        _ = try options()
    }

    /// The engine's options from the command line.
    func options() throws -> DriftOptions {
        var o = DriftOptions(numericalColumns: windows.numericalColumns, categoricalColumns: windows.categoricalColumns,
                             driftShare: driftShare)
        for text in method {
            let (column, name) = ReportOutput.assignment(text)
            guard let m = DriftMethod(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--method \(text): unknown method '\(name)'; one of \(DriftMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let column { o.methodPerColumn[column] = m } else { o.method = m }
        }
        for text in threshold {
            let (column, value) = ReportOutput.assignment(text)
            guard let x = Double(value.trimmingCharacters(in: .whitespaces)), x.isFinite else {
                throw ValidationError("--threshold \(text): '\(value)' is not a finite number")
            }
            if let column { o.thresholdPerColumn[column] = x } else { o.threshold = x }
        }
        return o
    }

    func run() throws {
        let options = try options()
        let hint = TableSchemaHint(numericalColumns: Set(options.numericalColumns ?? []), categoricalColumns: Set(options.categoricalColumns ?? []))
        let report = try ReportOutput.compute("drift") {
            ReportOutput.stage("reading \(windows.reference) and \(windows.current)…")
            let (ref, cur) = try TableReader.readPair(reference: windows.reference, current: windows.current, schema: hint)
            ReportOutput.stage("comparing \(ref.columnNames.count) columns…")
            return try DriftEngine.run(reference: ref, current: cur, options: options)
        }
        try files.write("drift", json: report.jsonData) { report.html(referenceName: windows.reference, currentName: windows.current) }
        if files.printsSummary { print(Self.summary(report), terminator: "") }
        if report.dataset.driftDetected { throw ExitCode(ReportOutput.findingStatus) }
    }

    /// The verdict table and the dataset line.
    static func summary(_ report: DriftReport) -> String {
        var table = TextTable(headers: ["column", "type", "method", "score", "threshold", "verdict", "rows ref/cur", "missing ref/cur"],
                              rightAligned: [3, 4, 6, 7])
        for c in report.columns {
            table.rows.append([c.column, c.type.rawValue, c.method?.rawValue ?? "-", c.scoreText,
                               TextFormat.short(c.threshold.isFinite ? c.threshold : nil), c.verdictText,
                               "\(c.referenceRowsUsed)/\(c.currentRowsUsed)",
                               "\(c.referenceMissing + c.referenceInfinite)/\(c.currentMissing + c.currentInfinite)"])
        }
        var out = table.render()
        for s in report.skippedColumns { out += "skipped \(s.column): \(s.reason)\n" }
        let d = report.dataset
        out += "\n\(d.driftDetected ? "DATASET DRIFT" : "no dataset drift"): \(d.driftedColumns) of \(d.numberOfColumns) columns drifted "
            + "(share \(TextFormat.short(d.share)), threshold \(TextFormat.short(d.driftShare)))\n"
        return out
    }
}
