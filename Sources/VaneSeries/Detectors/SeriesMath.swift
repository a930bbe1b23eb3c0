import Foundation

/// Numerical helpers shared by the detectors: clamping, Gaussian and chi-square tails and the
/// log-scaled mapping of a tail probability to an anomaly score.
public enum SeriesMath {
    /// Finite inputs are clamped to ±1e300 so that a difference of two values stays finite.
    public static let valueLimit = 1e300
    /// Longest gap, in typical sampling steps, that decays statistics; longer gaps count as this.
    public static let maximumGapSteps = 256.0
    /// Bytes of the heap header of one array buffer (counted in ``AnomalyDetector/stateBytes``).
    public static let arrayHeaderBytes = 32
    /// Smallest tail probability distinguished by ``score(tail:)``; it maps to a score of 1.
    public static let tailFloor = 1e-10

    /// `v` clamped to ±``valueLimit``.
    @inline(__always)
    public static func clampValue(_ v: Double) -> Double { min(max(v, -valueLimit), valueLimit) }

    /// `x` clamped to `[0, 1]`, with NaN mapped to 0.
    @inline(__always)
    public static func unit(_ x: Double) -> Double { x.isNaN ? 0 : min(max(x, 0), 1) }

    /// One-sided Gaussian tail `P(Z ≥ z)`.
    @inline(__always)
    public static func upperTail(_ z: Double) -> Double { 0.5 * erfc(z * 0.7071067811865476) }

    /// Two-sided Gaussian tail `P(|Z| ≥ |z|)`.
    @inline(__always)
    public static func twoSidedTail(_ z: Double) -> Double { erfc(abs(z) * 0.7071067811865476) }

    /// Chi-square survival `P(X ≥ x)` with `k` degrees of freedom (Wilson–Hilferty approximation).
    public static func chiSquareTail(_ x: Double, degrees k: Double) -> Double {
        guard x > 0 else { return 1 }
        let c = 2.0 / (9.0 * k)
        let z = (pow(x / k, 1.0 / 3.0) - (1.0 - c)) / c.squareRoot()
        return upperTail(z)
    }

    /// Numenta's log-likelihood scale: a tail probability `p` becomes `log(p) / log(1e-10)`, so
    /// `p = 1e-3` scores 0.3, `p = 1e-5` scores 0.5 and `p ≤ 1e-10` scores 1.
    @inline(__always)
    public static func score(tail p: Double) -> Double {
        guard p < 1 else { return 0 }
        return unit(log(max(p, tailFloor)) / log(tailFloor))
    }

    /// The EW weight for `steps` rows of age with per-row weight `alpha`: `1 − (1 − alpha)^steps`.
    @inline(__always)
    public static func decayedAlpha(_ alpha: Double, steps: Double) -> Double {
        steps <= 1 ? alpha : 1 - pow(1 - alpha, steps)
    }
}
