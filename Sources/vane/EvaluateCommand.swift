import ArgumentParser
import Foundation
import VaneMonitoring

/// `vane evaluate`: model performance on labelled data, optionally against a reference window.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a model's predictions against labels and gate on performance.",
        discussion: """
            Classification: accuracy, precision, recall, F1 (of the positive class for two classes, \
            macro-averaged otherwise), ROC AUC and log loss (when the prediction is a probability: \
            one column for two classes, or one column per class named after it), and the confusion \
            matrix. Regression: mean error, MAE, RMSE, MAPE (percent, as Evidently computes it) \
            and R². The task is inferred unless given: text targets, or at most 10 distinct whole \
            numbers, are classification. Rows whose target or prediction is missing are dropped \
            and counted.

            With --reference the same metrics are computed for the reference window, and a metric \
            worse than the reference's by more than --fail-if-worse-by (relative, default 0.2, as \
            Evidently's tests) is a finding; improvements never are. --min and --max set absolute \
            bounds (METRIC=X; metrics: accuracy, precision, recall, f1, roc_auc, log_loss, mae, \
            rmse, mape, r2, mean_error).

            Inputs are CSV with a header row or JSON lines. Prints the metrics; --json writes the \
            full result (schema_version 1, see the README), --html a self-contained page. Exit \
            status: 0 all checks passed, 1 a finding, 2 bad input.
            """)

    @Option(help: ArgumentHelp("The labelled data with predictions (CSV or JSON lines).", valueName: "file"))
    var data: String

    @Option(help: ArgumentHelp("The column holding the true value or label.", valueName: "column"))
    var target: String

    @Option(help: ArgumentHelp("The prediction column, or one probability column per class (comma-separated).", valueName: "columns"))
    var prediction: [String]

    @Option(help: ArgumentHelp("A reference window with the same columns, to compare with.", valueName: "file"))
    var reference: String?

    @Option(help: ArgumentHelp("classification or regression (default: inferred).", valueName: "task"))
    var task: String?

    @Option(name: .customLong("positive-label"), help: ArgumentHelp("The positive class of a binary problem (default 1, true, or the larger label).", valueName: "label"))
    var positiveLabel: String?

    @Option(name: .customLong("fail-if-worse-by"), help: ArgumentHelp("Relative degradation against the reference that fails.", valueName: "x"))
    var failIfWorseBy: Double = 0.2

    @Flag(name: .customLong("no-reference-gate"), help: "Compare with the reference without failing on a difference.")
    var noReferenceGate = false

    @Option(name: .customLong("min"), help: ArgumentHelp("Fail when METRIC is below X (repeatable).", valueName: "metric=x"))
    var minimums: [String] = []

    @Option(name: .customLong("max"), help: ArgumentHelp("Fail when METRIC is above X (repeatable).", valueName: "metric=x"))
    var maximums: [String] = []

    @OptionGroup var files: ReportFileOptions

    /// The library's options from the command line.
    func options() throws -> EvaluationOptions {
        var parsedTask: ModelTask? = nil
        if let task {
            guard let t = ModelTask(rawValue: task.lowercased()) else { throw ValidationError("--task must be classification or regression") }
            parsedTask = t
        }
        guard let columns = ReportOutput.names(prediction), !columns.isEmpty else { throw ValidationError("--prediction names no column") }
        func bounds(_ values: [String], _ flag: String) throws -> [String: Double] {
            var out: [String: Double] = [:]
            for text in values {
                let (name, value) = ReportOutput.assignment(text)
                guard let name, PerformanceMetric(rawValue: name) != nil else {
                    throw ValidationError("\(flag) \(text): expected METRIC=X with a metric of \(PerformanceMetric.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard let x = Double(value), x.isFinite else { throw ValidationError("\(flag) \(text): '\(value)' is not a finite number") }
                out[name] = x
            }
            return out
        }
        guard failIfWorseBy.isFinite, failIfWorseBy >= 0 else { throw ValidationError("--fail-if-worse-by must be a number ≥ 0") }
        return EvaluationOptions(targetColumn: target, predictionColumns: columns, task: parsedTask, positiveLabel: positiveLabel,
                                 failIfWorseBy: noReferenceGate ? nil : failIfWorseBy,
                                 minimums: try bounds(minimums, "--min"), maximums: try bounds(maximums, "--max"),
                                 currentName: data, referenceName: reference ?? "reference data")
    }

    func validate() throws {
        let o = try options()
        do { try PerformanceGate.validate(o, task: o.task) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let options = try options()
        let report = try ReportOutput.compute("evaluate") {
            ReportOutput.stage("reading \(data)…")
            let cur = try TableReader.read(path: data)
            let ref = try reference.map { path throws(DataReadError) in try TableReader.read(path: path) }
            ReportOutput.stage("evaluating…")
            return try ModelEvaluation.evaluate(current: cur, reference: ref, options: options)
        }
        try files.write("evaluate", json: report.jsonData) { report.html(dataName: data, referenceName: reference) }
        if files.printsSummary { print(Self.summary(report), terminator: "") }
        if !report.passed { throw ExitCode(ReportOutput.findingStatus) }
    }

    /// The metrics side by side and the findings.
    static func summary(_ report: PerformanceReport) -> String {
        var table = TextTable(headers: report.reference == nil ? ["metric", "value"] : ["metric", "reference", "current"],
                              rightAligned: [1, 2])
        for m in PerformanceMetric.allCases where m.task == report.task {
            let cur = TextFormat.short(report.current.value(of: m))
            table.rows.append(report.reference.map { [m.rawValue, TextFormat.short($0.value(of: m)), cur] } ?? [m.rawValue, cur])
        }
        var out = "\(report.task.rawValue), \(report.current.rowsUsed) rows"
        if report.current.rowsDroppedMissing > 0 { out += " (\(report.current.rowsDroppedMissing) dropped: missing target or prediction)" }
        out += "\n\n" + table.render() + "\n"
        if let cm = report.current.classification?.confusionMatrix, !cm.labels.isEmpty, cm.labels.count <= 12 {
            var t = TextTable(headers: ["actual \\ predicted"] + cm.labels, rightAligned: Set(1...cm.labels.count))
            t.rows = zip(cm.labels, cm.values).map { [$0] + $1.map(String.init) }
            out += t.render() + "\n"
        }
        for f in report.findings { out += "\(f.metric): \(f.message)\n" }
        out += report.passed ? "all checks passed\n" : "\(report.findings.count) finding\(report.findings.count == 1 ? "" : "s")\n"
        return out
    }
}
