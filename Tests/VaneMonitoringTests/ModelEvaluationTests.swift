import Foundation
import Testing
@testable import VaneMonitoring

/// Model performance: fixtures computed by scikit-learn as Evidently calls it
/// (Tests/Fixtures/performance/generate.py), task inference, the gate and bad inputs.
struct ModelEvaluationTests {
    static let fixturesRoot = fixturesFolder("performance")
    static let caseNames = caseFolders(in: fixturesRoot)

    // MARK: helpers

    static func table(_ columns: [(String, DataTable.Column)]) -> DataTable {
        try! DataTable(columns: columns.map { (name: $0.0, values: $0.1) })
    }

    static func strings(_ v: [String?]) -> DataTable.Column { .categorical(CategoricalColumn(v)) }

    static func evaluate(_ current: DataTable, _ reference: DataTable? = nil, target: String = "y", prediction: String = "p",
                         task: ModelTask? = nil, failIfWorseBy: Double? = 0.2, minimums: [String: Double] = [:],
                         maximums: [String: Double] = [:]) throws(EvaluationError) -> PerformanceReport {
        try ModelEvaluation.evaluate(current: current, reference: reference,
                                     options: EvaluationOptions(targetColumn: target, predictionColumn: prediction, task: task,
                                                                failIfWorseBy: failIfWorseBy, minimums: minimums, maximums: maximums))
    }

    /// A regression window whose absolute errors are all `error` (so MAE = RMSE = `error`).
    static func regressionTable(error: Double, rows: Int = 20) -> DataTable {
        let y = (0..<rows).map { Double($0) * 1.5 + 10 }
        return table([("y", .numeric(y)), ("p", .numeric(y.enumerated().map { $1 + ($0 % 2 == 0 ? error : -error) }))])
    }

    /// A binary label window with the given number of correct rows out of 20.
    static func labelTable(correct: Int) -> DataTable {
        let y: [String?] = (0..<20).map { $0 % 2 == 0 ? "a" : "b" }
        let p: [String?] = y.enumerated().map { i, v in i < correct ? v : (v == "a" ? "b" : "a") }
        return table([("y", strings(y)), ("p", strings(p))])
    }

    // MARK: fixtures vs scikit-learn

    @Test("performance fixtures are present")
    func fixturesPresent() {
        #expect(Self.caseNames.count >= 4, "fixture cases under \(Self.fixturesRoot.path)")
    }

    @Test("every metric matches scikit-learn to 1e-9 relative", arguments: caseNames)
    func fixtureCase(_ name: String) throws {
        let dir = Self.fixturesRoot.appendingPathComponent(name)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as! [String: Any]
        let current = try TableReader.read(path: dir.appendingPathComponent("current.csv").path)
        let refPath = dir.appendingPathComponent("reference.csv").path
        let reference = FileManager.default.fileExists(atPath: refPath) ? try TableReader.read(path: refPath) : nil
        let options = EvaluationOptions(targetColumn: expected["target"] as! String, predictionColumns: expected["prediction"] as! [String])
        let report = try ModelEvaluation.evaluate(current: current, reference: reference, options: options)
        var problems: [String] = []
        if report.task.rawValue != expected["task"] as? String { problems.append("task \(report.task)") }
        if report.predictionType?.rawValue != expected["prediction_type"] as? String { problems.append("prediction_type \(String(describing: report.predictionType))") }
        if report.classes != expected["classes"] as? [String] { problems.append("classes \(String(describing: report.classes))") }
        if report.positiveLabel != expected["positive_label"] as? String { problems.append("positive_label \(String(describing: report.positiveLabel))") }
        if report.averaging?.rawValue != expected["averaging"] as? String { problems.append("averaging \(String(describing: report.averaging))") }
        for (side, window) in [("current", report.current), ("reference", report.reference)] {
            guard let want = expected[side] as? [String: Any] else { continue }
            guard let window else { problems.append("\(side): missing"); continue }
            for (key, got) in [("rows", window.rows), ("rows_used", window.rowsUsed), ("rows_dropped_missing", window.rowsDroppedMissing)]
            where want[key] as? Int != got {
                problems.append("\(side) \(key): \(got) want \(String(describing: want[key]))")
            }
            let metrics = want["metrics"] as! [String: Any]
            #expect(Set(metrics.keys) == Set(PerformanceMetric.metrics(for: report.task).map(\.rawValue)))
            for (key, value) in metrics.sorted(by: { $0.key < $1.key }) {
                let got = window.value(of: PerformanceMetric(rawValue: key)!)
                if let w = value as? Double {
                    if got == nil || !close(got!, w) { problems.append("\(side) \(key): \(String(describing: got)) want \(w)") }
                } else if got != nil {
                    problems.append("\(side) \(key): \(got!) want null")
                }
            }
            if let matrix = want["confusion_matrix"] as? [[Int]], window.classification?.confusionMatrix.values != matrix {
                problems.append("\(side) confusion_matrix \(String(describing: window.classification?.confusionMatrix.values)) want \(matrix)")
            }
        }
        #expect(problems.isEmpty, "\(name):\n\(problems.joined(separator: "\n"))")
    }

