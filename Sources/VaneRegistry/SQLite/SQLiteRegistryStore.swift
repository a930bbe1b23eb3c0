import Foundation
import GRDB
import Synchronization
import VaneCore
import VaneStorage
import VaneTracking

/// The model registry on the embedded SQLite database; one transaction per write method.
public struct SQLiteRegistryStore: RegistryStore {
    let db: any DatabaseWriter
    let clock: any VaneClock
    private let writes = WriteCounter()

    public init(database: VaneDatabase, clock: any VaneClock = SystemClock()) {
        self.db = database.writer
        self.clock = clock
    }

    /// Counts this store's writes; see ``RegistryStore/revision``.
    private final class WriteCounter: Sendable {
        let value = Atomic<UInt64>(0)
    }

    public var revision: UInt64 { writes.value.load(ordering: .acquiring) }

    func write<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        // Counted after the transaction ends, failed or not: a reader that saw the old revision
        // and cached what it read before the commit sees the new number next time.
        defer { writes.value.add(1, ordering: .releasing) }
        return try await db.timedWrite(context, body)
    }

    func read<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await db.timedRead(context, body)
    }

    // MARK: Registered models

    public func createRegisteredModel(name: String, description: String?, tags: [Tag]) async throws -> RegisteredModel {
        let now = clock.nowMillis()
        return try await write("create registered model") { db in
            if try Self.modelExists(db, name) {
                throw VaneError.exists("Registered Model (name=\(name)) already exists.")
            }
            try db.execute(sql: "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)",
                           arguments: [name, now, now, description])
            for t in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)", arguments: [name, t.key, t.value])
            }
            return try Self.loadModel(db, name)
        }
    }

    static func modelExists(_ db: Database, _ name: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM registered_models WHERE name = ?", arguments: [name]) != nil
    }

    static func requireModel(_ db: Database, _ name: String) throws {
        guard try modelExists(db, name) else { throw VaneError.notFound("Registered Model with name=\(name) not found") }
    }

    public func registeredModel(name: String) async throws -> RegisteredModel {
        try await read("get registered model") { db in try Self.loadModel(db, name) }
    }

    public func renameRegisteredModel(name: String, newName: String) async throws -> RegisteredModel {
        let now = clock.nowMillis()
        return try await write("rename registered model") { db in
            try Self.requireModel(db, name)
            if name != newName, try Self.modelExists(db, newName) {
                throw VaneError.exists("Registered Model (name=\(newName)) already exists.")
            }
            try db.execute(sql: "UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?", arguments: [newName, now, name])
            return try Self.loadModel(db, newName)
        }
    }

    public func updateRegisteredModel(name: String, description: String?) async throws -> RegisteredModel {
        let now = clock.nowMillis()
        return try await write("update registered model") { db in
            try Self.requireModel(db, name)
            try db.execute(sql: "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?", arguments: [description, now, name])
            return try Self.loadModel(db, name)
        }
    }

    public func deleteRegisteredModel(name: String) async throws {
        try await write("delete registered model") { db in
            try Self.requireModel(db, name)
            try db.execute(sql: "DELETE FROM registered_models WHERE name = ?", arguments: [name])
        }
    }

    public func setRegisteredModelTag(name: String, tag: Tag) async throws {
        let now = clock.nowMillis()
        try await write("set registered model tag") { db in
            try Self.requireModel(db, name)
            try db.execute(sql: "INSERT OR REPLACE INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)", arguments: [name, tag.key, tag.value])
            try db.execute(sql: "UPDATE registered_models SET last_updated_time = ? WHERE name = ?", arguments: [now, name])
        }
    }

    public func deleteRegisteredModelTag(name: String, key: String) async throws {
        try await write("delete registered model tag") { db in
            try Self.requireModel(db, name)
            try db.execute(sql: "DELETE FROM registered_model_tags WHERE name = ? AND key = ?", arguments: [name, key])
        }
    }

    public func setAlias(name: String, alias: String, version: Int64) async throws {
        let now = clock.nowMillis()
        try await write("set alias") { db in
            _ = try Self.loadVersion(db, name, version)
            try db.execute(sql: "INSERT OR REPLACE INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?)", arguments: [name, alias, version])
            try db.execute(sql: "UPDATE registered_models SET last_updated_time = ? WHERE name = ?", arguments: [now, name])
        }
    }

    public func deleteAlias(name: String, alias: String) async throws {
        try await write("delete alias") { db in
            try Self.requireModel(db, name)
            try db.execute(sql: "DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias])
        }
    }

    public func modelVersion(name: String, alias: String) async throws -> ModelVersion {
        try await read("get model version by alias") { db in
            try Self.requireModel(db, name)
            guard let version = try Int64.fetchOne(db, sql: "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias]) else {
                throw VaneError.invalid("Registered model alias \(alias) not found.")
            }
            return try Self.loadVersion(db, name, version)
        }
    }

    // MARK: Loading

    static func loadModel(_ db: Database, _ name: String) throws -> RegisteredModel {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM registered_models WHERE name = ?", arguments: [name]) else {
            throw VaneError.notFound("Registered Model with name=\(name) not found")
        }
        let tags = try Row.fetchAll(db, sql: "SELECT key, value FROM registered_model_tags WHERE name = ? ORDER BY key", arguments: [name])
            .map { Tag(key: $0["key"], value: $0["value"] ?? "") }
        let aliases = try Row.fetchAll(db, sql: "SELECT alias, version FROM registered_model_aliases WHERE name = ? ORDER BY alias", arguments: [name])
            .map { ModelAlias(alias: $0["alias"], version: $0["version"]) }
        let latest = try Int64.fetchAll(db, sql: """
            SELECT MAX(version) FROM model_versions WHERE name = ? AND deleted = 0 GROUP BY current_stage ORDER BY MAX(version)
            """, arguments: [name])
        return RegisteredModel(
            name: name, creationTimestamp: row["creation_time"], lastUpdatedTimestamp: row["last_updated_time"],
            description: row["description"], tags: tags, aliases: aliases,
            latestVersions: try latest.map { try loadVersion(db, name, $0) })
    }

    static func loadVersion(_ db: Database, _ name: String, _ version: Int64) throws -> ModelVersion {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM model_versions WHERE name = ? AND version = ? AND deleted = 0", arguments: [name, version]) else {
            throw VaneError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
        return try Self.version(from: row, db)
    }

    static func version(from row: Row, _ db: Database) throws -> ModelVersion {
        let name: String = row["name"], version: Int64 = row["version"]
        let tags = try Row.fetchAll(db, sql: "SELECT key, value FROM model_version_tags WHERE name = ? AND version = ? ORDER BY key", arguments: [name, version])
            .map { Tag(key: $0["key"], value: $0["value"] ?? "") }
        let aliases = try String.fetchAll(db, sql: "SELECT alias FROM registered_model_aliases WHERE name = ? AND version = ? ORDER BY alias", arguments: [name, version])
        return ModelVersion(
            name: name, version: version, creationTimestamp: row["creation_time"], lastUpdatedTimestamp: row["last_updated_time"],
            description: row["description"], userID: row["user_id"], currentStage: ModelStage(rawValue: row["current_stage"]) ?? .none,
            source: row["source"], runID: row["run_id"], runLink: row["run_link"], status: row["status"],
            statusMessage: row["status_message"], modelID: row["model_id"], tags: tags, aliases: aliases)
    }
}
