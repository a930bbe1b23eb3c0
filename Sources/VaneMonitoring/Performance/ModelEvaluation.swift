import Foundation

/// Model performance where labels exist: classification or regression quality of a current
/// window and, optionally, a reference window side by side, with a pass/fail gate.
///
/// Numbers follow scikit-learn's definitions as Evidently 0.7's legacy `ClassificationQualityMetric`
/// and `RegressionQualityMetric` use them (see ``ClassificationMetrics`` and ``RegressionMetrics``).
///
/// Rows whose target or prediction is missing (empty cell, NaN, ±inf) are dropped in each window
/// and counted in ``WindowPerformance/rowsDroppedMissing``, as Evidently's `dropna` on the target
/// and prediction columns does.
///
/// Classification predictions (``EvaluationOptions/predictionColumns``):
/// - one column of labels, compared with the target as values (numbers or strings);
/// - one numeric column next to a target with at most two classes, holding a value that is not
///   one of the target's classes (e.g. 0.73): probabilities of the positive class (must be in
///   [0, 1]); predicted label = positive when p ≥ 0.5 (Evidently's default threshold). A 0/1 column
///   next to a 0/1 target is read as labels (``EvaluationOptions/predictionType`` overrides the
///   choice);
/// - several columns, each named after a class and holding its probability: predicted label =
///   the column with the largest value (first on ties, pandas `idxmax`); for two columns the
///   positive column with p ≥ 0.5.
///
/// The positive class of a binary problem is ``EvaluationOptions/positiveLabel`` when given, else
/// `1` (Evidently's default `pos_label=1`), else `true` (any case), else the larger label in sort
/// order (scikit-learn's `classes_[1]`). A problem is binary when both windows together hold two
/// classes (target and predicted labels); precision, recall and F1 then describe the positive
/// class, otherwise they are macro averages. (Evidently decides per window; deciding over both
/// keeps the two windows comparable and only differs when a window lacks a class.)
public enum ModelEvaluation {
    /// Evaluates the current window (and the reference, when given) and applies the gate.
    public static func evaluate(current: DataTable, reference: DataTable?,
                                options: EvaluationOptions) throws(EvaluationError) -> PerformanceReport {
        let target = options.targetColumn
        guard !target.isEmpty else { throw .invalidOption("the target column name is empty") }
        guard !options.predictionColumns.isEmpty, !options.predictionColumns.contains("") else {
            throw .invalidOption("at least one non-empty prediction column name is required")
        }
        if options.predictionColumns.contains(target) {
            throw .invalidOption("column '\(target)' is given as both the target and a prediction")
        }
        try PerformanceGate.validate(options, task: options.task)
        var sides = [ClassificationInput.Side(table: current, name: options.currentName)]
        if let reference { sides.append(.init(table: reference, name: options.referenceName)) }
        for side in sides {
            for name in [target] + options.predictionColumns where side.table.column(named: name) == nil {
                throw .missingColumn(column: name, data: side.name)
            }
        }
        var notes: [String] = []
        let task: ModelTask
        if let given = options.task { task = given } else {
            let (inferred, reason) = inferTaskWithReason(targets: sides.map { $0.table.column(named: target)! },
                                                         predictionColumnCount: options.predictionColumns.count)
            task = inferred
            notes.append("task inferred as \(inferred.rawValue): \(reason) (give the task explicitly to override)")
        }
        try PerformanceGate.validate(options, task: task)
        var windows: [WindowPerformance] = []
        var predictionType: PredictionType? = nil, classes: [String]? = nil, positive: String? = nil, averaging: Averaging? = nil
        switch task {
        case .regression:
            guard options.predictionColumns.count == 1 else {
                throw .invalidOption("regression takes one prediction column, got \(options.predictionColumns.count)")
            }
            for side in sides { windows.append(try regressionWindow(side, target: target, prediction: options.predictionColumns[0])) }
        case .classification:
            let (setup, prepared) = try ClassificationInput.prepare(sides: sides, target: target, predictions: options.predictionColumns,
                                                                    predictionType: options.predictionType, positiveLabel: options.positiveLabel)
            for (i, w) in prepared.enumerated() {
                if w.truth.isEmpty { throw .noRowsLeft(data: sides[i].name, dropped: w.dropped) }
                let (metrics, windowNotes) = ClassificationMetrics.compute(w, setup: setup)
                windows.append(WindowPerformance(rows: w.rows, rowsUsed: w.truth.count, rowsDroppedMissing: w.dropped,
                                                 classification: metrics, regression: nil, notes: windowNotes))
            }
            predictionType = setup.predictionType
            classes = setup.classes
            positive = setup.positive.map { setup.classes[$0] }
            averaging = setup.positive == nil ? .macro : .binary
            notes.append(describe(setup, predictions: options.predictionColumns))
        }
        let cur = windows[0], ref = windows.count > 1 ? windows[1] : nil
        let findings = PerformanceGate.findings(task: task, current: cur, reference: ref, options: options)
        return PerformanceReport(task: task, taskInferred: options.task == nil, target: target, prediction: options.predictionColumns,
                                 predictionType: predictionType, classes: classes, positiveLabel: positive, averaging: averaging,
                                 current: cur, reference: ref, failIfWorseBy: options.failIfWorseBy,
                                 minimums: options.minimums, maximums: options.maximums, findings: findings, notes: notes)
    }

