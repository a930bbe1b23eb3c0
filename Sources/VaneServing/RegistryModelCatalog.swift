import Synchronization
import VaneCore
import VaneModels
import VaneRegistry
import VaneTracking

/// Every registered model version, loaded on first use: what `vane server` answers for.
///
/// A version is addressed by its number or by an alias; without a version the newest one
/// answers. Each request reads the registry (so a deleted version stops answering at once);
/// loaded models are cached by what they were loaded from, the least recently used evicted
/// beyond ``capacity``. Concurrent first requests for one model share a single load.
public final class RegistryModelCatalog: ModelCatalog {
    public let capacity: Int
    private let resolver: ModelResolver
    private let registry: any RegistryStore
    private let state = Mutex(State())

    private struct State {
        var loads: [String: Task<ServedModel, any Error>] = [:]
        var lastUse: [String: UInt64] = [:]
        var tick: UInt64 = 0
    }

    public init(resolver: ModelResolver, registry: any RegistryStore, capacity: Int = 32) {
        self.resolver = resolver
        self.registry = registry
        self.capacity = max(1, capacity)
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
        let modelVersion: ModelVersion
        do {
            guard let found = try await resolver.modelVersion(source) else { throw VaneError.notFound("Model \(name) not found") }
            modelVersion = found
        } catch let error as VaneError where error.code == .notFound || error.code == .invalidParameter {
            throw VaneError.notFound(version.map { "Model \(name) with version \($0) not found" } ?? "Model \(name) not found")
        }
        let key = "\(modelVersion.name)/\(modelVersion.version)/\(modelVersion.creationTimestamp)/\(modelVersion.source)"
        let task = state.withLock { state -> Task<ServedModel, any Error> in
            state.tick += 1
            state.lastUse[key] = state.tick
            if let running = state.loads[key] { return running }
            let resolver = self.resolver
            let task = Task<ServedModel, any Error> {
                let resolved = try await resolver.resolve(.registryVersion(name: modelVersion.name, version: modelVersion.version))
                let model = try ModelLoader.load(path: resolved.path)
                return ServedModel(name: modelVersion.name, version: String(modelVersion.version), model: model)
            }
            state.loads[key] = task
            Self.evict(&state, capacity: capacity)
            return task
        }
        do {
            return try await task.value
        } catch {
            // A failed load is not kept: the next request tries again (the artifact may be uploaded by then).
            state.withLock { state in
                state.loads[key] = nil
                state.lastUse[key] = nil
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
        }
    }
}
