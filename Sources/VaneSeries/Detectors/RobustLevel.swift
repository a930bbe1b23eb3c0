import Foundation

/// An exponentially weighted location and mean absolute deviation of a stream, both finite for
/// any clamped input (no squares), with time-aware decay and a floor on the scale relative to the
/// magnitude of the level so that constant series give scale 0 and never divide by zero.
public struct RobustLevel: Sendable {
    /// Per-row weight of a new value in the location.
    public var alpha: Double
    /// Per-row weight of a new absolute deviation in the scale.
    public var scaleAlpha: Double
    /// Current location (mean).
    public private(set) var level: Double = 0
    /// Current mean absolute deviation from the location (before each update).
    public private(set) var deviation: Double = 0
    /// Values seen.
    public private(set) var count: Int = 0

    /// A level with the given per-row weights.
    public init(alpha: Double, scaleAlpha: Double? = nil) {
        self.alpha = alpha
        self.scaleAlpha = scaleAlpha ?? alpha
    }

    /// The Gaussian-equivalent standard deviation (`1.2533 · MAD`), floored relative to the level.
    @inline(__always)
    public var sigma: Double {
        max(1.2533 * deviation, 1e-9 * abs(level), 1e-300)
    }

    /// The standardised residual of `x` against the current state, without updating it;
    /// 0 when `x` equals the level (also for constant series).
    @inline(__always)
    public func z(_ x: Double) -> Double {
        let r = x - level
        return r == 0 ? 0 : r / sigma
    }

    /// Adds `x` observed `steps` rows after the previous value.
    @inline(__always)
    public mutating func update(_ x: Double, steps: Double = 1) {
        count += 1
        if count == 1 {
            level = x
            return
        }
        // Warm-up: plain averages until the EW weight is reached.
        let a = max(SeriesMath.decayedAlpha(alpha, steps: steps), 1.0 / Double(count))
        let b = max(SeriesMath.decayedAlpha(scaleAlpha, steps: steps), 1.0 / Double(count - 1))
        let r = x - level
        deviation += b * (abs(r) - deviation)
        level += a * r
    }

    /// Moves the location to `x` keeping the scale (used after a detected level shift).
    public mutating func rebase(to x: Double) { level = x }

    /// Takes over `other`'s location and scale, keeping this level's weights and count.
    public mutating func adopt(_ other: RobustLevel) {
        level = other.level
        deviation = other.deviation
    }
}
