import Foundation

/// NAB's "windowed Gaussian" baseline, streaming: the value's Gaussian tail against an
/// exponentially weighted mean and (MAD-derived) standard deviation with a memory of about
/// 1 000 rows; the score is `1 − P(|Z| ≥ |z|)` (NAB uses the one-sided tail, which scores a
/// constant series 0.5; the two-sided one scores it 0 and orders deviations identically).
public struct WindowedGaussianDetector: AnomalyDetector {
    private var clock = SamplingClock()
    private var level = RobustLevel(alpha: 1.0 / 1000)
    /// Rows scored 0 before the statistics are used.
    public var warmupRows = 10

    /// A fresh detector.
    public init() {}

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        guard value.isFinite else { return 0 }
        let x = SeriesMath.clampValue(value)
        let steps = clock.advance(to: timestamp)
        let z = level.z(x)
        level.update(x, steps: steps)
        guard level.count > warmupRows else { return 0 }
        return SeriesMath.unit(1 - SeriesMath.twoSidedTail(z))
    }
}
