import Foundation

/// Outcome of one drift method on one column.
///
/// `score` is the p-value (ks, chisquare, z, anderson, cramer_von_mises, t_test) or the distance.
/// It is `nil` only when ``error`` is set (the method raised or does not apply). It may be NaN when
/// the statistic is undefined where Evidently reports NaN (t-test of two constant samples, a
/// one-category chi-square); such a score is never drift. In JSON a non-finite score is written
/// as the string `"NaN"` (or `"Infinity"`/`"-Infinity"`), as in the fixtures' `expected.json`.
public struct MethodOutcome: Sendable, Equatable, Codable {
    /// The method applied (nil when none could be chosen, e.g. empty column with default method).
    public var method: DriftMethod?
    /// p-value or distance; nil when ``error`` is set.
    public var score: Double?
    /// Threshold compared with the score.
    public var threshold: Double
    /// Verdict.
    public var driftDetected: Bool
    /// Why no score could be computed (Evidently raises here).
    public var error: String?

    /// Creates an outcome.
    public init(method: DriftMethod?, score: Double?, threshold: Double, driftDetected: Bool, error: String? = nil) {
        self.method = method
        self.score = score
        self.threshold = threshold
        self.driftDetected = driftDetected
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case method, score, threshold, driftDetected = "drift_detected", error
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(JSONScore(score), forKey: .score)
        try c.encode(threshold.isFinite ? threshold : nil, forKey: .threshold)
        try c.encode(driftDetected, forKey: .driftDetected)
        try c.encodeIfPresent(error, forKey: .error)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(DriftMethod.self, forKey: .method)
        score = try c.decode(JSONScore.self, forKey: .score).value
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? .nan
        driftDetected = try c.decode(Bool.self, forKey: .driftDetected)
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }
}

/// A score in JSON: a number, the strings "NaN"/"Infinity"/"-Infinity", or null.
struct JSONScore: Codable {
    var value: Double?
    init(_ v: Double?) { value = v }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        guard let v = value else { try c.encodeNil(); return }
        if v.isNaN { try c.encode("NaN") } else if v.isInfinite { try c.encode(v > 0 ? "Infinity" : "-Infinity") } else { try c.encode(v) }
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = nil; return }
        if let d = try? c.decode(Double.self) { value = d; return }
        switch try c.decode(String.self) {
        case "NaN": value = .nan
        case "Infinity": value = .infinity
        case "-Infinity": value = -.infinity
        case let s: throw DecodingError.dataCorruptedError(in: c, debugDescription: "bad score \(s)")
        }
    }
}

/// Drift of one column.
public struct ColumnDriftResult: Sendable, Equatable, Codable {
    /// Column name.
    public var column: String
    /// Kind used.
    public var type: ColumnKind
    /// Method, score, threshold and verdict (Evidently's per-column `ValueDrift`).
    public var outcome: MethodOutcome
    /// Evidently's display name of the method.
    public var displayName: String?
    /// Reference values used after dropping missing and ±inf.
    public var referenceRowsUsed: Int
    /// Current values used after dropping missing and ±inf.
    public var currentRowsUsed: Int
    /// Missing (empty/NaN) reference values.
    public var referenceMissing: Int
    /// Missing (empty/NaN) current values.
    public var currentMissing: Int
    /// ±inf reference values (dropped like missing values).
    public var referenceInfinite: Int
    /// ±inf current values.
    public var currentInfinite: Int
    /// Distinct reference values used.
    public var uniqueReference: Int
    /// Distinct values over both windows (input of the default method choice).
    public var uniqueCombined: Int
    /// The column as Evidently's dataset-level count (`DriftedColumnsCount`) computes it, when that
    /// differs from ``outcome``: a window with ±inf but no NaN keeps its infinities there.
    public var datasetPath: MethodOutcome?
    /// Reference and current distributions over shared bins or categories (nil when a window
    /// has no values).
    public var distribution: ColumnDistribution?

