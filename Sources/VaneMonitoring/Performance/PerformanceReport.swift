import Foundation

/// Model quality of one window (current or reference).
public struct WindowPerformance: Sendable, Equatable, Codable {
    /// Rows in the table.
    public var rows: Int
    /// Rows with both a target and a prediction (the rows the metrics use).
    public var rowsUsed: Int
    /// Rows dropped because the target or a prediction is missing (empty, NaN or ±inf).
    public var rowsDroppedMissing: Int
    /// Classification metrics (nil for a regression report).
    public var classification: ClassificationMetrics?
    /// Regression metrics (nil for a classification report).
    public var regression: RegressionMetrics?
    /// Why a metric is null or 0 by convention (e.g. ROC AUC with a single class).
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case rows, rowsUsed = "rows_used", rowsDroppedMissing = "rows_dropped_missing", classification, regression, notes
    }

    /// Creates a window result.
    public init(rows: Int, rowsUsed: Int, rowsDroppedMissing: Int, classification: ClassificationMetrics?,
                regression: RegressionMetrics?, notes: [String]) {
        self.rows = rows
        self.rowsUsed = rowsUsed
        self.rowsDroppedMissing = rowsDroppedMissing
        self.classification = classification
        self.regression = regression
        self.notes = notes
    }

    /// Encodes every key, writing undefined (nil) values as JSON null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(rowsUsed, forKey: .rowsUsed)
        try c.encode(rowsDroppedMissing, forKey: .rowsDroppedMissing)
        try c.encode(classification, forKey: .classification)
        try c.encode(regression, forKey: .regression)
        try c.encode(notes, forKey: .notes)
    }

    /// The value of a metric, nil when it does not apply or is undefined.
    public func value(of metric: PerformanceMetric) -> Double? {
        classification?.value(of: metric) ?? regression?.value(of: metric)
    }
}

/// A reason for the evaluation to fail a pipeline.
public struct PerformanceFinding: Sendable, Equatable, Codable {
    /// What was violated.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// Worse than the reference by more than the relative tolerance.
        case worseThanReference = "worse_than_reference"
        /// Below a minimum.
        case belowMinimum = "below_minimum"
        /// Above a maximum.
        case aboveMaximum = "above_maximum"
        /// A bound was set but the metric is undefined in the current window.
        case unavailable
    }

    /// JSON name of the metric.
    public var metric: String
    /// What was violated.
    public var kind: Kind
    /// Reference value (nil for bounds checked without a reference).
    public var reference: Double?
    /// Current value (nil when undefined).
    public var current: Double?
    /// The limit the current value crossed.
    public var limit: Double?
    /// One-line explanation.
    public var message: String

    /// Creates a finding.
    public init(metric: String, kind: Kind, reference: Double?, current: Double?, limit: Double?, message: String) {
        self.metric = metric
        self.kind = kind
        self.reference = reference
        self.current = current
        self.limit = limit
        self.message = message
    }

    /// Encodes every key, writing undefined (nil) values as JSON null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metric, forKey: .metric)
        try c.encode(kind, forKey: .kind)
        try c.encode(reference, forKey: .reference)
        try c.encode(current, forKey: .current)
        try c.encode(limit, forKey: .limit)
        try c.encode(message, forKey: .message)
    }

    enum CodingKeys: String, CodingKey {
        case metric, kind, reference, current, limit, message
    }
}

/// How precision, recall and F1 combine the classes.
public enum Averaging: String, Sendable, Equatable, Codable {
    /// Values of the positive class (two classes; scikit-learn `average="binary"` with `pos_label`).
    case binary
    /// Unweighted mean over the classes present in the window (`average="macro"`).
    case macro
}

/// Result of ``ModelEvaluation/evaluate(current:reference:options:)``: metrics of the current
/// and (optional) reference window side by side, and the gate's findings.
public struct PerformanceReport: Sendable, Equatable, Codable {
    /// Version of this JSON layout.
    public static let currentSchemaVersion = 1

    /// Version of the layout (``currentSchemaVersion``).
    public var schemaVersion: Int
    /// Task evaluated.
    public var task: ModelTask
    /// True when the task was inferred rather than given.
    public var taskInferred: Bool
    /// Target column.
    public var target: String
    /// Prediction column(s).
    public var prediction: [String]
    /// How the prediction was given (classification only).
    public var predictionType: PredictionType?
    /// Classes over both windows, in sort order (classification only).
    public var classes: [String]?
    /// Positive class of a binary problem (nil otherwise).
    public var positiveLabel: String?
    /// Averaging of precision, recall and F1 (classification only).
    public var averaging: Averaging?
    /// Current window.
    public var current: WindowPerformance
    /// Reference window, when one was given.
    public var reference: WindowPerformance?
    /// Relative tolerance used against the reference (nil when disabled).
    public var failIfWorseBy: Double?
    /// Minimums checked, by metric JSON name.
    public var minimums: [String: Double]
    /// Maximums checked, by metric JSON name.
    public var maximums: [String: Double]
    /// Everything that should fail a pipeline.
    public var findings: [PerformanceFinding]
    /// True when ``findings`` is empty.
    public var passed: Bool
    /// How the inputs were read (task inference, prediction type, positive class).
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", task, taskInferred = "task_inferred", target, prediction
        case predictionType = "prediction_type", classes, positiveLabel = "positive_label", averaging
        case current, reference, failIfWorseBy = "fail_if_worse_by", minimums, maximums, findings, passed, notes
    }

    /// Creates a report; ``passed`` is derived from `findings`.
    public init(task: ModelTask, taskInferred: Bool, target: String, prediction: [String], predictionType: PredictionType?,
                classes: [String]?, positiveLabel: String?, averaging: Averaging?, current: WindowPerformance,
                reference: WindowPerformance?, failIfWorseBy: Double?, minimums: [String: Double], maximums: [String: Double],
                findings: [PerformanceFinding], notes: [String] = []) {
        schemaVersion = Self.currentSchemaVersion
        self.task = task
        self.taskInferred = taskInferred
        self.target = target
        self.prediction = prediction
        self.predictionType = predictionType
        self.classes = classes
        self.positiveLabel = positiveLabel
        self.averaging = averaging
        self.current = current
        self.reference = reference
        self.failIfWorseBy = failIfWorseBy
        self.minimums = minimums
        self.maximums = maximums
        self.findings = findings
        passed = findings.isEmpty
        self.notes = notes
    }

    /// Encodes every key, writing undefined (nil) values as JSON null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(task, forKey: .task)
        try c.encode(taskInferred, forKey: .taskInferred)
        try c.encode(target, forKey: .target)
        try c.encode(prediction, forKey: .prediction)
        try c.encode(predictionType, forKey: .predictionType)
        try c.encode(classes, forKey: .classes)
        try c.encode(positiveLabel, forKey: .positiveLabel)
        try c.encode(averaging, forKey: .averaging)
        try c.encode(current, forKey: .current)
        try c.encode(reference, forKey: .reference)
        try c.encode(failIfWorseBy, forKey: .failIfWorseBy)
        try c.encode(minimums, forKey: .minimums)
        try c.encode(maximums, forKey: .maximums)
        try c.encode(findings, forKey: .findings)
        try c.encode(passed, forKey: .passed)
        try c.encode(notes, forKey: .notes)
    }

    /// The report as pretty-printed JSON with sorted keys (no NaN or infinity can occur: undefined
    /// values are null and explained in the window's `notes`).
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}
