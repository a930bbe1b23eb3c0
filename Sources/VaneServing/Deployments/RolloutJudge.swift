import VaneCore

/// Decides, at each look, what a progressing rollout does next.
///
/// - The rate guards (`error_rate`; `latency_p99_ms`, read as "at most 1 % of the requests
///   slower than this"; `disagreement`) are judged at every look on everything counted since the
///   rollout started (or the server did) by a ``SequentialRateTest`` at α = 0.05: a guard fails
///   the first time its counts show the rate is above the threshold, and looking every second
///   does not raise that 5 % chance of failing a variant that meets it.
/// - A step ends when it has lasted `interval`, the variant had `min_requests` in it and, with a
///   `prediction_drift` guard, there are at least 30 predictions of the variant in the step and of
///   the baseline (sampled since the rollout started, so that a step at 100 % still has a
///   reference). Then `prediction_drift` is judged (normed Wasserstein between the two samples),
///   the split is checked for a sample-ratio mismatch (flagged, not failed), and the rollout
///   advances, or is promoted after its last step.
/// - A step that has not had `min_requests` by its deadline pauses the rollout.
enum RolloutJudge {
    /// What happens next.
    enum Decision: Equatable {
        case wait
        case fail(guardName: String, measured: Double, threshold: Double)
        case advance(srmPValue: Double?)
        case promote(srmPValue: Double?)
        case noTraffic(requests: Int)
    }

    /// The false-alarm rate of the rate guards, over all looks.
    static let alpha = 0.05
    /// The least predictions per side before prediction drift is judged.
    static let minimumPredictions = 30

    static func decide(_ rollout: RolloutSpec, state: RolloutState, snapshot: RolloutTracker.Snapshot, now: EpochMillis) -> Decision {
        let total = snapshot.total
        let guards = rollout.guards
        if let threshold = guards.errorRate,
           SequentialRateTest(threshold: threshold, alpha: alpha).exceeds(failures: total.errors, trials: total.requests) {
            return .fail(guardName: "error_rate", measured: Double(total.errors) / Double(max(total.requests, 1)), threshold: threshold)
        }
        if let threshold = guards.latencyP99Milliseconds,
           SequentialRateTest(threshold: 0.01, alpha: alpha).exceeds(failures: total.slow, trials: total.requests) {
            // Measured: the share of requests over the threshold, against the 1 % a p99 allows.
            return .fail(guardName: "latency_p99_ms", measured: Double(total.slow) / Double(max(total.requests, 1)), threshold: threshold)
        }
        if let threshold = guards.disagreement {
            let compared = snapshot.compared
            if SequentialRateTest(threshold: threshold, alpha: alpha).exceeds(failures: compared.rows - compared.agreeing, trials: compared.rows) {
                return .fail(guardName: "disagreement", measured: Double(compared.rows - compared.agreeing) / Double(max(compared.rows, 1)),
                             threshold: threshold)
            }
        }
        let elapsed = now - state.stepStartedAt
        // Prediction drift can only be judged with enough predictions on both sides; until then
        // the step waits (and pauses at its deadline) rather than passing unjudged.
        let driftJudgeable = guards.predictionDrift == nil
            || (snapshot.variantPredictions.count >= minimumPredictions && snapshot.baselinePredictions.count >= minimumPredictions)
        let enough = snapshot.stepVariantRequests >= rollout.minRequests && driftJudgeable
        if elapsed >= rollout.intervalMilliseconds && enough {
            if let threshold = guards.predictionDrift,
               let score = PredictionDrift.score(current: snapshot.variantPredictions, reference: snapshot.baselinePredictions),
               score > threshold {
                return .fail(guardName: "prediction_drift", measured: score, threshold: threshold)
            }
            let names = state.weights.keys.sorted()
            let p = SampleRatioCheck.pValue(counts: names.map { snapshot.stepRequests[$0] ?? 0 }, shares: names.map { state.weights[$0] ?? 0 })
            return state.step + 1 >= rollout.steps.count ? .promote(srmPValue: p) : .advance(srmPValue: p)
        }
        if elapsed >= rollout.deadlineMilliseconds && !enough {
            return .noTraffic(requests: snapshot.stepVariantRequests)
        }
        return .wait
    }
}
