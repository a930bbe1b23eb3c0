// TEMPORARY STUB
import GRDB
import VaneCore
public enum ExperimentSearchSQL {
    public static func build(lifecycleStages: [String], filter: SearchFilter, orderBy: [OrderByClause], limit: Int, offset: Int) throws(VaneError) -> (sql: String, arguments: StatementArguments) {
        let s = Array(repeating: "?", count: lifecycleStages.count).joined(separator: ",")
        return ("SELECT experiment_id FROM experiments WHERE lifecycle_stage IN (\(s)) ORDER BY creation_time DESC, experiment_id LIMIT ? OFFSET ?",
                StatementArguments(lifecycleStages) + [limit, offset])
    }
}
