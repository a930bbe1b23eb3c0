import Foundation
import GRDB
import GRDBSQLite
import VaneCore

extension SQLiteTrackingStore {
    public func createRun(experimentID: Int64, userID: String, runName: String?, startTime: EpochMillis?, tags: [Tag]) async throws -> Run {
        let runID = Identifiers.hex32()
        let start = startTime ?? clock.nowMillis()
        var name = runName ?? ""
        if name.isEmpty { name = tags.last(where: { $0.key == "mlflow.runName" })?.value ?? "" }
        if name.isEmpty { name = RunNames.random() }
        let allTags0 = tags.filter { $0.key != "mlflow.runName" }
        let allTags = allTags0 + [Tag(key: "mlflow.runName", value: name)]
        let finalName = name
        let finalTags = allTags
        return try await write("create run") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = ?", arguments: [experimentID]) else {
                throw VaneError.notFound("No Experiment with id=\(experimentID) exists")
            }
            guard (row["lifecycle_stage"] as String) == "active" else {
                throw VaneError.invalid("The experiment \(experimentID) must be in the 'active' state. Current state is deleted.")
            }
            let location: String = row["artifact_location"]
            let artifactURI = Self.join(location, runID, "artifacts")
            try db.execute(sql: """
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri)
                VALUES (?, ?, ?, ?, 'RUNNING', ?, 'active', ?)
                """, arguments: [runID, experimentID, finalName, userID, start, artifactURI])
            for t in finalTags {
                try db.execute(sql: "INSERT OR REPLACE INTO tags (run_uuid, key, value) VALUES (?, ?, ?)", arguments: [runID, t.key, t.value])
            }
            return try Self.loadRuns(db, ids: [runID])[0]
        }
    }

    /// The tag that mirrors a run's name.
    static let runNameTag = "mlflow.runName"

    static func join(_ base: String, _ parts: String...) -> String {
        var out = base
        for p in parts {
            if !out.hasSuffix("/") { out += "/" }
            out += p
        }
        return out
    }

    public func run(id: String) async throws -> Run {
        try await read("get run") { db in
            let runs = try Self.loadRuns(db, ids: [id])
            guard let run = runs.first else { throw VaneError.notFound("Run with id=\(id) not found") }
            return run
        }
    }

    public func updateRun(id: String, status: RunStatus?, endTime: EpochMillis?, runName: String?) async throws -> RunInfo {
        try await write("update run") { db in
            try Self.requireActiveRun(db, id)
            if let status { try db.execute(sql: "UPDATE runs SET status = ? WHERE run_uuid = ?", arguments: [status.rawValue, id]) }
            if let endTime { try db.execute(sql: "UPDATE runs SET end_time = ? WHERE run_uuid = ?", arguments: [endTime, id]) }
            if let runName, !runName.isEmpty {
                try db.execute(sql: "UPDATE runs SET name = ? WHERE run_uuid = ?", arguments: [runName, id])
                try db.execute(sql: "INSERT OR REPLACE INTO tags (run_uuid, key, value) VALUES (?, 'mlflow.runName', ?)", arguments: [id, runName])
            }
            return try Self.loadRuns(db, ids: [id])[0].info
        }
    }

    public func deleteRun(id: String) async throws {
        let now = clock.nowMillis()
        try await write("delete run") { db in
            try db.execute(sql: "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_uuid = ?", arguments: [now, id])
            if db.changesCount == 0 { throw VaneError.notFound("Run with id=\(id) not found") }
        }
    }

    public func restoreRun(id: String) async throws {
        try await write("restore run") { db in
            try db.execute(sql: "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?", arguments: [id])
            if db.changesCount == 0 { throw VaneError.notFound("Run with id=\(id) not found") }
        }
    }

    /// Throws unless the run exists and is active (MLflow refuses writes to deleted runs).
    static func requireActiveRun(_ db: Database, _ id: String) throws {
        guard let stage = try String.fetchOne(db, sql: "SELECT lifecycle_stage FROM runs WHERE run_uuid = ?", arguments: [id]) else {
            throw VaneError.notFound("Run with id=\(id) not found")
        }
        guard stage == "active" else {
            throw VaneError.invalid("The run \(id) must be in the 'active' state. Current state is \(stage).")
        }
    }

    public func logBatch(runID: String, metrics: [Metric], params: [Param], tags: [Tag]) async throws {
        let uniqueParams = Array(Set(params))
        try await write("log batch") { db in
            try Self.requireActiveRun(db, runID)
            try Self.insertParams(db, runID: runID, params: uniqueParams)
            try Self.insertMetrics(db, runID: runID, metrics: metrics)
            for t in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO tags (run_uuid, key, value) VALUES (?, ?, ?)", arguments: [runID, t.key, t.value])
                if t.key == "mlflow.runName" {
                    try db.execute(sql: "UPDATE runs SET name = ? WHERE run_uuid = ?", arguments: [t.value, runID])
                }
            }
        }
    }

    static func insertParams(_ db: Database, runID: String, params: [Param]) throws {
        guard !params.isEmpty else { return }
        let select = try db.cachedStatement(sql: "SELECT value FROM params WHERE run_uuid = ? AND key = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)")
        for p in params {
            if let existing = try String.fetchOne(select, arguments: [runID, p.key]) {
                if existing != p.value {
                    throw VaneError.invalid("Changing param values is not allowed. Param with key='\(p.key)' was already logged with value='\(existing)' for run ID='\(runID)'. Attempted logging new value '\(p.value)'.")
                }
                continue
            }
            try insert.execute(arguments: [runID, p.key, p.value])
        }
    }

    /// Appends history rows and advances `latest_metrics` where a value is newer by MLflow's rule
    /// (larger step, then larger timestamp, then larger value).
    static func insertMetrics(_ db: Database, runID: String, metrics: [Metric]) throws {
        guard !metrics.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO metrics (run_uuid, key, step, timestamp, value, is_nan, model_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        var newest: [String: Metric] = [:]
        let stmt = insert.sqliteStatement
        for m in metrics {
            // Bound directly: a 1,000-metric batch is the ingest hot path.
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
            try bindText(stmt, 1, runID)
            try bindText(stmt, 2, m.key)
            sqlite3_bind_int64(stmt, 3, m.step)
            sqlite3_bind_int64(stmt, 4, m.timestamp)
            sqlite3_bind_double(stmt, 5, m.value.isNaN ? 0 : m.value)
            sqlite3_bind_int64(stmt, 6, m.value.isNaN ? 1 : 0)
            if let modelID = m.modelID { try bindText(stmt, 7, modelID) }
            let rc = sqlite3_step(stmt)
            guard rc == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            if let cur = newest[m.key] {
                if isNewer(m, than: cur) { newest[m.key] = m }
            } else {
                newest[m.key] = m
            }
        }
        sqlite3_reset(stmt)
        let select = try db.cachedStatement(sql: "SELECT step, timestamp, value, is_nan FROM latest_metrics WHERE run_uuid = ? AND key = ?")
        let upsert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for (key, m) in newest {
            if let row = try Row.fetchOne(select, arguments: [runID, key]) {
                let isNaN: Bool = row["is_nan"]
                let current = Metric(key: key, value: isNaN ? .nan : (row["value"] as Double? ?? .nan), timestamp: row["timestamp"], step: row["step"])
                if !isNewer(m, than: current) { continue }
            }
            try upsert.execute(arguments: [runID, key, m.step, m.timestamp, m.value.isNaN ? nil : m.value, m.value.isNaN ? 1 : 0])
        }
    }

    /// Binds a Swift string as SQLite text (copied, so the buffer may go away).
    static func bindText(_ stmt: OpaquePointer, _ index: Int32, _ text: String) throws {
        let rc = text.utf8CString.withUnsafeBufferPointer { buf in
            sqlite3_bind_text(stmt, index, buf.baseAddress, Int32(buf.count - 1), SQLITE_TRANSIENT_VALUE)
        }
        guard rc == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "bind failed") }
    }

    static func isNewer(_ a: Metric, than b: Metric) -> Bool {
        if a.step != b.step { return a.step > b.step }
        if a.timestamp != b.timestamp { return a.timestamp > b.timestamp }
        // MLflow compares values with NaN treated as smallest.
        if a.value.isNaN { return false }
        if b.value.isNaN { return true }
        return a.value >= b.value
    }

    public func deleteTag(runID: String, key: String) async throws {
        try await write("delete tag") { db in
            try Self.requireActiveRun(db, runID)
            try db.execute(sql: "DELETE FROM tags WHERE run_uuid = ? AND key = ?", arguments: [runID, key])
            if db.changesCount == 0 {
                throw VaneError.notFound("No tag with name: \(key) in run with id \(runID)")
            }
        }
    }

    public func logInputs(runID: String, datasets: [DatasetInput]) async throws {
        try await write("log inputs") { db in
            try Self.requireActiveRun(db, runID)
            let experimentID = try Int64.fetchOne(db, sql: "SELECT experiment_id FROM runs WHERE run_uuid = ?", arguments: [runID])!
            for input in datasets {
                let d = input.dataset
                var uuid = try String.fetchOne(db, sql: "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
                                               arguments: [experimentID, d.name, d.digest])
                if uuid == nil {
                    let fresh = Identifiers.hex32()
                    try db.execute(sql: """
                        INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [fresh, experimentID, d.name, d.digest, d.sourceType, d.source, d.schema, d.profile])
                    uuid = fresh
                }
                let tagsJSON = TagListCoding.encode(input.tags)
                try db.execute(sql: "INSERT OR REPLACE INTO run_inputs (run_uuid, dataset_uuid, tags) VALUES (?, ?, ?)",
                               arguments: [runID, uuid!, tagsJSON])
            }
        }
    }

    public func logOutputs(runID: String, models: [ModelOutput]) async throws {
        try await write("log outputs") { db in
            try Self.requireActiveRun(db, runID)
            for m in models {
                try db.execute(sql: "INSERT OR REPLACE INTO run_outputs (run_uuid, model_id, step) VALUES (?, ?, ?)",
                               arguments: [runID, m.modelID, m.step])
            }
        }
    }

    public func metricHistory(runID: String, key: String, maxResults: Int?, pageToken: String?) async throws -> Page<Metric> {
        let offset = try PageToken.decode(pageToken)
        if let maxResults { try Self.requirePositive(maxResults) }
        return try await read("get metric history") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_uuid = ?", arguments: [runID]) != nil else {
                throw VaneError.notFound("Run with id=\(runID) not found")
            }
            var sql = "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp"
            var args: StatementArguments = [runID, key]
            if let maxResults {
                sql += " LIMIT ? OFFSET ?"
                args += [maxResults + 1, offset]
            } else if offset > 0 {
                sql += " LIMIT -1 OFFSET ?"
                args += [offset]
            }
            var out: [Metric] = []
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(args)
            let stmt = statement.sqliteStatement
            // Read column by column: a 100,000-point history is a hot path.
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let isNaN = sqlite3_column_int64(stmt, 3) != 0 || sqlite3_column_type(stmt, 2) == SQLITE_NULL
                out.append(Metric(key: key, value: isNaN ? .nan : sqlite3_column_double(stmt, 2),
                                  timestamp: sqlite3_column_int64(stmt, 1), step: sqlite3_column_int64(stmt, 0)))
            }
            var token: String?
            if let maxResults, out.count > maxResults {
                out.removeLast(out.count - maxResults)
                token = PageToken.encode(offset: offset + maxResults)
            }
            return Page(items: out, nextPageToken: token)
        }
    }

    public func metricHistoryBulkInterval(runIDs: [String], key: String, startStep: Int64?, endStep: Int64?, maxResults: Int) async throws -> [Metric] {
        try Self.requirePositive(maxResults)
        return try await read("get metric history bulk interval") { db in
            var out: [Metric] = []
            for runID in runIDs {
                var sql = "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ?"
                var args: StatementArguments = [runID, key]
                if let s = startStep, let e = endStep { sql += " AND step BETWEEN ? AND ?"; args += [s, e] }
                sql += " ORDER BY step, timestamp"
                let rows = try Row.fetchAll(db, sql: sql, arguments: args)
                let metrics = rows.map { row in
                    Metric(key: key, value: (row[3] as Bool) ? .nan : (row[2] as Double? ?? .nan), timestamp: row[1], step: row[0], runID: runID)
                }
                out.append(contentsOf: Self.sampleSteps(metrics, maxResults: maxResults))
            }
            return out
        }
    }

    /// Keeps at most `maxResults` distinct steps, evenly spaced, always including the first and last step.
    static func sampleSteps(_ metrics: [Metric], maxResults: Int) -> [Metric] {
        let steps = Array(Set(metrics.map(\.step))).sorted()
        guard steps.count > maxResults else { return metrics }
        var keep = Set<Int64>()
        if maxResults == 1 { keep.insert(steps[0]) } else {
            for i in 0..<maxResults {
                keep.insert(steps[Int((Double(i) * Double(steps.count - 1) / Double(maxResults - 1)).rounded())])
            }
        }
        return metrics.filter { keep.contains($0.step) }
    }

    public func searchRuns(experimentIDs: [Int64], filter: String?, orderBy: [String], view: ViewType, maxResults: Int, pageToken: String?) async throws -> Page<Run> {
        try Self.requirePositive(maxResults)
        let parsed = try SearchFilter.runs(filter)
        let order = try SearchOrderBy.runs(orderBy)
        let offset = try PageToken.decode(pageToken)
        let query = try RunSearchSQL.build(experimentIDs: experimentIDs, lifecycleStages: view.stages, filter: parsed,
                                           orderBy: order, limit: maxResults + 1, offset: offset)
        return try await searchRead("search runs") { db in
            let ids = try String.fetchAll(db, sql: query.sql, arguments: query.arguments)
            let more = ids.count > maxResults
            let runs = try Self.loadRuns(db, ids: Array(ids.prefix(maxResults)))
            return Page(items: runs, nextPageToken: more ? PageToken.encode(offset: offset + maxResults) : nil)
        }
    }
}
