import Foundation

/// One series as seen by the scorer: the detector's scores and the ground-truth labels.
public struct ScoredSeries: Sendable {
    /// Series name (for the per-series breakdown).
    public var name: String
    /// One anomaly score in [0, 1] per row.
    public var scores: [Double]
    /// Row indices of labelled anomalies (window centres).
    public var labels: [Int]

    /// Creates a scored series.
    public init(name: String, scores: [Double], labels: [Int]) {
        self.name = name
        self.scores = scores
        self.labels = labels
    }
}

/// The NAB v1.x scorer (`sweeper.py`, `optimizer.py`, `runner.py`), see `shared/specs/anomaly-scoring.md`.
///
/// Per profile, one threshold is optimised over the whole corpus: all scored rows are sorted by
/// score (descending) once and walked like `Sweeper.calcScoreByThreshold`, so the sweep over every
/// distinct score (plus 1.1 = no detections) costs O(n log n). Ties between candidate thresholds
/// keep the higher threshold (NAB's stable sort of the descending-threshold list).
public struct NABScorer: Sendable {
    /// Fraction of each file's rows in the probationary period (NAB: 0.15, capped at 0.15 · 5000 rows).
    public var probationaryFraction: Double
    /// Total window length as a fraction of the file, shared by its anomalies (NAB: 0.10).
    public var windowFraction: Double
    /// Profiles scored, in order.
    public var profiles: [NABProfile]

    /// Creates a scorer with NAB's defaults.
    public init(probationaryFraction: Double = 0.15, windowFraction: Double = 0.10, profiles: [NABProfile] = NABProfile.all) {
        self.probationaryFraction = probationaryFraction
        self.windowFraction = windowFraction
        self.profiles = profiles
    }

    /// The NAB windows of a series of `rowCount` rows with these labels.
    public func windows(rowCount: Int, labels: [Int]) -> [NABWindow] {
        NABWindowing.windows(
            rowCount: rowCount, labels: labels, windowFraction: windowFraction,
            probationaryFraction: probationaryFraction)
    }

    /// The weighted sweep value of every row (`AnomalyPoint.sweepScore`): what a detection there adds.
    public func sweepValues(rowCount: Int, labels: [Int], profile: NABProfile) -> [Double] {
        let layout = layout(rowCount: rowCount, labels: labels)
        return (0..<rowCount).map { i in
            layout.windowOfRow[i] >= 0 ? layout.unweighted[i] * profile.tpWeight : layout.unweighted[i] * profile.fpWeight
        }
    }

    /// Raw NAB score of one series at a fixed threshold (`Sweeper.scoreDataSet`): detections are
    /// non-probationary rows with `score >= threshold`.
    public func rawScore(scores: [Double], labels: [Int], threshold: Double, profile: NABProfile) -> Double {
        let layout = layout(rowCount: scores.count, labels: labels)
        return Self.scoreFile(layout, scores: scores, name: "", threshold: threshold, profile: profile).score.rawScore
    }

    /// The best corpus threshold and its raw score for a profile (`optimizer.optimizeThreshold`).
    public func optimiseThreshold(corpus: [ScoredSeries], profile: NABProfile) -> (threshold: Double, rawScore: Double) {
        let layouts = corpus.map { layout(rowCount: $0.scores.count, labels: $0.labels) }
        let sweep = SweepRows(layouts: layouts, scores: corpus.map(\.scores))
        return sweep.best(profile: profile)
    }

