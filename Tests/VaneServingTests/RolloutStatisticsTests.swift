import Foundation
import Testing
@testable import VaneServing

/// The statistics behind rollout guards: the always-valid rate test, the sample-ratio check and
/// prediction drift, against known values and by simulation.
@Suite("Rollout statistics")
struct RolloutStatisticsTests {
    @Test("special functions match known values")
    func specialFunctions() {
        #expect(abs(SpecialFunctions.regularizedBeta(0.5, 2, 3) - 0.6875) < 1e-12)
        #expect(abs(SpecialFunctions.regularizedBeta(0.2, 1, 1) - 0.2) < 1e-12)
        #expect(abs(SpecialFunctions.regularizedBeta(0.9, 30, 5) - 0.7504082837878774) < 1e-10)   // scipy.special.betainc
        #expect(abs(exp(SpecialFunctions.logUpperRegularizedBeta(0.01, 11, 191)) - (1 - SpecialFunctions.regularizedBeta(0.01, 11, 191))) < 1e-12)
        // Chi-square survival at the 5 % critical values of 1, 2 and 5 degrees of freedom.
        #expect(abs(SpecialFunctions.regularizedUpperGamma(0.5, 3.841459 / 2) - 0.05) < 1e-6)
        #expect(abs(SpecialFunctions.regularizedUpperGamma(1, 5.991465 / 2) - 0.05) < 1e-6)
        #expect(abs(SpecialFunctions.regularizedUpperGamma(2.5, 11.070498 / 2) - 0.05) < 1e-6)
    }

    @Test("the rate test's log likelihood ratio matches the closed form")
    func likelihoodRatio() {
        // Computed with scipy: betaln(11, 191) + log(1 - betainc(11, 191, 0.01)) - log(0.99) - (10 log 0.01 + 190 log 0.99).
        let test = SequentialRateTest(threshold: 0.01)
        #expect(abs(test.logLikelihoodRatio(failures: 10, trials: 200) - 5.02) < 0.01)
        #expect(test.exceeds(failures: 10, trials: 200))
        #expect(!test.exceeds(failures: 4, trials: 200))
        #expect(!test.exceeds(failures: 0, trials: 100_000))
        #expect(test.exceeds(failures: 5, trials: 5))
        #expect(SequentialRateTest(threshold: 0).exceeds(failures: 1, trials: 1))
        #expect(!SequentialRateTest(threshold: 1).exceeds(failures: 9, trials: 9))
    }

    @Test("peeking after every request, a rate at the threshold is flagged in at most α of runs (A/A)")
    func alwaysValid() {
        var rng = SeededGenerator(state: 2026)
        let alpha = 0.05, theta = 0.05
        let test = SequentialRateTest(threshold: theta, alpha: alpha)
        let runs = 400, length = 1_500
        var flagged = 0, naiveFlagged = 0
        for _ in 0..<runs {
            var failures = 0
            var seen = false, naive = false
            for n in 1...length {
                if Double(rng.next() >> 11) * 0x1p-53 < theta { failures += 1 }
                if !seen, n % 5 == 0, test.exceeds(failures: failures, trials: n) { seen = true }
                // The naive z-test at each look, for contrast.
                if !naive, n >= 30, n % 5 == 0 {
                    let p = Double(failures) / Double(n)
                    if (p - theta) / (theta * (1 - theta) / Double(n)).squareRoot() > 1.645 { naive = true }
                }
            }
            if seen { flagged += 1 }
            if naive { naiveFlagged += 1 }
        }
        let rate = Double(flagged) / Double(runs)
        // α plus 2.5 binomial standard deviations of slack.
        #expect(rate <= alpha + 2.5 * (alpha * (1 - alpha) / Double(runs)).squareRoot(), "flagged in \(flagged) of \(runs) runs")
        #expect(Double(naiveFlagged) / Double(runs) > 2 * alpha, "the naive test flagged \(naiveFlagged) of \(runs)")
    }

    @Test("a rate well above the threshold is flagged early")
    func power() {
        var rng = SeededGenerator(state: 7)
        let test = SequentialRateTest(threshold: 0.01)
        var failures = 0
        var flaggedAt: Int?
        for n in 1...2_000 {
            if Double(rng.next() >> 11) * 0x1p-53 < 0.08 { failures += 1 }
            if test.exceeds(failures: failures, trials: n) { flaggedAt = n; break }
        }
        #expect((flaggedAt ?? .max) < 300, "flagged at \(String(describing: flaggedAt))")
    }

