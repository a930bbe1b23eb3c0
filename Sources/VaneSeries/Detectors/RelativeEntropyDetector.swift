import Foundation

/// Relative entropy of recent behaviour against long-run behaviour: values are binned by their
/// standardised distance from a slow robust level (``binCount`` fixed bins over ±4σ — an adaptive
/// range that follows the series), the histogram of the last ``window`` rows is compared with the
/// exponentially weighted long-run histogram by Kullback–Leibler divergence, `2·W·KL` is mapped to
/// a normal deviate (Wilson–Hilferty, χ² with `bins − 1` degrees of freedom) and calibrated by an
/// ``EmpiricalTail`` of its own history (serially correlated series inflate the χ² statistic).
public struct RelativeEntropyDetector: AnomalyDetector {
    /// Histogram bins.
    public static let binCount = 12
    /// Rows in the recent histogram.
    public static let window = 32
    private var clock = SamplingClock()
    private var level = RobustLevel(alpha: 1.0 / 500)
    private var longRun: [Float]
    private var recentBins: [UInt8]
    private var recentCounts: [UInt8]
    private var head = 0
    private var increment = 1.0
    private var total = 0.0
    private var tail = EmpiricalTail(alpha: 1.0 / 2000)
    /// Rows scored 0 before the statistics are used.
    public var warmupRows = 100
    /// Per-row weight of the long-run histogram.
    public var alpha = 1.0 / 2000

    /// A fresh detector.
    public init() {
        longRun = [Float](repeating: 0, count: Self.binCount)
        recentBins = [UInt8](repeating: 0, count: Self.window)
        recentCounts = [UInt8](repeating: 0, count: Self.binCount)
    }

    @inline(__always)
    private func bin(_ z: Double) -> Int {
        let u = (z + 4) / 8 * Double(Self.binCount)
        guard u > 0 else { return 0 }
        guard u < Double(Self.binCount) else { return Self.binCount - 1 }
        return Int(u)
    }

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        guard value.isFinite else { return 0 }
        let x = SeriesMath.clampValue(value)
        let steps = clock.advance(to: timestamp)
        let b = level.count < 2 ? Self.binCount / 2 : bin(level.z(x))
        level.update(x, steps: steps)
        let full = clock.rows > Self.window
        if full { recentCounts[Int(recentBins[head])] -= 1 }
        recentBins[head] = UInt8(b)
        recentCounts[b] += 1
        head = head + 1 == Self.window ? 0 : head + 1
        var m = 0.0
        if full && total > 0 {
            let w = Double(Self.window)
            let smooth = 0.5 / Double(Self.binCount)
            let norm = 1 / (total / increment + 0.5)
            var kl = 0.0
            for i in 0..<Self.binCount where recentCounts[i] > 0 {
                let q = Double(recentCounts[i]) / w
                let p = (Double(longRun[i]) / increment + smooth) * norm
                kl += q * log(q / p)
            }
            let k = Double(Self.binCount - 1)
            let c = 2 / (9 * k)
            m = max(0, (pow(max(2 * w * kl, 0) / k, 1.0 / 3.0) - (1 - c)) / c.squareRoot())
        }
        let out = tail.score(m, steps: steps, learning: clock.rows <= warmupRows)
        let a = SeriesMath.decayedAlpha(alpha, steps: steps)
        increment /= (1 - a)
        longRun[b] += Float(increment)
        total += increment
        if increment > 1e20 {
            let s = Float(1 / increment)
            for i in longRun.indices { longRun[i] *= s }
            total /= increment
            increment = 1
        }
        return out
    }

    /// Inline size plus the histograms and the recent ring.
    public var stateBytes: Int {
        MemoryLayout<Self>.size + 3 * SeriesMath.arrayHeaderBytes + longRun.capacity * 4 + recentBins.capacity
            + recentCounts.capacity
            + tail.heapBytes
    }
}
