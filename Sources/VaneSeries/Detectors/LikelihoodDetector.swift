import Foundation

/// Likelihood of recent behaviour against long-run behaviour (Numenta's anomaly likelihood over a
/// raw score): the raw score is the calibrated surprise `1 − P(|residual| ≥ r)` of the
/// exponential-smoothing forecast, post-processed by ``AnomalyLikelihood`` so that only
/// short-term averages of surprise that are rare in the long run score high.
public struct LikelihoodDetector: AnomalyDetector {
    private var clock = SamplingClock()
    private var forecaster = ResidualForecaster()
    private var tail = EmpiricalTail(alpha: 1.0 / 2000)
    private var likelihood = AnomalyLikelihood()

    /// A fresh detector.
    public init() {}

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        guard value.isFinite else { return 0 }
        let steps = clock.advance(to: timestamp)
        let m = abs(forecaster.residual(SeriesMath.clampValue(value), steps: steps))
        let raw = tail.score(m, steps: steps, learning: forecaster.count <= 120)
        return likelihood.update(raw: raw, steps: steps)
    }

    /// Inline size plus the histogram and the short window.
    public var stateBytes: Int { MemoryLayout<Self>.size + tail.heapBytes + likelihood.heapBytes }
}
