import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneStorage
import VaneTestSupport
import VaneTracking

/// The backends the registry contract runs against; each builds a fresh, empty store. A new
/// backend (PostgreSQL) passes the suites by adding one factory.
typealias RegistryStoreBackend = StoreBackend<any RegistryStore>

extension StoreBackend where Store == any RegistryStore {
    /// Runs `body` with a fresh store on a hand-moved clock, cleaning up afterwards.
    func withStore<R>(_ body: (any RegistryStore) async throws -> R) async throws -> R {
        try await withStore(clock: ManualClock(), body)
    }
}

/// Every backend the registry contract runs against.
enum RegistryStoreBackends {
    static let all: [RegistryStoreBackend] = RegistryStoreBackend.sqlite(label: "registry", migrations: migrations) { db, clock in
        SQLiteRegistryStore(database: db, clock: clock)
    }

    /// The same backends behind ``ValidatingRegistryStore``: what the rest of Vane talks to. The contract
    /// tests that also check MLflow's input rules (names, keys, limits, `max_results`), which a
    /// store itself does not check, run against these; the rest run against the bare stores.
    static let validating: [RegistryStoreBackend] = all.map { backend in
        RegistryStoreBackend(name: backend.name + ", validated") { clock in
            let instance = try await backend.make(clock)
            return (ValidatingRegistryStore(instance.store), instance.cleanup)
        }
    }

    private static var migrations: SchemaMigrations {
        var migrations = SchemaMigrations()
        TrackingSchema.register(in: &migrations)
        RegistrySchema.register(in: &migrations)
        return migrations
    }
}

extension RegistryStore {
    /// Creates a model version with only a source (and optionally a run id and tags).
    @discardableResult
    func newVersion(_ name: String, runID: String? = nil, tags: [Tag] = []) async throws -> ModelVersion {
        try await createModelVersion(name: name, source: "mlflow-artifacts:/1/\(name)/artifacts/model", runID: runID,
                                     runLink: nil, description: nil, tags: tags, modelID: nil)
    }

    /// Every registered model name a search returns, following page tokens; fails on a repeated token.
    func modelNames(filter: String? = nil, orderBy: [String] = [], pageSize: Int = 1000,
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        var names: [String] = []
        var token: String?
        var seen = Set<String>()
        repeat {
            let page = try await searchRegisteredModels(filter: filter, orderBy: orderBy, maxResults: pageSize, pageToken: token)
            #expect(page.items.count <= pageSize, sourceLocation: sourceLocation)
            names += page.items.map(\.name)
            token = page.nextPageToken
            if let token, !seen.insert(token).inserted { Issue.record("page token repeated", sourceLocation: sourceLocation); break }
        } while token != nil
        return names
    }

    /// Every "name/version" a model version search returns, following page tokens; fails on a repeated token.
    func versionKeys(filter: String? = nil, orderBy: [String] = [], pageSize: Int = 1000,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        var seen = Set<String>()
        repeat {
            let page = try await searchModelVersions(filter: filter, orderBy: orderBy, maxResults: pageSize, pageToken: token)
            #expect(page.items.count <= pageSize, sourceLocation: sourceLocation)
            keys += page.items.map { "\($0.name)/\($0.version)" }
            token = page.nextPageToken
            if let token, !seen.insert(token).inserted { Issue.record("page token repeated", sourceLocation: sourceLocation); break }
        } while token != nil
        return keys
    }
}
