import Foundation

/// The default detector: three calibrated views of one series, combined and de-duplicated.
///
/// - Robust seasonal baseline (``SeasonalBaseline``, season chosen online): point anomalies
///   against the learnt daily/weekly shape.
/// - Level/variance shift (``LevelShiftDetector``) on the *deseasonalised* value: changes of
///   behaviour and flat-lines, without the daily swing masking them.
/// - Fast forecast residual (``ForecastResidualDetector``, exponential smoothing α = 0.5):
///   sudden jumps and variance bursts on series that wander.
///
/// Each gives a calibrated tail probability; the smallest, with a Bonferroni correction for
/// three, is log-scaled (`max(scoreᵢ) − log 3 / log 1e10`), then ``DetectionHold`` keeps a score in
/// full only when it exceeds the decaying maximum of recent scores, so one anomaly gives one early
/// peak rather than a run of alarms — what NAB-style scoring (only the earliest detection in a
/// window counts, every other one costs) rewards.
///
/// State: 1 656 bytes (``stateBytes``); cost: about half a microsecond per point.
public struct DefaultDetector: AnomalyDetector {
    private var clock = SamplingClock()
    private var baseline = SeasonalBaseline()
    private var seasonalTail = EmpiricalTail(alpha: 1.0 / 2000)
    private var shift = LevelShiftDetector()
    private var forecast = ForecastResidualDetector()
    private var hold = DetectionHold()
    /// Rows whose seasonal residuals are neither scored nor learnt.
    public var warmupRows = 120
    static let penalty = log(3.0) / log(1e10)

    /// A fresh detector.
    public init() {}

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        guard value.isFinite else { return 0 }
        let x = SeriesMath.clampValue(value)
        let steps = clock.advance(to: timestamp)
        let r = baseline.update(x, timestamp: timestamp, steps: steps, typicalStep: clock.step)
        let a = seasonalTail.score(abs(r.z), steps: steps, learning: baseline.count <= warmupRows)
        let b = shift.score(r.deseasonalised, steps: steps)
        let c = forecast.score(x, steps: steps)
        return hold.apply(SeriesMath.unit(max(a, b, c) - Self.penalty))
    }

    /// Inline size plus every heap buffer of the members.
    public var stateBytes: Int {
        MemoryLayout<Self>.size - MemoryLayout<LevelShiftDetector>.size - MemoryLayout<ForecastResidualDetector>.size
            + baseline.heapBytes + seasonalTail.heapBytes + shift.stateBytes + forecast.stateBytes
    }
}
