import Foundation

/// Kind of model being evaluated.
public enum ModelTask: String, Sendable, Equatable, Codable, CaseIterable {
    /// Discrete labels (accuracy, precision, recall, F1, ROC AUC, log loss, confusion matrix).
    case classification
    /// Continuous values (mean error, MAE, RMSE, MAPE, R²).
    case regression
}

/// Settings of ``ModelEvaluation/evaluate(current:reference:options:)``.
public struct EvaluationOptions: Sendable, Equatable, Codable {
    /// Column holding the true value (label or number).
    public var targetColumn: String
    /// Prediction column(s): one column of labels, of numbers (regression) or of positive-class
    /// probabilities (binary); or one probability column per class, each named after its class.
    public var predictionColumns: [String]
    /// The task; nil = inferred (see ``ModelEvaluation/inferTask(targets:predictionColumnCount:)``).
    public var task: ModelTask?
    /// How a single numeric prediction column is read; nil = inferred (probabilities when the
    /// target has at most two classes and the column holds a value that is not one of them).
    /// Ignored for several prediction columns, which are always per-class probabilities.
    public var predictionType: PredictionType?
    /// Positive class of a binary problem, as written in the data; nil = `1`, else `true`
    /// (any case), else the larger label in sort order (scikit-learn's `classes_[1]`).
    public var positiveLabel: String?
    /// Fail when a metric is worse than the reference by more than this fraction of the reference
    /// value (Evidently's default test condition `approx(reference, relative=0.2)`, worse side
    /// only); nil disables the comparison. Default 0.2.
    public var failIfWorseBy: Double?
    /// Fail when the current value of a metric (keyed by its JSON name) is below this.
    public var minimums: [String: Double]
    /// Fail when the current value of a metric (keyed by its JSON name) is above this.
    public var maximums: [String: Double]
    /// Name of the current data in messages (e.g. its file path). Default "current data".
    public var currentName: String
    /// Name of the reference data in messages (e.g. its file path). Default "reference data".
    public var referenceName: String

    /// Creates options with one prediction column.
    public init(targetColumn: String, predictionColumn: String, task: ModelTask? = nil, predictionType: PredictionType? = nil, positiveLabel: String? = nil,
                failIfWorseBy: Double? = 0.2, minimums: [String: Double] = [:], maximums: [String: Double] = [:],
                currentName: String = "current data", referenceName: String = "reference data") {
        self.init(targetColumn: targetColumn, predictionColumns: [predictionColumn], task: task, predictionType: predictionType, positiveLabel: positiveLabel,
                  failIfWorseBy: failIfWorseBy, minimums: minimums, maximums: maximums,
                  currentName: currentName, referenceName: referenceName)
    }

    /// Creates options with several prediction columns (one probability column per class).
    public init(targetColumn: String, predictionColumns: [String], task: ModelTask? = nil, predictionType: PredictionType? = nil, positiveLabel: String? = nil,
                failIfWorseBy: Double? = 0.2, minimums: [String: Double] = [:], maximums: [String: Double] = [:],
                currentName: String = "current data", referenceName: String = "reference data") {
        self.targetColumn = targetColumn
        self.predictionColumns = predictionColumns
        self.task = task
        self.predictionType = predictionType
        self.positiveLabel = positiveLabel
        self.failIfWorseBy = failIfWorseBy
        self.minimums = minimums
        self.maximums = maximums
        self.currentName = currentName
        self.referenceName = referenceName
    }

    enum CodingKeys: String, CodingKey {
        case targetColumn = "target_column", predictionColumns = "prediction_columns", task, predictionType = "prediction_type", positiveLabel = "positive_label"
        case failIfWorseBy = "fail_if_worse_by", minimums, maximums, currentName = "current_name", referenceName = "reference_name"
    }
}
