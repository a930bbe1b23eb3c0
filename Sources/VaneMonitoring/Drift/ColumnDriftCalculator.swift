import Foundation

/// One window of a numeric column, cleaned and sorted once.
struct NumericWindow: Sendable {
    /// Cleaned values in original order.
    var values: [Double]
    /// The same values ascending.
    var sorted: [Double]

    init(_ values: [Double]) {
        self.values = values
        self.sorted = RadixSort.sorted(values)
    }
}

/// Computes one drift method on one column (Evidently `get_one_column_drift` + the stattest).
public enum ColumnDriftCalculator {
    /// Drift of a numerical column from two cleaned samples (NaN-free; ±inf only on the
    /// dataset-level path). `method`/`threshold` nil = Evidently's defaults.
    public static func numerical(reference: [Double], current: [Double], method: DriftMethod?, threshold: Double?) -> MethodOutcome {
        guard !reference.isEmpty, !current.isEmpty else {
            return emptyOutcome(reference.isEmpty, method: method, threshold: threshold, column: nil)
        }
        let r = NumericWindow(reference), c = NumericWindow(current)
        let unique = NumericKernels.distinctCount(sorted: r.sorted, c.sorted)
        return numerical(r, c, uniqueCombined: unique, method: method, threshold: threshold)
    }

    static func emptyOutcome(_ referenceEmpty: Bool, method: DriftMethod?, threshold: Double?, column: String?) -> MethodOutcome {
        let side = referenceEmpty ? "reference" : "current"
        let name = column.map { "'\($0)'" } ?? ""
        return MethodOutcome(method: method, score: nil, threshold: threshold ?? method?.defaultThreshold ?? .nan,
                             driftDetected: false,
                             error: "ValueError: An empty column \(name) was provided for drift calculation in the \(side) dataset.")
    }

    static func notApplicable(_ m: DriftMethod, kind: ColumnKind, threshold: Double?) -> MethodOutcome {
        let evidentlyKind = kind == .numerical ? "num" : "cat"
        return MethodOutcome(method: m, score: nil, threshold: threshold ?? m.defaultThreshold, driftDetected: false,
                             error: "StatTestInvalidFeatureTypeError: Stattest \(m.rawValue) isn't applicable to feature of type \(evidentlyKind)")
    }

    static func numerical(_ r: NumericWindow, _ c: NumericWindow, uniqueCombined: Int, method forced: DriftMethod?, threshold: Double?) -> MethodOutcome {
        if let forced, !forced.allowedKinds.contains(.numerical) { return notApplicable(forced, kind: .numerical, threshold: threshold) }
        let m = forced ?? DriftMethod.defaultMethod(kind: .numerical, referenceCount: r.values.count, uniqueCombined: uniqueCombined)!
        let thr = threshold ?? m.defaultThreshold
        do {
            let score = try numericalScore(m, r, c)
            return MethodOutcome(method: m, score: score, threshold: thr, driftDetected: m.rule.isDrift(score: score, threshold: thr))
        } catch {
            return MethodOutcome(method: m, score: nil, threshold: thr, driftDetected: false, error: "\(error)")
        }
    }

    static func numericalScore(_ m: DriftMethod, _ r: NumericWindow, _ c: NumericWindow) throws -> Double {
        switch m {
        case .ks:
            return KolmogorovSmirnovTest.test(sortedA: r.sorted, sortedB: c.sorted).pValue
        case .wasserstein:
            return NumericSampleStatistics.normedWasserstein(reference: r.values, sortedReference: r.sorted, sortedCurrent: c.sorted)
        case .ed:
            return NumericSampleStatistics.energyDistance(sortedU: r.sorted, sortedV: c.sorted)
        case .tTest:
            return NumericSampleStatistics.tTestPValue(r.values, c.values)
        case .anderson:
            return try AndersonDarlingTest.test(sortedA: r.sorted, sortedB: c.sorted).pValue
        case .cramerVonMises:
            return try CramerVonMisesTest.test(sortedX: r.sorted, sortedY: c.sorted).pValue
        case .hellinger:
            return try NumericSampleStatistics.hellingerDistance(sortedReference: r.sorted, sortedCurrent: c.sorted)
        case .jensenshannon:
            return CountStatistics.jensenShannonDistance(try NumericSampleStatistics.binnedCounts(sortedReference: r.sorted, sortedCurrent: c.sorted))
        case .psi:
            return CountStatistics.populationStabilityIndex(try NumericSampleStatistics.binnedCounts(sortedReference: r.sorted, sortedCurrent: c.sorted))
        case .klDiv:
            return CountStatistics.kullbackLeiblerDivergence(try NumericSampleStatistics.binnedCounts(sortedReference: r.sorted, sortedCurrent: c.sorted))
        case .chisquare, .z:
            // reached only through the default choice for ≤ 5 distinct values: value counts of the numbers
            let d = CategoryCounts.distinct(sortedReference: r.sorted, sortedCurrent: c.sorted)
            return m == .z ? CountStatistics.zTestPValue(d.counts, firstKey: 0) : CountStatistics.chiSquarePValue(d.counts)
        }
    }

    /// Drift of a categorical column from counts over shared keys; `firstKey` is the index of the
    /// smallest key (used by the Z-test). `method`/`threshold` nil = Evidently's defaults.
    public static func categorical(_ counts: CategoryCounts, firstKey: Int, method forced: DriftMethod?, threshold: Double?) -> MethodOutcome {
        if counts.referenceTotal == 0 || counts.currentTotal == 0 {
            return emptyOutcome(counts.referenceTotal == 0, method: forced, threshold: threshold, column: nil)
        }
        if let forced, !forced.allowedKinds.contains(.categorical) { return notApplicable(forced, kind: .categorical, threshold: threshold) }
        let m = forced ?? DriftMethod.defaultMethod(kind: .categorical, referenceCount: counts.referenceTotal,
                                                   uniqueCombined: counts.observedKeyCount)!
        let thr = threshold ?? m.defaultThreshold
        let score: Double
        switch m {
        case .chisquare: score = CountStatistics.chiSquarePValue(counts)
        case .z: score = CountStatistics.zTestPValue(counts, firstKey: firstKey)
        case .jensenshannon: score = CountStatistics.jensenShannonDistance(counts)
        case .psi: score = CountStatistics.populationStabilityIndex(counts)
        case .klDiv: score = CountStatistics.kullbackLeiblerDivergence(counts)
        case .hellinger: score = CountStatistics.hellingerDistance(counts)
        default: return notApplicable(m, kind: .categorical, threshold: threshold)
        }
        return MethodOutcome(method: m, score: score, threshold: thr, driftDetected: m.rule.isDrift(score: score, threshold: thr))
    }
}
