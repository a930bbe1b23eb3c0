import Synchronization
import VaneCore
import VaneModels
import VaneRegistry
import VaneTracking

/// Every registered model version, loaded on first use: what `vane server` answers for.
///
/// A version is addressed by its number or by an alias; without a version the newest one
/// answers. What a name and version resolve to is read from the registry once per registry
/// revision (``RegistryStore/revision``): a write to the registry — a deleted version, a moved
/// alias — is seen by the next request, and in between requests read no database. Loaded
/// models are cached by what they were loaded from, the least recently used evicted
/// beyond ``capacity``. Concurrent first requests for one model share a single load. A load
/// that fails is kept with its error for ``failureRetention`` (an uploaded file that cannot be
/// parsed is not parsed again for every request); a new version, or a version re-registered
/// with another source, is another cache entry and loads at once.
public final class RegistryModelCatalog: ModelCatalog {
    /// How long a failed load answers with its error before the next request tries again: long
    /// enough that a flood of requests to a broken model costs one load every 30 seconds, short
    /// enough that artifacts uploaded after the version was registered are picked up soon.
    public static let defaultFailureRetention: Duration = .seconds(30)

    public let capacity: Int
    /// How long a failed load is kept; see ``defaultFailureRetention``.
    public let failureRetention: Duration
    private let resolver: ModelResolver
    private let registry: any RegistryStore
    private let clock: any VaneClock
    private let state = Mutex(State())

    private struct State {
        var loads: [String: Task<ServedModel, any Error>] = [:]
        var lastUse: [String: UInt64] = [:]
        /// When each failed load failed (clock milliseconds); its task still holds the error.
        var failedAt: [String: EpochMillis] = [:]
        var tick: UInt64 = 0
        /// What each requested name and version resolved to, at which registry revision.
        var lookups: [LookupKey: (revision: UInt64, version: ModelVersion)] = [:]
    }

    private struct LookupKey: Hashable {
        let name: String
        let version: String?
    }

    /// At most this many resolved names are remembered (all are forgotten beyond it).
    static let lookupCapacity = 4_096

    /// A catalog over `registry`, loading through `resolver`; `clock` times how long a failed
    /// load is kept.
    public init(resolver: ModelResolver, registry: any RegistryStore, capacity: Int = 32,
                failureRetention: Duration = RegistryModelCatalog.defaultFailureRetention, clock: any VaneClock = SystemClock()) {
        self.resolver = resolver
        self.registry = registry
        self.capacity = max(1, capacity)
        self.failureRetention = failureRetention
        self.clock = clock
    }

    public func model(named name: String, version: String?) async throws -> ServedModel {
        let source: ModelSource
        if let version {
            if let number = Int64(version) {
                guard number > 0 else { throw VaneError.notFound("Model \(name) with version \(version) not found") }
                source = .registryVersion(name: name, version: number)
            } else {
                source = .registryAlias(name: name, alias: version)
            }
        } else {
            source = .registryLatest(name: name, stage: nil)
        }
        let lookupKey = LookupKey(name: name, version: version)
        let revision = registry.revision
        let modelVersion: ModelVersion
        do {
            if let cached = state.withLock({ $0.lookups[lookupKey] }), cached.revision == revision {
                modelVersion = cached.version
            } else {
                guard let found = try await resolver.modelVersion(source) else { throw VaneError.notFound("Model \(name) not found") }
                modelVersion = found
                state.withLock { state in
                    if state.lookups.count >= Self.lookupCapacity { state.lookups.removeAll(keepingCapacity: true) }
                    state.lookups[lookupKey] = (revision, found)
                }
            }
        } catch let error as VaneError where error.code == .notFound || error.code == .invalidParameter {
            throw VaneError.notFound(version.map { "Model \(name) with version \($0) not found" } ?? "Model \(name) not found")
        }
        let key = "\(modelVersion.name)/\(modelVersion.version)/\(modelVersion.creationTimestamp)/\(modelVersion.source)"
        let now = clock.nowMillis()
        let retention = EpochMillis(failureRetention / .milliseconds(1))
        let task = state.withLock { state -> Task<ServedModel, any Error> in
            state.tick += 1
            state.lastUse[key] = state.tick
            if let failed = state.failedAt[key], now < failed || now - failed >= retention {
                state.loads[key] = nil
                state.failedAt[key] = nil
            }
            if let running = state.loads[key] { return running }
            let resolver = self.resolver
            let task = Task<ServedModel, any Error> {
                let resolved = try await resolver.resolve(.registryVersion(name: modelVersion.name, version: modelVersion.version))
                let model = try resolved.loadModel()
                return ServedModel(name: modelVersion.name, version: String(modelVersion.version), model: model)
            }
            state.loads[key] = task
            Self.evict(&state, capacity: capacity)
            return task
        }
        do {
            return try await task.value
        } catch {
            // A model that cannot be loaded stays cached with its error; the first request to see
            // it fail starts the retention period. An internal error (the database, say) is not
            // the model's fault and is retried by the next request.
            let failedAt = clock.nowMillis()
            let isModelFault = error is ModelError || (error as? VaneError).map { $0.code != .internalError } ?? false
            state.withLock { state in
                guard state.loads[key] == task else { return }
                if !isModelFault {
                    state.loads[key] = nil
                    state.lastUse[key] = nil
                } else if state.failedAt[key] == nil {
                    state.failedAt[key] = failedAt
                }
            }
            if let error = error as? ModelError {
                throw VaneError.invalid("Model \(name) version \(modelVersion.version) cannot be loaded: \(error)")
            }
            if let error = error as? VaneError, error.code == .notFound {
                throw VaneError.invalid("Model \(name) version \(modelVersion.version) cannot be loaded: \(error.message)")
            }
            throw error
        }
    }

    public func versions(of name: String) async throws -> [String] {
        let model: RegisteredModel
        do { model = try await registry.registeredModel(name: name) } catch let error as VaneError where error.code != .internalError {
            throw VaneError.notFound("Model \(name) not found")
        }
        guard !name.contains("'") else {
            return Set(model.latestVersions.map(\.version)).sorted(by: >).map(String.init)
        }
        let page = try await registry.searchModelVersions(filter: "name = '\(name)'", orderBy: ["version_number DESC"], maxResults: 200, pageToken: nil)
        return page.items.map { String($0.version) }
    }

    private static func evict(_ state: inout State, capacity: Int) {
        while state.loads.count > capacity, let oldest = state.lastUse.min(by: { $0.value < $1.value })?.key {
            state.loads[oldest] = nil
            state.lastUse[oldest] = nil
            state.failedAt[oldest] = nil
        }
    }
}
