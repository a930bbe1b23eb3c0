// TEMPORARY STUB
import GRDB
import VaneCore
public enum RunSearchSQL {
    public static func build(experimentIDs: [Int64], lifecycleStages: [String], filter: SearchFilter, orderBy: [OrderByClause], limit: Int, offset: Int) throws(VaneError) -> (sql: String, arguments: StatementArguments) {
        let e = Array(repeating: "?", count: experimentIDs.count).joined(separator: ",")
        let s = Array(repeating: "?", count: lifecycleStages.count).joined(separator: ",")
        return ("SELECT run_uuid FROM runs WHERE experiment_id IN (\(e)) AND lifecycle_stage IN (\(s)) ORDER BY start_time DESC, run_uuid LIMIT ? OFFSET ?",
                StatementArguments(experimentIDs) + StatementArguments(lifecycleStages) + [limit, offset])
    }
}
