import Foundation

/// Two-sample two-sided Kolmogorov–Smirnov test (`scipy.stats.ks_2samp(a, b)`, `method="auto"`).
public enum KolmogorovSmirnovTest {
    /// How the p-value was obtained.
    public enum Mode: String, Sendable, Codable {
        /// Exact lattice-path probability.
        case exact
        /// `kstwo.sf(D, round(n·m/(n+m)))`.
        case asymptotic
    }

    /// Statistic, p-value and the mode used.
    public struct Result: Sendable, Equatable {
        /// sup |F_ref − F_cur| (rounded to h / lcm(n, m) in exact mode, as SciPy).
        public var statistic: Double
        /// Two-sided p-value.
        public var pValue: Double
        /// Exact or asymptotic.
        public var mode: Mode
    }

    /// Largest sample size for which `auto` tries the exact p-value (SciPy's `MAX_AUTO_N`).
    public static let maxAutoExactSize = 10_000

    /// KS test of two unsorted samples (NaN-free; ±inf allowed).
    public static func test(_ a: [Double], _ b: [Double]) -> Result {
        test(sortedA: RadixSort.sorted(a), sortedB: RadixSort.sorted(b))
    }

    /// KS test of two samples already sorted ascending.
    public static func test(sortedA a: [Double], sortedB b: [Double]) -> Result {
        let n1 = a.count, n2 = b.count
        precondition(n1 > 0 && n2 > 0, "ks_2samp needs non-empty samples")
        let d = statistic(sortedA: a, sortedB: b)
        let g = gcd(n1, n2)
        var mode: Mode = max(n1, n2) <= maxAutoExactSize ? .exact : .asymptotic
        var dOut = d
        var prob = -Double.infinity
        if mode == .exact {
            let lcm = (n1 / g) * n2
            let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
            dOut = Double(h) * 1.0 / Double(lcm)
            if h == 0 {
                prob = 1.0
            } else {
                let p: Double = (n1 == n2) ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h)
                if p.isFinite && p >= 0 && p <= 1 {
                    prob = p
                } else {
                    mode = .asymptotic
                }
            }
        }
        if mode == .asymptotic {
            let (m, n) = (Double(max(n1, n2)), Double(min(n1, n2)))
            let en = m * n / (m + n)
            prob = KolmogorovDistribution.survival(dOut, n: Int(en.rounded(.toNearestOrEven)))
        }
        return Result(statistic: dOut, pValue: min(max(prob, 0), 1), mode: mode)
    }

    /// D = max(max(cdf1 − cdf2), clip(−min(cdf1 − cdf2), 0, 1)) over all observed values,
    /// with cdfs evaluated as `searchsorted(side="right") / n`.
    static func statistic(sortedA a: [Double], sortedB b: [Double]) -> Double {
        let n1 = Double(a.count), n2 = Double(b.count)
        var i = 0, j = 0
        var minDiff = Double.infinity, maxDiff = -Double.infinity
        while i < a.count || j < b.count {
            let v: Double
            if j >= b.count || (i < a.count && a[i] <= b[j]) { v = a[i] } else { v = b[j] }
            while i < a.count && a[i] <= v { i += 1 }
            while j < b.count && b[j] <= v { j += 1 }
            let diff = Double(i) / n1 - Double(j) / n2
            if diff < minDiff { minDiff = diff }
            if diff > maxDiff { maxDiff = diff }
        }
        let minS = min(max(-minDiff, 0), 1)
        return minS > maxDiff ? minS : maxDiff
    }

    /// Pr(D_{n,n} ≥ h/n) by the alternating binomial sum in Horner form (SciPy
    /// `_compute_prob_outside_square`).
    static func probOutsideSquare(_ n: Int, _ h: Int) -> Double {
        var P = 0.0
        var k = Int((Double(n) / Double(h)).rounded(.down))
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            P = p1 * (1.0 - P)
            k -= 1
        }
        return 2 * P
    }

    /// Proportion of lattice paths from (0,0) to (m,n) leaving the band |x/m − y/n| < h/lcm,
    /// computed directly as 1 − (inside proportion) with Viehmann's stable recursion (SciPy
    /// `_compute_outer_prob_inside_method`).
    static func outerProbInside(_ m0: Int, _ n0: Int, _ g: Int, _ h: Int) -> Double {
        let (m, n) = m0 < n0 ? (n0, m0) : (m0, n0)
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var A = [Double](repeating: 1, count: lenA)
        for q in minj..<maxj where q < lenA { A[q] = 0 }
        return A.withUnsafeMutableBufferPointer { A -> Double in
            for i in 1...m {
                let lastminj = minj, lastlen = curlen
                minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
                minj = min(minj, n)
                maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
                if maxj <= minj { return 1.0 }
                let di = Double(i)
                var val = minj == 0 ? 0.0 : 1.0
                for jj in 0..<(maxj - minj) {
                    let j = jj + minj
                    val = (A[jj + minj - lastminj] * di + val * Double(j)) / (di + Double(j))
                    A[jj] = val
                }
                curlen = maxj - minj
                if lastlen > curlen {
                    let lo = maxj - minj, hi = min(maxj - minj + (lastlen - curlen), A.count)
                    if lo < hi { for q in lo..<hi { A[q] = 1 } }
                }
            }
            return A[maxj - minj - 1]
        }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = a, y = b
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