    /// Method applied.
    public var method: DriftMethod? { outcome.method }
    /// Score (see ``MethodOutcome``).
    public var score: Double? { outcome.score }
    /// Threshold.
    public var threshold: Double { outcome.threshold }
    /// Verdict.
    public var driftDetected: Bool { outcome.driftDetected }
    /// `ok` when a score was computed, `not_enough_data` when a window has no values left after
    /// dropping missing values and infinities (never drift), `error` when the method raised.
    public var status: String {
        if outcome.error == nil { return "ok" }
        return referenceRowsUsed == 0 || currentRowsUsed == 0 ? "not_enough_data" : "error"
    }

    enum CodingKeys: String, CodingKey {
        case column, type, method, displayName = "display_name", score, threshold, driftDetected = "drift_detected"
        case rule, error, status
        case referenceRowsUsed = "reference_rows_used", currentRowsUsed = "current_rows_used"
        case referenceMissing = "reference_missing", currentMissing = "current_missing"
        case referenceInfinite = "reference_infinite", currentInfinite = "current_infinite"
        case uniqueReference = "n_unique_reference", uniqueCombined = "n_unique_combined"
        case datasetPath = "dataset_path", distribution
    }

    /// Creates a result.
    public init(column: String, type: ColumnKind, outcome: MethodOutcome, referenceRowsUsed: Int, currentRowsUsed: Int,
                referenceMissing: Int, currentMissing: Int, referenceInfinite: Int, currentInfinite: Int,
                uniqueReference: Int, uniqueCombined: Int, datasetPath: MethodOutcome? = nil,
                distribution: ColumnDistribution? = nil) {
        self.column = column
        self.type = type
        self.outcome = outcome
        self.displayName = outcome.method?.displayName
        self.referenceRowsUsed = referenceRowsUsed
        self.currentRowsUsed = currentRowsUsed
        self.referenceMissing = referenceMissing
        self.currentMissing = currentMissing
        self.referenceInfinite = referenceInfinite
        self.currentInfinite = currentInfinite
        self.uniqueReference = uniqueReference
        self.uniqueCombined = uniqueCombined
        self.datasetPath = datasetPath
        self.distribution = distribution
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(column, forKey: .column)
        try c.encode(type, forKey: .type)
        try c.encode(outcome.method, forKey: .method)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(JSONScore(outcome.score), forKey: .score)
        try c.encode(outcome.threshold.isFinite ? outcome.threshold : nil, forKey: .threshold)
        try c.encode(status, forKey: .status)
        try c.encode(outcome.driftDetected, forKey: .driftDetected)
        try c.encode(outcome.method?.rule, forKey: .rule)
        try c.encodeIfPresent(outcome.error, forKey: .error)
        try c.encode(referenceRowsUsed, forKey: .referenceRowsUsed)
        try c.encode(currentRowsUsed, forKey: .currentRowsUsed)
        try c.encode(referenceMissing, forKey: .referenceMissing)
        try c.encode(currentMissing, forKey: .currentMissing)
        try c.encode(referenceInfinite, forKey: .referenceInfinite)
        try c.encode(currentInfinite, forKey: .currentInfinite)
        try c.encode(uniqueReference, forKey: .uniqueReference)
        try c.encode(uniqueCombined, forKey: .uniqueCombined)
        try c.encodeIfPresent(datasetPath, forKey: .datasetPath)
        try c.encodeIfPresent(distribution, forKey: .distribution)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        column = try c.decode(String.self, forKey: .column)
        type = try c.decode(ColumnKind.self, forKey: .type)
        outcome = MethodOutcome(method: try c.decodeIfPresent(DriftMethod.self, forKey: .method),
                                score: try c.decode(JSONScore.self, forKey: .score).value,
                                threshold: try c.decodeIfPresent(Double.self, forKey: .threshold) ?? .nan,
                                driftDetected: try c.decode(Bool.self, forKey: .driftDetected),
                                error: try c.decodeIfPresent(String.self, forKey: .error))
        displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        referenceRowsUsed = try c.decode(Int.self, forKey: .referenceRowsUsed)
        currentRowsUsed = try c.decode(Int.self, forKey: .currentRowsUsed)
        referenceMissing = try c.decode(Int.self, forKey: .referenceMissing)
        currentMissing = try c.decode(Int.self, forKey: .currentMissing)
        referenceInfinite = try c.decode(Int.self, forKey: .referenceInfinite)
        currentInfinite = try c.decode(Int.self, forKey: .currentInfinite)
        uniqueReference = try c.decode(Int.self, forKey: .uniqueReference)
        uniqueCombined = try c.decode(Int.self, forKey: .uniqueCombined)
        datasetPath = try c.decodeIfPresent(MethodOutcome.self, forKey: .datasetPath)
        distribution = try c.decodeIfPresent(ColumnDistribution.self, forKey: .distribution)
    }
}

