import Foundation

/// A seeded generator of labelled metric series for evaluating anomaly detectors.
///
/// Every series combines a level with optional daily/weekly seasonality and a trend, one of
/// several noise levels and models (Gaussian, heavy-tailed Student-t(3), AR(1)-correlated, or
/// Poisson counts), regular 5-minute sampling or irregular sampling with gaps, and 0–4 injected
/// anomalies (``AnomalyKind``). Each anomaly's label is the row where it starts; labels are never
/// in the first 15 % of a series and are placed so that each NAB window lies after the
/// probationary period and windows of one series do not overlap.
///
/// Series `k` depends only on `(seed, k)` through ``SplitMix64``, so a corpus is identical on
/// every platform.
public struct SeriesGenerator: Sendable {
    /// Seed of the corpus.
    public var seed: UInt64
    /// Number of series in ``corpus()``.
    public var seriesCount: Int
    /// Range of series lengths in rows.
    public var lengthRange: ClosedRange<Int>
    /// Nominal sampling step in seconds (5 minutes).
    public var step: Double
    /// Share of series without any anomaly.
    public var noAnomalyShare: Double
    /// Share of series with irregular sampling and gaps.
    public var irregularShare: Double
    /// Share of integer count series (Poisson).
    public var countShare: Double

    /// Creates a generator. The defaults give the harness's default corpus (80 series, 2,000–10,000 rows).
    public init(
        seed: UInt64 = 20_251_202, seriesCount: Int = 80, lengthRange: ClosedRange<Int> = 2_000...10_000,
        step: Double = 300, noAnomalyShare: Double = 0.15, irregularShare: Double = 0.15, countShare: Double = 0.2
    ) {
        precondition(lengthRange.lowerBound >= 200, "series shorter than 200 rows leave no room for windows")
        self.seed = seed
        self.seriesCount = seriesCount
        self.lengthRange = lengthRange
        self.step = step
        self.noAnomalyShare = noAnomalyShare
        self.irregularShare = irregularShare
        self.countShare = countShare
    }

    /// The whole corpus: series `0..<seriesCount`.
    public func corpus() -> [LabelledSeries] {
        (0..<seriesCount).map { series(index: $0) }
    }

    /// Series number `index` of the corpus (independent of the other series).
    public func series(index: Int) -> LabelledSeries {
        var rng = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        _ = rng.next()
        let n = rng.int(in: lengthRange)
        var tags: [String] = []

        // Anomaly plan first: a seasonality break needs a daily pattern.
        let anomalyCount = rng.chance(noAnomalyShare) ? 0 : rng.int(in: 1...4)
        var kinds = (0..<anomalyCount).map { _ in AnomalyKind.allCases[rng.int(in: 0...(AnomalyKind.allCases.count - 1))] }
        let isCount = rng.chance(countShare)
        if isCount { kinds = kinds.map { $0 == .varianceChange ? .levelShift : $0 } }

        let timestamps = makeTimestamps(n: n, index: index, rng: &rng, tags: &tags)
        let shape = SignalShape(rng: &rng, n: n, isCount: isCount, needsDaily: kinds.contains(.seasonalityBreak))
        tags += shape.tags

        let rows = AnomalyPlacement.rows(count: anomalyCount, n: n, rng: &rng)
        let planned = zip(kinds, rows).map { kind, row in
            InjectedAnomaly(kind: kind, row: row, duration: AnomalyPlacement.duration(of: kind, row: row, n: n, rng: &rng))
        }
        let (values, anomalies) = shape.render(timestamps: timestamps, anomalies: planned, rng: &rng)
        if anomalies.isEmpty { tags.append("noAnomaly") }
        tags += Array(Set(anomalies.map(\.kind.rawValue))).sorted()
        let name = String(format: "s%03d-", index) + (anomalies.isEmpty ? "none" : anomalies.map(\.kind.rawValue).joined(separator: "+"))
        return LabelledSeries(
            name: name, values: values, timestamps: timestamps, labels: anomalies.map(\.row),
            tags: tags, anomalies: anomalies)
    }

    private func makeTimestamps(n: Int, index: Int, rng: inout SplitMix64, tags: inout [String]) -> [Double] {
        let start = 1_700_000_000.0 + Double(index) * 86_400 + Double(rng.int(in: 0...287)) * step
        guard rng.chance(irregularShare) else {
            return (0..<n).map { start + Double($0) * step }
        }
        tags.append("irregular")
        var gapRows = Set<Int>()
        for _ in 0..<rng.int(in: 1...3) { gapRows.insert(rng.int(in: 1...(n - 1))) }
        var t = start
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if i > 0 {
                t += step * rng.uniform(0.7, 1.3)
                if gapRows.contains(i) { t += step * Double(rng.int(in: 6...72)) }
            }
            out[i] = t.rounded()
        }
        return out
    }
}

/// Where anomalies go in a series and how long they last.
enum AnomalyPlacement {
    /// Ascending start rows for `count` anomalies in `n` rows: each is past 15 % of the series, its
    /// NAB window (length `int(0.1·n/count)`, centred) starts after the probationary period, and
    /// windows of the same series do not overlap.
    static func rows(count: Int, n: Int, rng: inout SplitMix64) -> [Int] {
        guard count > 0 else { return [] }
        let half = Int(0.10 * Double(n) / Double(count)) / 2
        let probation = NABWindowing.probationaryLength(rowCount: n)
        let lo = max(Int((0.15 * Double(n)).rounded(.up)), probation + half) + 1
        let hi = n - 1 - max(n / 20, half)
        let segment = Double(hi - lo) / Double(count)
        return (0..<count).map { j in
            let segLo = lo + Int(Double(j) * segment)
            let segHi = lo + Int(Double(j + 1) * segment)
            let a = segLo + half + 1
            let b = max(a, segHi - half - 1)
            return rng.int(in: a...b)
        }
    }

    /// Rows affected by an anomaly of this kind (clipped to the series end).
    static func duration(of kind: AnomalyKind, row: Int, n: Int, rng: inout SplitMix64) -> Int {
        let d: Int
        switch kind {
        case .spike, .dip: d = rng.int(in: 1...3)
        case .levelShift: d = n - row
        case .varianceChange: d = rng.chance(0.5) ? n - row : rng.int(in: 200...1_000)
        case .slowDrift: d = rng.int(in: 150...600)
        case .flatLine: d = rng.int(in: 36...288)
        case .seasonalityBreak: d = rng.int(in: 288...864)
        }
        return min(d, n - row)
    }
}
