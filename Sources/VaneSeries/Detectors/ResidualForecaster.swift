import Foundation

/// A one-step forecaster with a standardised residual: the forecast is an exponentially weighted
/// level (simple exponential smoothing, weight ``alpha``), the scale is a slow exponentially
/// weighted mean absolute residual. Used by the forecast-residual and likelihood detectors.
public struct ResidualForecaster: Sendable {
    /// Smoothing weight of the forecast level.
    public var alpha: Double
    /// Per-row weight of the residual scale.
    public var scaleAlpha: Double
    private var level = 0.0
    private var deviation = 0.0
    /// Values seen.
    public private(set) var count = 0

    /// A forecaster with the given smoothing and scale weights.
    public init(alpha: Double = 0.5, scaleAlpha: Double = 1.0 / 500) {
        self.alpha = alpha
        self.scaleAlpha = scaleAlpha
    }

    /// Standardised residual of `x` against the forecast, then learns `x`. 0 for the first value
    /// and whenever the value equals the forecast (constant series).
    @inline(__always)
    public mutating func residual(_ x: Double, steps: Double = 1) -> Double {
        count += 1
        if count == 1 {
            level = x
            return 0
        }
        let r = x - level
        let sigma = max(1.2533 * deviation, 1e-9 * abs(level), 1e-300)
        let z = r == 0 ? 0 : r / sigma
        let b = max(SeriesMath.decayedAlpha(scaleAlpha, steps: steps), 1.0 / Double(count - 1))
        deviation += b * (abs(r) - deviation)
        level += SeriesMath.decayedAlpha(alpha, steps: steps) * r
        return z
    }
}