/// Dataset-level verdict: share of drifted columns compared with `drift_share` (`share >= drift_share`).
public struct DatasetDriftSummary: Sendable, Equatable, Codable {
    /// Columns counted.
    public var numberOfColumns: Int
    /// Columns flagged as drifted.
    public var driftedColumns: Int
    /// drifted / columns (0 when there are no columns).
    public var share: Double
    /// Threshold on the share.
    public var driftShare: Double
    /// share ≥ drift share.
    public var driftDetected: Bool
    /// Set when Evidently would have aborted the report instead of producing this count
    /// (a column whose method raised).
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case numberOfColumns = "number_of_columns", driftedColumns = "drifted_columns", share
        case driftShare = "drift_share", driftDetected = "drift_detected", error
    }

    /// Summary of verdicts.
    public init(verdicts: [Bool], driftShare: Double, error: String? = nil) {
        numberOfColumns = verdicts.count
        driftedColumns = verdicts.filter { $0 }.count
        share = verdicts.isEmpty ? 0 : Double(driftedColumns) / Double(numberOfColumns)
        self.driftShare = driftShare
        driftDetected = !verdicts.isEmpty && share >= driftShare
        self.error = error
    }
}

/// A column left out of the drift computation, and why.
public struct SkippedColumn: Sendable, Equatable, Codable {
    /// Column name.
    public var column: String
    /// Reason (e.g. a text column).
    public var reason: String
}

/// Result of a drift run (Evidently `DataDriftPreset` equivalent).
public struct DriftReport: Sendable, Equatable, Codable {
    /// Version of this JSON layout.
    public static let currentSchemaVersion = 1

    /// Version of the layout (``currentSchemaVersion``).
    public var schemaVersion: Int
    /// Per-column results, in column order.
    public var columns: [ColumnDriftResult]
    /// Verdict from the per-column verdicts in ``columns``.
    public var dataset: DatasetDriftSummary
    /// Evidently's own dataset count (`DriftedColumnsCount`), which differs from ``dataset`` only
    /// for columns holding ±inf without NaN (see ``ColumnDriftResult/datasetPath``).
    public var evidentlyDatasetCount: DatasetDriftSummary
    /// Columns not computed (text columns).
    public var skippedColumns: [SkippedColumn]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", columns, dataset
        case evidentlyDatasetCount = "evidently_dataset_count", skippedColumns = "skipped_columns"
    }

    /// Creates a report.
    public init(columns: [ColumnDriftResult], dataset: DatasetDriftSummary, evidentlyDatasetCount: DatasetDriftSummary,
                skippedColumns: [SkippedColumn]) {
        schemaVersion = Self.currentSchemaVersion
        self.columns = columns
        self.dataset = dataset
        self.evidentlyDatasetCount = evidentlyDatasetCount
        self.skippedColumns = skippedColumns
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}
