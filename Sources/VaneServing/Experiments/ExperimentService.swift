import VaneCore

/// Feedback on a deployment's answers, joined to the variant that gave them, and the A/B
/// experiment it feeds (``ExperimentAnalysis``).
public struct ExperimentService: Sendable {
    /// One piece of feedback: a reward, or the true label of the request's first row.
    public struct Feedback: Sendable, Equatable {
        public var requestID: String
        public var reward: Double?
        public var label: String?

        public init(requestID: String, reward: Double? = nil, label: String? = nil) {
            self.requestID = requestID
            self.reward = reward
            self.label = label
        }
    }

    /// The experiment as `GET …/experiment` shows it.
    public struct Summary: Sendable {
        public struct Arm: Sendable {
            public var name: String
            public var count: Int
            public var mean: Double?
            public var interval: (low: Double, high: Double)?
            /// The always-valid p-value against the control (nil for the control itself).
            public var pValue: Double?
        }
        /// `reward`, `accuracy`, or nil before any feedback.
        public var metric: String?
        public var alpha: Double
        public var control: String
        public var arms: [Arm]
        public var winner: String?
        public var decidedAt: EpochMillis?
    }

    /// The most feedback one request may carry.
    public static let maxItems = 10_000

    let deployments: DeploymentService
    let store: any FeedbackStore
    let clock: any VaneClock

    public init(deployments: DeploymentService, store: any FeedbackStore, clock: any VaneClock = SystemClock()) {
        self.deployments = deployments
        self.store = store
        self.clock = clock
    }

    /// Records `items` for deployment `name`. Every request id must be one the deployment
    /// answered (and logged); otherwise nothing is recorded and the error names the unknown ids.
    /// Returns the experiment after the feedback.
    public func record(_ items: [Feedback], deployment name: String) async throws -> Summary {
        guard let live = deployments.live(named: name) else { throw VaneError.notFound("No deployment named '\(name.prefix(80))'.") }
        guard let log = deployments.predictionLog else { throw VaneError(.invalidState, "This server keeps no prediction log to join feedback to.") }
        guard !items.isEmpty else { throw VaneError.invalid("No feedback given.") }
        guard items.count <= Self.maxItems else { throw VaneError(.tooLarge, "At most \(Self.maxItems) pieces of feedback a request; got \(items.count).") }
        let metrics = Set(items.map { $0.reward != nil ? "reward" : "accuracy" })
        guard metrics.count == 1, let metric = metrics.first else {
            throw VaneError.invalid("Give rewards or labels in one request, not both.")
        }
        await log.flush()
        let found = try await log.lookup(deployment: name, requestIDs: items.map(\.requestID))
        let unknown = items.map(\.requestID).filter { found[$0] == nil }
        guard unknown.isEmpty else {
            let shown = unknown.prefix(5).map { "'\($0.prefix(64))'" }.joined(separator: ", ")
            throw VaneError.notFound("Deployment \(name) answered no request with id \(shown)\(unknown.count > 5 ? " and \(unknown.count - 5) more" : ""); no feedback was recorded.")
        }
        let now = clock.nowMillis()
        let entries = items.map { item -> FeedbackEntry in
            let entry = found[item.requestID]!
            let value = item.reward ?? (entry.prediction == item.label ? 1 : 0)
            return FeedbackEntry(deployment: name, requestID: item.requestID, variant: entry.variant, time: now, value: value, metric: metric)
        }
        let spec = live.deployment.spec
        let alpha = spec.experiment?.alpha ?? ExperimentSpec().alpha
        let control = spec.variants[0].name
        let variants = spec.variants.map(\.name)
        let result = try await store.record(entries, deployment: name) { arms, _, previous in
            Self.decide(arms: arms, variants: variants, control: control, alpha: alpha, previous: previous, now: now)
        }
        if spec.experiment?.policy == .thompson {
            var generator = SystemRandomNumberGenerator()
            let shares = ThompsonAllocation.shares(arms: result.arms, variants: variants, using: &generator)
            // The feedback is recorded either way; shares that could not be saved now are
            // computed again from all the feedback at the next request.
            try? await deployments.rebalance(name, shares: shares)
        }
        return Self.summary(result.arms, metric: result.metric, decision: result.decision, spec: spec)
    }

    /// The experiment of deployment `name` now.
    public func summary(deployment name: String) async throws -> Summary {
        guard let live = deployments.live(named: name) else { throw VaneError.notFound("No deployment named '\(name.prefix(80))'.") }
        let result = try await store.summary(deployment: name)
        return Self.summary(result.arms, metric: result.metric, decision: result.decision, spec: live.deployment.spec)
    }

    /// Forgets deployment `name`'s feedback (when it is deleted).
    public func reset(deployment name: String) async throws {
        try await store.reset(deployment: name)
    }

    /// The decision after a look: each variant's smallest p-value so far against the control and,
    /// once one reaches α / (k − 1), the winner (kept from then on).
    static func decide(arms: [ExperimentAnalysis.Arm], variants: [String], control: String, alpha: Double,
                       previous: ExperimentDecision, now: EpochMillis) -> ExperimentDecision {
        var decision = previous
        let byName = Dictionary(uniqueKeysWithValues: arms.map { ($0.name, $0) })
        let controlArm = byName[control] ?? .init(name: control, count: 0, sum: 0, sumOfSquares: 0)
        let level = alpha / Double(max(1, variants.count - 1))
        var best: (name: String, p: Double)?
        for name in variants where name != control {
            let arm = byName[name] ?? .init(name: name, count: 0, sum: 0, sumOfSquares: 0)
            let p = min(decision.minimumPValues[name] ?? 1, ExperimentAnalysis.pValue(variant: arm, control: controlArm))
            decision.minimumPValues[name] = p
            if p <= level, p < (best?.p ?? .infinity) { best = (name, p) }
        }
        if decision.winner == nil, let best, let mean = byName[best.name]?.mean, let controlMean = controlArm.mean {
            decision.winner = mean > controlMean ? best.name : control
            decision.decidedAt = now
        }
        return decision
    }

    static func summary(_ arms: [ExperimentAnalysis.Arm], metric: String?, decision: ExperimentDecision, spec: DeploymentSpec) -> Summary {
        let alpha = spec.experiment?.alpha ?? ExperimentSpec().alpha
        let byName = Dictionary(uniqueKeysWithValues: arms.map { ($0.name, $0) })
        let control = spec.variants[0].name
        let shown = spec.variants.map { variant -> Summary.Arm in
            let arm = byName[variant.name] ?? .init(name: variant.name, count: 0, sum: 0, sumOfSquares: 0)
            return Summary.Arm(name: variant.name, count: arm.count, mean: arm.mean, interval: ExperimentAnalysis.interval(arm, alpha: alpha),
                               pValue: variant.name == control ? nil : (decision.minimumPValues[variant.name] ?? 1))
        }
        return Summary(metric: metric, alpha: alpha, control: control, arms: shown, winner: decision.winner, decidedAt: decision.decidedAt)
    }
}
