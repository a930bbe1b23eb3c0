import Foundation
import GRDB
import VaneCore
import VaneStorage

/// The tracking store on the embedded SQLite database.
///
/// Every public write method is one transaction: a request's writes land together or not at all.
/// MLflow's input rules are not checked here: the store expects what ``ValidatingTrackingStore``
/// lets through, and checks only what depends on stored state.
public struct SQLiteTrackingStore: TrackingStore {
    let db: any DatabaseWriter
    let clock: any VaneClock
    /// The root URI under which experiment artifact locations are made (`mlflow-artifacts:/`).
    let artifactRoot: String

    /// Creates the store; the schema must already be migrated. Ensures the `Default` experiment (id 0) exists.
    public init(database: VaneDatabase, artifactRoot: String = "mlflow-artifacts:", clock: any VaneClock = SystemClock()) throws {
        self.db = database.writer
        self.clock = clock
        self.artifactRoot = artifactRoot.hasSuffix("/") ? String(artifactRoot.dropLast()) : artifactRoot
        let now = clock.nowMillis()
        let root = self.artifactRoot
        try db.write { db in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM experiments WHERE experiment_id = 0") == 0 {
                try db.execute(sql: """
                    INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (0, 'Default', ?, 'active', ?, ?)
                    """, arguments: [root + "/0", now, now])
            }
        }
    }

    func write<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await db.timedWrite(context, body)
    }

    func read<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await db.timedRead(context, body)
    }

    /// A page size the SQL can use. MLflow's bounds are ``ValidatingTrackingStore``'s; this only
    /// keeps a caller that skips it from building a statement with a negative or overflowing limit.
    static func requirePositive(_ maxResults: Int) throws(VaneError) {
        guard maxResults >= 1, maxResults <= Int(Int32.max) else { throw VaneError.invalid("Invalid value \(maxResults) for parameter 'max_results' supplied.") }
    }

    // MARK: Experiments

    public func createExperiment(name: String, artifactLocation: String?, tags: [Tag]) async throws -> Int64 {
        let now = clock.nowMillis()
        let root = artifactRoot
        return try await write("create experiment") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM experiments WHERE name = ?", arguments: [name]) != nil {
                throw VaneError.exists("Experiment(name=\(name)) already exists. Error: UNIQUE constraint failed: experiments.name")
            }
            try db.execute(sql: """
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (?, ?, 'active', ?, ?)
                """, arguments: [name, artifactLocation ?? "", now, now])
            let id = db.lastInsertedRowID
            if artifactLocation == nil || artifactLocation!.isEmpty {
                try db.execute(sql: "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                               arguments: ["\(root)/\(id)", id])
            }
            for t in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                               arguments: [id, t.key, t.value])
            }
            return id
        }
    }

    public func experiment(id: Int64) async throws -> Experiment {
        try await read("get experiment") { db in
            guard let e = try Self.fetchExperiments(db, where: "experiment_id = ?", [id]).first else {
                throw VaneError.notFound("No Experiment with id=\(id) exists")
            }
            return e
        }
    }

    public func experiment(named name: String) async throws -> Experiment {
        try await read("get experiment") { db in
            guard let e = try Self.fetchExperiments(db, where: "name = ?", [name]).first else {
                throw VaneError.notFound("Could not find experiment with name '\(name)'")
            }
            return e
        }
    }

    static func fetchExperiments(_ db: Database, where clause: String, _ args: StatementArguments) throws -> [Experiment] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM experiments WHERE \(clause)", arguments: args)
        return try rows.map { try experiment(from: $0, db) }
    }

    static func experiment(from row: Row, _ db: Database) throws -> Experiment {
        let id: Int64 = row["experiment_id"]
        let tags = try Row.fetchAll(db, sql: "SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key", arguments: [id])
            .map { Tag(key: $0["key"], value: $0["value"] ?? "") }
        return Experiment(
            id: id, name: row["name"], artifactLocation: row["artifact_location"],
            lifecycleStage: LifecycleStage(rawValue: row["lifecycle_stage"]) ?? .active,
            creationTime: row["creation_time"], lastUpdateTime: row["last_update_time"], tags: tags)
    }

    public func searchExperiments(view: ViewType, filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<Experiment> {
        try Self.requirePositive(maxResults)
        let parsed = try SearchFilter.experiments(filter)
        let order = try SearchOrderBy.experiments(orderBy)
        let offset = try PageToken.decode(pageToken)
        let query = try ExperimentSearchSQL.build(lifecycleStages: view.stages, filter: parsed, orderBy: order, limit: maxResults + 1, offset: offset)
        return try await searchRead("search experiments") { db in
            let ids = try Int64.fetchAll(db, sql: query.sql, arguments: query.arguments)
            let more = ids.count > maxResults
            var items: [Experiment] = []
            for id in ids.prefix(maxResults) {
                items.append(contentsOf: try Self.fetchExperiments(db, where: "experiment_id = ?", [id]))
            }
            return Page(items: items, nextPageToken: more ? PageToken.encode(offset: offset + maxResults) : nil)
        }
    }

    public func renameExperiment(id: Int64, newName: String) async throws {
        let now = clock.nowMillis()
        try await write("rename experiment") { db in
            let stage = try Self.experimentStage(db, id)
            guard stage == "active" else {
                throw VaneError(.invalidState, "Cannot rename a non-active experiment.")
            }
            if try Int64.fetchOne(db, sql: "SELECT experiment_id FROM experiments WHERE name = ? AND experiment_id != ?", arguments: [newName, id]) != nil {
                throw VaneError.exists("Experiment(name=\(newName)) already exists.")
            }
            try db.execute(sql: "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?", arguments: [newName, now, id])
        }
    }

    static func experimentStage(_ db: Database, _ id: Int64) throws -> String {
        guard let stage = try String.fetchOne(db, sql: "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?", arguments: [id]) else {
            throw VaneError.notFound("No Experiment with id=\(id) exists")
        }
        return stage
    }

    public func setExperimentTag(id: Int64, tag: Tag) async throws {
        try await write("set experiment tag") { db in
            guard try Self.experimentStage(db, id) == "active" else {
                throw VaneError.invalid("The experiment \(id) must be in the 'active' state. Current state is deleted.")
            }
            try db.execute(sql: "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                           arguments: [id, tag.key, tag.value])
        }
    }

    public func deleteExperimentTag(id: Int64, key: String) async throws {
        try await write("delete experiment tag") { db in
            guard try Self.experimentStage(db, id) == "active" else {
                throw VaneError.invalid("The experiment \(id) must be in the 'active' state. Current state is deleted.")
            }
            try db.execute(sql: "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", arguments: [id, key])
            if db.changesCount == 0 {
                throw VaneError.notFound("No tag with name: \(key) in experiment with id \(id)")
            }
        }
    }

    public func deleteExperiment(id: Int64) async throws {
        let now = clock.nowMillis()
        try await write("delete experiment") { db in
            // As MLflow: only an active experiment can be deleted. A second delete would also move
            // the deletion time past its runs', and a restore would then leave them deleted.
            guard try Self.experimentStage(db, id) == "active" else {
                throw VaneError.notFound("No Experiment with id=\(id) exists")
            }
            try db.execute(sql: "UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = ? WHERE experiment_id = ?", arguments: [now, id])
            try db.execute(sql: "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ? AND lifecycle_stage = 'active'", arguments: [now, id])
        }
    }

    public func restoreExperiment(id: Int64) async throws {
        let now = clock.nowMillis()
        try await write("restore experiment") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT lifecycle_stage, last_update_time FROM experiments WHERE experiment_id = ?", arguments: [id]),
                  (row["lifecycle_stage"] as String) == "deleted" else {
                throw VaneError.notFound("No deleted Experiment with id=\(id) exists")
            }
            let deletedAt: Int64 = row["last_update_time"] ?? 0
            try db.execute(sql: "UPDATE experiments SET lifecycle_stage = 'active', last_update_time = ? WHERE experiment_id = ?", arguments: [now, id])
            // Runs deleted together with the experiment come back; runs deleted before it stay deleted.
            try db.execute(sql: """
                UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL
                WHERE experiment_id = ? AND lifecycle_stage = 'deleted' AND COALESCE(deleted_time, 0) >= ?
                """, arguments: [id, deletedAt])
        }
    }
}
