import Synchronization
import VaneCore
import VaneModels

/// What a rollout's judge needs, counted on the request path: the rolled-out variant's requests,
/// errors and slow requests since tracking started (for the sequential guards), every variant's
/// requests in the current step (for min_requests and the sample-ratio check), samples of the
/// rolled-out and baseline variants' predictions in the step (for prediction drift), and the rows
/// on which the baseline, scored in shadow on the rolled-out variant's requests, agrees with it.
///
/// In memory only: after a restart, the analysis of the current step starts again from zero
/// while the step keeps its start time.
public final class RolloutTracker: Sendable {
    /// Counts of the rolled-out variant's requests.
    public struct Counts: Sendable, Equatable {
        public var requests = 0
        public var errors = 0
        /// Requests slower than the latency guard's threshold.
        public var slow = 0
    }

    public let variant: String
    public let baseline: String
    /// The latency guard's threshold in nanoseconds; nil without that guard.
    let slowNanoseconds: UInt64?
    /// Whether predictions are sampled (a prediction-drift guard).
    let samplesPredictions: Bool
    /// The baseline scored in shadow on the rolled-out variant's requests (a disagreement guard).
    let comparison: LiveDeployment.Member?

    private struct State {
        var total = Counts()
        var stepRequests: [String: Int] = [:]
        var stepVariantRequests = 0
        var variantPredictions = ReservoirSample()
        var baselinePredictions = ReservoirSample()
    }

    private let state = Mutex(State())

    init(variant: String, baseline: String, guards: RolloutSpec.Guards, baselineMember: LiveDeployment.Member?) {
        self.variant = variant
        self.baseline = baseline
        slowNanoseconds = guards.latencyP99Milliseconds.map { UInt64(max(0, $0) * 1_000_000) }
        samplesPredictions = guards.predictionDrift != nil
        if guards.disagreement != nil, let baselineMember {
            comparison = .init(name: baselineMember.name, served: baselineMember.served, resolved: baselineMember.resolved,
                               weight: 1, requests: RequestStats(), shadowStats: ShadowStats())
        } else {
            comparison = nil
        }
    }

    /// Records one request answered by `member` (or failed on it).
    func record(member: String, nanoseconds: UInt64, failed: Bool, outputs: [ModelOutput]?, rowCount: Int) {
        let firstValues = samplesPredictions && (member == variant || member == baseline) ? outputs.flatMap { Self.firstValues($0, rowCount: rowCount) } : nil
        let sample = state.withLock { s -> ReservoirSample? in
            s.stepRequests[member, default: 0] += 1
            guard member == variant || member == baseline else { return nil }
            if member == variant {
                s.total.requests += 1
                s.stepVariantRequests += 1
                if failed { s.total.errors += 1 }
                if let slowNanoseconds, nanoseconds > slowNanoseconds { s.total.slow += 1 }
                return s.variantPredictions
            }
            return s.baselinePredictions
        }
        if let sample, let firstValues { for v in firstValues { sample.add(v) } }
    }

    /// Starts counting a new step.
    func newStep() {
        state.withLock { s in
            s.stepRequests = [:]
            s.stepVariantRequests = 0
            s.variantPredictions = ReservoirSample()
            // The baseline's sample is kept across steps: the reference for every step, also
            // one where the baseline takes no traffic.
        }
    }

    /// What the judge reads.
    struct Snapshot {
        var total: Counts
        var stepRequests: [String: Int]
        var stepVariantRequests: Int
        var variantPredictions: [Double]
        var baselinePredictions: [Double]
        /// Rows compared with the baseline since tracking started.
        var compared: PredictionComparison
    }

    func snapshot() -> Snapshot {
        let compared = comparison?.shadowStats?.snapshot(at: 0).comparison ?? PredictionComparison()
        return state.withLock { s in
            Snapshot(total: s.total, stepRequests: s.stepRequests, stepVariantRequests: s.stepVariantRequests,
                     variantPredictions: s.variantPredictions.snapshot.values, baselinePredictions: s.baselinePredictions.snapshot.values,
                     compared: compared)
        }
    }

    /// Each row's first value of the first output, for the prediction samples.
    static func firstValues(_ outputs: [ModelOutput], rowCount: Int) -> [Double]? {
        guard let first = outputs.first, case .tensor(let tensor) = first.value, rowCount > 0 else { return nil }
        if case .string = tensor.data { return nil }
        let values = tensor.doubles
        let width = values.count / rowCount
        guard width > 0, values.count == rowCount * width else { return nil }
        return (0..<rowCount).map { values[$0 * width] }
    }
}
