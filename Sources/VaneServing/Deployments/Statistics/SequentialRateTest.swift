#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An always-valid test that a rate (errors, slow requests, disagreeing rows) is above a
/// threshold θ, for counts looked at as often as one likes.
///
/// The statistic is a mixture likelihood ratio: the likelihood of the `failures` out of `trials`
/// under a rate p, averaged over p uniform on (θ, 1], against the likelihood under θ:
///
///   M = ∫_θ^1 p^S (1−p)^(n−S) dp / (1 − θ) / (θ^S (1−θ)^(n−S))
///     = Β(S+1, n−S+1) · (1 − I_θ(S+1, n−S+1)) / (1 − θ) / (θ^S (1−θ)^(n−S)).
///
/// Under any rate ≤ θ, M is a non-negative supermartingale with M₀ = 1, so by Ville's inequality
/// the chance that it *ever* reaches 1/α is at most α: declaring "above θ" the first time
/// M ≥ 1/α keeps the false-alarm rate at α however many looks are taken (every second, every step).
public struct SequentialRateTest: Sendable, Equatable {
    /// The threshold the rate is tested against, in (0, 1).
    public var threshold: Double
    /// The false-alarm rate guaranteed over all looks.
    public var alpha: Double

    public init(threshold: Double, alpha: Double = 0.05) {
        self.threshold = threshold
        self.alpha = alpha
    }

    /// log M for `failures` out of `trials`.
    public func logLikelihoodRatio(failures s: Int, trials n: Int) -> Double {
        guard n > 0, s >= 0, s <= n else { return 0 }
        let theta = min(max(threshold, 1e-12), 1 - 1e-12)
        let a = Double(s) + 1, b = Double(n - s) + 1
        let numerator = SpecialFunctions.logBeta(a, b) + SpecialFunctions.logUpperRegularizedBeta(theta, a, b) - log1p(-theta)
        let null = Double(s) * log(theta) + Double(n - s) * log1p(-theta)
        return numerator - null
    }

    /// Whether the counts show, at level α, that the rate is above the threshold. A threshold of
    /// 0 rejects at the first failure; a threshold of 1 never.
    public func exceeds(failures: Int, trials: Int) -> Bool {
        if threshold <= 0 { return failures > 0 }
        if threshold >= 1 { return false }
        return logLikelihoodRatio(failures: failures, trials: trials) >= log(1 / alpha)
    }
}
