import GRDB
import VaneCore

/// Compiles a SearchExperiments request into one SQL statement over `experiments` and
/// `experiment_tags`, with MLflow's semantics:
///
/// - `name` compares with `=`, `!=`, case-sensitive LIKE and case-insensitive ILIKE;
///   `creation_time` / `last_update_time` numerically;
/// - tag terms match experiments that have the tag; `IS NULL` / `IS NOT NULL` test its absence
///   or presence;
/// - without order_by the order is `creation_time DESC, experiment_id ASC`; an order_by
///   without `experiment_id` gets `experiment_id DESC` as the tie-breaker (MLflow's store).
///   NULL times sort as SQLite sorts them (first ascending, last descending), as in MLflow.
public enum ExperimentSearchSQL {
    /// SQL selecting `experiment_id` of matching experiments in MLflow's order, with LIMIT/OFFSET.
    public static func build(
        lifecycleStages: [String], filter: SearchFilter, orderBy: [OrderByClause], limit: Int, offset: Int
    ) throws(VaneError) -> (sql: String, arguments: StatementArguments) {
        try RunSearchSQL.checkPaging(limit: limit, offset: offset)
        var q = RunSearchSQL.Fragment("SELECT e.experiment_id FROM experiments e WHERE e.lifecycle_stage IN (\(RunSearchSQL.Fragment.placeholders(lifecycleStages.count)))",
                            lifecycleStages.map(\.databaseValue))
        for clause in filter.clauses {
            q.append(" AND ")
            q.append(try term(clause))
        }
        var parts: [String] = []
        let keys = orderBy.isEmpty
            ? [OrderByClause(key: SearchKey(entity: .attribute, key: "creation_time"), ascending: false),
               OrderByClause(key: SearchKey(entity: .attribute, key: "experiment_id"), ascending: true)]
            : orderBy
        for clause in keys {
            guard clause.key.entity == .attribute else {
                throw VaneError.invalid("Invalid order_by entity: \(clause.key.entity)")
            }
            parts.append("\(try column(clause.key.key, orderable: true)) \(clause.ascending ? "ASC" : "DESC")")
        }
        if !keys.contains(where: { $0.key == SearchKey(entity: .attribute, key: "experiment_id") }) {
            parts.append("e.experiment_id DESC")
        }
        q.append(" ORDER BY \(parts.joined(separator: ", "))")
        q.append(" LIMIT ? OFFSET ?", [limit.databaseValue, offset.databaseValue])
        return (q.sql, q.statementArguments)
    }

    static func column(_ attribute: String, orderable: Bool) throws(VaneError) -> String {
        switch attribute {
        case "name", "creation_time", "last_update_time": return "e.\(attribute)"
        case "experiment_id" where orderable: return "e.experiment_id"
        default: throw VaneError.invalid("Invalid attribute key '\(attribute)' for experiments")
        }
    }

    static func term(_ clause: SearchClause) throws(VaneError) -> RunSearchSQL.Fragment {
        switch clause.key.entity {
        case .attribute:
            return try RunSearchSQL.compare(try column(clause.key.key, orderable: false), clause.comparator, clause.value)
        case .tag:
            let negate = clause.comparator == .isNull
            var f = RunSearchSQL.Fragment("\(negate ? "NOT EXISTS" : "EXISTS") (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = ?",
                                [clause.key.key.databaseValue])
            if clause.comparator != .isNull && clause.comparator != .isNotNull {
                f.append(" AND ")
                f.append(try RunSearchSQL.compare("t.value", clause.comparator, clause.value))
            }
            f.append(")")
            return f
        case .metric, .param, .dataset:
            throw VaneError.invalid("Invalid token type: \(clause.key.entity)")
        }
    }
}
