import Foundation

/// Runs a detector over a labelled corpus and scores it with ``NABScorer``.
public enum DetectorEvaluation {
    /// How many violations are kept per series in ``NABResult/violations`` (all are counted).
    public static let violationsKeptPerSeries = 5

    /// Scores `detector` on `corpus` with NAB's three profiles.
    ///
    /// The detector returns one score per row. Every score is checked: NaN/±∞ are scored as 0,
    /// values outside [0, 1] are clamped, a wrong number of scores is padded with 0 or truncated;
    /// each problem is reported in ``NABResult/violations`` rather than trapping.
    public static func evaluate(
        corpus: [LabelledSeries], detector: (LabelledSeries) -> [Double]
    ) -> NABResult {
        evaluate(corpus: corpus, scorer: NABScorer(), detector: detector)
    }

    /// Scores `detector` on `corpus` with a configured scorer.
    public static func evaluate(
        corpus: [LabelledSeries], scorer: NABScorer, detector: (LabelledSeries) -> [Double]
    ) -> NABResult {
        var scored: [ScoredSeries] = []
        var violations: [ScoreViolation] = []
        var violationCount = 0
        for series in corpus {
            let (scores, found, total) = sanitise(detector(series), series: series)
            violations += found
            violationCount += total
            scored.append(ScoredSeries(name: series.name, scores: scores, labels: series.labels))
        }
        var result = scorer.evaluate(corpus: scored)
        result.violations = violations
        result.violationCount = violationCount
        return result
    }

    /// Enforces the score contract on one series' output.
    static func sanitise(_ raw: [Double], series: LabelledSeries) -> ([Double], [ScoreViolation], Int) {
        var kept: [ScoreViolation] = []
        var total = 0
        func record(_ v: ScoreViolation) {
            total += 1
            if kept.count < violationsKeptPerSeries { kept.append(v) }
        }
        var scores = raw
        if scores.count != series.count {
            record(ScoreViolation(series: series.name, row: raw.count, value: Double(series.count), reason: .wrongLength))
            if scores.count > series.count {
                scores.removeLast(scores.count - series.count)
            } else {
                scores += [Double](repeating: 0, count: series.count - scores.count)
            }
        }
        for i in scores.indices {
            let s = scores[i]
            if !s.isFinite {
                record(ScoreViolation(series: series.name, row: i, value: s, reason: .nonFinite))
                scores[i] = 0
            } else if s < 0 || s > 1 {
                record(ScoreViolation(series: series.name, row: i, value: s, reason: .outOfRange))
                scores[i] = min(max(s, 0), 1)
            }
        }
        return (scores, kept, total)
    }

    /// Window-level detections per anomaly kind for one profile's result, e.g. to see which kinds a
    /// detector misses. `result.series` must be aligned with `corpus` (as ``evaluate(corpus:detector:)``
    /// returns it); a merged window counts once for each kind it contains.
    public static func detectionsByKind(
        corpus: [LabelledSeries], result: NABProfileResult, scorer: NABScorer = NABScorer()
    ) -> [AnomalyKind: (detected: Int, total: Int)] {
        var tally: [AnomalyKind: (detected: Int, total: Int)] = [:]
        for (series, score) in zip(corpus, result.series) {
            let windows = scorer.windows(rowCount: series.count, labels: series.labels)
            for (w, window) in windows.enumerated() {
                let kinds = Set(series.anomalies.filter { window.labels.contains($0.row) }.map(\.kind))
                let hit = w < score.windowDetected.count && score.windowDetected[w]
                for kind in kinds {
                    let old = tally[kind] ?? (0, 0)
                    tally[kind] = (old.detected + (hit ? 1 : 0), old.total + 1)
                }
            }
        }
        return tally
    }
}
