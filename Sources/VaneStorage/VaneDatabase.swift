import Foundation
import GRDB
import VaneCore

/// The embedded SQLite database shared by every domain store.
///
/// One `DatabasePool` in WAL mode with `synchronous=FULL`, so that every committed
/// transaction survives a crash of the process (`kill -9`) and of the machine.
/// Domain modules register their own migrations through ``SchemaMigrations``.
public struct VaneDatabase: Sendable {
    /// The writer every store uses: a pool for files, a queue for in-memory tests.
    public let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Opens (and creates if needed) the database file at `path` in WAL mode.
    public static func open(path: String) throws -> VaneDatabase {
        let pool = try DatabasePool(path: path, configuration: configuration())
        return VaneDatabase(writer: pool)
    }

    /// An in-memory database for tests; same configuration, nothing on disk.
    public static func inMemory() throws -> VaneDatabase {
        VaneDatabase(writer: try DatabaseQueue(configuration: configuration()))
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.maximumReaderCount = 8
        config.prepareDatabase { db in
            // WAL is set by DatabasePool itself; FULL makes each commit durable on power loss too.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        return config
    }

    /// Applies every registered migration that has not run yet.
    public func migrate(_ migrations: SchemaMigrations) throws {
        try migrations.migrator.migrate(writer)
    }

    /// The identifiers of the migrations already applied, in order.
    public func appliedMigrations(_ migrations: SchemaMigrations) throws -> [String] {
        try writer.read { db in try migrations.migrator.appliedMigrations(db) }
    }
}

/// The numbered migrations of every domain, applied in the order of their numbers.
///
/// Each domain module contributes its migrations under stable names (`0001_tracking_…`);
/// a migration that has shipped is never edited, a change is a new migration. Identifiers
/// start with a zero-padded number, and migrations run in that order whichever module
/// registered them first.
public struct SchemaMigrations: Sendable {
    private var entries: [(identifier: String, body: @Sendable (Database) throws -> Void)] = []

    public init() {}

    /// Registers one migration. The identifier must be unique and never change once shipped.
    public mutating func register(_ identifier: String, _ body: @escaping @Sendable (Database) throws -> Void) {
        precondition(!entries.contains { $0.identifier == identifier }, "duplicate migration \(identifier)")
        entries.append((identifier, body))
    }

    /// The identifiers in the order they run.
    public var identifiers: [String] { entries.map(\.identifier).sorted() }

    /// A GRDB migrator with every migration, in number order.
    public var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        for entry in entries.sorted(by: { $0.identifier < $1.identifier }) {
            m.registerMigration(entry.identifier, migrate: entry.body)
        }
        return m
    }
}

extension VaneError {
    /// Maps a database error to a Vane error: constraint violations are the caller's fault.
    public static func from(database error: any Error, context: String) -> VaneError {
        if let e = error as? VaneError { return e }
        // The database's own text (table and column names, SQL) stays out of the message: the
        // message of an internal error goes to the log only, and constraint messages reach clients.
        if let db = error as? DatabaseError, db.resultCode == .SQLITE_CONSTRAINT {
            switch db.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                return VaneError(.alreadyExists, "\(context): the resource already exists")
            default:
                return VaneError(.invalidParameter, "\(context): the request conflicts with stored data")
            }
        }
        return VaneError(.internalError, "\(context): \(error)")
    }
}

extension VaneDatabase {
    /// Closes the database: checkpoints the WAL and releases the file. Call once, at shutdown.
    public func close() throws {
        if let pool = writer as? DatabasePool { try pool.close() }
        if let queue = writer as? DatabaseQueue { try queue.close() }
    }
}
