import Foundation
import Testing
@testable import VaneSeries

/// Hand-computed NAB cases. File of 1,000 rows with one label at 500:
/// window length int(0.1·1000/1) = 100 → [450, 550] (101 rows); probation = 150 rows.
struct NABScorerTests {
    let scorer = NABScorer()
    let n = 1_000

    func scores(detectedAt rows: [Int], n: Int = 1_000) -> [Double] {
        var s = [Double](repeating: 0, count: n)
        for r in rows { s[r] = 1 }
        return s
    }

    func sigma(_ y: Double) -> Double { 2 / (1 + exp(5 * y)) - 1 }

    @Test func probationaryLengthFollowsNAB() {
        #expect(NABWindowing.probationaryLength(rowCount: 1_000) == 150)
        #expect(NABWindowing.probationaryLength(rowCount: 4_999) == 749)
        #expect(NABWindowing.probationaryLength(rowCount: 10_000) == 750)
    }

    @Test func scaledSigmoidAnchors() {
        #expect(abs(NABWindowing.scaledSigmoid(-1) - 0.98661) < 1e-5)
        #expect(abs(NABWindowing.scaledSigmoid(-0.5) - 0.84828) < 1e-5)
        #expect(NABWindowing.scaledSigmoid(0) == 0)
        #expect(NABWindowing.scaledSigmoid(3) == -1)
        #expect(NABWindowing.scaledSigmoid(2.99) > -1)
    }

    @Test func windowIsCentredOnTheLabel() {
        let w = scorer.windows(rowCount: n, labels: [500])
        #expect(w == [NABWindow(start: 450, end: 550, labels: [500])])
        #expect(w[0].width == 101)
    }

    @Test func detectionAtWindowStartScoresExactlyATP() {
        for profile in NABProfile.all {
            let raw = scorer.rawScore(scores: scores(detectedAt: [450]), labels: [500], threshold: 1, profile: profile)
            #expect(raw == profile.tpWeight)
        }
    }

    @Test func onlyTheBestDetectionInAWindowCounts() {
        let raw = scorer.rawScore(scores: scores(detectedAt: [450, 460, 500, 549]), labels: [500], threshold: 1, profile: .standard)
        #expect(raw == 1.0)
    }

    @Test func detectionAtRightEdgeScoresAlmostNothing() {
        let raw = scorer.rawScore(scores: scores(detectedAt: [550]), labels: [500], threshold: 1, profile: .standard)
        let expected = sigma(-1.0 / 101) / sigma(-1)
        #expect(abs(raw - expected) < 1e-12)
        #expect(raw > 0 && raw < 0.03)
        // Half-way into the window: y = -(550 - 500 + 1)/101.
        let mid = scorer.rawScore(scores: scores(detectedAt: [500]), labels: [500], threshold: 1, profile: .standard)
        #expect(abs(mid - sigma(-51.0 / 101) / sigma(-1)) < 1e-12)
    }

    @Test func missedWindowCostsAFN() {
        let none = scores(detectedAt: [])
        #expect(scorer.rawScore(scores: none, labels: [500], threshold: 1, profile: .standard) == -1)
        #expect(scorer.rawScore(scores: none, labels: [500], threshold: 1, profile: .lowFN) == -2)
    }

    @Test func falsePositiveBeforeAnyWindowCostsAFP() {
        let s = scores(detectedAt: [200, 450])
        #expect(abs(scorer.rawScore(scores: s, labels: [500], threshold: 1, profile: .standard) - (1 - 0.11)) < 1e-12)
        #expect(abs(scorer.rawScore(scores: s, labels: [500], threshold: 1, profile: .lowFP) - (1 - 0.22)) < 1e-12)
        // With no labels at all every detection is "before any window".
        #expect(abs(scorer.rawScore(scores: s, labels: [], threshold: 1, profile: .standard) + 0.22) < 1e-12)
    }

    @Test func falsePositiveCostGrowsWithDistanceFromPreviousWindow() {
        let just = scorer.rawScore(scores: scores(detectedAt: [551]), labels: [500], threshold: 1, profile: .standard)
        #expect(abs(just - (-1 + 0.11 * sigma(1.0 / 100))) < 1e-12)  // y = |550 − 551| / (101 − 1)
        let far = scorer.rawScore(scores: scores(detectedAt: [850]), labels: [500], threshold: 1, profile: .standard)
        #expect(abs(far - (-1 - 0.11)) < 1e-12)  // y = 300/100 = 3 → −1
    }

    @Test func probationaryRowsAreIgnored() {
        let raw = scorer.rawScore(scores: scores(detectedAt: [0, 10, 149]), labels: [500], threshold: 1, profile: .standard)
        #expect(raw == -1)
        let counted = scorer.rawScore(scores: scores(detectedAt: [150]), labels: [500], threshold: 1, profile: .standard)
        #expect(abs(counted + 1.11) < 1e-12)
    }