    /// Task from the target column(s) of both windows: classification when there are several
    /// prediction columns, when a target holds non-numeric strings, or when every target value is
    /// a whole number and there are at most 10 distinct values (Evidently's integer cardinality
    /// limit, ``ColumnTypeInference/integerCardinalityLimit``, applied to the values rather than
    /// to pandas' dtype, so `0.0`/`1.0` labels count as classes); regression otherwise. Give the
    /// task explicitly for, say, a 1–5 rating to be treated as a regression target.
    public static func inferTask(targets: [DataTable.Column], predictionColumnCount: Int) -> ModelTask {
        inferTaskWithReason(targets: targets, predictionColumnCount: predictionColumnCount).task
    }

    static func inferTaskWithReason(targets: [DataTable.Column], predictionColumnCount: Int) -> (task: ModelTask, reason: String) {
        if predictionColumnCount >= 2 { return (.classification, "one prediction column per class") }
        let limit = ColumnTypeInference.integerCardinalityLimit
        var distinct = Set<Double>()  // stops growing past the limit: regression either way
        for column in targets {
            switch ClassificationInput.values(column) {
            case .strings(let c):
                if c.codes.contains(where: { $0 >= 0 }) { return (.classification, "the target holds non-numeric values") }
            case .numbers(let v):
                for x in v where x.isFinite {
                    if x != x.rounded() { return (.regression, "the target holds fractional numbers") }
                    if distinct.count <= limit { distinct.insert(x) }
                }
            }
        }
        if distinct.isEmpty { return (.regression, "the target holds no values") }
        if distinct.count <= limit {
            return (.classification, "the target holds \(distinct.count) distinct whole numbers (at most \(limit))")
        }
        return (.regression, "the target holds more than \(limit) distinct whole numbers")
    }

    static func describe(_ setup: ClassificationSetup, predictions: [String]) -> String {
        let positive = setup.positive.map { "'\(setup.classes[$0])'" }
        switch (setup.predictionType, predictions.count) {
        case (.labels, _):
            return "'\(predictions[0])' read as predicted labels" + (positive.map { "; positive class \($0)" } ?? "; macro averages")
        case (.probabilities, 1):
            return "'\(predictions[0])' read as probabilities of the positive class \(positive ?? "")"
                + "; predicted label = \(positive ?? "") when p ≥ 0.5"
        case (.probabilities, _):
            return "columns \(predictions.map { "'\($0)'" }.joined(separator: ", ")) read as the probability of the class each is named after; "
                + (positive.map { "predicted label = \($0) when its probability ≥ 0.5" } ?? "predicted label = the most probable class")
        }
    }

    static func regressionWindow(_ side: ClassificationInput.Side, target: String, prediction: String) throws(EvaluationError) -> WindowPerformance {
        let t = try ClassificationInput.numberValues(side.table.column(named: target)!, column: target, side: side.name)
        let p = try ClassificationInput.numberValues(side.table.column(named: prediction)!, column: prediction, side: side.name)
        var tk: [Double] = [], pk: [Double] = []
        tk.reserveCapacity(t.count)
        pk.reserveCapacity(t.count)
        for i in 0..<t.count where t[i].isFinite && p[i].isFinite {
            tk.append(t[i])
            pk.append(p[i])
        }
        let dropped = t.count - tk.count
        if tk.isEmpty { throw .noRowsLeft(data: side.name, dropped: dropped) }
        let (metrics, notes) = RegressionMetrics.compute(target: tk, prediction: pk)
        return WindowPerformance(rows: t.count, rowsUsed: tk.count, rowsDroppedMissing: dropped,
                                 classification: nil, regression: metrics, notes: notes)
    }
}
