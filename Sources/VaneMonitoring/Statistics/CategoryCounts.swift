import Foundation

/// Counts of reference and current observations over one shared list of keys
/// (categories, distinct numeric values or histogram bins).
///
/// The statistics that Evidently computes from value counts or histograms (chi-square, Z,
/// Jensen–Shannon, PSI, KL, categorical Hellinger) are defined on this type.
public struct CategoryCounts: Sendable, Equatable {
    /// Count per key in the reference window.
    public var reference: [Int]
    /// Count per key in the current window.
    public var current: [Int]
    /// Size of the reference sample (`len(reference)`, the divisor of the proportions).
    public var referenceTotal: Int
    /// Size of the current sample.
    public var currentTotal: Int

    /// Builds counts; `referenceTotal`/`currentTotal` default to the sums of the counts.
    public init(reference: [Int], current: [Int], referenceTotal: Int? = nil, currentTotal: Int? = nil) {
        precondition(reference.count == current.count, "count vectors must have the same keys")
        self.reference = reference
        self.current = current
        self.referenceTotal = referenceTotal ?? reference.reduce(0, +)
        self.currentTotal = currentTotal ?? current.reduce(0, +)
    }

    /// Counts of two string samples over the union of their values (missing values as `nil`
    /// are dropped). Keys are ordered by code point; the order does not change any statistic
    /// beyond rounding.
    public init(reference: [String?], current: [String?]) {
        var index: [String: Int] = [:]
        var keys: [String] = []
        for v in reference + current {
            if let v, index[v] == nil { index[v] = keys.count; keys.append(v) }
        }
        var r = [Int](repeating: 0, count: keys.count), c = r
        var nr = 0, nc = 0
        for v in reference { if let v { r[index[v]!] += 1; nr += 1 } }
        for v in current { if let v { c[index[v]!] += 1; nc += 1 } }
        self.init(reference: r, current: c, referenceTotal: nr, currentTotal: nc)
    }

    /// Counts of two numeric samples over their distinct values (ascending).
    public init(distinctValuesOf reference: [Double], _ current: [Double]) {
        self = CategoryCounts.distinct(sortedReference: RadixSort.sorted(reference), sortedCurrent: RadixSort.sorted(current)).counts
    }

    /// Distinct values of two sorted samples with the count of each in both.
    static func distinct(sortedReference a: [Double], sortedCurrent b: [Double]) -> (values: [Double], counts: CategoryCounts) {
        var values: [Double] = []
        var r: [Int] = [], c: [Int] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let v: Double
            if j >= b.count || (i < a.count && a[i] <= b[j]) { v = a[i] } else { v = b[j] }
            var ci = 0, cj = 0
            while i < a.count && a[i] == v { i += 1; ci += 1 }
            while j < b.count && b[j] == v { j += 1; cj += 1 }
            values.append(v); r.append(ci); c.append(cj)
        }
        return (values, CategoryCounts(reference: r, current: c, referenceTotal: a.count, currentTotal: b.count))
    }

    /// Number of keys observed in at least one window.
    public var observedKeyCount: Int {
        zip(reference, current).reduce(0) { $0 + (($1.0 + $1.1) > 0 ? 1 : 0) }
    }

    /// Proportions `count / total` per key (`get_binned_data`), optionally with Evidently's zero
    /// filling: zeros become `min_nonzero / 1e6` if that minimum is ≤ 0.0001, else 0.0001.
    public func proportions(fillZeros: Bool) -> (reference: [Double], current: [Double]) {
        var p = reference.map { Double($0) / Double(referenceTotal) }
        var q = current.map { Double($0) / Double(currentTotal) }
        if fillZeros {
            CategoryCounts.fillZeros(&p)
            CategoryCounts.fillZeros(&q)
        }
        return (p, q)
    }

    static func fillZeros(_ v: inout [Double]) {
        guard let m = v.filter({ $0 != 0 }).min() else { return }
        let fill = m <= 0.0001 ? m / 1e6 : 0.0001
        for i in v.indices where v[i] == 0 { v[i] = fill }
    }
}

/// Relative entropy term `x log(x/y)` as `scipy.special.rel_entr`.
@inline(__always)
func relativeEntropy(_ x: Double, _ y: Double) -> Double {
    if x.isNaN || y.isNaN { return .nan }
    if x > 0 && y > 0 { return x * log(x / y) }
    if x == 0 && y >= 0 { return 0 }
    return .infinity
}

/// Statistics on ``CategoryCounts``.
public enum CountStatistics {
    /// Jensen–Shannon **distance** (natural log) between the proportion vectors, as
    /// `scipy.spatial.distance.jensenshannon(p, q)`: both renormalised, no smoothing.
    public static func jensenShannonDistance(_ counts: CategoryCounts) -> Double {
        let (p0, q0) = counts.proportions(fillZeros: false)
        return jensenShannonDistance(p0, q0)
    }

