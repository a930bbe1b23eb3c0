import Foundation

/// An ensemble of the calibrated detectors: forecast residual under the anomaly likelihood,
/// level/variance shift, relative entropy and the seasonal baseline each give a log-scaled tail
/// probability; the ensemble reports the smallest tail with a Bonferroni correction for the
/// number of members (`max(scoreᵢ) − log(k) / log(1e10)`), so it is as sensitive as its most
/// sensitive member to its own kind of anomaly without adding their false alarms blindly, and
/// applies the same ``DetectionHold`` suppression as ``DefaultDetector``.
public struct EnsembleDetector: AnomalyDetector {
    private var likelihood = LikelihoodDetector()
    private var shift = LevelShiftDetector()
    private var entropy = RelativeEntropyDetector()
    private var seasonal = SeasonalRobustDetector()
    private var hold = DetectionHold()
    static let penalty = log(4.0) / log(1e10)

    /// A fresh detector.
    public init() {}

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        let a = likelihood.score(timestamp: timestamp, value: value)
        let b = shift.score(timestamp: timestamp, value: value)
        let c = entropy.score(timestamp: timestamp, value: value)
        let d = seasonal.score(timestamp: timestamp, value: value)
        return hold.apply(SeriesMath.unit(max(a, b, c, d) - Self.penalty))
    }

    /// Sum of the members' state.
    public var stateBytes: Int {
        MemoryLayout<DetectionHold>.size + likelihood.stateBytes + shift.stateBytes + entropy.stateBytes + seasonal.stateBytes
    }
}
