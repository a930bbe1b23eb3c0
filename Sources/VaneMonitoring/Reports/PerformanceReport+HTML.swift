import Foundation

extension PerformanceReport {
    /// Metrics in report order for this task.
    var metrics: [PerformanceMetric] { PerformanceMetric.allCases.filter { $0.task == task } }

    /// The report as one self-contained HTML page: the gate's verdict and findings, the metrics
    /// of both windows side by side as a table and as inline SVG bars, and the confusion matrices.
    public func html(dataName: String, referenceName: String?) -> String {
        var subtitle = "\(task.rawValue) · target \(target) · prediction \(prediction.joined(separator: ", ")) · data \(dataName)"
        if let referenceName { subtitle += " · reference \(referenceName)" }
        var page = HTMLReport(title: "Model performance", subtitle: subtitle)
        page.verdict(failed: !passed, headline: passed ? "Performance checks passed" : "\(findings.count) finding\(findings.count == 1 ? "" : "s")",
                     detail: "\(current.rowsUsed) rows scored" + (reference.map { " (reference \($0.rowsUsed))" } ?? ""))
        if !findings.isEmpty {
            page.heading("Findings")
            page.table(headers: ["metric", "kind", "reference", "current", "limit", "message"],
                       rows: findings.map { [$0.metric, $0.kind.rawValue, TextFormat.short($0.reference), TextFormat.short($0.current),
                                             TextFormat.short($0.limit), $0.message] },
                       failedRows: Set(findings.indices), numericColumns: [2, 3, 4])
        }
        page.heading("Metrics")
        let failing = Set(findings.map(\.metric))
        var rows: [[String]] = []
        var failedRows = Set<Int>()
        for (i, m) in metrics.enumerated() {
            if failing.contains(m.rawValue) { failedRows.insert(i) }
            rows.append([m.rawValue, TextFormat.short(reference?.value(of: m)), TextFormat.short(current.value(of: m))])
        }
        page.table(headers: ["metric", "reference", "current"], rows: rows, failedRows: failedRows, numericColumns: [1, 2])
        // bars: scores in [0, 1] for classification; errors in the target's unit for regression
        let charted: [PerformanceMetric] = task == .classification ? [.accuracy, .precision, .recall, .f1, .rocAuc] : [.mae, .rmse]
        let shown = charted.filter { current.value(of: $0) != nil }
        if !shown.isEmpty {
            let chart = SVGChart.bars(reference: shown.map { reference?.value(of: $0) ?? 0 }, current: shown.map { current.value(of: $0) ?? 0 },
                                      axis: .categories(shown.map(\.rawValue)), valueAxisLabel: task == .classification ? "score" : "error")
            page.beginGrid()
            page.card(title: task == .classification ? "Scores" : "Errors", badge: passed ? "ok" : "finding", failed: !passed,
                      chart: chart, details: current.notes)
            page.endGrid()
        }
        for (name, window) in [("current", Optional(current)), ("reference", reference)] {
            guard let cm = window?.classification?.confusionMatrix, !cm.labels.isEmpty else { continue }
            page.heading("Confusion matrix, \(name) (rows: actual, columns: predicted)")
            page.table(headers: [""] + cm.labels, rows: zip(cm.labels, cm.values).map { [$0] + $1.map(String.init) },
                       numericColumns: Set(1...cm.labels.count))
        }
        return page.render()
    }
}