    /// Full evaluation of a detector's scores over a corpus, for every profile.
    public func evaluate(corpus: [ScoredSeries]) -> NABResult {
        let layouts = corpus.map { layout(rowCount: $0.scores.count, labels: $0.labels) }
        let sweep = SweepRows(layouts: layouts, scores: corpus.map(\.scores))
        let nullSweep = SweepRows(layouts: layouts, scores: layouts.map { [Double](repeating: 0.5, count: $0.rowCount) })
        let windowCount = layouts.reduce(0) { $0 + $1.windows.count }
        let scoredRows = layouts.reduce(0) { $0 + max($1.rowCount - $1.probation, 0) }
        var results: [NABProfileResult] = []
        for profile in profiles {
            let (threshold, _) = sweep.best(profile: profile)
            let nullScore = nullSweep.best(profile: profile).rawScore
            let perfect = Double(windowCount) * profile.tpWeight
            var perSeries: [NABSeriesScore] = []
            var fromStart: [Double] = []
            var fromLabel: [Double] = []
            var raw = 0.0
            var tp = 0, fp = 0
            for (k, layout) in layouts.enumerated() {
                let file = Self.scoreFile(layout, scores: corpus[k].scores, name: corpus[k].name, threshold: threshold, profile: profile)
                perSeries.append(file.score)
                raw += file.score.rawScore
                tp += file.score.detectedWindows
                fp += file.score.falsePositives
                fromStart += file.delaysFromStart
                fromLabel += file.delaysFromLabel
            }
            let denominator = perfect - nullScore
            results.append(NABProfileResult(
                profile: profile,
                normalisedScore: denominator == 0 ? 0 : 100 * (raw - nullScore) / denominator,
                threshold: threshold, rawScore: raw, nullScore: nullScore, perfectScore: perfect,
                truePositives: tp, falsePositives: fp, falseNegatives: windowCount - tp,
                precision: tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp),
                recall: windowCount == 0 ? 0 : Double(tp) / Double(windowCount),
                meanDelayFromWindowStart: Self.mean(fromStart), medianDelayFromWindowStart: Self.median(fromStart),
                meanDelayFromLabel: Self.mean(fromLabel), medianDelayFromLabel: Self.median(fromLabel),
                series: perSeries))
        }
        return NABResult(profiles: results, seriesCount: corpus.count, windowCount: windowCount, scoredRows: scoredRows)
    }

    // MARK: - Internals

    func layout(rowCount: Int, labels: [Int]) -> NABFileLayout {
        NABFileLayout(rowCount: rowCount, labels: labels, windowFraction: windowFraction, probationaryFraction: probationaryFraction)
    }

    struct FileOutcome {
        var score: NABSeriesScore
        var delaysFromStart: [Double]
        var delaysFromLabel: [Double]
    }

    static func scoreFile(_ layout: NABFileLayout, scores: [Double], name: String, threshold: Double, profile: NABProfile) -> FileOutcome {
        var best = [Double](repeating: -profile.fnWeight, count: layout.windows.count)
        var first = [Int](repeating: -1, count: layout.windows.count)
        var fpCost = 0.0
        var fpCount = 0
        let n = min(layout.rowCount, scores.count)
        if layout.probation < n {
            for i in layout.probation..<n where scores[i] >= threshold {
                let w = Int(layout.windowOfRow[i])
                if w >= 0 {
                    best[w] = max(best[w], layout.unweighted[i] * profile.tpWeight)
                    if first[w] < 0 { first[w] = i }
                } else {
                    fpCost += layout.unweighted[i] * profile.fpWeight
                    fpCount += 1
                }
            }
        }
        var fromStart: [Double] = []
        var fromLabel: [Double] = []
        for (w, window) in layout.windows.enumerated() where first[w] >= 0 {
            fromStart.append(Double(first[w] - window.start))
            fromLabel.append(Double(first[w] - (window.labels.min() ?? window.start)))
        }
        let raw = best.reduce(0, +) + fpCost
        return FileOutcome(
            score: NABSeriesScore(
                name: name, rawScore: raw, windows: layout.windows.count,
                detectedWindows: fromStart.count, falsePositives: fpCount, windowDetected: first.map { $0 >= 0 }),
            delaysFromStart: fromStart, delaysFromLabel: fromLabel)
    }

    static func mean(_ xs: [Double]) -> Double? {
        xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
    }

    static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }
}

/// All scored rows of a corpus sorted by descending anomaly score, ready to sweep thresholds.
struct SweepRows {
    /// Anomaly scores, descending.
    var scores: [Double] = []
    /// Unweighted sweep values in the same order.
    var unweighted: [Double] = []
    /// Corpus-wide window index of each row, −1 outside windows.
    var window: [Int32] = []
    /// Number of windows in the corpus.
    var windowCount = 0

    init(layouts: [NABFileLayout], scores perFile: [[Double]]) {
        var rows: [(score: Double, value: Double, window: Int32)] = []
        rows.reserveCapacity(layouts.reduce(0) { $0 + $1.rowCount })
        var offset: Int32 = 0
        for (k, layout) in layouts.enumerated() {
            let s = perFile[k]
            let n = min(layout.rowCount, s.count)
            if layout.probation < n {
                for i in layout.probation..<n {
                    let w = layout.windowOfRow[i]
                    rows.append((s[i], layout.unweighted[i], w >= 0 ? w + offset : -1))
                }
            }
            offset += Int32(layout.windows.count)
        }
        rows.sort { $0.score > $1.score }
        self.scores = rows.map(\.score)
        self.unweighted = rows.map(\.value)
        self.window = rows.map(\.window)
        self.windowCount = Int(offset)
    }

    /// Walks the rows like `Sweeper.calcScoreByThreshold` and returns the best (threshold, score);
    /// the first (highest) threshold wins ties, 1.1 is "no detections".
    func best(profile: NABProfile) -> (threshold: Double, rawScore: Double) {
        var parts = [Double](repeating: -profile.fnWeight, count: windowCount)
        var windowTotal = -profile.fnWeight * Double(windowCount)
        var fpTotal = 0.0
        var current = 1.1
        var bestThreshold = 1.1
        var bestScore = windowTotal
        for r in 0..<scores.count {
            if scores[r] != current {
                let total = windowTotal + fpTotal
                if total > bestScore {
                    bestScore = total
                    bestThreshold = current
                }
                current = scores[r]
            }
            let w = Int(window[r])
            if w >= 0 {
                let v = unweighted[r] * profile.tpWeight
                if v > parts[w] {
                    windowTotal += v - parts[w]
                    parts[w] = v
                }
            } else {
                fpTotal += unweighted[r] * profile.fpWeight
            }
        }
        let total = windowTotal + fpTotal
        if total > bestScore {
            bestScore = total
            bestThreshold = current
        }
        return (bestThreshold, bestScore)
    }
}
