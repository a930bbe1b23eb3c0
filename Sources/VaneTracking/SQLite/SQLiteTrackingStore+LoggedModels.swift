import Foundation
import GRDB
import VaneCore

extension SQLiteTrackingStore {
    public func createLoggedModel(experimentID: Int64, name: String?, modelType: String?, sourceRunID: String?, params: [Param], tags: [Tag]) async throws -> LoggedModel {
        let modelID = "m-" + Identifiers.hex32()
        let now = clock.nowMillis()
        let modelName = (name?.isEmpty ?? true) ? RunNames.random() : name!
        return try await write("create logged model") { db in
            guard let location = try String.fetchOne(db, sql: "SELECT artifact_location FROM experiments WHERE experiment_id = ? AND lifecycle_stage = 'active'", arguments: [experimentID]) else {
                throw VaneError.notFound("No Experiment with id=\(experimentID) exists")
            }
            if let sourceRunID, try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_uuid = ?", arguments: [sourceRunID]) == nil {
                throw VaneError.notFound("Run with id=\(sourceRunID) not found")
            }
            let artifactLocation = Self.join(location, "models", modelID, "artifacts")
            try db.execute(sql: """
                INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms,
                    last_updated_timestamp_ms, status, model_type, source_run_id)
                VALUES (?, ?, ?, ?, ?, ?, 'LOGGED_MODEL_PENDING', ?, ?)
                """, arguments: [modelID, experimentID, modelName, artifactLocation, now, now, modelType, sourceRunID])
            for p in params {
                try db.execute(sql: "INSERT OR REPLACE INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)", arguments: [modelID, p.key, p.value])
            }
            for t in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)", arguments: [modelID, t.key, t.value])
            }
            return try Self.loadLoggedModels(db, ids: [modelID])[0]
        }
    }

    public func loggedModel(id: String) async throws -> LoggedModel {
        try await read("get logged model") { db in
            guard let m = try Self.loadLoggedModels(db, ids: [id]).first else {
                throw VaneError.notFound("Logged model with ID '\(id)' not found.")
            }
            return m
        }
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel {
        let now = clock.nowMillis()
        return try await write("finalize logged model") { db in
            try db.execute(sql: "UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? WHERE model_id = ? AND lifecycle_stage = 'active'",
                           arguments: [status.rawValue, now, id])
            if db.changesCount == 0 { throw VaneError.notFound("Logged model with ID '\(id)' not found.") }
            return try Self.loadLoggedModels(db, ids: [id])[0]
        }
    }

    public func setLoggedModelTags(id: String, tags: [Tag]) async throws {
        try await write("set logged model tags") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'", arguments: [id]) != nil else {
                throw VaneError.notFound("Logged model with ID '\(id)' not found.")
            }
            for t in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)", arguments: [id, t.key, t.value])
            }
        }
    }

    public func deleteLoggedModelTag(id: String, key: String) async throws {
        try await write("delete logged model tag") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'", arguments: [id]) != nil else {
                throw VaneError.notFound("Logged model with ID '\(id)' not found.")
            }
            try db.execute(sql: "DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?", arguments: [id, key])
            if db.changesCount == 0 { throw VaneError.notFound("No tag with key '\(key)' found for logged model '\(id)'.") }
        }
    }

    public func deleteLoggedModel(id: String) async throws {
        let now = clock.nowMillis()
        try await write("delete logged model") { db in
            try db.execute(sql: "UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = ? WHERE model_id = ?", arguments: [now, id])
            if db.changesCount == 0 { throw VaneError.notFound("Logged model with ID '\(id)' not found.") }
        }
    }

    /// Searches logged models. The filter supports `name`, `model_id`, `status`, `source_run_id`
    /// and `model_type` with `=`/`!=`/`LIKE`, joined by `AND` — what the client sends when resolving `runs:/` URIs.
    public func searchLoggedModels(experimentIDs: [Int64], filter: String?, maxResults: Int, pageToken: String?) async throws -> Page<LoggedModel> {
        try Self.requirePositive(maxResults)
        let parsed = try SearchFilter.loggedModels(filter)
        let offset = try PageToken.decode(pageToken)
        var conditions = ["lifecycle_stage = 'active'"]
        var args = StatementArguments()
        if !experimentIDs.isEmpty {
            conditions.append("experiment_id IN (\(Array(repeating: "?", count: experimentIDs.count).joined(separator: ",")))")
            args += StatementArguments(experimentIDs)
        }
        for clause in parsed.clauses {
            let (sql, clauseArgs) = try Self.loggedModelCondition(clause)
            conditions.append(sql)
            args += clauseArgs
        }
        let sql = "SELECT model_id FROM logged_models WHERE \(conditions.joined(separator: " AND ")) ORDER BY creation_timestamp_ms DESC, model_id LIMIT ? OFFSET ?"
        args += [maxResults + 1, offset]
        let finalArgs = args
        return try await searchRead("search logged models") { db in
            let ids = try String.fetchAll(db, sql: sql, arguments: finalArgs)
            let models = try Self.loadLoggedModels(db, ids: Array(ids.prefix(maxResults)))
            return Page(items: models, nextPageToken: ids.count > maxResults ? PageToken.encode(offset: offset + maxResults) : nil)
        }
    }

    /// One logged-model filter clause as SQL over `logged_models`.
    static func loggedModelCondition(_ clause: SearchClause) throws(VaneError) -> (String, StatementArguments) {
        let subject: String
        var numeric = false
        switch clause.key.entity {
        case .attribute:
            switch clause.key.key {
            case "name", "model_id", "status", "source_run_id", "model_type": subject = clause.key.key
            case "creation_timestamp": subject = "creation_timestamp_ms"; numeric = true
            case "last_updated_timestamp": subject = "last_updated_timestamp_ms"; numeric = true
            default: throw VaneError.invalid("Invalid attribute key '\(clause.key.key)' specified.")
            }
        case .param: subject = "(SELECT value FROM logged_model_params p WHERE p.model_id = logged_models.model_id AND p.key = ?)"
        case .tag: subject = "(SELECT value FROM logged_model_tags t WHERE t.model_id = logged_models.model_id AND t.key = ?)"
        case .metric:
            subject = "(SELECT value FROM metrics m WHERE m.model_id = logged_models.model_id AND m.key = ? ORDER BY m.step DESC, m.timestamp DESC LIMIT 1)"
            numeric = true
        default: throw VaneError.invalid("Invalid logged model search key '\(clause.key.key)'")
        }
        var args = StatementArguments()
        if clause.key.entity != .attribute { args += [clause.key.key] }
        let value: any DatabaseValueConvertible
        switch clause.value {
        case .number(let d): value = d
        case .string(let s):
            if numeric {
                guard let d = Double(s) else { throw VaneError.invalid("Expected a numeric value for '\(clause.key.key)'") }
                value = d
            } else { value = s }
        case .list(let items):
            guard clause.comparator == .in || clause.comparator == .notIn else { throw VaneError.invalid("Invalid list value for '\(clause.key.key)'") }
            let marks = Array(repeating: "?", count: items.count).joined(separator: ",")
            return ("\(subject) \(clause.comparator == .in ? "IN" : "NOT IN") (\(marks))", args + StatementArguments(items))
        case .none:
            switch clause.comparator {
            case .isNull: return ("\(subject) IS NULL", args)
            case .isNotNull: return ("\(subject) IS NOT NULL", args)
            default: throw VaneError.invalid("Missing value for '\(clause.key.key)'")
            }
        }
        switch clause.comparator {
        case .equal: return ("\(subject) = ?", args + [value])
        case .notEqual: return ("\(subject) != ?", args + [value])
        case .less: return ("\(subject) < ?", args + [value])
        case .lessOrEqual: return ("\(subject) <= ?", args + [value])
        case .greater: return ("\(subject) > ?", args + [value])
        case .greaterOrEqual: return ("\(subject) >= ?", args + [value])
        case .like: return ("\(subject) LIKE ?", args + [value])
        case .ilike: return ("LOWER(\(subject)) LIKE LOWER(?)", args + [value])
        default: throw VaneError.invalid("Invalid comparator '\(clause.comparator.rawValue)' for '\(clause.key.key)'")
        }
    }

    static func loadLoggedModels(_ db: Database, ids: [String]) throws -> [LoggedModel] {
        try ids.compactMap { id in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'", arguments: [id]) else { return nil }
            let tags = try Row.fetchAll(db, sql: "SELECT key, value FROM logged_model_tags WHERE model_id = ? ORDER BY key", arguments: [id])
                .map { Tag(key: $0["key"], value: $0["value"] ?? "") }
            let params = try Row.fetchAll(db, sql: "SELECT key, value FROM logged_model_params WHERE model_id = ? ORDER BY key", arguments: [id])
                .map { Param(key: $0["key"], value: $0["value"]) }
            let metrics = try Row.fetchAll(db, sql: """
                SELECT m.run_uuid, m.key, m.step, m.timestamp, m.value, m.is_nan FROM metrics m
                WHERE m.model_id = ? ORDER BY m.key, m.step, m.timestamp
                """, arguments: [id]).map { r in
                Metric(key: r[1], value: (r[5] as Bool) ? .nan : (r[4] as Double? ?? .nan), timestamp: r[3], step: r[2], runID: r[0], modelID: id)
            }
            return LoggedModel(
                modelID: id, experimentID: row["experiment_id"], name: row["name"], artifactLocation: row["artifact_location"],
                creationTimestamp: row["creation_timestamp_ms"], lastUpdatedTimestamp: row["last_updated_timestamp_ms"],
                status: LoggedModelStatus(rawValue: row["status"]) ?? .pending, modelType: row["model_type"],
                sourceRunID: row["source_run_id"], tags: tags, params: params, metrics: metrics)
        }
    }

    // MARK: Garbage collection

    public func deletedRunIDs(olderThan: EpochMillis?) async throws -> [(runID: String, artifactURI: String)] {
        try await read("list deleted runs") { db in
            var sql = "SELECT run_uuid, artifact_uri FROM runs WHERE lifecycle_stage = 'deleted'"
            var args = StatementArguments()
            if let olderThan { sql += " AND COALESCE(deleted_time, 0) <= ?"; args += [olderThan] }
            return try Row.fetchAll(db, sql: sql, arguments: args).map { (runID: $0[0] as String, artifactURI: $0[1] as String) }
        }
    }

    public func deletedExperimentIDs(olderThan: EpochMillis?) async throws -> [(experimentID: Int64, artifactLocation: String)] {
        try await read("list deleted experiments") { db in
            var sql = "SELECT experiment_id, artifact_location FROM experiments WHERE lifecycle_stage = 'deleted'"
            var args = StatementArguments()
            if let olderThan { sql += " AND COALESCE(last_update_time, 0) <= ?"; args += [olderThan] }
            return try Row.fetchAll(db, sql: sql, arguments: args).map { (experimentID: $0[0] as Int64, artifactLocation: $0[1] as String) }
        }
    }

    public func purgeRuns(ids: [String]) async throws {
        try await write("purge runs") { db in
            for id in ids {
                try db.execute(sql: "DELETE FROM runs WHERE run_uuid = ? AND lifecycle_stage = 'deleted'", arguments: [id])
            }
        }
    }

    public func purgeExperiments(ids: [Int64]) async throws {
        try await write("purge experiments") { db in
            for id in ids where id != 0 {
                try db.execute(sql: "DELETE FROM experiments WHERE experiment_id = ? AND lifecycle_stage = 'deleted'", arguments: [id])
            }
        }
    }
}
