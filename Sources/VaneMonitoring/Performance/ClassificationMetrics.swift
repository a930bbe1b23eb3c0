import Foundation

/// Counts of (true class, predicted class) pairs.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    /// Class labels in sort order (numbers numerically, strings by Unicode code points, as
    /// Python's `sorted`); the same for both windows of a report.
    public var labels: [String]
    /// `values[i][j]` = rows whose target is `labels[i]` and whose prediction is `labels[j]`
    /// (`sklearn.metrics.confusion_matrix(target, prediction, labels=labels)`).
    public var values: [[Int]]

    /// Creates a matrix.
    public init(labels: [String], values: [[Int]]) {
        self.labels = labels
        self.values = values
    }
}

/// Classification quality of one window, as Evidently 0.7's legacy `ClassificationQualityMetric`
/// computes it (`calculate_metrics` in `legacy/calculations/classification_performance.py`):
///
/// - `accuracy`: `accuracy_score`.
/// - `precision`, `recall`, `f1`: for a binary problem (two classes over both windows) the values
///   of the positive class (`pos_label`); otherwise the unweighted mean over the classes present
///   in the window's target or prediction (`average="macro"`). A 0/0 ratio counts as 0
///   (scikit-learn's `zero_division="warn"` result) and is explained in a note.
/// - `roc_auc`, `log_loss`: only when probabilities are given, else nil. Evidently passes the
///   one-hot target and one probability column per class (for one binary probability column `p`:
///   `[p, 1 − p]` for the positive and the negative class) to `roc_auc_score(average="macro")`
///   and `log_loss`, so ROC AUC is the mean of the per-class one-vs-rest AUCs (for binary, equal
///   to the AUC of `p`) and log loss is mean(−log(clip(p_true, ε, 1 − ε))), ε = float64 epsilon.
///   ROC AUC is nil with a note when a class has no positive or no negative row in the window
///   (scikit-learn raises "Only one class present in y_true" there).
/// - `confusion_matrix`: over every class of the report, in sort order.
public struct ClassificationMetrics: Sendable, Equatable, Codable {
    /// Share of correct predictions.
    public var accuracy: Double
    /// Positive-class (binary) or macro-averaged (multiclass) precision.
    public var precision: Double
    /// Positive-class (binary) or macro-averaged (multiclass) recall.
    public var recall: Double
    /// Positive-class (binary) or macro-averaged (multiclass) F1.
    public var f1: Double
    /// ROC AUC; nil without probabilities or when undefined (a class without positives or negatives).
    public var rocAuc: Double?
    /// Log loss; nil without probabilities.
    public var logLoss: Double?
    /// Confusion matrix over the report's classes.
    public var confusionMatrix: ConfusionMatrix

    enum CodingKeys: String, CodingKey {
        case accuracy, precision, recall, f1, rocAuc = "roc_auc", logLoss = "log_loss", confusionMatrix = "confusion_matrix"
    }

    /// Creates metrics from values.
    public init(accuracy: Double, precision: Double, recall: Double, f1: Double, rocAuc: Double?, logLoss: Double?,
                confusionMatrix: ConfusionMatrix) {
        self.accuracy = accuracy
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.rocAuc = rocAuc
        self.logLoss = logLoss
        self.confusionMatrix = confusionMatrix
    }