    @Test func windowsStartingInProbationAreDeleted() {
        #expect(scorer.windows(rowCount: n, labels: [160]).isEmpty)  // [110, 210] starts before row 150
        #expect(scorer.windows(rowCount: n, labels: [200]) == [NABWindow(start: 150, end: 250, labels: [200])])
        // Two labels: length int(100/2) = 50, halves of 25.
        #expect(scorer.windows(rowCount: n, labels: [170, 600]) == [NABWindow(start: 575, end: 625, labels: [600])])
    }

    @Test func overlappingWindowsAreMerged() {
        let merged = scorer.windows(rowCount: n, labels: [500, 520])  // [475,525] + [495,545]
        #expect(merged == [NABWindow(start: 475, end: 545, labels: [500, 520])])
        let touching = scorer.windows(rowCount: n, labels: [500, 550])  // [475,525] + [525,575]
        #expect(touching == [NABWindow(start: 475, end: 575, labels: [500, 550])])
        let apart = scorer.windows(rowCount: n, labels: [500, 551])  // [475,525] + [526,576]
        #expect(apart.count == 2)
        // A merged window is one window: one detection at its start scores A_TP once.
        let raw = scorer.rawScore(scores: scores(detectedAt: [475]), labels: [500, 520], threshold: 1, profile: .standard)
        #expect(raw == 1)
    }

    @Test func falsePositiveBetweenWindowsUsesThePreviousWindow() {
        // Labels 400 and 800: length 50, windows [375,425] and [775,825] (51 rows).
        let s = scores(detectedAt: [375, 450, 775])
        let expected = 2 + 0.11 * sigma(25.0 / 50)
        #expect(abs(scorer.rawScore(scores: s, labels: [400, 800], threshold: 1, profile: .standard) - expected) < 1e-12)
    }

    @Test func thresholdDecidesDetections() {
        var s = [Double](repeating: 0.2, count: n)
        s[450] = 0.7
        s[300] = 0.6
        #expect(scorer.rawScore(scores: s, labels: [500], threshold: 0.7, profile: .standard) == 1)
        #expect(abs(scorer.rawScore(scores: s, labels: [500], threshold: 0.6, profile: .standard) - 0.89) < 1e-12)
        #expect(scorer.rawScore(scores: s, labels: [500], threshold: 1.1, profile: .standard) == -1)
    }

    @Test func optimisedThresholdIsTheBestCandidate() {
        var rng = SplitMix64(seed: 7)
        var corpus: [ScoredSeries] = []
        for k in 0..<6 {
            let len = 600 + 150 * k
            let labels = k == 5 ? [] : [len / 2, len * 4 / 5]
            var s = (0..<len).map { _ in (rng.nextUnit() * 20).rounded() / 20 }  // many ties
            for l in labels { s[l - 3] = min(1, s[l - 3] + 0.5) }
            corpus.append(ScoredSeries(name: "f\(k)", scores: s, labels: labels))
        }
        for profile in NABProfile.all {
            let (threshold, best) = scorer.optimiseThreshold(corpus: corpus, profile: profile)
            var candidates = Set(corpus.flatMap { c in c.scores.enumerated().filter { $0.offset >= NABWindowing.probationaryLength(rowCount: c.scores.count) }.map(\.element) })
            candidates.insert(1.1)
            func total(_ t: Double) -> Double {
                corpus.reduce(0) { $0 + scorer.rawScore(scores: $1.scores, labels: $1.labels, threshold: t, profile: profile) }
            }
            let bruteBest = candidates.map(total).max()!
            #expect(abs(best - bruteBest) < 1e-9)
            #expect(abs(total(threshold) - bruteBest) < 1e-9)
            let result = scorer.evaluate(corpus: corpus)[profile]!
            #expect(result.threshold == threshold)
            #expect(abs(result.rawScore - bruteBest) < 1e-9)
        }
    }

    @Test func nullScoresZeroAndOracleScoresHundred() {
        let corpus = SeriesGenerator(seed: 3, seriesCount: 12, lengthRange: 2_000...4_000).corpus()
        let null = DetectorEvaluation.evaluate(corpus: corpus, detector: ReferenceDetectors.null)
        let oracle = DetectorEvaluation.evaluate(corpus: corpus, detector: ReferenceDetectors.oracle)
        #expect(null.windowCount > 0)
        for profile in NABProfile.all {
            let nullResult = null[profile]!
            #expect(nullResult.normalisedScore == 0)
            #expect(nullResult.threshold == 1.1)
            #expect(nullResult.nullScore == -Double(null.windowCount) * profile.fnWeight)
            let best = oracle[profile]!
            #expect(abs(best.normalisedScore - 100) < 1e-9)
            #expect(best.rawScore == best.perfectScore)
            #expect(best.recall == 1 && best.precision == 1 && best.falsePositives == 0)
            #expect(best.medianDelayFromWindowStart == 0)
            #expect(best.falseNegatives == 0 && best.truePositives == oracle.windowCount)
        }
    }

