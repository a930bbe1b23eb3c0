import Foundation

/// Two-sample statistics on numeric samples that Evidently computes from the raw values.
/// Functions taking `sorted…` arguments require ascending, NaN-free input (±inf allowed where noted).
public enum NumericSampleStatistics {
    /// Fills `terms[k] = f(uCDF − vCDF, delta)` for each gap between consecutive pooled values,
    /// walking both sorted samples as SciPy's `_cdf_distance` builds its arrays, and returns their
    /// pairwise sum.
    @inline(__always)
    private static func cdfDistanceSum(sortedU u: [Double], sortedV v: [Double], _ f: (Double, Double) -> Double) -> Double {
        let total = u.count + v.count
        guard total > 1 else { return 0 }
        let nu = Double(u.count), nv = Double(v.count)
        var terms = [Double](repeating: 0, count: total - 1)
        u.withUnsafeBufferPointer { u in v.withUnsafeBufferPointer { v in terms.withUnsafeMutableBufferPointer { t in
            var i = 0, j = 0          // next unconsumed element of u and v
            var ci = 0, cj = 0        // counts of u and v values <= current pooled value
            // current pooled value
            var x: Double
            if j >= v.count || (i < u.count && u[i] <= v[j]) { x = u[i]; i += 1 } else { x = v[j]; j += 1 }
            for k in 0..<(total - 1) {
                let next: Double
                if j >= v.count || (i < u.count && u[i] <= v[j]) { next = u[i]; i += 1 } else { next = v[j]; j += 1 }
                while ci < u.count && u[ci] <= x { ci += 1 }
                while cj < v.count && v[cj] <= x { cj += 1 }
                t[k] = f(Double(ci) / nu - Double(cj) / nv, next - x)
                x = next
            }
        } } }
        return NumericKernels.pairwiseSum(terms)
    }

    /// First Wasserstein distance between the empirical distributions
    /// (`scipy.stats.wasserstein_distance(u, v)`).
    public static func wassersteinDistance(sortedU u: [Double], sortedV v: [Double]) -> Double {
        cdfDistanceSum(sortedU: u, sortedV: v) { d, delta in abs(d) * delta }
    }

    /// Evidently's normed Wasserstein distance: W(ref, cur) / max(std(ref), 0.001), population std
    /// of the reference. `reference` is in its original order (used for the std), `sortedReference`
    /// and `sortedCurrent` ascending. NaN when the reference holds infinities.
    public static func normedWasserstein(reference: [Double], sortedReference: [Double], sortedCurrent: [Double]) -> Double {
        let std = NumericKernels.populationStandardDeviation(reference)
        // Python's max(std, 0.001) keeps `std` unless 0.001 > std (so NaN stays NaN).
        let norm = 0.001 > std ? 0.001 : std
        return wassersteinDistance(sortedU: sortedReference, sortedV: sortedCurrent) / norm
    }

    /// Energy distance sqrt(2) · sqrt(Σ (F_u − F_v)² Δ) (`scipy.stats.energy_distance(u, v)`).
    public static func energyDistance(sortedU u: [Double], sortedV v: [Double]) -> Double {
        2.0.squareRoot() * cdfDistanceSum(sortedU: u, sortedV: v) { d, delta in (d * d) * delta }.squareRoot()
    }

    /// Counts for the binned statistics (JS, PSI, KL) of a numerical column, as Evidently's
    /// `get_binned_data`: Sturges equal-width bins over the pooled sample when the reference
    /// has more than 20 distinct values, one key per distinct pooled value otherwise.
    /// Throws where NumPy raises (infinite values in the binned branch).
    public static func binnedCounts(sortedReference a: [Double], sortedCurrent b: [Double]) throws(Histogram.NonFiniteRange) -> CategoryCounts {
        if NumericKernels.distinctCount(sorted: a) > 20 {
            let lo = min(a[0], b[0]), hi = max(a[a.count - 1], b[b.count - 1])
            let edges = try Histogram.sturgesEdges(minimum: lo, maximum: hi, count: a.count + b.count)
            return CategoryCounts(reference: Histogram.counts(a, edges: edges),
                                  current: Histogram.counts(b, edges: edges),
                                  referenceTotal: a.count, currentTotal: b.count)
        }
        return CategoryCounts.distinct(sortedReference: a, sortedCurrent: b).counts
    }

    /// Evidently's numerical Hellinger distance: Sturges bins over the **distinct** pooled values,
    /// density histograms h, BC = Σ sqrt(h_ref·h_cur)·bin_width, H = sqrt(1 − clip(BC, 0, 1)).
    public static func hellingerDistance(sortedReference a: [Double], sortedCurrent b: [Double]) throws(Histogram.NonFiniteRange) -> Double {
        let keys = CategoryCounts.distinct(sortedReference: a, sortedCurrent: b).values
        let edges = try Histogram.sturgesEdges(minimum: keys[0], maximum: keys[keys.count - 1], count: keys.count)
        let c1 = Histogram.counts(a, edges: edges), c2 = Histogram.counts(b, edges: edges)
        let t1 = Double(c1.reduce(0, +)), t2 = Double(c2.reduce(0, +))
        let binWidth = (edges[edges.count - 1] - edges[0]) / Double(edges.count - 1)
        var bc = 0.0
        for i in 0..<c1.count {
            let db = edges[i + 1] - edges[i]
            let h1 = Double(c1[i]) / db / t1
            let h2 = Double(c2[i]) / db / t2
            bc += (h1 * h2).squareRoot() * binWidth
        }
        bc = min(max(bc, 0), 1)
        return (1 - bc).squareRoot()
    }

    /// Student's two-sample t-test with pooled variance (`scipy.stats.ttest_ind(a, b)`),
    /// two-sided p-value. NaN when both samples are constant with equal means.
    public static func tTestPValue(_ a: [Double], _ b: [Double]) -> Double {
        let n1 = Double(a.count), n2 = Double(b.count)
        var v1 = NumericKernels.sampleVariance(a)
        var v2 = NumericKernels.sampleVariance(b)
        if a.count == 1 { v1 = 0 }
        if b.count == 1 { v2 = 0 }
        let df = n1 + n2 - 2.0
        let svar = ((n1 - 1) * v1 + (n2 - 1) * v2) / df
        let denom = (svar * (1.0 / n1 + 1.0 / n2)).squareRoot()
        let d = NumericKernels.mean(a) - NumericKernels.mean(b)
        let t = d / denom
        if t.isNaN { return .nan }
        return 2 * SpecialFunctions.studentTSurvival(abs(t), degreesOfFreedom: df)
    }
}