    /// Encodes every key, writing undefined (nil) values as JSON null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
        try c.encode(rocAuc, forKey: .rocAuc)
        try c.encode(logLoss, forKey: .logLoss)
        try c.encode(confusionMatrix, forKey: .confusionMatrix)
    }

    /// The value of a classification metric (nil for regression metrics or when undefined).
    public func value(of metric: PerformanceMetric) -> Double? {
        switch metric {
        case .accuracy: accuracy
        case .precision: precision
        case .recall: recall
        case .f1: f1
        case .rocAuc: rocAuc
        case .logLoss: logLoss
        default: nil
        }
    }

    /// Computes the metrics of a prepared window. Notes explain zero-division and nil values.
    static func compute(_ w: ClassificationWindow, setup: ClassificationSetup) -> (metrics: ClassificationMetrics, notes: [String]) {
        let k = setup.classes.count
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for i in 0..<w.truth.count { matrix[Int(w.truth[i])][Int(w.predicted[i])] += 1 }
        let n = w.truth.count
        var correct = 0
        for c in 0..<k { correct += matrix[c][c] }
        var notes: [String] = []
        let rowSums = matrix.map { $0.reduce(0, +) }
        let colSums = (0..<k).map { j in matrix.reduce(0) { $0 + $1[j] } }
        let precision: Double, recall: Double, f1: Double
        if let pos = setup.positive {
            let tp = matrix[pos][pos], fp = colSums[pos] - tp, fn = rowSums[pos] - tp
            let name = setup.classes[pos]
            precision = ratio(tp, tp + fp)
            recall = ratio(tp, tp + fn)
            f1 = ratio(2 * tp, 2 * tp + fp + fn)
            if tp + fp == 0 { notes.append("precision: no row is predicted as the positive class '\(name)'; reported as 0 (scikit-learn's zero_division)") }
            if tp + fn == 0 { notes.append("recall: no target is the positive class '\(name)'; reported as 0 (scikit-learn's zero_division)") }
            if 2 * tp + fp + fn == 0 { notes.append("f1: the positive class '\(name)' is neither a target nor a prediction; reported as 0") }
        } else {
            var ps: [Double] = [], rs: [Double] = [], fs: [Double] = []
            var unpredicted: [String] = [], absent: [String] = []
            for c in 0..<k where rowSums[c] > 0 || colSums[c] > 0 {
                let tp = matrix[c][c], fp = colSums[c] - tp, fn = rowSums[c] - tp
                ps.append(ratio(tp, tp + fp))
                rs.append(ratio(tp, tp + fn))
                fs.append(ratio(2 * tp, 2 * tp + fp + fn))
                if tp + fp == 0 { unpredicted.append(setup.classes[c]) }
                if tp + fn == 0 { absent.append(setup.classes[c]) }
            }
            precision = NumericKernels.mean(ps)
            recall = NumericKernels.mean(rs)
            f1 = NumericKernels.mean(fs)
            if !unpredicted.isEmpty {
                notes.append("precision: never predicted \(quoted(unpredicted)), counted as 0 in the macro average (scikit-learn's zero_division)")
            }
            if !absent.isEmpty {
                notes.append("recall: \(quoted(absent)) predicted but absent from the target, counted as 0 in the macro average (scikit-learn's zero_division)")
            }
        }
        var rocAuc: Double? = nil, logLoss: Double? = nil
        if let probs = w.probabilities {
            var aucs: [Double] = []
            var undefined: [String] = []
            for (col, cls) in setup.probabilityClasses.enumerated() {
                if let a = binaryAUC(scores: probs[col], truth: w.truth, positive: Int32(cls)) { aucs.append(a) } else {
                    undefined.append(setup.classes[cls])
                }
            }
            if undefined.isEmpty {
                rocAuc = NumericKernels.mean(aucs)
            } else {
                notes.append("roc_auc: undefined because \(quoted(undefined)) \(undefined.count == 1 ? "has" : "have") no positive or no negative target row in this window (one class only); reported as null")
            }
            logLoss = Self.logLoss(probs, truth: w.truth, columnOfClass: setup.columnOfClass)
        }
        let metrics = ClassificationMetrics(accuracy: Double(correct) / Double(n), precision: precision, recall: recall, f1: f1,
                                            rocAuc: rocAuc, logLoss: logLoss,
                                            confusionMatrix: ConfusionMatrix(labels: setup.classes, values: matrix))
        return (metrics, notes)
    }

    /// `a / b`, or 0 when `b` is 0 (scikit-learn's `zero_division` default result).
    static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    static func quoted(_ names: [String]) -> String {
        (names.count == 1 ? "class " : "classes ") + names.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// ROC AUC of `scores` for rows whose class is `positive` against all others, as
    /// `roc_auc_score` computes it: the trapezoid over distinct thresholds, which equals
    /// P(score⁺ > score⁻) + ½·P(score⁺ = score⁻). Counted exactly in integers over the two sorted
    /// groups (O(n log n)), divided once. Nil when either group is empty.
    static func binaryAUC(scores: [Double], truth: [Int32], positive: Int32) -> Double? {
        var pos: [Double] = [], neg: [Double] = []
        for i in 0..<scores.count {
            if truth[i] == positive { pos.append(scores[i]) } else { neg.append(scores[i]) }
        }
        guard !pos.isEmpty && !neg.isEmpty else { return nil }
        let p = RadixSort.sorted(pos), q = RadixSort.sorted(neg)
        // twice the number of (positive, negative) pairs ranked correctly, ties counting one half
        var twice = 0
        var j = 0  // negatives below the current positive score
        var i = 0
        while i < p.count {
            let s = p[i]
            while j < q.count && q[j] < s { j += 1 }
            let below = j
            var e = j
            while e < q.count && q[e] == s { e += 1 }
            let equal = e - j
            var run = 0
            while i < p.count && p[i] == s { run += 1; i += 1 }
            twice += run * (2 * below + equal)
        }
        return Double(twice) / (2.0 * Double(pos.count) * Double(neg.count))
    }

    /// Mean of −log(clip(probability of the true class, ε, 1 − ε)) (`sklearn.metrics.log_loss`).
    static func logLoss(_ probs: [[Double]], truth: [Int32], columnOfClass: [Int: Int]) -> Double? {
        let eps = Double.ulpOfOne
        var losses = [Double](repeating: 0, count: truth.count)
        for i in 0..<truth.count {
            guard let col = columnOfClass[Int(truth[i])] else { return nil }
            let p = min(max(probs[col][i], eps), 1 - eps)
            losses[i] = -Foundation.log(p)
        }
        return NumericKernels.mean(losses)
    }
}
