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
                changes: any ChangeRecorder = DiscardingChangeRecorder(), predictionLog: PredictionLog? = nil, shadowQueueCapacity: Int = 1_000) {
        self.predictionLog = predictionLog
        self.store = store
        self.resolver = resolver
        self.catalog = catalog
        self.clock = clock
        self.changes = changes
        self.shadowScorer = ShadowScorer(capacity: shadowQueueCapacity, clock: clock, log: predictionLog)
    }

    /// Where deployment changes are reported.
    let changes: any ChangeRecorder
    /// Every request to a deployment; nil keeps none (and feedback cannot be joined).
    public let predictionLog: PredictionLog?

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
                DeploymentMetrics.publish(live)
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
        if spec.experiment?.policy == .thompson {
            // Two controllers of one set of weights would fight.
            if spec.rollout != nil { throw VaneError.invalid("A deployment has a rollout or a Thompson-sampling experiment, not both.") }
            if spec.variants.count < 2 { throw VaneError.invalid("A Thompson-sampling experiment needs at least two variants.") }
        }
        return try await gate.run {
            let existing = try await self.store.deployment(named: spec.name)
            let resolved = try await self.resolve(spec)
            if let existing, existing.spec == spec, existing.resolved == resolved, self.live(named: spec.name) != nil {
                return Outcome(deployment: existing, changed: false, created: false)
            }
            let now = self.clock.nowMillis()
            // A rollout goes on through a re-apply that leaves it, its variants and the rolled-out
            // model as they were; any of those changed starts it again.
            var rolloutState: RolloutState?
            if let rollout = spec.rollout {
                if let existing, let kept = existing.rolloutState, existing.spec.rollout == rollout,
                   existing.spec.variants == spec.variants, existing.resolved[rollout.variant] == resolved[rollout.variant] {
                    rolloutState = kept
                } else {
                    rolloutState = RolloutState.start(spec, at: now)
                }
            }
            // A bandit's shares go on through a re-apply that keeps its variants and their models.
            var banditShares: [String: Double]?
            if spec.experiment?.policy == .thompson, let existing, existing.spec.experiment?.policy == .thompson,
               existing.spec.variants.map(\.name) == spec.variants.map(\.name),
               spec.variants.allSatisfy({ existing.resolved[$0.name] == resolved[$0.name] }) {
                banditShares = existing.banditShares
            }
            let deployment = Deployment(spec: spec, resolved: resolved, generation: (existing?.generation ?? 0) + 1,
                                        createdAt: existing?.createdAt ?? now, updatedAt: now, rolloutState: rolloutState,
                                        banditShares: banditShares)
            let keepTracker = rolloutState != nil && rolloutState == existing?.rolloutState
            let live = try await self.load(deployment, keepingTracker: keepTracker)
            try await self.store.save(deployment)
            self.state.withLock { $0.live[spec.name] = live; $0.unavailable[spec.name] = nil }
            DeploymentMetrics.publish(live)
            var details: [String: String] = ["generation": String(deployment.generation)]
            for variant in spec.variants {
                details["variant." + variant.name] = "\(resolved[variant.name]?.pinned ?? variant.model) weight \(deployment.weight(of: variant))"
            }
            await self.changes.record(ChangeEvent(time: now, kind: "deployment", subject: spec.name, action: existing == nil ? "created" : "applied",
                                                  summary: "deployment \(spec.name) \(existing == nil ? "created" : "changed") (generation \(deployment.generation))",
                                                  details: details))
            if let rolloutState, !keepTracker, let event = rolloutState.events.last {
                await self.record(event, deployment: deployment)
            }
            return Outcome(deployment: deployment, changed: true, created: existing == nil)
        }
    }

    // MARK: Rollouts

    /// What a person may do to a rollout.
    public enum RolloutAction: String, Sendable, CaseIterable {
        /// Holds the weights as they are; the judge stops looking.
        case pause
        /// Goes on from the current step (restarting its clock; a variant a failed guard took out
        /// gets the step's weight back).
        case resume
        /// Gives the variant all traffic now.
        case promote
        /// Takes the variant out now.
        case rollback
    }

    /// Applies `action` to the rollout of deployment `name`: `notFound` without the deployment,
    /// `invalidState` without a rollout or when the action does not apply in its phase.
    public func rollout(_ action: RolloutAction, deployment name: String) async throws -> RolloutState {
        try await transition(name) { state, spec, rollout, now in
            let current = state.weights[rollout.variant] ?? 0
            switch action {
            case .pause:
                guard state.phase == .progressing else { throw Self.wrongPhase(action, state.phase) }
                state.phase = .paused
                state.append(.init(time: now, kind: "paused", fromWeight: current, toWeight: current, message: "paused by a person"))
            case .resume:
                guard state.phase == .paused else { throw Self.wrongPhase(action, state.phase) }
                let weight = rollout.steps[state.step]
                state.phase = .progressing
                state.stepStartedAt = now
                state.weights = RolloutState.weights(for: spec, variant: rollout.variant, percent: weight)
                state.append(.init(time: now, kind: "resumed", fromWeight: current, toWeight: weight,
                                   message: "resumed at step \(state.step + 1) of \(rollout.steps.count)"))
            case .promote:
                guard state.phase != .promoted else { throw Self.wrongPhase(action, state.phase) }
                state.phase = .promoted
                state.weights = RolloutState.weights(for: spec, variant: rollout.variant, percent: 100)
                state.append(.init(time: now, kind: "promoted", fromWeight: current, toWeight: 100, message: "promoted by a person"))
            case .rollback:
                guard state.phase != .rolledBack else { throw Self.wrongPhase(action, state.phase) }
                state.phase = .rolledBack
                state.weights = RolloutState.weights(for: spec, variant: rollout.variant, percent: 0)
                state.append(.init(time: now, kind: "rolled_back", fromWeight: current, toWeight: 0, message: "rolled back by a person"))
            }
            return true
        }
    }

    static func wrongPhase(_ action: RolloutAction, _ phase: RolloutState.Phase) -> VaneError {
        VaneError(.invalidState, "Cannot \(action.rawValue) a rollout that is \(phase.rawValue.replacingOccurrences(of: "_", with: " ")).")
    }

    /// Looks at every progressing rollout once and acts on what the judge decides.
    public func judgeRollouts() async {
        let candidates = state.withLock { $0.live.values.filter { $0.deployment.rolloutState?.phase == .progressing && $0.tracker != nil } }
        for live in candidates {
            _ = try? await transition(live.name) { state, spec, rollout, now in
                guard state.phase == .progressing, let tracker = self.live(named: spec.name)?.tracker else { return false }
                let current = state.weights[rollout.variant] ?? 0
                switch RolloutJudge.decide(rollout, state: state, snapshot: tracker.snapshot(), now: now) {
                case .wait:
                    return false
                case .fail(let guardName, let measured, let threshold):
                    state.phase = rollout.onFailure == .rollback ? .rolledBack : .paused
                    state.weights = RolloutState.weights(for: spec, variant: rollout.variant, percent: 0)
                    state.append(.init(time: now, kind: "guard_failed", fromWeight: current, toWeight: 0, guardName: guardName,
                                       measured: measured, threshold: threshold,
                                       message: "\(guardName) failed at step \(state.step + 1): \(measured) against \(threshold); " +
                                           (state.phase == .rolledBack ? "rolled back" : "paused with the variant at weight 0")))
                case .advance(let p), .promote(let p):
                    if let p, p < SampleRatioCheck.threshold {
                        state.append(.init(time: now, kind: "sample_ratio_mismatch", fromWeight: current, toWeight: current,
                                           guardName: "sample_ratio", measured: p, threshold: SampleRatioCheck.threshold,
                                           message: "the requests of step \(state.step + 1) do not match the weights (chi-square p = \(p))"))
                    }
                    if state.step + 1 >= rollout.steps.count {
                        state.phase = .promoted
                        state.weights = RolloutState.weights(for: spec, variant: rollout.variant, percent: 100)
                        state.append(.init(time: now, kind: "promoted", fromWeight: current, toWeight: 100,
                                           message: "the last step passed: \(rollout.variant) takes all traffic"))
                    } else {
                        state.step += 1
                        state.stepStartedAt = now
                        let next = rollout.steps[state.step]
                        state.weights = RolloutState.weights(for: spec, variant: rollout.variant, percent: next)
                        state.append(.init(time: now, kind: "step", fromWeight: current, toWeight: next,
                                           message: "step \(state.step) passed; step \(state.step + 1) of \(rollout.steps.count) at \(RolloutState.format(next)) %"))
                    }
                case .noTraffic(let requests):
                    state.phase = .paused
                    state.append(.init(time: now, kind: "no_traffic", fromWeight: current, toWeight: current, measured: Double(requests),
                                       threshold: Double(rollout.minRequests),
                                       message: "step \(state.step + 1) had \(requests) of \(rollout.minRequests) requests by its deadline; paused rather than guessing"))
                }
                return true
            }
        }
    }

    /// Changes the rollout state of deployment `name` with `body` (which returns whether it
    /// changed anything), saves it and swaps in the new weights, one change at a time.
    private func transition(
        _ name: String,
        _ body: @escaping @Sendable (inout RolloutState, DeploymentSpec, RolloutSpec, EpochMillis) throws -> Bool
    ) async throws -> RolloutState {
        try await gate.run {
            guard let live = self.live(named: name) else { throw VaneError.notFound("No deployment named '\(name.prefix(80))'.") }
            var deployment = live.deployment
            guard let rollout = deployment.spec.rollout, var rolloutState = deployment.rolloutState else {
                throw VaneError(.invalidState, "Deployment \(name) has no rollout.")
            }
            let before = rolloutState
            let now = self.clock.nowMillis()
            guard try body(&rolloutState, deployment.spec, rollout, now), rolloutState != before else { return before }
            deployment.rolloutState = rolloutState
            try await self.store.save(deployment)
            if rolloutState.step != before.step || (before.phase == .paused && rolloutState.phase == .progressing) {
                live.tracker?.newStep()
            }
            let updated = live.updating(deployment, tracker: live.tracker)
            self.state.withLock { $0.live[name] = updated }
            DeploymentMetrics.publish(updated)
            for event in rolloutState.events where !before.events.contains(event) {
                await self.record(event, deployment: deployment)
            }
            return rolloutState
        }
    }

    /// Routes deployment `name` by `shares` (a Thompson-sampling experiment's), when they differ
    /// from the shares in force by more than half a percentage point; saved with the deployment
    /// and reported as a change. Nothing happens when the deployment is gone or no longer has a
    /// Thompson-sampling experiment (it was re-applied meanwhile).
    public func rebalance(_ name: String, shares: [String: Double]) async throws {
        try await gate.run {
            guard let live = self.live(named: name), live.deployment.spec.experiment?.policy == .thompson else { return }
            var deployment = live.deployment
            let weights = deployment.spec.variants.map { deployment.weight(of: $0) }
            let total = max(1e-12, weights.reduce(0, +))
            let before = weights.map { $0 / total }
            let after = deployment.spec.variants.map { shares[$0.name] ?? 0 }
            guard zip(before, after).contains(where: { abs($0 - $1) > 0.005 }), after.reduce(0, +) > 0 else { return }
            deployment.banditShares = Dictionary(uniqueKeysWithValues: deployment.spec.variants.map { ($0.name, shares[$0.name] ?? 0) })
            deployment.updatedAt = self.clock.nowMillis()
            try await self.store.save(deployment)
            let updated = live.updating(deployment, tracker: live.tracker)
            self.state.withLock { $0.live[name] = updated }
            DeploymentMetrics.publish(updated)
            var details: [String: String] = [:]
            for (variant, (from, to)) in zip(deployment.spec.variants, zip(before, after)) {
                details["variant." + variant.name] = "\((from * 1000).rounded() / 1000) -> \((to * 1000).rounded() / 1000)"
            }
            await self.changes.record(ChangeEvent(time: deployment.updatedAt, kind: "deployment", subject: name, action: "bandit_rebalanced",
                                                  summary: "\(name): Thompson sampling moved the traffic shares", details: details))
        }
    }

    /// Reports a rollout event as a change.
    private func record(_ event: RolloutState.Event, deployment: Deployment) async {
        guard let rollout = deployment.spec.rollout else { return }
        var details = ["variant": rollout.variant, "from_weight": String(event.fromWeight), "to_weight": String(event.toWeight),
                       "version": deployment.resolved[rollout.variant]?.pinned ?? rollout.variant]
        if let guardName = event.guardName { details["guard"] = guardName }
        if let measured = event.measured { details["measured"] = String(measured) }
        if let threshold = event.threshold { details["threshold"] = String(threshold) }
        await changes.record(ChangeEvent(time: event.time, kind: "deployment", subject: deployment.name, action: "rollout_" + event.kind,
                                         summary: "\(deployment.name): \(event.message)", details: details))
    }

    /// Deletes the deployment `name`; requests in flight on it finish. `notFound` when unknown.
    public func delete(named name: String) async throws {
        try await gate.run {
            guard try await self.store.delete(named: name) else {
                throw VaneError.notFound("No deployment named '\(name.prefix(80))'.")
            }
            await self.changes.record(ChangeEvent(time: self.clock.nowMillis(), kind: "deployment", subject: name, action: "deleted",
                                                  summary: "deployment \(name) deleted"))
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

    /// Loads every member of `deployment` from its pinned resolution; a rollout gets a tracker
    /// (the one it had with `keepingTracker`).
    func load(_ deployment: Deployment, keepingTracker: Bool = false) async throws -> LiveDeployment {
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
                let shadow = state.shadowStats[key] ?? ShadowStats(deployment: spec.name, shadow: name)
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
        var tracker: RolloutTracker?
        if keepingTracker, let kept = live(named: spec.name)?.tracker {
            tracker = kept
        } else if let rollout = spec.rollout, let rolloutState = deployment.rolloutState {
            tracker = RolloutTracker(variant: rollout.variant, baseline: rolloutState.baseline, guards: rollout.guards,
                                     baselineMember: variants.first { $0.name == rolloutState.baseline })
        }
        return LiveDeployment(deployment: deployment, variants: variants, shadows: shadows, tracker: tracker)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? VaneError { return error.message }
        return "\(error)"
    }
}
