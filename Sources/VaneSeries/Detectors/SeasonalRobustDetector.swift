import Foundation

/// Robust seasonal baselines (``SeasonalBaseline``: no season, daily or weekly piecewise-linear
/// profile chosen online by the smallest running residual) with the standardised residual
/// calibrated by an ``EmpiricalTail`` and log-scaled.
public struct SeasonalRobustDetector: AnomalyDetector {
    private var clock = SamplingClock()
    private var baseline = SeasonalBaseline()
    private var tail = EmpiricalTail(alpha: 1.0 / 2000)
    /// Rows scored 0 before the statistics are used.
    public var warmupRows = 120

    /// A fresh detector.
    public init() {}

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        guard value.isFinite else { return 0 }
        let steps = clock.advance(to: timestamp)
        let r = baseline.update(SeriesMath.clampValue(value), timestamp: timestamp, steps: steps, typicalStep: clock.step)
        return score(residual: r.z, steps: steps)
    }

    /// Calibrates a residual from an externally driven ``SeasonalBaseline``.
    mutating func score(residual z: Double, steps: Double) -> Double {
        tail.score(abs(z), steps: steps, learning: baseline.count <= warmupRows)
    }

    /// Inline size plus the profiles and the histogram.
    public var stateBytes: Int { MemoryLayout<Self>.size + baseline.heapBytes + tail.heapBytes }
}
