import Foundation

/// A detector output that broke the contract "one finite score in [0, 1] per row".
public struct ScoreViolation: Sendable, Equatable, Codable {
    /// What was wrong.
    public enum Reason: String, Sendable, Codable {
        /// NaN or ±infinity (scored as 0).
        case nonFinite
        /// Finite but outside [0, 1] (clamped).
        case outOfRange
        /// The detector returned a different number of scores than rows (`row` holds the count;
        /// missing rows are scored 0, extra scores dropped).
        case wrongLength
    }

    /// Name of the series.
    public var series: String
    /// Offending row (or, for `wrongLength`, the number of scores returned).
    public var row: Int
    /// Offending value (or, for `wrongLength`, the number of rows expected).
    public var value: Double
    /// Kind of violation.
    public var reason: Reason

    /// Creates a violation record.
    public init(series: String, row: Int, value: Double, reason: Reason) {
        self.series = series
        self.row = row
        self.value = value
        self.reason = reason
    }
}

/// Score of one series at the corpus-optimised threshold of one profile.
public struct NABSeriesScore: Sendable, Equatable, Codable {
    /// Series name.
    public var name: String
    /// Raw NAB score of the file (sum of window maxima, −A_FN per missed window, FP costs).
    public var rawScore: Double
    /// Number of NAB windows in the file.
    public var windows: Int
    /// Windows with at least one detection.
    public var detectedWindows: Int
    /// Detected (non-probationary) rows outside every window.
    public var falsePositives: Int
    /// For each NAB window of the series (in order), whether any of its rows was detected.
    public var windowDetected: [Bool]

    /// Creates a per-series score.
    public init(name: String, rawScore: Double, windows: Int, detectedWindows: Int, falsePositives: Int, windowDetected: [Bool]) {
        self.name = name
        self.rawScore = rawScore
        self.windows = windows
        self.detectedWindows = detectedWindows
        self.falsePositives = falsePositives
        self.windowDetected = windowDetected
    }
}

/// The NAB evaluation of one detector under one profile.
public struct NABProfileResult: Sendable, Equatable, Codable {
    /// The profile used.
    public var profile: NABProfile
    /// `100 · (raw − null) / (perfect − null)`: 100 = perfect, 0 = null detector.
    public var normalisedScore: Double
    /// The threshold optimised over the whole corpus (a row is a detection iff score ≥ threshold;
    /// 1.1 means "no detections").
    public var threshold: Double
    /// Corpus raw score at ``threshold`` (sum of per-series raw scores).
    public var rawScore: Double
    /// The null detector's raw score (constant 0.5, optimised the same way).
    public var nullScore: Double
    /// The perfect raw score (`windows × A_TP`).
    public var perfectScore: Double
    /// Windows with at least one detection (window-level true positives).
    public var truePositives: Int
    /// Detected rows outside every window, probationary rows excluded (row-level false positives).
    public var falsePositives: Int
    /// Windows without any detection.
    public var falseNegatives: Int
    /// `TP / (TP + FP)` with TP counted in windows and FP in rows; 0 when nothing is detected.
    public var precision: Double
    /// `TP / windows`; 0 when the corpus has no windows.
    public var recall: Double
    /// Mean rows from a detected window's first row to its first detection (nil if none detected).
    public var meanDelayFromWindowStart: Double?
    /// Median of the same delays.
    public var medianDelayFromWindowStart: Double?
    /// Mean rows from a detected window's first labelled anomaly row to its first detection
    /// (negative = detected before the labelled row).
    public var meanDelayFromLabel: Double?
    /// Median of the same delays.
    public var medianDelayFromLabel: Double?
    /// Per-series breakdown at ``threshold``.
    public var series: [NABSeriesScore]
}

/// Everything the harness reports for one detector on one corpus.
public struct NABResult: Sendable, Equatable, Codable {
    /// One result per profile, in the order requested (NAB's three by default).
    public var profiles: [NABProfileResult]
    /// Number of series scored.
    public var seriesCount: Int
    /// Number of NAB windows in the corpus (after probation deletion and merging).
    public var windowCount: Int
    /// Number of scored (non-probationary) rows in the corpus.
    public var scoredRows: Int
    /// Contract violations found in the detector's output (empty for a well-behaved detector).
    public var violations: [ScoreViolation]
    /// Total number of violating rows (``violations`` keeps only the first few per series).
    public var violationCount: Int

    /// Creates a result.
    public init(
        profiles: [NABProfileResult], seriesCount: Int, windowCount: Int, scoredRows: Int,
        violations: [ScoreViolation] = [], violationCount: Int = 0
    ) {
        self.profiles = profiles
        self.seriesCount = seriesCount
        self.windowCount = windowCount
        self.scoredRows = scoredRows
        self.violations = violations
        self.violationCount = violationCount
    }

    /// The result for a profile (matched by name), if it was scored.
    public subscript(profile: NABProfile) -> NABProfileResult? {
        profiles.first { $0.profile.name == profile.name }
    }

    /// A one-line-per-profile human-readable summary.
    public var summary: String {
        profiles.map { p in
            let delay = p.medianDelayFromLabel.map { String(format: "%.1f", $0) } ?? "-"
            let numbers = String(
                format: "score %.1f (raw %.2f, threshold %.12g) TP %d FP %d FN %d precision %.3f recall %.3f",
                p.normalisedScore, p.rawScore, p.threshold, p.truePositives, p.falsePositives,
                p.falseNegatives, p.precision, p.recall)
            return "\(p.profile.name): \(numbers) median delay \(delay) rows"
        }.joined(separator: "\n")
    }

    /// A Markdown scoreboard of several detectors in NAB's layout (normalised score per profile,
    /// then window recall/precision and median delay from the label under the standard profile).
    public static func scoreboard(_ entries: [(name: String, result: NABResult)]) -> String {
        var lines = [
            "| detector | standard | reward low FP | reward low FN | recall | precision | median delay (rows) |",
            "|---|---|---|---|---|---|---|",
        ]
        for (name, result) in entries {
            func score(_ p: NABProfile) -> String {
                result[p].map { String(format: "%.1f", $0.normalisedScore) } ?? "-"
            }
            let standard = result[.standard]
            let recall = standard.map { String(format: "%.3f", $0.recall) } ?? "-"
            let precision = standard.map { String(format: "%.3f", $0.precision) } ?? "-"
            let delay = standard?.medianDelayFromLabel.map { String(format: "%.1f", $0) } ?? "-"
            lines.append("| \(name) | \(score(.standard)) | \(score(.lowFP)) | \(score(.lowFN)) | \(recall) | \(precision) | \(delay) |")
        }
        return lines.joined(separator: "\n")
    }
}
