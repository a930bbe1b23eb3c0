import Foundation

/// Forecasting residuals with calibrated tail probabilities: the standardised one-step residual
/// of exponential smoothing is turned into a tail probability by an ``EmpiricalTail`` of past
/// residual magnitudes (so heavy-tailed noise is not over-alarmed) and log-scaled.
public struct ForecastResidualDetector: AnomalyDetector {
    private var clock = SamplingClock()
    private var forecaster = ResidualForecaster()
    private var tail = EmpiricalTail(alpha: 1.0 / 2000)
    /// Rows scored 0 before the statistics are used.
    public var warmupRows = 120

    /// A fresh detector.
    public init() {}

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        guard value.isFinite else { return 0 }
        let steps = clock.advance(to: timestamp)
        return score(SeriesMath.clampValue(value), steps: steps)
    }

    /// Scores an already clamped value `steps` rows after the last.
    mutating func score(_ x: Double, steps: Double) -> Double {
        let m = abs(forecaster.residual(x, steps: steps))
        return tail.score(m, steps: steps, learning: forecaster.count <= warmupRows)
    }

    /// Inline size plus the histogram.
    public var stateBytes: Int { MemoryLayout<Self>.size + tail.heapBytes }
}
