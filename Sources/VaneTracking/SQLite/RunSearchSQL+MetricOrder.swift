import GRDB
import VaneCore

/// The plans that follow the leading metric order key's `(key, value)` index.
extension RunSearchSQL.Planner {
    typealias Fragment = RunSearchSQL.Fragment

    /// `offset + limit`: how many rows an ordered plan must produce.
    var window: Int { limit > Int.max - offset ? Int.max : limit + offset }

    /// CTEs `b` and `w`: a walk of the leading metric's `(key, value)` index, bounded by the
    /// smallest candidate count, that stops after `offset + limit` matches.
    ///
    /// `b` is the value at the budget's end; `w` walks only values strictly before it, so
    /// the walked rows are a prefix of MLflow's order (a tie at the boundary is never cut)
    /// and a whole page found there is exactly the page the driven plan would sort out of
    /// its candidates. When the filter's matches are dense among the high (or low) values,
    /// this reads far fewer rows than the driver; when they are not, it costs at most a
    /// budget's worth of probes before the driver runs.
    func boundedWalk(_ first: OrderByClause, candidates n: Int, threshold: Int) throws(VaneError) -> Fragment {
        let key = first.key.key.databaseValue
        let direction = first.ascending ? "ASC" : "DESC"
        let beyond = first.ascending ? "<" : ">"
        // ±Inf when the budget covers every value: then the walk covers all but infinities.
        let open = first.ascending ? "9e999" : "-9e999"
        let counts = (0..<n).map { "c\($0)" }.joined(separator: ", ")
        var q = Fragment("b(v) AS MATERIALIZED (SELECT coalesce((SELECT value FROM latest_metrics WHERE key = ? AND value IS NOT NULL ORDER BY value \(direction) LIMIT 1 OFFSET (SELECT max(min(\(counts), \(threshold)) - 1, 0) FROM g)), \(open)))", [key])
        let rest = try orderTerms(from: 1)
        q.append(", w(run_uuid) AS MATERIALIZED (SELECT r.run_uuid FROM latest_metrics o CROSS JOIN runs r ON r.run_uuid = o.run_uuid AND o.key = ? AND o.value \(beyond) (SELECT v FROM b) AND (o.value != 0 OR NOT EXISTS (SELECT 1 FROM latest_metrics x WHERE x.run_uuid = o.run_uuid AND x.key = o.key AND x.is_nan = 1))", [key])
        q.append(rest.joins)
        q.append(" WHERE ")
        q.append(runConditions())
        q.append(try allTerms(runID: "o.run_uuid"))
        q.append(" ORDER BY o.value \(direction), ")
        q.append(rest.orderBy)
        q.append(" LIMIT \(window))")
        return q
    }

    /// Three ordered segments, concatenated: runs with a real value for the leading
    /// metric (walked in index order, so the scan stops once enough rows are found),
    /// runs whose latest value is NaN, runs without the metric. SQLite runs UNION ALL
    /// arms in order and stops at the outer LIMIT, so later segments only run when the
    /// earlier ones come up short.
    func metricOrdered(_ first: OrderByClause, _ arm: Arm) throws(VaneError) -> Fragment {
        let window = self.window
        let key = first.key.key.databaseValue
        let direction = first.ascending ? "ASC" : "DESC"
        let rest = try orderTerms(from: 1)

        func segment(_ source: String, _ sourceArgs: [DatabaseValue], runID: String, leading: String?, extra: Fragment? = nil) throws(VaneError) -> Fragment {
            var s = Fragment("SELECT run_uuid FROM (SELECT r.run_uuid FROM \(source)", sourceArgs)
            s.append(rest.joins)
            s.append(" WHERE ")
            if let extra {
                s.append(extra)
                s.append(" AND ")
            }
            s.append(runConditions())
            s.append(try allTerms(runID: runID))
            s.append(" ORDER BY ")
            if let leading { s.append("\(leading), ") }
            s.append(rest.orderBy)
            s.append(limitClause(window, arm))
            s.append(")")
            return s
        }

        var q = Fragment("SELECT run_uuid FROM (")
        // Real values: a covering scan of (key, value); only rows whose value is 0 need
        // a look at is_nan (a NaN is stored as NULL or 0).
        q.append(try segment(
            "latest_metrics o CROSS JOIN runs r ON r.run_uuid = o.run_uuid AND o.key = ? AND o.value IS NOT NULL AND (o.value != 0 OR NOT EXISTS (SELECT 1 FROM latest_metrics x WHERE x.run_uuid = o.run_uuid AND x.key = o.key AND x.is_nan = 1))",
            [key], runID: "o.run_uuid", leading: "o.value \(direction)"))
        q.append(" UNION ALL ")
        // NaN values: the index ranges of NULL and 0, then is_nan.
        q.append(try segment(
            "(SELECT n.run_uuid FROM latest_metrics n WHERE n.key = ? AND n.value IS NULL AND n.is_nan = 1 UNION ALL SELECT n.run_uuid FROM latest_metrics n WHERE n.key = ? AND n.value = 0 AND n.is_nan = 1) o CROSS JOIN runs r ON r.run_uuid = o.run_uuid",
            [key, key], runID: "o.run_uuid", leading: nil))
        q.append(" UNION ALL ")
        q.append(try segment(
            "runs r", [], runID: "r.run_uuid", leading: nil,
            extra: Fragment("NOT EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_uuid = r.run_uuid AND m.key = ?)", [key])))
        q.append(") LIMIT ? OFFSET ?", [limit.databaseValue, offset.databaseValue])
        return q
    }
}
