import Foundation

/// Level-shift and variance-change detection: a fast (≈ 5-row) and a slow (≈ 100-row)
/// exponentially weighted mean and mean absolute deviation are compared, each gap standardised by
/// its own long-run typical size — `fast − slow` for the level, `log(fastMAD / slowMAD)` for the
/// variance (a flat-line after variation drives it far negative). The smaller of the two calibrated
/// tails (Bonferroni ×2) is log-scaled. After a detection the slow statistics jump to
/// the fast ones, so one change gives one burst of high scores rather than hundreds.
public struct LevelShiftDetector: AnomalyDetector {
    private var clock = SamplingClock()
    private var fast = RobustLevel(alpha: 0.2)
    private var slow = RobustLevel(alpha: 1.0 / 100)
    private var levelGap = RobustLevel(alpha: 1.0 / 1000)
    private var spreadGap = RobustLevel(alpha: 1.0 / 1000)
    private var levelTail = EmpiricalTail(alpha: 1.0 / 2000)
    private var spreadTail = EmpiricalTail(alpha: 1.0 / 2000)
    /// Rows scored 0 before the statistics are used.
    public var warmupRows = 120
    /// Tail probability below which the slow statistics are re-based on the fast ones.
    public var rebaseTail = 1e-6

    /// A fresh detector.
    public init() {}

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        guard value.isFinite else { return 0 }
        let steps = clock.advance(to: timestamp)
        return score(SeriesMath.clampValue(value), steps: steps)
    }

    /// Scores an already clamped (and possibly deseasonalised) value `steps` rows after the last.
    mutating func score(_ x: Double, steps: Double) -> Double {
        fast.update(x, steps: steps)
        slow.update(x, steps: steps)
        let sl = slow.sigma
        // Level gap in units of the series' noise, then standardised by its own typical size.
        let g = min(max((fast.level - slow.level) / sl, -1e6), 1e6)
        let floor = 1e-3
        let v = log(max(fast.deviation / max(slow.deviation, 1e-300), floor))
        let zl = levelGap.z(g)
        let zv = slow.deviation > 0 ? spreadGap.z(v) : 0
        levelGap.update(g, steps: steps)
        spreadGap.update(v, steps: steps)
        guard slow.count > warmupRows else { return 0 }
        let pl = levelTail.probability(abs(zl), steps: steps)
        let pv = spreadTail.probability(abs(zv), steps: steps)
        let p = min(1, 2 * min(pl, pv))
        if p < rebaseTail { slow.adopt(fast) }
        return SeriesMath.score(tail: p)
    }

    /// Inline size plus the two histograms.
    public var stateBytes: Int {
        MemoryLayout<Self>.size + levelTail.heapBytes + spreadTail.heapBytes
    }
}
