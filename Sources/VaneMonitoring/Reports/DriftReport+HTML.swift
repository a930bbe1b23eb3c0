import Foundation

extension DriftReport {
    /// The report as one self-contained HTML page: the dataset verdict, a per-column verdict
    /// table and, per column, reference-vs-current bars drawn as inline SVG.
    public func html(referenceName: String, currentName: String) -> String {
        var page = HTMLReport(title: "Data drift", subtitle: "reference \(referenceName) · current \(currentName)")
        let d = dataset
        page.verdict(failed: d.driftDetected,
                     headline: d.driftDetected ? "Dataset drift detected" : "No dataset drift",
                     detail: "\(d.driftedColumns) of \(d.numberOfColumns) columns drifted (share \(TextFormat.short(d.share)), "
                         + "drift when share ≥ \(TextFormat.short(d.driftShare)))")
        page.heading("Columns")
        var failed = Set<Int>()
        var rows: [[String]] = []
        for (i, c) in columns.enumerated() {
            if c.driftDetected { failed.insert(i) }
            rows.append([c.column, c.type.rawValue, c.method?.rawValue ?? "-", c.scoreText, TextFormat.short(c.threshold.isFinite ? c.threshold : nil),
                         c.verdictText, "\(c.referenceRowsUsed)", "\(c.currentRowsUsed)",
                         "\(c.referenceMissing + c.referenceInfinite)", "\(c.currentMissing + c.currentInfinite)"])
        }
        page.table(headers: ["column", "type", "method", "score", "threshold", "verdict", "ref rows", "cur rows", "ref missing", "cur missing"],
                   rows: rows, failedRows: failed, numericColumns: [3, 4, 6, 7, 8, 9])
        if !skippedColumns.isEmpty {
            page.paragraph("Not compared: " + skippedColumns.map { "\($0.column) (\($0.reason))" }.joined(separator: "; "))
        }
        page.heading("Distributions")
        page.beginGrid()
        for c in columns {
            var details = ["\(c.method.map { $0.displayName } ?? "no method"): \(c.scoreText), threshold \(TextFormat.short(c.threshold.isFinite ? c.threshold : nil))"]
            if let e = c.outcome.error { details.append(e) }
            page.card(title: "\(c.column) (\(c.type.rawValue))", badge: c.verdictText, failed: c.driftDetected,
                      chart: c.distribution.map(SVGChart.distribution), details: details)
        }
        page.endGrid()
        return page.render()
    }
}

extension ColumnDriftResult {
    /// The score as a short number, `-` when none was computed.
    public var scoreText: String {
        outcome.error != nil ? "-" : TextFormat.short(score)
    }

    /// `drift`, `no drift`, `not enough data` or `error`.
    public var verdictText: String {
        switch status {
        case "not_enough_data": "not enough data"
        case "error": "error"
        default: driftDetected ? "drift" : "no drift"
        }
    }
}
