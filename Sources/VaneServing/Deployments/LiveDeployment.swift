import VaneModels

/// A deployment as requests see it: its models loaded, its picker built. Immutable: applying a
/// change builds a new one and swaps it in, so a request that started on this one finishes on it.
public final class LiveDeployment: Sendable {
    /// A loaded variant or shadow. A class: the request path hands members around, and a
    /// reference costs one retain where a struct of references costs one per field.
    public final class Member: Sendable {
        public let name: String
        /// The model, named for the wire as the deployment (`model_name`) and the member
        /// (`model_version`), so that an answer says which variant gave it.
        public let served: ServedModel
        /// What its URI resolved to.
        public let resolved: Deployment.ResolvedModel
        /// For a variant its weight as declared; for a shadow its sample.
        public let weight: Double
        /// A variant's requests, errors and latency (kept across re-applies while its model stays).
        public let requests: RequestStats
        /// A shadow's figures; nil for a variant.
        public let shadowStats: ShadowStats?

        init(name: String, served: ServedModel, resolved: Deployment.ResolvedModel, weight: Double,
             requests: RequestStats, shadowStats: ShadowStats?) {
            self.name = name
            self.served = served
            self.resolved = resolved
            self.weight = weight
            self.requests = requests
            self.shadowStats = shadowStats
        }
    }

    public let deployment: Deployment
    public let variants: [Member]
    public let shadows: [Member]
    /// Routes by the weights in force: the rollout's when there is one, else a bandit's.
    public let picker: VariantPicker
    /// The rollout's counters, when the deployment has a rollout.
    public let tracker: RolloutTracker?
    /// Whether every shadow sees every request.
    private let everyShadowAlways: Bool

    init(deployment: Deployment, variants: [Member], shadows: [Member], tracker: RolloutTracker? = nil) {
        self.deployment = deployment
        self.variants = variants
        self.shadows = shadows
        self.tracker = tracker
        everyShadowAlways = shadows.allSatisfy { $0.weight >= 1 }
        var weights = variants.map { deployment.rolloutState?.weights[$0.name] ?? deployment.banditShares?[$0.name] ?? $0.weight }
        if weights.reduce(0, +) <= 0 { weights = variants.map(\.weight) }
        self.picker = VariantPicker(names: variants.map(\.name), weights: weights)
    }

    /// The same members under `deployment`'s (new) weights and rollout state, nothing reloaded.
    func updating(_ deployment: Deployment, tracker: RolloutTracker?) -> LiveDeployment {
        LiveDeployment(deployment: deployment, variants: variants, shadows: shadows, tracker: tracker)
    }

    public var name: String { deployment.name }

    /// The variant that answers when nothing else decides: the one with the largest weight in force.
    public var primary: Member {
        variants.indices.max { picker.shares[$0] < picker.shares[$1] }.map { variants[$0] } ?? variants[0]
    }

    /// The shadows a request is mirrored to: each by a draw against its sample (all of them,
    /// without a draw or a new array, when every sample is 1).
    func sampledShadows() -> [Member] {
        guard !shadows.isEmpty else { return [] }
        if everyShadowAlways { return shadows }
        var g = SystemRandomNumberGenerator()
        return shadows.filter { $0.weight >= 1 || Double(g.next() >> 11) * 0x1p-53 < $0.weight }
    }

    /// The variant for a request with routing key `key` (nil: random by weight).
    public func variant(forKey key: String?) -> Member {
        guard let key else { return variants[picker.pickRandom()] }
        return variants[picker.pick(key: key.utf8)]
    }
}