    @Test func contractViolationsAreReportedNotFatal() {
        let series = LabelledSeries(name: "bad", values: [Double](repeating: 1, count: n), labels: [500])
        var raw = scores(detectedAt: [450])
        raw[300] = .nan
        raw[301] = 1.5
        raw[302] = -0.5
        let result = DetectorEvaluation.evaluate(corpus: [series]) { _ in raw }
        #expect(result.violationCount == 3)
        #expect(Set(result.violations.map(\.reason)) == [.nonFinite, .outOfRange])
        #expect(result[.standard]!.truePositives == 1)
        let short = DetectorEvaluation.evaluate(corpus: [series]) { _ in [0.1, 0.2] }
        #expect(short.violations.first?.reason == .wrongLength)
    }

    @Test func windowedGaussianFlagsASpike() {
        var values = (0..<3_000).map { i in 10 + sin(Double(i) * 0.7) }
        values[2_000] = 40
        let s = ReferenceDetectors.windowedGaussian(values: values)
        #expect(s[0] == 0)
        #expect(s.dropFirst().allSatisfy { $0 >= 0.5 && $0 <= 1 })
        #expect(s[2_000] > 0.9999 && s[1_999] < 0.99)
        // Constant input: std 0 → 1e-6, identical values score 1 − Q(0) = 0.5.
        let flat = ReferenceDetectors.windowedGaussian(values: [Double](repeating: 3, count: 50))
        #expect(flat.dropFirst().allSatisfy { $0 == 0.5 })
    }

    @Test func forecastAccuracy() {
        let smape = ForecastAccuracy.sMAPE(actual: [100, 0, 50], forecast: [110, 0, 50])!
        #expect(abs(smape - 200.0 / 3 * (10.0 / 210)) < 1e-12)
        #expect(ForecastAccuracy.sMAPE(actual: [1], forecast: [-1]) == 200)
        #expect(ForecastAccuracy.sMAPE(actual: [], forecast: []) == nil)
        #expect(ForecastAccuracy.intervalCoverage(actual: [1, 2, 3, 4], lower: [0, 2, 4, 0], upper: [2, 2, 5, 3]) == 0.5)
        #expect(ForecastAccuracy.meanIntervalWidth(lower: [0, 1], upper: [2, 5]) == 3)
    }
}

/// The calibration baseline: NAB's windowed Gaussian on the default corpus.
struct WindowedGaussianBaselineTests {
    @Test func windowedGaussianOnDefaultCorpus() {
        let clock = ContinuousClock()
        let start = clock.now
        let corpus = SeriesGenerator().corpus()
        let generated = clock.now
        let result = DetectorEvaluation.evaluate(corpus: corpus, detector: ReferenceDetectors.windowedGaussian)
        let done = clock.now
        print("windowed Gaussian on the default corpus (\(corpus.count) series, \(result.windowCount) windows, "
            + "\(result.scoredRows) scored rows); generation \(generated - start), detection+scoring \(done - generated)")
        print(result.summary)
        for profile in NABProfile.all {
            let byKind = DetectorEvaluation.detectionsByKind(corpus: corpus, result: result[profile]!)
            let line = AnomalyKind.allCases.map { "\($0.rawValue) \(byKind[$0]?.detected ?? 0)/\(byKind[$0]?.total ?? 0)" }
            print("  \(profile.name) windows detected by kind: " + line.joined(separator: ", "))
            #expect(byKind.values.reduce(0) { $0 + $1.total } == result.windowCount)
        }
        let null = DetectorEvaluation.evaluate(corpus: corpus, detector: ReferenceDetectors.null)
        let oracle = DetectorEvaluation.evaluate(corpus: corpus, detector: ReferenceDetectors.oracle)
        let board = NABResult.scoreboard([("Perfect (oracle)", oracle), ("Windowed Gaussian", result), ("Null", null)])
        print(board)
        #expect(board.contains("| Perfect (oracle) | 100.0 | 100.0 | 100.0 |"))
        #expect(board.contains("| Null | 0.0 | 0.0 | 0.0 |"))
        #expect(result.violations.isEmpty)
        let standard = result[.standard]!
        #expect(standard.normalisedScore > 0 && standard.normalisedScore < 100)
        #expect(standard.truePositives > 0 && standard.falseNegatives > 0)
    }
}
