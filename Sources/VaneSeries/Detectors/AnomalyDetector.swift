import Foundation

/// A streaming anomaly detector for one metric time series.
///
/// One value of a conforming type holds the whole state of one series. Points are fed in
/// arrival order through ``score(timestamp:value:)``; each call costs O(1) amortised time and the
/// state never grows with the length of the series. A score depends only on the points at or
/// before it (no look-ahead).
///
/// Input conventions shared by every detector in this module:
/// - `timestamp` is in epoch seconds. Duplicate or decreasing timestamps are accepted and count
///   as one row each; gaps longer than the typical sampling step decay long-run statistics as if
///   the missing rows had passed (bounded to ``SeriesMath/maximumGapSteps`` rows).
/// - A `value` that is NaN or ±infinity is not added to the state and scores `0`.
/// - Finite values are clamped to ±``SeriesMath/valueLimit`` so that sums of two values never
///   overflow; scales are mean absolute deviations (no squares of raw values).
public protocol AnomalyDetector: Sendable {
    /// Adds one point to the state and returns its anomaly score: finite, in `[0, 1]`,
    /// near `0` for ordinary behaviour and near `1` for very surprising behaviour.
    mutating func score(timestamp: Double, value: Double) -> Double

    /// Bytes of state this detector holds (inline size plus heap buffers and their headers),
    /// constant after creation.
    var stateBytes: Int { get }
}

extension AnomalyDetector {
    /// Inline size only; detectors with heap buffers override this.
    public var stateBytes: Int { MemoryLayout<Self>.size }

    /// Scores every point of a series in order (a convenience for batch use and tests); with
    /// arrays of different lengths only the first `min(timestamps.count, values.count)` points.
    public mutating func scores(timestamps: [Double], values: [Double]) -> [Double] {
        let n = min(timestamps.count, values.count)
        var out = [Double]()
        out.reserveCapacity(n)
        for i in 0..<n { out.append(score(timestamp: timestamps[i], value: values[i])) }
        return out
    }
}
