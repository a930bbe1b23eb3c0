import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneStorage
import VaneTracking

/// One way of building a ``RegistryStore`` for the contract suites: a name for the test report and
/// a factory that returns a fresh, empty store and a cleanup.
///
/// The contract suites speak only `any RegistryStore`; a new backend (PostgreSQL) passes them by
/// adding one factory to ``RegistryStoreBackends/all``. A factory must build its store with the
/// given clock, so that creation and update timestamps are the clock's.
struct RegistryStoreBackend: Sendable, CustomTestStringConvertible {
    /// A fresh store and what to run once the test is done with it.
    typealias Instance = (store: any RegistryStore, cleanup: @Sendable () -> Void)

    let name: String
    let make: @Sendable (_ clock: any VaneClock) async throws -> Instance

    var testDescription: String { name }

    /// Runs `body` with a fresh store, cleaning up afterwards whether it passes or throws.
    func withStore<R>(clock: any VaneClock = ManualClock(), _ body: (any RegistryStore) async throws -> R) async throws -> R {
        let instance = try await make(clock)
        do {
            let result = try await body(instance.store)
            instance.cleanup()
            return result
        } catch {
            instance.cleanup()
            throw error
        }
    }
}

/// Every backend the registry contract runs against.
enum RegistryStoreBackends {
    static let all: [RegistryStoreBackend] = [sqliteInMemory, sqliteFile]

    /// SQLite in memory (a `DatabaseQueue`).
    static let sqliteInMemory = RegistryStoreBackend(name: "SQLite in memory") { clock in
        let db = try VaneDatabase.inMemory()
        let store = try migratedStore(db, clock: clock)
        return (store, { try? db.close() })
    }

    /// SQLite on a file in a fresh temporary directory (a WAL `DatabasePool`), removed afterwards.
    static let sqliteFile = RegistryStoreBackend(name: "SQLite on a file") { clock in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-registry-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do {
            let db = try VaneDatabase.open(path: dir.appendingPathComponent("vane.db").path)
            let store = try migratedStore(db, clock: clock)
            return (store, { try? db.close(); try? FileManager.default.removeItem(at: dir) })
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    private static func migratedStore(_ db: VaneDatabase, clock: any VaneClock) throws -> SQLiteRegistryStore {
        var migrations = SchemaMigrations()
        TrackingSchema.register(in: &migrations)
        RegistrySchema.register(in: &migrations)
        try db.migrate(migrations)
        return SQLiteRegistryStore(database: db, clock: clock)
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
