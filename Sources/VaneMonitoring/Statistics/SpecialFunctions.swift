import Foundation

/// Special functions used by the drift statistics, written from their definitions.
public enum SpecialFunctions {
    /// Standard normal CDF Φ(a), evaluated as Cephes `ndtr` does (erf near 0, erfc in the tails).
    public static func normalCDF(_ a: Double) -> Double {
        if a.isNaN { return .nan }
        let sqrtHalf = 0.70710678118654752440
        let x = a * sqrtHalf
        let z = abs(x)
        if z < sqrtHalf { return 0.5 + 0.5 * erf(x) }
        var y = 0.5 * erfc(z)
        if x > 0 { y = 1.0 - y }
        return y
    }

    /// log Γ(x) for x > 0.
    @inline(__always)
    public static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a).
    /// Series for P when x < a + 1 (Q = 1 − P), Lentz continued fraction otherwise.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        if a.isNaN || x.isNaN || x < 0 || a < 0 { return .nan }
        if a == 0 { return x > 0 ? 0 : .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 { return 1 - gammaPSeries(a, x) }
        return gammaQContinuedFraction(a, x)
    }

    /// Regularized lower incomplete gamma P(a, x).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        if a.isNaN || x.isNaN || x < 0 || a < 0 { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 { return gammaPSeries(a, x) }
        return 1 - gammaQContinuedFraction(a, x)
    }

    private static func gammaPSeries(_ a: Double, _ x: Double) -> Double {
        var ap = a
        var term = 1.0 / a
        var sum = term
        for _ in 0..<100_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * exp(a * log(x) - x - lgamma(a))
    }

    private static func gammaQContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 100_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return exp(a * log(x) - x - lgamma(a)) * h
    }

    /// χ² survival function with `df` degrees of freedom (`scipy.stats.chi2.sf`).
    /// For df = 0 (degenerate): 0 when x > 0, NaN when x = 0, as SciPy.
    public static func chiSquaredSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x.isNaN || df.isNaN { return .nan }
        if df == 0 { return x > 0 ? 0 : .nan }
        if x < 0 { return 1 }
        return regularizedGammaQ(df / 2, x / 2)
    }

    /// Regularized incomplete beta I_x(a, b); `y` must be 1 − x computed as accurately as possible.
    /// `logX`/`logY` may pass ln x and ln y when known more accurately than `log(x)`.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double, y: Double,
                                                 logX: Double? = nil, logY: Double? = nil) -> Double {
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        // Use the continued fraction where it converges fast, the symmetry relation otherwise.
        if x > (a + 1) / (a + b + 2) {
            return 1 - regularizedIncompleteBeta(a: b, b: a, x: y, y: x, logX: logY, logY: logX)
        }
        let lx = logX ?? (x < 0.5 ? log(x) : log1p(-y))
        let ly = logY ?? (y < 0.5 ? log(y) : log1p(-x))
        let logFront = a * lx + b * ly - logBeta(a, b)
        return exp(logFront) * betaContinuedFraction(a: a, b: b, x: x) / a
    }

    /// log B(a, b). For a large argument the difference log Γ(a) − log Γ(a + b) is formed from
    /// Stirling's series so that it does not cancel.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        let big = max(a, b), small = min(a, b)
        if big < 20 || small > big / 4 { return lgamma(a) + lgamma(b) - lgamma(a + b) }
        func stirlingCorrection(_ x: Double) -> Double {
            let x2 = x * x
            return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) / x
        }
        let diff = -(big - 0.5) * log1p(small / big) - small * log(big + small) + small
            + (stirlingCorrection(big) - stirlingCorrection(big + small))
        return lgamma(small) + diff
    }

    private static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        var m = 1.0
        while m < 100_000 {
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            m += 1
        }
        return h
    }

    /// Student t survival function P(T > t) with `df` degrees of freedom.
    public static func studentTSurvival(_ t: Double, degreesOfFreedom df: Double) -> Double {
        if t.isNaN || df.isNaN { return .nan }
        if t == .infinity { return 0 }
        if t == -.infinity { return 1 }
        if t == 0 { return 0.5 }
        let t2 = t * t
        let x = df / (df + t2)
        let y = t2 / (df + t2)
        let logX = -log1p(t2 / df)
        let logY = log(t2) - log(df + t2)
        let tail = 0.5 * regularizedIncompleteBeta(a: df / 2, b: 0.5, x: x, y: y, logX: logX, logY: logY)
        return t > 0 ? tail : 1 - tail
    }

    /// Modified Bessel function of the second kind K_ν(x), x > 0, from
    /// K_ν(x) = ∫₀^∞ exp(−x cosh t) cosh(νt) dt by the trapezoidal rule, which converges
    /// geometrically for this entire, doubly-exponentially decaying integrand.
    public static func besselK(order nu: Double, _ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return .infinity }
        if x > 745 { return 0 }
        let h = 0.02
        // integrand relative to its value at 0 falls below e^-60 once x (cosh t - 1) > 60 + nu t
        var sum = 0.5 * exp(-x)
        var k = 1
        while true {
            let t = Double(k) * h
            let v = exp(-x * cosh(t)) * cosh(nu * t)
            sum += v
            if x * (cosh(t) - 1) - nu * t > 60 { break }
            if k > 2_000_000 { break }
            k += 1
        }
        return sum * h
    }
}
