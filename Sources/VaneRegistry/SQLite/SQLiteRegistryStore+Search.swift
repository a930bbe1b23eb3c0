import Foundation
import GRDB
import VaneCore
import VaneStorage
import VaneTracking

extension SQLiteRegistryStore {
    /// A page size the SQL can use. MLflow's bounds are ``ValidatingRegistryStore``'s; this only
    /// keeps a caller that skips it from building a statement with a negative or overflowing limit.
    static func requirePositive(_ maxResults: Int) throws(VaneError) {
        guard maxResults >= 1, maxResults <= Int(Int32.max) else { throw VaneError.invalid("Invalid value for max_results: \(maxResults)") }
    }

    /// `read` for a search: a database error reaches the client only as
    /// `SearchLimits.error` makes it, without SQL text.
    func searchRead<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await DatabaseTiming.measure(context) { try await db.read(body) }
        } catch {
            throw SearchLimits.error(error, context: context)
        }
    }

    public func searchRegisteredModels(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<RegisteredModel> {
        try Self.requirePositive(maxResults)
        let parsed = try SearchFilter.registeredModels(filter)
        let order = try SearchOrderBy.registeredModels(orderBy)
        let offset = try PageToken.decode(pageToken)
        var conditions: [String] = []
        var args = StatementArguments()
        for clause in parsed.clauses {
            let (sql, a) = try Self.condition(for: clause, table: "m", tagTable: "registered_model_tags", tagJoin: "t.name = m.name")
            conditions.append(sql); args += a
        }
        var orderSQL: [String] = []
        for o in order {
            let dir = o.ascending ? "ASC" : "DESC"
            switch o.key.key {
            case "name": orderSQL.append("m.name \(dir)")
            case "creation_timestamp", "creation_time": orderSQL.append("m.creation_time \(dir)")
            case "last_updated_timestamp", "last_updated_time", "timestamp": orderSQL.append("m.last_updated_time \(dir)")
            default: throw VaneError.invalid("Invalid order by key '\(o.key.key)' for registered models")
            }
        }
        if !order.contains(where: { $0.key.key == "name" }) { orderSQL.append("m.name ASC") }
        let whereSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT m.name FROM registered_models m \(whereSQL) ORDER BY \(orderSQL.joined(separator: ", ")) LIMIT ? OFFSET ?"
        args += [maxResults + 1, offset]
        let finalArgs = args
        return try await searchRead("search registered models") { db in
            let names = try String.fetchAll(db, sql: sql, arguments: finalArgs)
            let models = try names.prefix(maxResults).map { try Self.loadModel(db, $0) }
            return Page(items: models, nextPageToken: names.count > maxResults ? PageToken.encode(offset: offset + maxResults) : nil)
        }
    }

    public func searchModelVersions(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<ModelVersion> {
        try Self.requirePositive(maxResults)
        let parsed = try SearchFilter.modelVersions(filter)
        let order = try SearchOrderBy.modelVersions(orderBy)
        let offset = try PageToken.decode(pageToken)
        var conditions = ["v.deleted = 0"]
        var args = StatementArguments()
        for clause in parsed.clauses {
            let (sql, a) = try Self.condition(for: clause, table: "v", tagTable: "model_version_tags", tagJoin: "t.name = v.name AND t.version = v.version")
            conditions.append(sql); args += a
        }
        var orderSQL: [String] = []
        for o in order {
            let dir = o.ascending ? "ASC" : "DESC"
            switch o.key.key {
            case "name": orderSQL.append("v.name \(dir)")
            case "version_number", "version": orderSQL.append("v.version \(dir)")
            case "creation_timestamp", "creation_time": orderSQL.append("v.creation_time \(dir)")
            case "last_updated_timestamp", "last_updated_time", "timestamp": orderSQL.append("v.last_updated_time \(dir)")
            case "run_id": orderSQL.append("v.run_id \(dir)")
            case "current_stage": orderSQL.append("v.current_stage \(dir)")
            case "source_path", "source": orderSQL.append("v.source \(dir)")
            default: throw VaneError.invalid("Invalid order by key '\(o.key.key)' for model versions")
            }
        }
        orderSQL.append(contentsOf: ["v.name ASC", "v.version DESC"])
        let sql = "SELECT v.name, v.version FROM model_versions v WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(orderSQL.joined(separator: ", ")) LIMIT ? OFFSET ?"
        args += [maxResults + 1, offset]
        let finalArgs = args
        return try await searchRead("search model versions") { db in
            let keys = try Row.fetchAll(db, sql: sql, arguments: finalArgs).map { ($0[0] as String, $0[1] as Int64) }
            let versions = try keys.prefix(maxResults).map { try Self.loadVersion(db, $0.0, $0.1) }
            return Page(items: versions, nextPageToken: keys.count > maxResults ? PageToken.encode(offset: offset + maxResults) : nil)
        }
    }

    /// Translates one filter clause into SQL over a registry table aliased `table`.
    static func condition(for clause: SearchClause, table: String, tagTable: String, tagJoin: String) throws(VaneError) -> (String, StatementArguments) {
        let column: String
        var numeric = false
        switch clause.key.entity {
        case .tag:
            if clause.comparator == .notEqual, case .string(let value) = clause.value {
                // As in MLflow's registry, `!=` also matches models without the tag (the client
                // itself appends `tags.mlflow.prompt.is_prompt != 'true'` to every search).
                return ("NOT EXISTS (SELECT 1 FROM \(tagTable) t WHERE \(tagJoin) AND t.key = ? AND t.value = ?)", [clause.key.key, value])
            }
            let (cmp, args) = try comparison("t.value", clause, numeric: false)
            return ("EXISTS (SELECT 1 FROM \(tagTable) t WHERE \(tagJoin) AND t.key = ? AND \(cmp))", StatementArguments([clause.key.key]) + args)
        case .attribute:
            switch clause.key.key {
            case "name": column = "\(table).name"
            case "run_id": column = "\(table).run_id"
            case "source_path", "source": column = "\(table).source"
            case "version_number", "version": column = "\(table).version"; numeric = true
            case "current_stage": column = "\(table).current_stage"
            case "description": column = "\(table).description"
            case "creation_timestamp": column = "\(table).creation_time"; numeric = true
            case "last_updated_timestamp": column = "\(table).last_updated_time"; numeric = true
            default: throw VaneError.invalid("Invalid attribute key '\(clause.key.key)' specified.")
            }
        default:
            throw VaneError.invalid("Invalid filter: '\(clause.key.key)' is not a valid search key here.")
        }
        return try comparison(column, clause, numeric: numeric)
    }

    static func comparison(_ column: String, _ clause: SearchClause, numeric: Bool) throws(VaneError) -> (String, StatementArguments) {
        func scalar() throws(VaneError) -> any DatabaseValueConvertible {
            switch clause.value {
            case .number(let d): return numeric ? d : String(Int64(exactly: d).map(String.init) ?? String(d))
            case .string(let s):
                if numeric {
                    guard let d = Double(s) else { throw VaneError.invalid("Expected a numeric value for '\(clause.key.key)' but got '\(s)'") }
                    return d
                }
                return s
            default: throw VaneError.invalid("Invalid value for '\(clause.key.key)'")
            }
        }
        switch clause.comparator {
        case .equal: return ("\(column) = ?", [try scalar()])
        case .notEqual: return ("\(column) != ?", [try scalar()])
        case .less: return ("\(column) < ?", [try scalar()])
        case .lessOrEqual: return ("\(column) <= ?", [try scalar()])
        case .greater: return ("\(column) > ?", [try scalar()])
        case .greaterOrEqual: return ("\(column) >= ?", [try scalar()])
        case .like: return ("\(column) GLOB ?", [RunSearchSQL.globPattern(fromLike: try scalar() as? String ?? "")])
        case .ilike: return ("LOWER(\(column)) LIKE LOWER(?) ESCAPE '\\'", [try scalar()])
        case .in, .notIn:
            guard case .list(let items) = clause.value, !items.isEmpty else { throw VaneError.invalid("Invalid IN clause for '\(clause.key.key)'") }
            let marks = Array(repeating: "?", count: items.count).joined(separator: ",")
            var values: [any DatabaseValueConvertible] = []
            for item in items {
                if numeric {
                    guard let d = Double(item) else { throw VaneError.invalid("Expected numeric values in the IN list for '\(clause.key.key)', got '\(item)'") }
                    values.append(d)
                } else {
                    values.append(item)
                }
            }
            return ("\(column) \(clause.comparator == .in ? "IN" : "NOT IN") (\(marks))", StatementArguments(values))
        case .isNull: return ("\(column) IS NULL", [])
        case .isNotNull: return ("\(column) IS NOT NULL", [])
        }
    }
}
