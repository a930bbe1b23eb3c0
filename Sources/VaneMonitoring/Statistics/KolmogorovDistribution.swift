import Foundation

/// Distribution of the one-sample two-sided Kolmogorov–Smirnov statistic D_n
/// (`scipy.stats.kstwo`), used by the asymptotic two-sample KS p-value.
///
/// The algorithm selection follows Simard & L'Ecuyer (2011) as SciPy implements it:
/// Ruben–Gambino closed forms at the ends, Durbin's matrix (Marsaglia–Tsang–Wang),
/// Pomeranz's recursion, the Pelz–Good expansion and twice the one-sided Smirnov
/// probability (Birnbaum–Tingey sum) in the upper tail.
public enum KolmogorovDistribution {
    /// P(D_n ≥ x) (`kstwo.sf(x, n)`).
    public static func survival(_ x: Double, n: Int) -> Double {
        if x.isNaN || n <= 0 { return .nan }
        // rv_continuous support handling: sf = 1 below the support start 0.5/n, 0 at/after 1.
        if x <= 0.5 / Double(n) { return 1 }
        if x >= 1 { return 0 }
        return kolmogn(n, x, cdf: false)
    }

    /// P(D_n ≤ x) (`kstwo.cdf(x, n)`).
    public static func cdf(_ x: Double, n: Int) -> Double {
        if x.isNaN || n <= 0 { return .nan }
        if x <= 0.5 / Double(n) { return 0 }
        if x >= 1 { return 1 }
        return kolmogn(n, x, cdf: true)
    }

    @inline(__always)
    private static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    @inline(__always)
    private static func select(_ cdfProb: Double, _ sfProb: Double, _ cdf: Bool) -> Double {
        clip(cdf ? cdfProb : sfProb)
    }