    // MARK: task inference

    @Test("task inference: strings and few whole numbers are classes, other numbers regression")
    func taskInference() {
        let infer = { (c: [DataTable.Column], n: Int) in ModelEvaluation.inferTask(targets: c, predictionColumnCount: n) }
        #expect(infer([Self.strings(["a", "b", nil])], 1) == .classification)
        #expect(infer([.numeric([0, 1, 1, .nan])], 1) == .classification)
        #expect(infer([.numeric((0..<10).map(Double.init))], 1) == .classification)
        #expect(infer([.numeric((0..<11).map(Double.init))], 1) == .regression)
        #expect(infer([.numeric([0, 1, 2]), .numeric((5..<14).map(Double.init))], 1) == .regression)  // 12 distinct over both windows
        #expect(infer([.numeric([0.5, 1, 2])], 1) == .regression)
        #expect(infer([Self.strings(["1", "2.5"])], 1) == .regression)  // numbers read as strings are numbers
        #expect(infer([.numeric([1.5, 2.5])], 3) == .classification)  // one column per class
    }

    // MARK: gate

    @Test("worse by more than 20 % fails, within 20 % or better passes")
    func relativeGate() throws {
        let ref = Self.regressionTable(error: 1.0)
        let worse = try Self.evaluate(Self.regressionTable(error: 1.3), ref)
        #expect(!worse.passed)
        #expect(Set(worse.findings.map(\.metric)) == ["mae", "rmse", "mape"])
        let mae = try #require(worse.findings.first { $0.metric == "mae" })
        #expect(mae.kind == .worseThanReference && mae.reference == 1.0 && close(mae.current!, 1.3) && mae.limit == 1.2)
        #expect(try Self.evaluate(Self.regressionTable(error: 1.1), ref).passed)
        #expect(try Self.evaluate(Self.regressionTable(error: 0.2), ref).passed)  // much better: never fails
        #expect(try Self.evaluate(Self.regressionTable(error: 1.3), ref, failIfWorseBy: nil).passed)
        #expect(try Self.evaluate(Self.regressionTable(error: 1.3), ref, failIfWorseBy: 0.5).passed)
        // higher is better: accuracy 1.0 → 0.7 is 30 % worse
        let acc = try Self.evaluate(Self.labelTable(correct: 14), Self.labelTable(correct: 20))
        #expect(acc.findings.contains { $0.metric == "accuracy" && $0.kind == .worseThanReference && close($0.limit!, 0.8) })
        #expect(try Self.evaluate(Self.labelTable(correct: 20), Self.labelTable(correct: 14)).passed)
        #expect(try Self.evaluate(Self.labelTable(correct: 17), Self.labelTable(correct: 20)).passed)
    }

    @Test("minimum and maximum bounds on the current window")
    func bounds() throws {
        let r = try Self.evaluate(Self.labelTable(correct: 15), minimums: ["accuracy": 0.8, "f1": 0.5])
        #expect(r.findings.map(\.kind) == [.belowMinimum])
        #expect(r.findings.first?.metric == "accuracy" && r.findings.first?.limit == 0.8 && !r.passed)
        #expect(try Self.evaluate(Self.labelTable(correct: 16), minimums: ["accuracy": 0.8]).passed)  // equal passes
        let m = try Self.evaluate(Self.regressionTable(error: 2), maximums: ["mae": 1.5, "rmse": 3])
        #expect(m.findings.map(\.metric) == ["mae"] && m.findings[0].kind == .aboveMaximum)
        // a bound on a metric that is undefined (no probabilities) cannot be verified
        let u = try Self.evaluate(Self.labelTable(correct: 20), minimums: ["roc_auc": 0.7])
        #expect(u.findings.map(\.kind) == [.unavailable])
    }

    // MARK: missing values