    @Test("the sample-ratio check flags a split that does not match its weights")
    func sampleRatio() throws {
        let fair = try #require(SampleRatioCheck.pValue(counts: [5_020, 4_980], shares: [50, 50]))
        #expect(fair > 0.5)
        let skewed = try #require(SampleRatioCheck.pValue(counts: [5_400, 4_600], shares: [50, 50]))
        #expect(skewed < SampleRatioCheck.threshold)
        // 90 and 10 against 80 and 20 expected: chi-square 6.25 on one degree of freedom (scipy: p = 0.012419).
        let p = try #require(SampleRatioCheck.pValue(counts: [90, 10], shares: [80, 20]))
        #expect(abs(p - 0.01241933065155227) < 1e-9)
        #expect(SampleRatioCheck.pValue(counts: [3, 1], shares: [1, 0]) == 0)
        #expect(SampleRatioCheck.pValue(counts: [0, 0], shares: [1, 1]) == nil)
    }

    @Test("prediction drift is the normed Wasserstein distance")
    func drift() throws {
        let reference = (0..<1_000).map { Double($0) / 1_000 }
        #expect(try #require(PredictionDrift.score(current: reference, reference: reference)) < 1e-12)
        let shifted = reference.map { $0 + 0.1 }
        // W1 = 0.1, the reference's standard deviation is about 0.2888.
        #expect(abs(try #require(PredictionDrift.score(current: shifted, reference: reference)) - 0.1 / 0.28882) < 1e-3)
        #expect(PredictionDrift.score(current: [], reference: reference) == nil)
        #expect(PredictionDrift.score(current: [2, 2], reference: [1, 1]) == 1)
    }

    @Test("the judge fails the latency guard when too many requests are slow, and waits on too little data")
    func judge() {
        let rollout = RolloutSpec(variant: "c", steps: [50, 100], intervalMilliseconds: 1_000, minRequests: 50,
                                  guards: .init(latencyP99Milliseconds: 20))
        let state = RolloutState(phase: .progressing, step: 0, startedAt: 0, stepStartedAt: 0, weights: ["a": 50, "c": 50],
                                 baseline: "a", events: [])
        func snapshot(requests: Int, slow: Int, stepRequests: Int) -> RolloutTracker.Snapshot {
            .init(total: .init(requests: requests, errors: 0, slow: slow), stepRequests: ["a": stepRequests, "c": stepRequests],
                  stepVariantRequests: stepRequests, variantPredictions: [], baselinePredictions: [], compared: .init())
        }
        if case .fail(let name, _, let threshold) = RolloutJudge.decide(rollout, state: state, snapshot: snapshot(requests: 200, slow: 20, stepRequests: 200), now: 10) {
            #expect(name == "latency_p99_ms" && threshold == 20)
        } else {
            Issue.record("expected the latency guard to fail")
        }
        #expect(RolloutJudge.decide(rollout, state: state, snapshot: snapshot(requests: 200, slow: 1, stepRequests: 200), now: 10) == .wait)
        #expect(RolloutJudge.decide(rollout, state: state, snapshot: snapshot(requests: 200, slow: 1, stepRequests: 200), now: 1_000)
                == .advance(srmPValue: 1))
        #expect(RolloutJudge.decide(rollout, state: state, snapshot: snapshot(requests: 20, slow: 0, stepRequests: 20), now: 2_000) == .wait)
        #expect(RolloutJudge.decide(rollout, state: state, snapshot: snapshot(requests: 20, slow: 0, stepRequests: 20), now: 60_000)
                == .noTraffic(requests: 20))
        // With a drift guard, a step does not pass before both sides have 30 predictions.
        let drift = RolloutSpec(variant: "c", steps: [50, 100], intervalMilliseconds: 1_000, minRequests: 10,
                                guards: .init(predictionDrift: 0.1))
        var few = snapshot(requests: 200, slow: 0, stepRequests: 200)
        few.variantPredictions = Array(repeating: 0.5, count: 100)
        few.baselinePredictions = Array(repeating: 0.5, count: 29)
        #expect(RolloutJudge.decide(drift, state: state, snapshot: few, now: 5_000) == .wait)
        few.baselinePredictions = Array(repeating: 0.5, count: 30)
        #expect(RolloutJudge.decide(drift, state: state, snapshot: few, now: 5_000) == .advance(srmPValue: 1))
        few.variantPredictions = Array(repeating: 0.9, count: 100)
        few.baselinePredictions = (0..<30).map { 0.4 + Double($0) / 300 }
        if case .fail(let name, _, _) = RolloutJudge.decide(drift, state: state, snapshot: few, now: 5_000) {
            #expect(name == "prediction_drift")
        } else {
            Issue.record("expected the drift guard to fail")
        }
    }
}