    static func kolmogn(_ n: Int, _ x: Double, cdf: Bool) -> Double {
        if x >= 1 { return select(1, 0, cdf) }
        if x <= 0 { return select(0, 1, cdf) }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return select(0, 1, cdf) }
            var prob: Double
            if n <= 140 {
                prob = 1
                for i in 1...n { prob *= Double(i) * (1.0 / nd) * (2 * t - 1) }
            } else {
                prob = exp(logFactorialOverPower(nd) + nd * log(2 * t - 1))
            }
            return select(prob, 1 - prob, cdf)
        }
        if t >= nd - 1 {
            let prob = 2 * pow(1 - x, nd)
            return select(1 - prob, prob, cdf)
        }
        if x >= 0.5 {
            let prob = 2 * smirnovSurvival(n, x)
            return select(1 - prob, prob, cdf)
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                let prob = durbinMatrix(n, x)
                return select(prob, 1 - prob, cdf)
            }
            if nxSquared <= 4 {
                let prob = pomeranz(n, x)
                return select(prob, 1 - prob, cdf)
            }
            let prob = 2 * smirnovSurvival(n, x)
            return select(1 - prob, prob, cdf)
        }
        if !cdf {
            if nxSquared >= 370 { return 0 }
            if nxSquared >= 2.2 { return clip(2 * smirnovSurvival(n, x)) }
        }
        let cdfProb: Double
        if nxSquared >= 18 {
            cdfProb = 1
        } else if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 {
            cdfProb = durbinMatrix(n, x)
        } else {
            cdfProb = pelzGood(n, x)
        }
        return select(cdfProb, 1 - cdfProb, cdf)
    }

    /// log(n! / n^n) by Stirling's series (SciPy `_log_nfactorial_div_n_pow_n`).
    private static func logFactorialOverPower(_ n: Double) -> Double {
        let coeffs: [Double] = [-2.955065359477124183e-2, 6.4102564102564102564e-3,
                                -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                -5.952380952380952381e-4, 7.9365079365079365079e-4,
                                -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let rn = 1.0 / n
        var poly = 0.0
        for c in coeffs { poly = poly * (rn / n) + c }
        return log(n) / 2 - n + log(2 * Double.pi) / 2 + rn * poly
    }

    private static let e128 = 128
    private static let ep128 = 0x1p128
    private static let em128 = 0x1p-128

    /// Durbin's matrix algorithm, Marsaglia–Tsang–Wang variant: P(D_n ≤ d).
    static func durbinMatrix(_ n: Int, _ d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var H = [Double](repeating: 0, count: m * m)
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            v[j - 1] = 1.0 - pow(h, Double(j))
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] *= fac
        }
        let tt = pow(max(2 * h - 1.0, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1.0 + tt) * fac
        for i in 1..<max(m, 1) {
            // H[i-1:, i] = w[:m-i+1]
            for r in (i - 1)..<m { H[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { H[r * m] = v[r] }
        for c in 0..<m { H[(m - 1) * m + c] = v[m - 1 - c] }

        func matmul(_ a: [Double], _ b: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: m * m)
            for i in 0..<m {
                for l in 0..<m {
                    let ail = a[i * m + l]
                    if ail == 0 { continue }
                    for j in 0..<m { out[i * m + j] += ail * b[l * m + j] }
                }
            }
            return out
        }
        var Hpwr = [Double](repeating: 0, count: m * m)
        for i in 0..<m { Hpwr[i * m + i] = 1 }
        var nn = n
        var expnt = 0
        var hExpnt = 0
        while nn > 0 {
            if nn % 2 == 1 {
                Hpwr = matmul(Hpwr, H)
                expnt += hExpnt
            }
            H = matmul(H, H)
            hExpnt *= 2
            if abs(H[(k - 1) * m + (k - 1)]) > ep128 {
                for i in 0..<(m * m) { H[i] /= ep128 }
                hExpnt += e128
            }
            nn /= 2
        }
        var p = Hpwr[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < em128 {
                p *= ep128
                expnt -= e128
            }
        }
        if expnt != 0 { p = scalbn(p, expnt) }
        return clip(p)
    }

    /// Pomeranz's recursion: P(D_n ≤ x).
    static func pomeranz(_ n: Int, _ x: Double) -> Double {
        let t = Double(n) * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1.0 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let npwrs = 2 * (ll + 1)
        var gpower = [Double](repeating: 0, count: npwrs)
        var twogpower = [Double](repeating: 0, count: npwrs)
        var onem2gpower = [Double](repeating: 0, count: npwrs)
        gpower[0] = 1; twogpower[0] = 1; onem2gpower[0] = 1
        var expnt = 0
        let nd = Double(n)
        let gOverN = g / nd, twoGOverN = 2 * g / nd, oneMinusTwoGOverN = (1 - 2 * g) / nd
        for m in 1..<npwrs {
            gpower[m] = gpower[m - 1] * gOverN / Double(m)
            twogpower[m] = twogpower[m - 1] * twoGOverN / Double(m)
            onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / Double(m)
        }
        var V0 = [Double](repeating: 0, count: npwrs)
        var V1 = [Double](repeating: 0, count: npwrs)
        V1[0] = 1
        var V0s = 0, V1s = 0
        func j1j2(_ i: Int) -> (Int, Int) {
            var j1: Int, j2: Int
            if i == 0 {
                j1 = -ll - ceilf - 1; j2 = ll + ceilf - 1
            } else {
                let ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2
                if ip1mod2 == 0 {
                    if ip1div2 == n + 1 {
                        j1 = n - ll - ceilf - 1; j2 = n + ll + ceilf - 1
                    } else {
                        j1 = ip1div2 - 1 - ll - roundf - 1; j2 = ip1div2 + ll - 1 + ceilf - 1
                    }
                } else {
                    j1 = ip1div2 - 1 - ll - 1; j2 = ip1div2 + ll + roundf - 1
                }
            }
            return (max(j1 + 2, 0), min(j2, n))
        }
        var (j1, j2) = j1j2(0)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&V0, &V1)
            swap(&V0s, &V1s)
            for q in 0..<npwrs { V1[q] = 0 }
            (j1, j2) = j1j2(i)
            let pwrs: [Double]
            if i == 1 || i == 2 * n + 1 { pwrs = gpower } else { pwrs = (i % 2 == 1) ? twogpower : onem2gpower }
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                // full convolution of V0[k1-V0s ..< k1-V0s+ln2] with pwrs[..<ln2]
                let aStart = k1 - V0s
                let convStart = j1 - k1
                let convLen = j2 - j1 + 1
                for c in 0..<convLen {
                    let idx = convStart + c
                    var s = 0.0
                    let lo = max(0, idx - (ln2 - 1)), hi = min(idx, ln2 - 1)
                    if lo <= hi {
                        for a in lo...hi {
                            let ai = aStart + a
                            let av = (ai >= 0 && ai < npwrs) ? V0[ai] : 0
                            s += av * pwrs[idx - a]
                        }
                    }
                    V1[c] = s
                }
                let mx = V1.max() ?? 0
                if mx > 0 && mx < em128 {
                    for q in 0..<npwrs { V1[q] *= ep128 }
                    expnt -= e128
                }
                V1s = V0s + j1 - k1
            }
        }
        var ans = V1[n - V1s]
        for m in 1...n {
            if abs(ans) > ep128 {
                ans *= em128
                expnt += e128
            }
            ans *= Double(m)
        }
        if expnt != 0 { ans = scalbn(ans, expnt) }
        return clip(ans)
    }

    /// Pelz–Good asymptotic expansion of P(D_n ≤ x).
    static func pelzGood(_ n: Int, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi
        let pi4 = pi2 * pi2
        let pi6 = pi4 * pi2
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let z = Double(n).squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2
        let k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)
        var K = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
                let qpower = pow(q, Double(8 * k))
                let coeffs = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                              k3a + k3b * m2 + k3c * m4 + k3d * m6]
                for i in 0..<4 { K[i] = K[i] * qpower + coeffs[i] }
            }
        }
        let denominators = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { K[i] = K[i] * q * sqrt2pi / denominators[i] }
        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0
        var k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let kk = Double(k * k)
                let qp = pow(q, kk)
                k2extra += kk * qp
                let kspi = Double.pi * Double(k)
                k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * kk * qp
            }
        }
        k2extra *= pi2 * sqrt2pi / (-36 * z3)
        K[2] += k2extra
        k3extra *= pi2 * sqrt2pi / (216 * z6)
        K[3] += k3extra
        let nd = Double(n)
        for i in 0..<4 { K[i] /= pow(nd, Double(i) / 2.0) }
        return K[0] + K[1] + K[2] + K[3]
    }

    /// One-sided Smirnov survival P(D⁺_n ≥ x) by the Birnbaum–Tingey sum
    /// (`scipy.special.smirnov`), terms evaluated in log space with an exact n·x split.
    public static func smirnovSurvival(_ n: Int, _ x: Double) -> Double {
        if !(n > 0 && x >= 0 && x <= 1) { return .nan }
        if n == 1 { return 1 - x }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        let nd = Double(n)
        // n*x = nxHi + nxLo exactly
        let nxHi = nd * x
        let nxLo = fma(nd, x, -nxHi)
        var nxfl = Int(nxHi.rounded(.down))
        var alpha = (nxHi - Double(nxfl)) + nxLo
        if alpha < 0 { nxfl -= 1; alpha += 1 }
        if alpha >= 1 { nxfl += 1; alpha = 0 }
        var n1mxfl = n - nxfl - (alpha == 0 ? 0 : 1)
        var n1mxceil = n - nxfl
        if alpha == 0 { n1mxfl -= 1; n1mxceil += 1 }
        if nxfl == 0 || (nxfl == 1 && alpha == 0) {
            let t = pow(1 + x, nd - 1)
            return clip(1 - x * t)
        }
        if -2 * nd * x * x < -708.3964185322641 { return 0 }
        if nxfl >= n - 1 { return clip(pow(1 - x, nd)) }
        if n > 1_000_000 {
            let logp = -pow(6.0 * nd * x + 1, 2) / 18.0 / nd
            return clip(logp < -M_LN2 ? exp(logp) : 1 - (-expm1(logp)))
        }
        let nUpperTerms = n - n1mxceil + 1
        var useUpper = nUpperTerms <= 1 && x < 0.5
        useUpper = useUpper || (n >= 10 && nUpperTerms <= 3 && x <= 0.5 / nd.squareRoot())

        // log of a term A_v = C(n,v) (1 - x - v/n)^(n-v) (x + v/n)^(v-1)
        func logTerm(_ v: Int, logBinom: Double) -> Double {
            let vd = Double(v)
            let t2x = ((nd - vd) - nxHi - nxLo) / nd          // 1 - x - v/n
            let t1x = (vd + nxHi + nxLo) / nd                   // x + v/n
            var s = logBinom
            if n - v > 0 { s += Double(n - v) * log(t2x) }
            if v - 1 != 0 { s += Double(v - 1) * log(t1x) }
            return s
        }
        var sum = 0.0
        var logBinom = 0.0  // log C(n, v)
        let nTerms: Int
        let start: Int, step: Int
        if useUpper {
            start = n; step = -1; nTerms = n - n1mxceil + 1
        } else {
            start = 0; step = 1; nTerms = n1mxfl + 1
        }
        let vmid = n / 2
        for j in 0..<nTerms {
            let v = start + j * step
            // log C(n, v) = log C(n, j) by symmetry
            let aj: Double
            if v == 0 {
                aj = pow(1 - x, nd) / x
            } else {
                aj = exp(logTerm(v, logBinom: logBinom))
            }
            if aj.isFinite && aj != 0 { sum += aj }
            if aj != 0 {
                if 4 * Double(nTerms - j) * abs(aj) < Double.ulpOfOne * sum && j != nTerms - 1 { break }
            } else if j > vmid {
                break
            }
            logBinom += log(Double(n - j) / Double(j + 1))
        }
        let prob = x * sum
        return clip(useUpper ? 1 - prob : prob)
    }
}