    @Test("rows with a missing target or prediction are dropped and counted")
    func droppedRows() throws {
        let t = Self.table([("y", .numeric([1, .nan, 3, 4, .infinity, 6])), ("p", .numeric([1.5, 2, .nan, 4, 5, 5]))])
        let r = try Self.evaluate(t, task: .regression)
        #expect(r.current.rows == 6 && r.current.rowsUsed == 3 && r.current.rowsDroppedMissing == 3)
        #expect(close(r.current.regression!.mae!, 0.5))
        let c = Self.table([("y", Self.strings(["a", nil, "b", "a"])), ("p", Self.strings(["a", "b", nil, "b"]))])
        let cr = try Self.evaluate(c)
        #expect(cr.current.rowsUsed == 2 && cr.current.rowsDroppedMissing == 2 && cr.current.classification!.accuracy == 0.5)
        #expect(cr.classes == ["a", "b"] && cr.positiveLabel == "b" && cr.averaging == .binary)
    }

    // MARK: bad inputs

    @Test("missing columns name the column and the data")
    func missingColumns() {
        let good = Self.labelTable(correct: 10)
        #expect(throws: EvaluationError.missingColumn(column: "label", data: "current data")) {
            try Self.evaluate(good, target: "label")
        }
        let noPrediction = Self.table([("y", Self.strings(["a"]))])
        #expect(throws: EvaluationError.missingColumn(column: "p", data: "reference data")) { try Self.evaluate(good, noPrediction) }
        let e = EvaluationError.missingColumn(column: "p", data: "ref.csv")
        #expect(e.description == "column 'p' is missing in ref.csv")
    }

    @Test("no rows left, non-numeric regression values, out-of-range probabilities")
    func badValues() throws {
        let empty = Self.table([("y", .numeric([.nan, 1])), ("p", .numeric([1, .nan]))])
        #expect(throws: EvaluationError.noRowsLeft(data: "current data", dropped: 2)) { try Self.evaluate(empty, task: .regression) }
        #expect(throws: EvaluationError.noRowsLeft(data: "current data", dropped: 2)) { try Self.evaluate(empty, task: .classification) }
        let text = Self.table([("y", Self.strings(["a", "b"])), ("p", .numeric([1, 2]))])
        #expect(throws: EvaluationError.notNumeric(column: "y", data: "current data", example: "a")) { try Self.evaluate(text, task: .regression) }
        let proba = Self.table([("y", .numeric([0, 1, 1])), ("p", .numeric([0.2, 0.9, 1.5]))])
        #expect(throws: EvaluationError.probabilityOutOfRange(column: "p", data: "current data", value: 1.5)) { try Self.evaluate(proba) }
        let single = Self.table([("y", Self.strings(["cat", "cat"])), ("p", .numeric([0.2, 0.9]))])
        #expect(throws: EvaluationError.singleClass(column: "y", label: "cat")) { try Self.evaluate(single) }
        let named = try ModelEvaluation.evaluate(current: single, reference: nil,
                                                 options: .init(targetColumn: "y", predictionColumn: "p", positiveLabel: "dog"))
        #expect(named.classes == ["cat", "dog"] && named.current.classification!.accuracy == 0.5 && named.current.classification!.rocAuc == nil)
        let perClass = Self.table([("y", Self.strings(["a", "z"])), ("a", .numeric([0.7, 0.2])), ("b", .numeric([0.3, 0.8]))])
        #expect(throws: EvaluationError.unknownClass(column: "y", data: "current data", label: "z")) {
            try ModelEvaluation.evaluate(current: perClass, reference: nil, options: .init(targetColumn: "y", predictionColumns: ["a", "b"]))
        }
    }

    @Test("invalid options are rejected before any metric is computed")
    func invalidOptions() {
        let t = Self.labelTable(correct: 10)
        #expect(throws: EvaluationError.self) { try Self.evaluate(t, minimums: ["auc": 0.5]) }
        #expect(throws: EvaluationError.self) { try Self.evaluate(t, maximums: ["mae": 1]) }  // regression metric on labels
        #expect(throws: EvaluationError.self) { try Self.evaluate(t, failIfWorseBy: -0.1) }
        #expect(throws: EvaluationError.self) { try Self.evaluate(t, minimums: ["accuracy": .nan]) }
        #expect(throws: EvaluationError.self) { try Self.evaluate(t, target: "p") }
        #expect(throws: EvaluationError.self) {
            try ModelEvaluation.evaluate(current: t, reference: nil, options: .init(targetColumn: "y", predictionColumn: "p", positiveLabel: "c"))
        }
    }

    @Test("a single class makes ROC AUC null with a note, not a crash")
    func singleClassAUC() throws {
        let cur = Self.table([("y", .numeric([1, 1, 1])), ("p", .numeric([0.9, 0.4, 0.7]))])
        let ref = Self.table([("y", .numeric([0, 1, 1, 0])), ("p", .numeric([0.1, 0.8, 0.6, 0.3]))])
        let r = try Self.evaluate(cur, ref, failIfWorseBy: nil, minimums: ["roc_auc": 0.5])
        #expect(r.predictionType == .probabilities && r.positiveLabel == "1")
        #expect(r.current.classification!.rocAuc == nil && r.current.classification!.logLoss != nil)
        #expect(r.current.notes.contains { $0.hasPrefix("roc_auc: undefined") })
        #expect(r.reference!.classification!.rocAuc == 1.0)
        #expect(r.findings.map(\.kind) == [.unavailable])
        #expect(close(r.current.classification!.accuracy, 2.0 / 3))
        // a 0-only target still has two classes; precision of the never-predicted class is 0 by convention
        let zeros = try Self.evaluate(Self.table([("y", .numeric([0, 0])), ("p", .numeric([0.2, 0.3]))]))
        #expect(zeros.classes == ["0", "1"] && zeros.current.classification!.precision == 0 && !zeros.current.notes.isEmpty)
    }

    @Test("prediction type and positive label can be given instead of inferred")
    func forcedReading() throws {
        let t = Self.table([("y", .numeric([0, 1, 1, 0])), ("p", .numeric([0, 1, 0, 0]))])
        let inferred = try Self.evaluate(t)
        #expect(inferred.predictionType == .labels && inferred.current.classification!.rocAuc == nil)
        let forced = try ModelEvaluation.evaluate(current: t, reference: nil,
                                                  options: .init(targetColumn: "y", predictionColumn: "p", predictionType: .probabilities))
        #expect(forced.predictionType == .probabilities && forced.current.classification!.rocAuc == 0.75)
        let negative = try ModelEvaluation.evaluate(current: t, reference: nil,
                                                    options: .init(targetColumn: "y", predictionColumn: "p", positiveLabel: "0"))
        #expect(negative.positiveLabel == "0" && negative.current.classification!.recall == 1)  // both 0 targets predicted 0
        #expect(inferred.positiveLabel == "1" && inferred.current.classification!.recall == 0.5)
        let multi = Self.table([("y", Self.strings(["a", "b", "c"])), ("p", .numeric([0.2, 0.3, 0.4]))])
        #expect(throws: EvaluationError.self) {
            try ModelEvaluation.evaluate(current: multi, reference: nil,
                                         options: .init(targetColumn: "y", predictionColumn: "p", predictionType: .probabilities))
        }
    }

    @Test("ROC AUC with tied scores matches the trapezoid rule")
    func tiedAUC() throws {
        // positives {0.5, 0.5, 0.9}, negatives {0.5, 0.1}: pairs won 1+... = (0.5+1)+(0.5+1)+(1+1) = 5 of 6
        let t = Self.table([("y", .numeric([1, 1, 1, 0, 0])), ("p", .numeric([0.5, 0.5, 0.9, 0.5, 0.1]))])
        let r = try Self.evaluate(t)
        #expect(close(r.current.classification!.rocAuc!, 5.0 / 6))
    }

    @Test("JSON: schema_version 1, snake_case, nulls for undefined values, round trip")
    func json() throws {
        let cur = Self.table([("y", .numeric([0, 0])), ("p", .numeric([1, 2]))])
        let r = try Self.evaluate(cur, Self.regressionTable(error: 1), task: .regression)
        #expect(r.current.regression!.r2 == 0)  // constant target, non-zero error
        let one = try Self.evaluate(Self.table([("y", .numeric([2])), ("p", .numeric([3]))]), task: .regression)
        #expect(one.current.regression!.r2 == nil)
        let data = try one.jsonData()
        // JSONEncoder's default strategy throws on NaN/±inf, so encoding at all proves there are none
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["passed"] as? Bool == true)
        let current = object["current"] as! [String: Any]
        #expect(current["rows_dropped_missing"] as? Int == 0)
        #expect(current["classification"] is NSNull)
        #expect((current["regression"] as! [String: Any])["r2"] is NSNull)
        #expect(object["reference"] is NSNull)
        let decoded = try JSONDecoder().decode(PerformanceReport.self, from: data)
        #expect(decoded == one)
        let cls = try Self.evaluate(Self.labelTable(correct: 12), Self.labelTable(correct: 20))
        #expect(try JSONDecoder().decode(PerformanceReport.self, from: cls.jsonData()) == cls)
    }
}
