import Foundation

/// A calibrated tail probability for non-negative surprise magnitudes (such as `|z|` of a
/// forecast residual): an exponentially weighted histogram over log-spaced bins, blended with a
/// Gaussian prior worth ``priorWeight`` observations so that magnitudes beyond everything seen so
/// far get a tail far below `1/n` instead of exactly `1/n`.
///
/// Memory is fixed (``binCount`` `Float`s); updates are O(1) amortised (a growing increment
/// instead of decaying every bin, renormalised when it grows large); queries are O(``binCount``).
public struct EmpiricalTail: Sendable {
    /// Number of histogram bins.
    public static let binCount = 24
    /// Upper edge of the first bin; later bins grow by a factor of ``ratio``.
    static let firstEdge = 0.5
    static let ratio = 1.3
    static let logRatio = log(ratio)
    /// Observations' worth of Gaussian prior in every tail estimate.
    public var priorWeight = 2.0
    /// Per-observation forgetting weight.
    public var alpha: Double
    /// Tail probability below which ``score(_:steps:learning:)`` learns a magnitude with only
    /// ``rareWeight`` of the usual weight, so one anomaly does not mask the next similar one.
    public var rareTail = 1e-3
    /// Weight of a rare magnitude in the histogram (1 = learn everything equally).
    public var rareWeight = 0.1

    private var bins: [Float]
    private var increment: Double = 1
    private var total: Double = 0

    /// An empty histogram forgetting with per-observation weight `alpha`.
    public init(alpha: Double) {
        self.alpha = alpha
        bins = [Float](repeating: 0, count: Self.binCount)
    }

    /// Heap bytes held by the bins.
    public var heapBytes: Int { SeriesMath.arrayHeaderBytes + bins.capacity * MemoryLayout<Float>.stride }

    @inline(__always)
    static func bin(of m: Double) -> Int {
        guard m >= firstEdge else { return 0 }
        guard m.isFinite else { return binCount - 1 }
        return min(binCount - 1, 1 + Int(min((log(m) - log(firstEdge)) / logRatio, 1e6)))
    }

    @inline(__always)
    static func lowerEdge(_ i: Int) -> Double { i == 0 ? 0 : firstEdge * pow(ratio, Double(i - 1)) }

    /// `P(M ≥ m)` under the learnt distribution blended with the Gaussian prior `P(|Z| ≥ m)`.
    public func tail(_ m: Double) -> Double { tail(m, bin: Self.bin(of: m)) }

    @inline(__always)
    private func tail(_ m: Double, bin b: Int) -> Double {
        guard m > 0 else { return 1 }
        let prior = SeriesMath.twoSidedTail(m)
        guard total > 0 else { return prior }
        var above = 0.0
        var i = Self.binCount - 1
        while i > b { above += Double(bins[i]); i -= 1 }
        // Part of m's own bin above m, assuming log-uniform mass inside a bounded bin.
        let lo = Self.lowerEdge(b)
        if b == 0 {
            above += Double(bins[0]) * max(0, 1 - m / Self.firstEdge)
        } else if b < Self.binCount - 1 {
            let frac = 1 - (log(m) - log(lo)) / Self.logRatio
            above += Double(bins[b]) * min(max(frac, 0), 1)
        } else {
            above += Double(bins[b]) * min(1, prior / max(SeriesMath.twoSidedTail(lo), 1e-300))
        }
        let w = total / increment
        return min(1, (above / increment + priorWeight * prior) / (w + priorWeight))
    }

    /// The log-scaled score of `m` (``SeriesMath/score(tail:)`` of ``tail(_:)``), then learns `m`.
    /// While `learning` is true the magnitude is neither scored nor learnt (warm-up residuals of
    /// immature models would otherwise fatten the tail) and the result is 0.
    @inline(__always)
    public mutating func score(_ m: Double, steps: Double, learning: Bool) -> Double {
        guard !learning else { return 0 }
        return SeriesMath.score(tail: probability(m, steps: steps))
    }

    /// ``tail(_:)`` of `m`, then learns `m` (with ``rareWeight`` if its tail is below ``rareTail``).
    @inline(__always)
    public mutating func probability(_ m: Double, steps: Double) -> Double {
        let b = Self.bin(of: m.isNaN ? 0 : m)
        let p = tail(m, bin: b)
        add(bin: b, steps: steps, weight: p < rareTail ? rareWeight : 1)
        return p
    }

    /// Adds one magnitude observed `steps` rows after the previous one, counted `weight` times.
    public mutating func add(_ m: Double, steps: Double = 1, weight: Double = 1) {
        add(bin: Self.bin(of: m.isNaN ? 0 : m), steps: steps, weight: weight)
    }

    @inline(__always)
    private mutating func add(bin b: Int, steps: Double, weight: Double) {
        let a = SeriesMath.decayedAlpha(alpha, steps: steps)
        increment /= (1 - a)
        bins[b] += Float(increment * weight)
        total += increment * weight
        if increment > 1e20 {
            let s = Float(1 / increment)
            for i in bins.indices { bins[i] *= s }
            total /= increment
            increment = 1
        }
    }
}
