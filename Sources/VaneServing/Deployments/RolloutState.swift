import VaneCore

/// Where a canary rollout is: its phase, its step, the weights it set, and every transition.
/// Saved with the deployment, so a restart resumes the rollout where it was.
public struct RolloutState: Sendable, Equatable, Codable {
    /// The phases of a rollout.
    public enum Phase: String, Sendable, Equatable, Codable {
        /// Steps are being taken and judged.
        case progressing
        /// Waiting for a person: a guard failed under `on_failure: pause`, a step found too little
        /// traffic by its deadline, or someone paused it.
        case paused
        /// The last step passed (or someone promoted it): the variant takes all traffic.
        case promoted
        /// A guard failed (or someone rolled it back): the variant takes no traffic.
        case rolledBack = "rolled_back"

        /// Whether the rollout is over.
        public var isFinal: Bool { self == .promoted || self == .rolledBack }
    }

    /// One transition: when, what, the variant's weight before and after, and for a guard its
    /// name, the measured value and the threshold.
    public struct Event: Sendable, Equatable, Codable {
        public var time: EpochMillis
        /// `started`, `step`, `guard_failed`, `no_traffic`, `sample_ratio_mismatch`, `paused`,
        /// `resumed`, `promoted`, `rolled_back`.
        public var kind: String
        public var fromWeight: Double
        public var toWeight: Double
        public var guardName: String?
        public var measured: Double?
        public var threshold: Double?
        public var message: String

        public init(time: EpochMillis, kind: String, fromWeight: Double, toWeight: Double, guardName: String? = nil,
                    measured: Double? = nil, threshold: Double? = nil, message: String) {
            self.time = time
            self.kind = kind
            self.fromWeight = fromWeight
            self.toWeight = toWeight
            self.guardName = guardName
            self.measured = measured
            self.threshold = threshold
            self.message = message
        }

        enum CodingKeys: String, CodingKey {
            case time, kind, fromWeight = "from_weight", toWeight = "to_weight", guardName = "guard", measured, threshold, message
        }
    }

    /// The most events kept (the oldest go first).
    public static let maxEvents = 200

    public var phase: Phase
    /// The index of the current step in the declaration's `steps`.
    public var step: Int
    public var startedAt: EpochMillis
    public var stepStartedAt: EpochMillis
    /// The weight, in percent, each variant has now.
    public var weights: [String: Double]
    /// The variant the rolled-out one is compared with: the other variant with the largest
    /// declared weight.
    public var baseline: String
    public var events: [Event]

    public init(phase: Phase, step: Int, startedAt: EpochMillis, stepStartedAt: EpochMillis, weights: [String: Double],
                baseline: String, events: [Event]) {
        self.phase = phase
        self.step = step
        self.startedAt = startedAt
        self.stepStartedAt = stepStartedAt
        self.weights = weights
        self.baseline = baseline
        self.events = events
    }

    enum CodingKeys: String, CodingKey {
        case phase, step, startedAt = "started_at", stepStartedAt = "step_started_at", weights, baseline, events
    }

    /// Adds `event`, keeping the latest ``maxEvents``.
    public mutating func append(_ event: Event) {
        events.append(event)
        if events.count > Self.maxEvents { events.removeFirst(events.count - Self.maxEvents) }
    }

    /// The weights that give the rolled-out variant `percent` and share the rest among the other
    /// variants in proportion to their declared weights.
    public static func weights(for spec: DeploymentSpec, variant: String, percent: Double) -> [String: Double] {
        let others = spec.variants.filter { $0.name != variant }
        let total = others.reduce(0) { $0 + $1.weight }
        var weights: [String: Double] = [variant: percent]
        for other in others { weights[other.name] = total > 0 ? (100 - percent) * other.weight / total : 0 }
        return weights
    }

    /// A new rollout of `spec.rollout` at its first step.
    public static func start(_ spec: DeploymentSpec, at now: EpochMillis) -> RolloutState? {
        guard let rollout = spec.rollout, let first = rollout.steps.first else { return nil }
        let baseline = spec.variants.filter { $0.name != rollout.variant }.max { $0.weight < $1.weight }?.name ?? ""
        var state = RolloutState(phase: .progressing, step: 0, startedAt: now, stepStartedAt: now,
                                 weights: weights(for: spec, variant: rollout.variant, percent: first), baseline: baseline, events: [])
        state.append(Event(time: now, kind: "started", fromWeight: 0, toWeight: first,
                           message: "rollout of \(rollout.variant) started at step 1 of \(rollout.steps.count) (\(format(first)) %)"))
        return state
    }

    static func format(_ percent: Double) -> String {
        percent == percent.rounded() ? String(Int(percent)) : String(percent)
    }
}
