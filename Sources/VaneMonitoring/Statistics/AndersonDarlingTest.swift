import Foundation

/// k-sample Anderson–Darling test for two samples with the midrank statistic
/// (Scholz & Stephens 1987, `scipy.stats.anderson_ksamp([a, b])`).
public enum AndersonDarlingTest {
    /// Raised when the pooled sample has fewer than two distinct values.
    public struct NeedsTwoDistinctValues: Error, Sendable, CustomStringConvertible {
        /// SciPy's message.
        public var description: String { "ValueError: anderson_ksamp needs more than one distinct observation" }
    }

    /// Normalised statistic and interpolated p-value.
    public struct Result: Sendable, Equatable {
        /// Standardised A² statistic.
        public var statistic: Double
        /// p-value interpolated from Scholz–Stephens table 2; floored at 0.001, capped at 0.25.
        public var pValue: Double
    }

    /// Test of two ascending samples.
    public static func test(sortedA a: [Double], sortedB b: [Double]) throws(NeedsTwoDistinctValues) -> Result {
        let Z = NumericKernels.mergeSorted(a, b)
        let N = Z.count
        let (zStar, zCounts) = NumericKernels.distinctCounts(sorted: Z)
        if zStar.count < 2 { throw NeedsTwoDistinctValues() }
        let k = 2
        let n = [a.count, b.count]
        let Nd = Double(N)

        // lj and Bj per distinct value
        let L = zStar.count
        var lj = [Double](repeating: 1, count: L)
        var Bj = [Double](repeating: 0, count: L)
        var left = 0
        for j in 0..<L {
            let l = N == L ? 1.0 : Double(zCounts[j])
            lj[j] = l
            Bj[j] = Double(left) + l / 2.0
            left += zCounts[j]
        }
        var A2akN = 0.0
        for (s, ni) in [(a, n[0]), (b, n[1])] {
            var inner = [Double](repeating: 0, count: L)
            var p = 0
            let nid = Double(ni)
            for j in 0..<L {
                let z = zStar[j]
                let leftCount = p
                while p < s.count && s[p] <= z { p += 1 }
                let rightCount = p
                // zStar holds every pooled value, so the values of s below z were consumed earlier
                let lessCount = leftCount
                let fij = Double(rightCount - lessCount)
                let Mij = Double(rightCount) - fij / 2.0
                let num = Nd * Mij - Bj[j] * nid
                inner[j] = lj[j] / Nd * (num * num) / (Bj[j] * (Nd - Bj[j]) - Nd * lj[j] / 4.0)
            }
            A2akN += NumericKernels.pairwiseSum(inner) / nid
        }
        A2akN *= (Nd - 1.0) / Nd

        let H = NumericKernels.pairwiseSum([1.0 / Double(n[0]), 1.0 / Double(n[1])])
        // hs_cs = cumsum(1 / arange(N-1, 1, -1)); h = hs_cs[-1] + 1; g = sum(hs_cs / arange(2, N))
        var hsCS = [Double](repeating: 0, count: max(N - 2, 0))
        var acc = 0.0
        var idx = 0
        var denom = N - 1
        while denom > 1 {
            acc += 1.0 / Double(denom)
            hsCS[idx] = acc
            idx += 1
            denom -= 1
        }
        let h = (hsCS.last ?? 0) + 1
        var gTerms = [Double](repeating: 0, count: hsCS.count)
        for i in 0..<hsCS.count { gTerms[i] = hsCS[i] / Double(i + 2) }
        let g = NumericKernels.pairwiseSum(gTerms)
        let kd = Double(k)
        let aa = (4 * g - 6) * (kd - 1) + (10 - 6 * g) * H
        let bb = (2 * g - 4) * kd * kd + 8 * h * kd + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6
        let cc = (6 * h + 2 * g - 2) * kd * kd + (4 * h - 4 * g + 6) * kd + (2 * h - 6) * H + 4 * h
        let dd = (2 * h + 6) * kd * kd - 4 * h * kd
        let sigmasq = (aa * Nd * Nd * Nd + bb * Nd * Nd + cc * Nd + dd) / ((Nd - 1.0) * (Nd - 2.0) * (Nd - 3.0))
        let m = kd - 1
        let A2 = (A2akN - m) / sigmasq.squareRoot()
        return Result(statistic: A2, pValue: pValue(statistic: A2, m: m))
    }

    /// Interpolated significance level: quadratic least-squares fit of log(sig) on the critical
    /// values (as `np.polyfit(critical, log(sig), 2)`), evaluated at the statistic.
    static func pValue(statistic A2: Double, m: Double) -> Double {
        let b0: [Double] = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085]
        let b1: [Double] = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615]
        let b2: [Double] = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154]
        let sig: [Double] = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001]
        let sm = m.squareRoot()
        let critical = (0..<7).map { b0[$0] + b1[$0] / sm + b2[$0] / m }
        if A2 < critical.min()! { return 0.25 }
        if A2 > critical.max()! { return 0.001 }
        let coeffs = quadraticLeastSquares(x: critical, y: sig.map { log($0) })
        let value = (coeffs[0] * A2 + coeffs[1]) * A2 + coeffs[2]
        return exp(value)
    }

    /// Coefficients [c2, c1, c0] of the least-squares parabola, via column-scaled Vandermonde
    /// matrix and Householder QR (the same scaling as `np.polyfit`).
    static func quadraticLeastSquares(x: [Double], y: [Double]) -> [Double] {
        let rows = x.count, cols = 3
        var A = [[Double]](repeating: [0, 0, 0], count: rows)
        for i in 0..<rows { A[i] = [x[i] * x[i], x[i], 1] }
        var scale = [Double](repeating: 0, count: cols)
        for j in 0..<cols {
            var s = 0.0
            for i in 0..<rows { s += A[i][j] * A[i][j] }
            scale[j] = s.squareRoot()
            for i in 0..<rows { A[i][j] /= scale[j] }
        }
        var rhs = y
        for j in 0..<cols {
            var norm = 0.0
            for i in j..<rows { norm += A[i][j] * A[i][j] }
            norm = norm.squareRoot()
            let alpha = A[j][j] > 0 ? -norm : norm
            var v = [Double](repeating: 0, count: rows)
            for i in j..<rows { v[i] = A[i][j] }
            v[j] -= alpha
            var vnorm2 = 0.0
            for i in j..<rows { vnorm2 += v[i] * v[i] }
            if vnorm2 == 0 { continue }
            for c in j..<cols {
                var dot = 0.0
                for i in j..<rows { dot += v[i] * A[i][c] }
                let f = 2 * dot / vnorm2
                for i in j..<rows { A[i][c] -= f * v[i] }
            }
            var dot = 0.0
            for i in j..<rows { dot += v[i] * rhs[i] }
            let f = 2 * dot / vnorm2
            for i in j..<rows { rhs[i] -= f * v[i] }
        }
        var coef = [Double](repeating: 0, count: cols)
        for j in stride(from: cols - 1, through: 0, by: -1) {
            var s = rhs[j]
            for c in (j + 1)..<cols { s -= A[j][c] * coef[c] }
            coef[j] = s / A[j][j]
        }
        return (0..<cols).map { coef[$0] / scale[$0] }
    }
}
