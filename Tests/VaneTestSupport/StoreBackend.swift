import Foundation
import VaneCore
import VaneStorage

/// One way of building a store for the contract suites: a name for the test report and a factory
/// that returns a fresh, empty store and a cleanup.
///
/// The contract suites speak only the store's protocol (`StoreBackend<any TrackingStore>`, …); a
/// new backend (PostgreSQL, S3) passes them by adding one factory to the suite's `all` list. A
/// factory must build its store with the given clock, so that the timestamps the store assigns
/// (creation, deletion, update) are the clock's.
public struct StoreBackend<Store: Sendable>: Sendable, CustomStringConvertible {
    /// A fresh store and what to run once the test is done with it.
    public typealias Instance = (store: Store, cleanup: @Sendable () -> Void)

    public let name: String
    public let make: @Sendable (_ clock: any VaneClock) async throws -> Instance

    public init(name: String, make: @escaping @Sendable (_ clock: any VaneClock) async throws -> Instance) {
        self.name = name
        self.make = make
    }

    /// The name, as the test report shows the argument.
    public var description: String { name }

    /// Runs `body` with a fresh store built with `clock`, cleaning up afterwards whether it
    /// passes or throws.
    public func withStore<R>(clock: any VaneClock, _ body: (Store) async throws -> R) async throws -> R {
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

    /// SQLite in memory (a `DatabaseQueue`) and SQLite on a file in a fresh temporary directory
    /// (a WAL `DatabasePool`, removed afterwards): `migrate` prepares the schema, `store` builds
    /// the store over the migrated database.
    public static func sqlite(label: String, migrations: SchemaMigrations,
                              store: @escaping @Sendable (VaneDatabase, any VaneClock) throws -> Store) -> [StoreBackend] {
        let inMemory = StoreBackend(name: "SQLite in memory") { clock in
            let db = try VaneDatabase.inMemory()
            try db.migrate(migrations)
            return (try store(db, clock), { try? db.close() })
        }
        let onFile = StoreBackend(name: "SQLite on a file") { clock in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-\(label)-contract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            do {
                let db = try VaneDatabase.open(path: dir.appendingPathComponent("vane.db").path)
                try db.migrate(migrations)
                return (try store(db, clock), { try? db.close(); try? FileManager.default.removeItem(at: dir) })
            } catch {
                try? FileManager.default.removeItem(at: dir)
                throw error
            }
        }
        return [inMemory, onFile]
    }
}
