#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few special functions the rollout and experiment statistics need, in log space where it
/// matters: log Β, the regularised incomplete beta function and the regularised upper gamma function.
enum SpecialFunctions {
    /// log Β(a, b).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz),
    /// accurate to about 1e-14 for the a, b and x of counts.
    static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(a * log(x) + b * log1p(-x) - logBeta(a, b))
        // The fraction converges fast for x < (a + 1) / (a + b + 2); otherwise use the symmetry.
        if x < (a + 1) / (a + b + 2) {
            return front * betaFraction(x, a, b) / a
        }
        return 1 - front * betaFraction(1 - x, b, a) / b
    }

    /// log(1 − I_x(a, b)), kept accurate when I_x is close to 1.
    static func logUpperRegularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return -.infinity }
        // 1 − I_x(a, b) = I_{1−x}(b, a); compute that side directly in logs when it is the small one.
        let logFront = b * log1p(-x) + a * log(x) - logBeta(a, b)
        if x > (a + 1) / (a + b + 2) {
            return logFront + log(betaFraction(1 - x, b, a) / b)
        }
        return log1p(-regularizedBeta(x, a, b))
    }

    private static func betaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }

    /// The regularised upper incomplete gamma function Q(s, x) = Γ(s, x) / Γ(s): the chi-square
    /// survival function is Q(k / 2, x / 2).
    static func regularizedUpperGamma(_ s: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x < s + 1 {
            // Series for P, then Q = 1 − P.
            var sum = 1 / s, term = 1 / s, n = s
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(-x + s * log(x) - lgamma(s)))
        }
        // Continued fraction for Q (Lentz).
        let tiny = 1e-300
        var b = x + 1 - s, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - s)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, exp(-x + s * log(x) - lgamma(s)) * h)
    }
}