    /// Jensen–Shannon distance between two (not necessarily normalised) weight vectors.
    public static func jensenShannonDistance(_ p0: [Double], _ q0: [Double]) -> Double {
        let sp = NumericKernels.pairwiseSum(p0), sq = NumericKernels.pairwiseSum(q0)
        let p = p0.map { $0 / sp }, q = q0.map { $0 / sq }
        let m = zip(p, q).map { ($0 + $1) / 2.0 }
        let left = NumericKernels.pairwiseSum(zip(p, m).map { relativeEntropy($0, $1) })
        let right = NumericKernels.pairwiseSum(zip(q, m).map { relativeEntropy($0, $1) })
        let js = left + right
        return (js / 2.0).squareRoot()
    }

    /// Population stability index Σ (r − c) ln(r / c) on the zero-filled proportions.
    public static func populationStabilityIndex(_ counts: CategoryCounts) -> Double {
        let (r, c) = counts.proportions(fillZeros: true)
        return NumericKernels.pairwiseSum(zip(r, c).map { ($0 - $1) * log($0 / $1) })
    }

    /// Kullback–Leibler divergence KL(reference ‖ current), natural log, on the zero-filled
    /// proportions renormalised to sum 1 (`scipy.stats.entropy(p, q)`).
    public static func kullbackLeiblerDivergence(_ counts: CategoryCounts) -> Double {
        let (r0, c0) = counts.proportions(fillZeros: true)
        return kullbackLeiblerDivergence(r0, c0)
    }

    /// `scipy.stats.entropy(p, q)` for two weight vectors.
    public static func kullbackLeiblerDivergence(_ p0: [Double], _ q0: [Double]) -> Double {
        let sp = NumericKernels.pairwiseSum(p0), sq = NumericKernels.pairwiseSum(q0)
        let p = p0.map { 1.0 * $0 / sp }, q = q0.map { 1.0 * $0 / sq }
        return NumericKernels.pairwiseSum(zip(p, q).map { relativeEntropy($0, $1) })
    }

    /// Chi-square goodness of fit of the current counts against the reference proportions
    /// scaled to the current size (`scipy.stats.chisquare(f_obs, f_exp)`, dof = keys − 1).
    ///
    /// Returns the p-value; NaN when the statistic is 0 with 0 degrees of freedom, 0 when a
    /// key absent from the reference is observed (infinite statistic).
    public static func chiSquarePValue(_ counts: CategoryCounts) -> Double {
        let kNorm = Double(counts.currentTotal) / Double(counts.referenceTotal)
        var terms = [Double]()
        terms.reserveCapacity(counts.reference.count)
        for (r, c) in zip(counts.reference, counts.current) {
            let fExp = Double(r) * kNorm
            let fObs = Double(c)
            let d = fObs - fExp
            terms.append(d * d / fExp)
        }
        let stat = NumericKernels.pairwiseSum(terms)
        let dof = Double(counts.reference.count - 1)
        return SpecialFunctions.chiSquaredSurvival(stat, degreesOfFreedom: dof)
    }

    /// Pooled two-proportion Z-test, two-sided p = 2(1 − Φ(|z|)), where an observation is 0 if
    /// it equals the first key and 1 otherwise (Evidently `_z_stat_test`). `firstKey` is the
    /// index of the smallest key in sort order. When both windows hold the same single value
    /// the p-value is 1.
    public static func zTestPValue(_ counts: CategoryCounts, firstKey: Int) -> Double {
        let refKeys = counts.reference.enumerated().filter { $0.element > 0 }.map(\.offset)
        let curKeys = counts.current.enumerated().filter { $0.element > 0 }.map(\.offset)
        if refKeys.count == 1 && curKeys.count == 1 && refKeys[0] == curKeys[0] { return 1 }
        let n1 = Double(counts.referenceTotal), n2 = Double(counts.currentTotal)
        let ones1 = counts.referenceTotal - counts.reference[firstKey]
        let ones2 = counts.currentTotal - counts.current[firstKey]
        let p1 = Double(ones1) / n1
        let p2 = Double(ones2) / n2
        let P = (p1 * n1 + p2 * n2) / (n1 + n2)
        let z = (p1 - p2) / (P * (1 - P) * (1.0 / n1 + 1.0 / n2)).squareRoot()
        return 2 * (1 - SpecialFunctions.normalCDF(abs(z)))
    }

    /// Hellinger distance between the two categorical distributions:
    /// sqrt(1 − clip(Σ sqrt(p_ref·p_cur), 0, 1)).
    public static func hellingerDistance(_ counts: CategoryCounts) -> Double {
        var bc = 0.0
        for (r, c) in zip(counts.reference, counts.current) {
            let p1 = Double(r) / Double(counts.referenceTotal)
            let p2 = Double(c) / Double(counts.currentTotal)
            bc += (p1 * p2).squareRoot()
        }
        bc = min(max(bc, 0), 1)
        return (1 - bc).squareRoot()
    }
}
