import Foundation

/// Two-sample Cramér–von Mises test (Anderson 1962; Evidently's copy of SciPy's
/// `cramervonmises_2samp`): exact p-value when both samples have at most 20 observations,
/// otherwise the limiting distribution of the normalised statistic.
public enum CramerVonMisesTest {
    /// Raised when a sample has fewer than two observations.
    public struct TooFewObservations: Error, Sendable, CustomStringConvertible {
        /// SciPy's message.
        public var description: String { "ValueError: x and y must contain at least two observations." }
    }

    /// Statistic T and p-value.
    public struct Result: Sendable, Equatable {
        /// T (eq. 9 of Anderson 1962).
        public var statistic: Double
        /// p-value.
        public var pValue: Double
        /// Whether the exact distribution was used.
        public var exact: Bool
    }

    /// Test of two ascending samples.
    public static func test(sortedX xa: [Double], sortedY ya: [Double]) throws(TooFewObservations) -> Result {
        let nx = xa.count, ny = ya.count
        if nx <= 1 || ny <= 1 { throw TooFewObservations() }
        let exact = max(nx, ny) <= 20
        // midranks of the pooled sample (ties averaged), from a merge of the sorted samples
        var tx = [Double](repeating: 0, count: nx)
        var ty = [Double](repeating: 0, count: ny)
        var i = 0, j = 0, pos = 0
        while i < nx || j < ny {
            let v = (j >= ny || (i < nx && xa[i] <= ya[j])) ? xa[i] : ya[j]
            var cx = 0, cy = 0
            while i + cx < nx && xa[i + cx] == v { cx += 1 }
            while j + cy < ny && ya[j + cy] == v { cy += 1 }
            let rank = 0.5 * (Double(pos + cx + cy) + Double(pos) + 1)
            for q in i..<(i + cx) { let d = rank - Double(q + 1); tx[q] = d * d }
            for q in j..<(j + cy) { let d = rank - Double(q + 1); ty[q] = d * d }
            i += cx; j += cy; pos += cx + cy
        }
        var u = Double(nx) * NumericKernels.pairwiseSum(tx)
        u += Double(ny) * NumericKernels.pairwiseSum(ty)
        let k = nx * ny, N = nx + ny
        let kd = Double(k), Nd = Double(N)
        let t = u / (kd * Nd) - Double(4 * k - 1) / Double(6 * N)
        if exact {
            return Result(statistic: t, pValue: exactPValue(u: u, m: nx, n: ny), exact: true)
        }
        let et = (1 + 1 / Nd) / 6
        let inner = 4 * kd * Nd - 3 * (Double(nx) * Double(nx) + Double(ny) * Double(ny)) - 2 * kd
        var vt = (Nd + 1.0) * inner
        vt = vt / (45 * Nd * Nd * 4 * kd)
        let tn = 1.0 / 6.0 + (t - et) / (45 * vt).squareRoot()
        let p: Double
        if tn < 0.003 {
            p = 1.0
        } else {
            p = max(0, 1.0 - limitingCDF(tn))
        }
        return Result(statistic: t, pValue: p, exact: false)
    }

    /// CDF of the limiting Cramér–von Mises distribution (Csörgő & Faraway 1996, eq. 1.2),
    /// summing Bessel-K terms until one falls below 1e-7 in magnitude (that term included),
    /// exactly as the reference implementation truncates.
    public static func limitingCDF(_ x: Double) -> Double {
        var total = 0.0
        var k = 0
        while true {
            let kd = Double(k)
            let u = exp(lgamma(kd + 0.5) - lgamma(kd + 1)) / (pow(Double.pi, 1.5) * x.squareRoot())
            let y = 4 * kd + 1
            let q = y * y / (16 * x)
            let b = SpecialFunctions.besselK(order: 0.25, q)
            let term = u * y.squareRoot() * exp(-q) * b
            total += term
            if !(abs(term) >= 1e-7) { break }
            k += 1
            if k > 10_000 { break }
        }
        return total
    }

    /// Exact p-value P(U ≥ u) by counting lattice paths (Xiao, Gordon & Yakovlev 2006):
    /// each path from (0,0) to (n,m) accumulates Σ (a·v − b·u')² over its points.
    static func exactPValue(u s: Double, m: Int, n: Int) -> Double {
        let g = KolmogorovSmirnovTest.gcd(m, n)
        let lcm = m / g * n
        let a = lcm / m, b = lcm / n
        let mn = m * n
        // zeta = lcm^2 (m+n) (6 s - mn (4 mn - 1)) // (6 mn^2), floor division on floats
        let zeta = (Double(lcm * lcm * (m + n)) * (6 * s - Double(mn * (4 * mn - 1)))
                    / Double(6 * mn * mn)).rounded(.down)
        // gs[v] : value -> count, for the current column u
        var gs = [[Int: Double]](repeating: [:], count: m + 1)
        gs[0] = [0: 1]
        for uu in 0...n {
            var next = [[Int: Double]](repeating: [:], count: m + 1)
            var tmp: [Int: Double] = [:]
            for v in 0...m {
                // merge tmp (path arriving from below) with gs[v] (path arriving from the left)
                var merged = tmp
                for (key, count) in gs[v] { merged[key, default: 0] += count }
                let d = a * v - b * uu
                let add = d * d
                var shifted: [Int: Double] = [:]
                shifted.reserveCapacity(merged.count)
                for (key, count) in merged { shifted[key + add] = count }
                tmp = shifted
                next[v] = tmp
            }
            gs = next
        }
        var combinations = 1.0
        for i in 0..<m { combinations = combinations * Double(n + m - i) / Double(i + 1) }
        var hits = 0.0
        for (value, freq) in gs[m] where Double(value) >= zeta { hits += freq }
        return hits / combinations
    }
}
