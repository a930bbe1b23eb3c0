import Foundation

/// One metric of a ``PerformanceReport``, named by its JSON key.
public enum PerformanceMetric: String, Sendable, Equatable, Codable, CaseIterable {
    /// Share of rows whose predicted label equals the target.
    case accuracy
    /// Precision of the positive class (binary) or macro average (multiclass).
    case precision
    /// Recall of the positive class (binary) or macro average (multiclass).
    case recall
    /// F1 of the positive class (binary) or macro average (multiclass).
    case f1
    /// Area under the ROC curve (probabilities only).
    case rocAuc = "roc_auc"
    /// Cross-entropy of the probabilities (probabilities only).
    case logLoss = "log_loss"
    /// Mean of prediction − target (no direction: excluded from the relative gate).
    case meanError = "mean_error"
    /// Mean absolute error.
    case mae
    /// Root mean squared error.
    case rmse
    /// Mean absolute percentage error, in percent (Evidently's convention).
    case mape
    /// Coefficient of determination.
    case r2

    /// The task the metric belongs to.
    public var task: ModelTask {
        switch self {
        case .accuracy, .precision, .recall, .f1, .rocAuc, .logLoss: .classification
        case .meanError, .mae, .rmse, .mape, .r2: .regression
        }
    }

    /// True when a larger value is better, false when smaller is better, nil when neither
    /// (mean error, whose sign only tells the direction of the bias).
    public var higherIsBetter: Bool? {
        switch self {
        case .accuracy, .precision, .recall, .f1, .rocAuc, .r2: true
        case .logLoss, .mae, .rmse, .mape: false
        case .meanError: nil
        }
    }

    /// The metrics of a task, in report order.
    public static func metrics(for task: ModelTask) -> [PerformanceMetric] {
        allCases.filter { $0.task == task }
    }
}
