import Foundation

/// How a column is treated by the drift engine.
public enum ColumnKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// Numbers compared as a continuous/ordered sample.
    case numerical
    /// Discrete values compared by their frequencies.
    case categorical
    /// Free text (Evidently uses a domain classifier; not computed by Vane).
    case text
}

/// When a drift method reports drift, given its score and threshold.
public enum DriftRule: String, Sendable, Codable, Equatable {
    /// p-value < threshold.
    case pValueBelow = "p_value < threshold"
    /// p-value ≤ threshold.
    case pValueAtOrBelow = "p_value <= threshold"
    /// distance ≥ threshold.
    case scoreAtLeast = "score >= threshold"
    /// distance > threshold.
    case scoreAbove = "score > threshold"

    /// Verdict for a score; a NaN score is never drift (Python comparisons with NaN are false).
    public func isDrift(score: Double, threshold: Double) -> Bool {
        switch self {
        case .pValueBelow: score < threshold
        case .pValueAtOrBelow: score <= threshold
        case .scoreAtLeast: score >= threshold
        case .scoreAbove: score > threshold
        }
    }
}

/// The drift methods of Evidently 0.7.23's stattest registry that Vane implements, by registry name.
public enum DriftMethod: String, Sendable, Codable, Equatable, CaseIterable {
    /// Two-sample Kolmogorov–Smirnov p-value.
    case ks
    /// Chi-square goodness of fit against the reference proportions, p-value.
    case chisquare
    /// Pooled two-proportion Z-test p-value.
    case z
    /// Wasserstein distance normed by the reference std.
    case wasserstein
    /// Jensen–Shannon distance (natural log).
    case jensenshannon
    /// Population stability index.
    case psi
    /// Kullback–Leibler divergence.
    case klDiv = "kl_div"
    /// Hellinger distance.
    case hellinger
    /// k-sample Anderson–Darling p-value (interpolated, 0.001…0.25).
    case anderson
    /// Two-sample Cramér–von Mises p-value.
    case cramerVonMises = "cramer_von_mises"
    /// Student's two-sample t-test p-value (equal variances).
    case tTest = "t_test"
    /// Energy distance.
    case ed

    /// Evidently's display name (`stattest_name`).
    public var displayName: String {
        switch self {
        case .ks: "K-S p_value"
        case .chisquare: "chi-square p_value"
        case .z: "Z-test p_value"
        case .wasserstein: "Wasserstein distance (normed)"
        case .jensenshannon: "Jensen-Shannon distance"
        case .psi: "PSI"
        case .klDiv: "Kullback-Leibler divergence"
        case .hellinger: "Hellinger distance"
        case .anderson: "Anderson-Darling"
        case .cramerVonMises: "Cramer-von Mises"
        case .tTest: "t_test"
        case .ed: "Energy-distance"
        }
    }

    /// Column kinds the method may be forced on (Evidently's `allowed_feature_types`).
    /// The default choice also applies chi-square and Z to numerical columns with ≤ 5 values.
    public var allowedKinds: Set<ColumnKind> {
        switch self {
        case .ks, .wasserstein, .anderson, .cramerVonMises, .tTest, .ed: [.numerical]
        case .chisquare, .z: [.categorical]
        case .jensenshannon, .psi, .klDiv, .hellinger: [.numerical, .categorical]
        }
    }

    /// Threshold used when none is given.
    public var defaultThreshold: Double {
        switch self {
        case .ks, .chisquare, .z, .tTest: 0.05
        case .wasserstein, .jensenshannon, .psi, .klDiv, .hellinger, .anderson, .cramerVonMises, .ed: 0.1
        }
    }

    /// The verdict rule.
    public var rule: DriftRule {
        switch self {
        case .ks, .cramerVonMises: .pValueAtOrBelow
        case .chisquare, .z, .anderson, .tTest: .pValueBelow
        case .wasserstein, .jensenshannon, .psi, .klDiv, .hellinger: .scoreAtLeast
        case .ed: .scoreAbove
        }
    }

    /// Whether the score is a p-value (small = drift) rather than a distance.
    public var scoreIsPValue: Bool {
        switch rule {
        case .pValueBelow, .pValueAtOrBelow: true
        case .scoreAtLeast, .scoreAbove: false
        }
    }

    /// Evidently's default method (`_get_default_stattest`) from the cleaned reference size,
    /// the number of distinct values over both windows and the column kind. Nil for text.
    public static func defaultMethod(kind: ColumnKind, referenceCount: Int, uniqueCombined: Int) -> DriftMethod? {
        switch kind {
        case .text: return nil
        case .numerical:
            if referenceCount <= 1000 {
                if uniqueCombined <= 5 { return uniqueCombined > 2 ? .chisquare : .z }
                return .ks
            }
            return uniqueCombined <= 5 ? .jensenshannon : .wasserstein
        case .categorical:
            if referenceCount <= 1000 { return uniqueCombined > 2 ? .chisquare : .z }
            return .jensenshannon
        }
    }
}
