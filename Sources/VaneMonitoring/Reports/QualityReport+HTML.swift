import Foundation

extension QualityReport {
    /// The report as one self-contained HTML page: the verdict, the violations, a per-column
    /// table and, per column, reference-vs-current category bars or value ranges as inline SVG.
    public func html(referenceName: String, currentName: String) -> String {
        var page = HTMLReport(title: "Data quality", subtitle: "reference \(referenceName) · current \(currentName)")
        page.verdict(failed: !passed, headline: passed ? "All checks passed" : "\(violations.count) violation\(violations.count == 1 ? "" : "s")",
                     detail: "\(columns.count) columns checked; \(referenceRows) reference rows, \(currentRows) current rows")
        if !violations.isEmpty {
            page.heading("Violations")
            page.table(headers: ["column", "check", "value", "limit", "message"],
                       rows: violations.map { [$0.column.isEmpty ? "(table)" : $0.column, $0.check.rawValue,
                                               TextFormat.short($0.value), TextFormat.short($0.limit), $0.message] },
                       failedRows: Set(violations.indices), numericColumns: [2, 3])
        }
        page.heading("Columns")
        var failed = Set<Int>()
        var rows: [[String]] = []
        for (i, c) in columns.enumerated() {
            if !c.passed { failed.insert(i) }
            rows.append([c.column, c.kind.rawValue,
                         TextFormat.short(c.reference.missingShare), c.current.map { TextFormat.short($0.missingShare) } ?? "-",
                         "\(c.reference.distinctCount)", c.current.map { "\($0.distinctCount)" } ?? "-",
                         c.range.map { "\($0.outOfRangeCount)" } ?? (c.categories.map { "\($0.newValueCount) new" } ?? "-"),
                         c.passed ? "ok" : c.failedChecks.map(\.rawValue).joined(separator: ", ")])
        }
        page.table(headers: ["column", "kind", "ref missing", "cur missing", "ref distinct", "cur distinct", "out of range / new", "result"],
                   rows: rows, failedRows: failed, numericColumns: [2, 3, 4, 5, 6])
        page.heading("Distributions")
        page.beginGrid()
        for c in columns {
            page.card(title: "\(c.column) (\(c.kind.rawValue))", badge: c.passed ? "ok" : "violation", failed: !c.passed,
                      chart: Self.chart(c), details: Self.details(c))
        }
        page.endGrid()
        return page.render()
    }

    static func chart(_ c: ColumnQualityResult) -> String? {
        if let cats = c.categories, !cats.top.isEmpty {
            var labels = cats.top.map { $0.isNew ? "\($0.value) (new)" : $0.value }
            var ref = cats.top.map(\.referenceCount), cur = cats.top.map(\.currentCount)
            if cats.otherReferenceCount + cats.otherCurrentCount > 0 {
                labels.append("(other)"); ref.append(cats.otherReferenceCount); cur.append(cats.otherCurrentCount)
            }
            let rt = Double(max(ref.reduce(0, +), 1)), ct = Double(max(cur.reduce(0, +), 1))
            return SVGChart.bars(reference: ref.map { Double($0) / rt }, current: cur.map { Double($0) / ct },
                                 axis: .categories(labels), valueAxisLabel: "share")
        }
        func spread(_ s: ColumnStatistics?) -> SVGChart.Spread? {
            guard let s, let lo = s.minimum, let hi = s.maximum else { return nil }
            return SVGChart.Spread(minimum: lo, maximum: hi, mean: s.mean)
        }
        let svg = SVGChart.ranges(reference: spread(c.reference), current: spread(c.current))
        return svg.isEmpty ? nil : svg
    }

    static func details(_ c: ColumnQualityResult) -> [String] {
        var d = ["missing \(c.reference.missingCount) → \(c.current.map { "\($0.missingCount)" } ?? "-"); "
                 + "distinct \(c.reference.distinctCount) → \(c.current.map { "\($0.distinctCount)" } ?? "-")"]
        if let r = c.range, let lo = r.minimum, let hi = r.maximum {
            d.append("reference range [\(TextFormat.short(lo)), \(TextFormat.short(hi))]; \(r.outOfRangeCount) current values outside")
        }
        if let cats = c.categories, cats.newCategoryCount > 0 {
            d.append("\(cats.newCategoryCount) new categor\(cats.newCategoryCount == 1 ? "y" : "ies"): "
                     + cats.newCategories.prefix(5).map(\.value).joined(separator: ", "))
        }
        if let cur = c.current, cur.typeViolationCount > 0 {
            d.append("\(cur.typeViolationCount) values of the wrong type, e.g. " + cur.typeViolationExamples.prefix(3).joined(separator: ", "))
        }
        return d
    }
}
