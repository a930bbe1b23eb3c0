import Foundation

/// Tracks a series' typical sampling step and turns each new timestamp into a number of elapsed
/// rows, so that gaps decay exponentially weighted statistics as if the missing rows had passed.
///
/// The step is a running median of positive timestamp differences in log space (multiplicative
/// ±2 % nudges), robust to jitter and to occasional gaps. Duplicate, decreasing or non-finite
/// timestamps count as exactly one row.
public struct SamplingClock: Sendable {
    /// The estimated typical step in seconds (0 until two distinct timestamps were seen).
    public private(set) var step: Double = 0
    private var last: Double = .nan
    /// Rows seen.
    public private(set) var rows: Int = 0

    /// A clock that has seen nothing.
    public init() {}

    /// Registers a timestamp and returns the elapsed rows since the previous one, in
    /// `[1, SeriesMath.maximumGapSteps]`; differences under 1.5 typical steps count as exactly 1.
    public mutating func advance(to timestamp: Double) -> Double {
        rows += 1
        guard timestamp.isFinite else { return 1 }
        defer { if !(timestamp < last) { last = timestamp } }
        guard last.isFinite else { return 1 }
        let dt = timestamp - last
        guard dt > 0 else { return 1 }
        guard dt.isFinite else { return SeriesMath.maximumGapSteps }
        if step == 0 {
            step = dt
            return 1
        }
        step *= dt > step ? 1.02 : 0.98
        // Jitter below one and a half steps is one row (and keeps the EW weights pow-free).
        let rows = dt / step
        return rows < 1.5 ? 1 : min(rows, SeriesMath.maximumGapSteps)
    }
}
