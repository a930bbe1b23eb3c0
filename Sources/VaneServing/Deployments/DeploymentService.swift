import Synchronization
import VaneCore
import VaneModels
import VaneRegistry

/// The deployments a server answers for: applied, kept in a ``DeploymentStore``, loaded, and
/// looked up on every inference request.
///
/// Changes (``apply(_:)``, ``delete(named:)``) run one at a time. A change is atomic: the new
/// deployment is resolved and loaded completely, saved, and only then swapped in; requests in
/// flight finish on the deployment they started with. If anything fails (an unknown model, a
/// model that does not load, the database) the deployment keeps serving what it served before.
public final class DeploymentService: Sendable {
    /// What ``apply(_:)`` did.
    public struct Outcome: Sendable {
        public let deployment: Deployment
        /// False when the declaration and every resolution were already in place.
        public let changed: Bool
        /// True when the deployment did not exist before.
        public let created: Bool
    }

    private let store: any DeploymentStore
    private let resolver: ModelResolver
    private let catalog: any ModelCatalog
    private let clock: any VaneClock
    private let gate = SerialGate()
    private let state = Mutex(State())
    /// Scores the shadows' copies of answered requests; run it as a service.
    public let shadowScorer: ShadowScorer

    private struct State {
        var live: [String: LiveDeployment] = [:]
        /// Deployments that are stored but could not be loaded when the server started, with why.
        var unavailable: [String: (deployment: Deployment, reason: String)] = [:]
        /// Each member's figures, by deployment, member and pinned model: a re-apply that keeps a
        /// member's model keeps its figures.
        var requestStats: [String: RequestStats] = [:]
        var shadowStats: [String: ShadowStats] = [:]
    }

    /// A service over `store`, loading registry models through `catalog` (which caches them) and
    /// other URIs through `resolver`.
    public init(store: any DeploymentStore, resolver: ModelResolver, catalog: any ModelCatalog, clock: any VaneClock = SystemClock(),
                shadowQueueCapacity: Int = 1_000) {
        self.store = store
        self.resolver = resolver
        self.catalog = catalog
        self.clock = clock
        self.shadowScorer = ShadowScorer(capacity: shadowQueueCapacity, clock: clock)
    }

    /// The time, for the figures.
    public func now() -> EpochMillis { clock.nowMillis() }

    // MARK: Reading (every request)

    /// The live deployment `name`, or nil.
    public func live(named name: String) -> LiveDeployment? {
        state.withLock { $0.live[name] }
    }

    /// Why the stored deployment `name` is not serving, when it could not be loaded at start.
    public func unavailableReason(named name: String) -> String? {
        state.withLock { $0.unavailable[name]?.reason }
    }

    /// Every deployment, live or not, by name.
    public func all() -> [(deployment: Deployment, live: LiveDeployment?, unavailable: String?)] {
        state.withLock { state in
            let names = Set(state.live.keys).union(state.unavailable.keys).sorted()
            return names.compactMap { name in
                if let live = state.live[name] { return (live.deployment, live, nil) }
                if let entry = state.unavailable[name] { return (entry.deployment, nil, entry.reason) }
                return nil
            }
        }
    }

    // MARK: Changing

    /// Loads every stored deployment, each from the versions it was applied with. One that
    /// cannot be loaded is kept as unavailable (its requests answer 503 saying why) and does not
    /// stop the others; returns the names of those.
    @discardableResult
    public func restore() async throws -> [String: String] {
        let stored = try await store.deployments()
        var failures: [String: String] = [:]
        for deployment in stored {
            do {
                let live = try await load(deployment)
                state.withLock { $0.live[deployment.name] = live; $0.unavailable[deployment.name] = nil }
            } catch {
                let reason = Self.describe(error)
                failures[deployment.name] = reason
                state.withLock { $0.unavailable[deployment.name] = (deployment, reason) }
            }
        }
        return failures
    }

    /// Applies `spec`: resolves its models (an alias becomes the version it names now), loads
    /// them, saves the deployment and serves it. Applying what is already applied changes nothing.
    public func apply(_ spec: DeploymentSpec) async throws -> Outcome {
        do { try spec.validate() } catch { throw VaneError.invalid(error.description) }
        // Refused rather than stored and ignored, until the server acts on them.
        let pending = [("rollout", spec.rollout != nil), ("experiment", spec.experiment != nil)]
            .filter(\.1).map(\.0)
        if !pending.isEmpty {
            throw VaneError.invalid("This server does not act on \(pending.joined(separator: ", ")) yet; apply the deployment without them.")
        }
        return try await gate.run {
            let existing = try await self.store.deployment(named: spec.name)
            let resolved = try await self.resolve(spec)
            if let existing, existing.spec == spec, existing.resolved == resolved, self.live(named: spec.name) != nil {
                return Outcome(deployment: existing, changed: false, created: false)
            }
            let now = self.clock.nowMillis()
            let deployment = Deployment(spec: spec, resolved: resolved, generation: (existing?.generation ?? 0) + 1,
                                        createdAt: existing?.createdAt ?? now, updatedAt: now)
            let live = try await self.load(deployment)
            try await self.store.save(deployment)
            self.state.withLock { $0.live[spec.name] = live; $0.unavailable[spec.name] = nil }
            return Outcome(deployment: deployment, changed: true, created: existing == nil)
        }
    }

