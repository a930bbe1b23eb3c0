import Foundation
import Testing
@testable import VaneMonitoring

/// Reads Tests/Fixtures/drift/<case>/{reference.csv,current.csv,expected.json} (values computed by
/// Evidently 0.7.23) and checks every column, every forced method and the dataset verdicts.
struct FixtureAcceptanceTests {
    static let fixturesRoot = fixturesFolder("drift")
    static let caseNames = caseFolders(in: fixturesRoot)

    /// Relative tolerance per method. 1e-9 everywhere except where SciPy's own result carries
    /// less precision than that:
    /// - cramer_von_mises (asymptotic): p = 1 − cdf, where cdf is a sum of Bessel terms near 1;
    ///   SciPy's own p for p ≈ 1e-8 carries an absolute error of ~1e-16 (≈1e-8 relative), so
    ///   only an absolute tolerance of 1e-13 is meaningful there.
    static func matches(_ got: Double?, _ want: Double, method: String) -> Bool {
        guard let got else { return false }
        if got.isNaN || want.isNaN { return got.isNaN && want.isNaN }
        if got == want { return true }
        let diff = abs(got - want)
        if method == "cramer_von_mises" { return diff <= 1e-13 + 1e-9 * abs(want) }
        return diff <= 1e-9 * abs(want)
    }

    static func number(_ any: Any?) -> Double? {
        if let d = any as? Double { return d }
        if let i = any as? Int { return Double(i) }
        if let n = any as? NSNumber { return n.doubleValue }
        switch any as? String {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return nil
        }
    }

    static func load(_ name: String) throws -> (DataTable, DataTable, [String: Any]) {
        let dir = fixturesRoot.appendingPathComponent(name)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as! [String: Any]
        let schema = TableSchemaHint(numericalColumns: Set(expected["numerical_columns"] as! [String]),
                                     categoricalColumns: Set(expected["categorical_columns"] as! [String]))
        let ref = try CSVReader.read(path: dir.appendingPathComponent("reference.csv").path, schema: schema)
        let cur = try CSVReader.read(path: dir.appendingPathComponent("current.csv").path, schema: schema)
        return (ref, cur, expected)
    }

    static func compare(_ label: String, _ got: MethodOutcome, _ want: [String: Any], method: String, into problems: inout [String]) {
        if let err = want["error"] as? String {
            if got.error == nil { problems.append("\(label): want error '\(err)', got score \(String(describing: got.score))") }
            return
        }
        let score = number(want["score"])!
        if !matches(got.score, score, method: method) {
            problems.append("\(label): score \(String(describing: got.score)) want \(score) (error: \(got.error ?? "-"))")
        }
        if let t = number(want["threshold"]), got.threshold != t { problems.append("\(label): threshold \(got.threshold) want \(t)") }
        if let d = want["drift_detected"] as? Bool, got.driftDetected != d { problems.append("\(label): drift \(got.driftDetected) want \(d)") }
    }

    @Test("fixtures are present")
    func fixturesPresent() {
        #expect(Self.caseNames.count >= 4, "fixture cases under \(Self.fixturesRoot.path)")
    }

    @Test("every column, forced method and dataset verdict matches Evidently", arguments: caseNames)
    func fixtureCase(_ name: String) throws {
        let (ref, cur, expected) = try Self.load(name)
        let options = DriftOptions(numericalColumns: expected["numerical_columns"] as? [String],
                                   categoricalColumns: expected["categorical_columns"] as? [String])
        let report = try DriftEngine.run(reference: ref, current: cur, options: options)
        var problems: [String] = []
        let columns = expected["columns"] as! [String: [String: Any]]
        #expect(report.columns.count == columns.count)
        for (colName, exp) in columns.sorted(by: { $0.key < $1.key }) {
            guard let got = report.columns.first(where: { $0.column == colName }) else {
                problems.append("\(colName): missing from report"); continue
            }
            let def = exp["default"] as! [String: Any]
            let wantMethod = def["method"] as! String
            if got.method?.rawValue != wantMethod { problems.append("\(colName): method \(String(describing: got.method)) want \(wantMethod)") }
            Self.compare("\(colName) default", got.outcome, def, method: wantMethod, into: &problems)
            if let dp = exp["dataset_path"] as? [String: Any] {
                let path = got.datasetPath ?? got.outcome
                if path.method?.rawValue != dp["method"] as? String { problems.append("\(colName) dataset_path: method") }
                Self.compare("\(colName) dataset_path", path, dp, method: wantMethod, into: &problems)
            }
            let checks: [(String, Int)] = [
                ("reference_rows_used", got.referenceRowsUsed), ("current_rows_used", got.currentRowsUsed),
                ("reference_missing_or_inf", got.referenceMissing + got.referenceInfinite),
                ("current_missing_or_inf", got.currentMissing + got.currentInfinite),
                ("n_unique_reference", got.uniqueReference), ("n_unique_combined", got.uniqueCombined),
            ]
            for (key, value) in checks where (exp[key] as? Int) != value {
                problems.append("\(colName): \(key) \(value) want \(String(describing: exp[key]))")
            }
            let kind: ColumnKind = (exp["type"] as? String) == "categorical" ? .categorical : .numerical
            for (m, want) in (exp["forced"] as? [String: [String: Any]] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let method = DriftMethod(rawValue: m) else { problems.append("\(colName): unknown method \(m)"); continue }
                let forced = DriftEngine.column(name: colName, kind: kind, reference: ref.column(named: colName)!,
                                                current: cur.column(named: colName)!, method: method, threshold: nil)
                if forced.method != method { problems.append("\(colName) forced \(m): ran \(String(describing: forced.method))") }
                Self.compare("\(colName) forced \(m)", forced.outcome, want, method: m, into: &problems)
            }
        }
        let ds = expected["dataset"] as! [String: Any]
        if report.evidentlyDatasetCount.driftedColumns != ds["number_of_drifted_columns"] as? Int {
            problems.append("dataset: evidently count \(report.evidentlyDatasetCount.driftedColumns) want \(ds["number_of_drifted_columns"]!)")
        }
        if report.evidentlyDatasetCount.driftDetected != ds["dataset_drift"] as? Bool { problems.append("dataset: evidently verdict") }
        if !Self.matches(report.evidentlyDatasetCount.share, Self.number(ds["share_of_drifted_columns"])!, method: "share") {
            problems.append("dataset: share \(report.evidentlyDatasetCount.share)")
        }
        if report.dataset.driftedColumns != ds["count_of_per_column_ValueDrift_verdicts"] as? Int {
            problems.append("dataset: per-column count \(report.dataset.driftedColumns) want \(ds["count_of_per_column_ValueDrift_verdicts"]!)")
        }
        if report.dataset.numberOfColumns != ds["number_of_columns"] as? Int { problems.append("dataset: number of columns") }
        if (ds["count_matches_per_column_verdicts"] as? Bool) == true && report.dataset.driftDetected != ds["dataset_drift"] as? Bool {
            problems.append("dataset: verdict \(report.dataset.driftDetected)")
        }
        #expect(problems.isEmpty, "\(name):\n\(problems.joined(separator: "\n"))")
    }
}
