import VaneCore

/// One piece of feedback, joined to the request it is about.
public struct FeedbackEntry: Sendable, Equatable {
    public var deployment: String
    public var requestID: String
    public var variant: String
    public var time: EpochMillis
    /// A reward, or 1 / 0 for a label that matches the prediction or not.
    public var value: Double
    /// `reward` or `accuracy`.
    public var metric: String

    public init(deployment: String, requestID: String, variant: String, time: EpochMillis, value: Double, metric: String) {
        self.deployment = deployment
        self.requestID = requestID
        self.variant = variant
        self.time = time
        self.value = value
        self.metric = metric
    }
}

/// What an experiment has decided so far; saved, so a decision survives a restart.
public struct ExperimentDecision: Sendable, Equatable {
    /// The smallest always-valid p-value seen, per variant tested against the control.
    public var minimumPValues: [String: Double]
    /// The winning variant, once the test decided.
    public var winner: String?
    public var decidedAt: EpochMillis?

    public init(minimumPValues: [String: Double] = [:], winner: String? = nil, decidedAt: EpochMillis? = nil) {
        self.minimumPValues = minimumPValues
        self.winner = winner
        self.decidedAt = decidedAt
    }
}

/// Feedback and experiment decisions.
public protocol FeedbackStore: Sendable {
    /// Saves `entries` (replacing earlier feedback for the same request) and `decision`, computed by
    /// `decide` from the sums after the entries are in, in one transaction.
    func record(_ entries: [FeedbackEntry], deployment: String,
                decide: @escaping @Sendable ([ExperimentAnalysis.Arm], String?, ExperimentDecision) -> ExperimentDecision) async throws
        -> (arms: [ExperimentAnalysis.Arm], metric: String?, decision: ExperimentDecision)
    /// The sums per variant, the metric in use, and the decision so far.
    func summary(deployment: String) async throws -> (arms: [ExperimentAnalysis.Arm], metric: String?, decision: ExperimentDecision)
    /// Forgets the deployment's feedback and decision.
    func reset(deployment: String) async throws
}