    /// Deletes the deployment `name`; requests in flight on it finish. `notFound` when unknown.
    public func delete(named name: String) async throws {
        try await gate.run {
            guard try await self.store.delete(named: name) else {
                throw VaneError.notFound("No deployment named '\(name.prefix(80))'.")
            }
            self.state.withLock { state in
                state.live[name] = nil
                state.unavailable[name] = nil
                let prefix = name + "/"
                state.requestStats = state.requestStats.filter { !$0.key.hasPrefix(prefix) }
                state.shadowStats = state.shadowStats.filter { !$0.key.hasPrefix(prefix) }
            }
        }
    }

    // MARK: Resolving and loading

    /// Each member's URI resolved to a registry version (or kept, for a run's path).
    func resolve(_ spec: DeploymentSpec) async throws -> [String: Deployment.ResolvedModel] {
        var resolved: [String: Deployment.ResolvedModel] = [:]
        let members = spec.variants.enumerated().map { ("variants[\($0.offset)]", $0.element.name, $0.element.model) }
            + spec.shadows.enumerated().map { ("shadows[\($0.offset)]", $0.element.name, $0.element.model) }
        for (path, name, uri) in members {
            let source: ModelSource
            do { source = try ModelSource(parsing: uri) } catch { throw VaneError.invalid("\(path).model: \(error.message)") }
            switch source {
            case .registryVersion, .registryAlias, .registryLatest:
                let version: ModelVersion?
                do { version = try await resolver.modelVersion(source) } catch let error as VaneError where error.code != .internalError {
                    throw VaneError.invalid("\(path).model: '\(uri)' cannot be resolved: \(error.message)")
                }
                guard let version else { throw VaneError.invalid("\(path).model: '\(uri)' names no model version") }
                resolved[name] = .init(declared: uri, registeredName: version.name, version: version.version)
            default:
                resolved[name] = .init(declared: uri, registeredName: nil, version: nil)
            }
        }
        return resolved
    }

    /// Loads every member of `deployment` from its pinned resolution.
    func load(_ deployment: Deployment) async throws -> LiveDeployment {
        let spec = deployment.spec
        func member(_ name: String, weight: Double, path: String, isShadow: Bool = false) async throws -> LiveDeployment.Member {
            guard let resolution = deployment.resolved[name] else {
                throw VaneError(.internalError, "\(path) '\(name)' has no recorded resolution")
            }
            let model: any InferenceModel
            do {
                if let registered = resolution.registeredName, let version = resolution.version {
                    model = try await catalog.model(named: registered, version: String(version)).model
                } else {
                    model = try await resolver.resolve(try ModelSource(parsing: resolution.declared)).loadModel()
                }
            } catch let error as VaneError where error.code != .internalError {
                throw VaneError.invalid("\(path) '\(name)': model '\(resolution.pinned)' cannot be loaded: \(error.message)")
            } catch let error as ModelError {
                throw VaneError.invalid("\(path) '\(name)': model '\(resolution.pinned)' cannot be loaded: \(error)")
            }
            let key = "\(spec.name)/\(name)/\(resolution.pinned)"
            let (requests, shadowStats) = state.withLock { state -> (RequestStats, ShadowStats?) in
                let requests = state.requestStats[key] ?? RequestStats()
                state.requestStats[key] = requests
                guard isShadow else { return (requests, nil) }
                let shadow = state.shadowStats[key] ?? ShadowStats()
                state.shadowStats[key] = shadow
                return (requests, shadow)
            }
            return .init(name: name, served: ServedModel(name: spec.name, version: name, model: model),
                         resolved: resolution, weight: weight, requests: requests, shadowStats: shadowStats)
        }
        var variants: [LiveDeployment.Member] = []
        for (i, v) in spec.variants.enumerated() { variants.append(try await member(v.name, weight: v.weight, path: "variants[\(i)]")) }
        var shadows: [LiveDeployment.Member] = []
        for (i, s) in spec.shadows.enumerated() { shadows.append(try await member(s.name, weight: s.sample, path: "shadows[\(i)]", isShadow: true)) }
        return LiveDeployment(deployment: deployment, variants: variants, shadows: shadows)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? VaneError { return error.message }
        return "\(error)"
    }
}
