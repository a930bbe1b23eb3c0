import VaneCore

/// A deployment as it was applied: the declaration, each model pinned to what it resolved to
/// (an alias becomes the version it named then), and when it changed.
public struct Deployment: Sendable, Equatable, Codable {
    /// What a variant's or shadow's model URI resolved to when the deployment was applied.
    public struct ResolvedModel: Sendable, Equatable, Codable {
        /// The URI as declared.
        public var declared: String
        /// The registered model and version it named, for registry URIs.
        public var registeredName: String?
        public var version: Int64?

        public init(declared: String, registeredName: String?, version: Int64?) {
            self.declared = declared
            self.registeredName = registeredName
            self.version = version
        }

        /// The pinned source loaded: `models:/name/version`, or the declared URI when it is not
        /// a registry one (a run's artifact path).
        public var pinned: String {
            if let registeredName, let version { return "models:/\(registeredName)/\(version)" }
            return declared
        }

        enum CodingKeys: String, CodingKey {
            case declared, registeredName = "registered_name", version
        }
    }

    public var spec: DeploymentSpec
    /// By variant or shadow name.
    public var resolved: [String: ResolvedModel]
    /// 1 when created; one more with every applied change.
    public var generation: Int64
    public var createdAt: EpochMillis
    public var updatedAt: EpochMillis
    /// The rollout's progress, when the declaration has a rollout.
    public var rolloutState: RolloutState?
    /// The shares a Thompson-sampling experiment gave the variants (nil until its first feedback).
    public var banditShares: [String: Double]?

    public init(spec: DeploymentSpec, resolved: [String: ResolvedModel], generation: Int64, createdAt: EpochMillis, updatedAt: EpochMillis,
                rolloutState: RolloutState? = nil, banditShares: [String: Double]? = nil) {
        self.banditShares = banditShares
        self.spec = spec
        self.resolved = resolved
        self.generation = generation
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.rolloutState = rolloutState
    }

    public var name: String { spec.name }

    /// The weight each variant has now: the rollout's, else the bandit's, else the declared one.
    public func weight(of variant: DeploymentSpec.Variant) -> Double {
        rolloutState?.weights[variant.name] ?? banditShares?[variant.name] ?? variant.weight
    }

    enum CodingKeys: String, CodingKey {
        case spec, resolved, generation, createdAt = "created_at", updatedAt = "updated_at", rolloutState = "rollout_state"
        case banditShares = "bandit_shares"
    }
}
