import Foundation

/// Post-detection suppression: a score counts in full only when it exceeds the running maximum
/// of recent scores (which decays by ``decay`` per row); otherwise it is multiplied by
/// ``factor``. One anomaly then yields one early peak rather than a run of alarms.
public struct DetectionHold: Sendable {
    /// Per-row decay of the running maximum (0.995 ≈ a half-life of 138 rows).
    public var decay: Double
    /// Factor applied to scores at or below the running maximum.
    public var factor: Double
    private var held = 0.0

    /// A hold with the given decay and factor.
    public init(decay: Double = 0.995, factor: Double = 0.5) {
        self.decay = decay
        self.factor = factor
    }

    /// The suppressed version of `raw`.
    @inline(__always)
    public mutating func apply(_ raw: Double) -> Double {
        let out = raw > held ? raw : raw * factor
        held = max(held * decay, raw)
        return out
    }
}
