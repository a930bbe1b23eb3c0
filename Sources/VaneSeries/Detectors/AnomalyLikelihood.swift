import Foundation

/// Numenta's anomaly-likelihood post-processing, streaming: a raw score in `[0, 1]` is averaged
/// over the last ``shortWindow`` rows and that short-term average is compared with the long-run
/// distribution of such averages (an exponentially weighted Gaussian). The output is the
/// log-scaled upper tail probability, doubled so that an average at or below the long-run mean
/// scores exactly 0 (``SeriesMath/score(tail:)``), so isolated noise in the raw
/// score stays near 0 while a sustained or extreme rise in it reaches 1. The first
/// ``learningRows`` rows score 0.
public struct AnomalyLikelihood: Sendable {
    /// Rows in the short-term average.
    public static let shortWindow = 10
    /// Rows scored 0 while the long-run distribution is learnt.
    public var learningRows: Int
    /// Per-row weight of the long-run distribution (≈ 1 / its memory in rows).
    public var alpha: Double
    /// Floor on the long-run standard deviation of the short-term average.
    public var minimumSigma: Double

    private var recent: [Float]
    private var head = 0
    private var sum = 0.0
    private var mean = 0.0
    private var variance = 0.0
    private var rows = 0

    /// A post-processor with the given learning period, long-run weight and sigma floor.
    public init(learningRows: Int = 300, alpha: Double = 1.0 / 2000, minimumSigma: Double = 0.02) {
        self.learningRows = learningRows
        self.alpha = alpha
        self.minimumSigma = minimumSigma
        recent = [Float](repeating: 0, count: Self.shortWindow)
    }

    /// Heap bytes of the short window.
    public var heapBytes: Int { SeriesMath.arrayHeaderBytes + recent.capacity * MemoryLayout<Float>.stride }

    /// Feeds one raw score (clamped to `[0, 1]`) and returns the log-scaled likelihood score.
    public mutating func update(raw: Double, steps: Double = 1) -> Double {
        let r = SeriesMath.unit(raw)
        sum += r - Double(recent[head])
        recent[head] = Float(r)
        head = head + 1 == Self.shortWindow ? 0 : head + 1
        rows += 1
        let n = Double(min(rows, Self.shortWindow))
        let average = max(sum, 0) / n
        var out = 0.0
        if rows > learningRows {
            let sigma = max(variance.squareRoot(), minimumSigma)
            out = SeriesMath.score(tail: min(1, 2 * SeriesMath.upperTail((average - mean) / sigma)))
        }
        let a = max(SeriesMath.decayedAlpha(alpha, steps: steps), 1.0 / Double(rows))
        let d = average - mean
        mean += a * d
        variance += a * (d * d * (1 - a) - variance)
        return out
    }
}
