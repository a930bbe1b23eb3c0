import GRDB
import VaneCore

/// Compiles a SearchRuns request into one SQL statement over ``TrackingSchema``'s tables,
/// with MLflow's semantics and order:
///
/// - metric terms compare the run's latest value (`latest_metrics`); a NaN latest value
///   satisfies only `!=`, as on MLflow's server;
/// - param, tag and metric terms only match runs that have the key (`!=` included);
///   `IS NULL` / `IS NOT NULL` test the key's absence or presence;
/// - `attributes.run_name` matches the `mlflow.runName` tag (the column for runs without it);
/// - LIKE is case-sensitive (MLflow sets `case_sensitive_like` on SQLite), ILIKE is not;
/// - each order_by key sorts missing values last in both directions (for metrics: real
///   values, then NaN, then missing), then `start_time DESC` unless start_time was an order
///   key, then `run_uuid`. Without order_by: `start_time DESC, run_uuid`.
///
/// The store must keep a NaN latest value with `is_nan = 1` and `value` NULL or 0 (SQLite
/// turns a bound NaN into NULL; MLflow writes 0): the ordered scan below recognises NaN rows
/// from the `(key, value)` index without reading every row.
///
/// ## Plans
/// The statement picks its plan at run time, so that it stays fast without table
/// statistics. When filter terms can be read from an index (param/tag/metric equality, LIKE
/// with a literal prefix, metric range), the rows of up to three of them are counted, each
/// count capped at a threshold, and the counts select one arm of a UNION ALL (every other
/// arm gets LIMIT 0, which SQLite does not run):
/// - the term with the fewest rows, if under the threshold: read its run ids in `run_uuid`
///   order, join the other key-value terms by primary key in that order (good locality), sort
///   the survivors;
/// - otherwise, or with no such term: scan in the requested order and stop after
///   `offset + limit` results. For a leading metric key that walks the `(key, value)` index
///   (real values, then NaN, then runs without the metric); otherwise the runs, whose
///   `runs_by_experiment` index is already in `start_time DESC, run_uuid` order.
///
/// The statement relies on SQLite emitting a subquery's rows in its ORDER BY order and
/// UNION ALL arms one after the other; the tests pin the resulting orders down.
public enum RunSearchSQL {
    /// SQL selecting `run_uuid` of matching runs in MLflow's order, with LIMIT/OFFSET.
    ///
    /// Throws `VaneError.invalid` for negative paging values and for clauses that do not
    /// belong to a runs search (e.g. a dataset order key).
    public static func build(
        experimentIDs: [Int64], lifecycleStages: [String], filter: SearchFilter,
        orderBy: [OrderByClause], limit: Int, offset: Int
    ) throws(VaneError) -> (sql: String, arguments: StatementArguments) {
        try checkPaging(limit: limit, offset: offset)
        let query = try Planner(experimentIDs: experimentIDs, lifecycleStages: lifecycleStages,
                                filter: filter, orderBy: orderBy, limit: limit, offset: offset).statement()
        try SearchLimits.checkArguments(query.arguments.count)
        return (query.sql, query.statementArguments)
    }

    /// The pieces of one statement and the plans assembled from them.
    struct Planner {
        var experimentIDs: [Int64]
        var lifecycleStages: [String]
        var filter: SearchFilter
        var orderBy: [OrderByClause]
        var limit: Int
        var offset: Int

        /// A filter term that can be read from an index.
        struct Driver {
            var clauseIndex: Int
            /// `SELECT k.run_uuid FROM table k WHERE …`, read from a covering index. It may
            /// return more runs than the term matches; then ``exact`` is false and the term
            /// is checked again.
            var source: Fragment
            var exact: Bool
            /// Lower is more selective: 0 run ids, 1 equality, 2 LIKE prefix, 3 range.
            var rank: Int
        }

        /// A way to start the search whose row count is measured: a filter term, or the runs
        /// of the searched experiments (for a metric order over a small experiment in a large
        /// database, sorting those runs beats walking the metric's index over all runs).
        enum Candidate {
            case driver(Driver)
            case scope
        }

        /// When a plan's rows are wanted: always, when candidate `i` has the fewest rows
        /// (below the threshold), or when every candidate has too many.
        enum Arm {
            case always
            /// Candidate `i` drives; with `unlessWalked`, only if the bounded walk came up short.
            case candidate(Int, of: Int, threshold: Int, unlessWalked: Bool)
            case scan(candidates: Int, threshold: Int)
            /// The bounded walk of the leading metric found a whole page (see ``boundedWalk``).
            case walked(candidates: Int, threshold: Int)
        }

        /// At most this many filter terms are counted.
        static let maxCandidates = 3

        /// Up to how many rows a candidate beats the ordered scan: a metric-ordered scan stops
        /// early but probes at random; a start_time-ordered walk of the runs index is cheaper
        /// still; any other order sorts every run in scope anyway.
        var threshold: Int {
            guard let first = orderBy.first else { return 3_000 }
            switch first.key.entity {
            case .metric: return 15_000
            case .attribute where first.key.key == "start_time": return 3_000
            default: return 50_000
            }
        }

        func statement() throws(VaneError) -> Fragment {
            for clause in orderBy where clause.key.entity == .dataset {
                throw VaneError.invalid("Invalid identifier type 'dataset'")
            }
            let drivers = try candidateDrivers()
            if let best = drivers.first, best.rank == 0 {
                // run_id = / IN: the runs' primary key finds the few candidates directly.
                return try runsScan(.always)
            }
            var candidates = drivers.map(Candidate.driver)
            if orderBy.first?.key.entity == .metric { candidates.append(.scope) }
            if candidates.isEmpty { return try fallback(.always) }

            // One UNION ALL arm per plan; the counts give every arm but one a LIMIT of 0, and
            // SQLite does not run a query whose LIMIT is 0. Each count stops at the smallest
            // count so far (at first the threshold): a later candidate only matters if it is
            // strictly smaller, and the comparisons below stay exact with these caps.
            let n = candidates.count
            let threshold = self.threshold
            var q = Fragment("WITH ")
            for (i, candidate) in candidates.enumerated() {
                let cap = i == 0 ? "\(threshold)" : "(SELECT min(\((0..<i).map { "c\($0)" }.joined(separator: ", ")), \(threshold)) FROM \((0..<i).map { "g\($0)" }.joined(separator: ", ")))"
                q.append("\(i > 0 ? ", " : "")g\(i)(c\(i)) AS MATERIALIZED (SELECT count(*) FROM (")
                switch candidate {
                case .driver(let driver): q.append(driver.source)
                case .scope:
                    q.append("SELECT r.run_uuid FROM runs r WHERE ")
                    q.append(runConditions())
                }
                q.append(" LIMIT \(cap)))")
            }
            q.append(", g AS (SELECT * FROM \((0..<n).map { "g\($0)" }.joined(separator: ", ")))")
            let walk = orderBy.first.flatMap { $0.key.entity == .metric ? $0 : nil }
            if let walk {
                q.append(", ")
                q.append(try boundedWalk(walk, candidates: n, threshold: threshold))
            }
            for (i, candidate) in candidates.enumerated() {
                q.append(i == 0 ? " SELECT run_uuid FROM (" : " UNION ALL SELECT run_uuid FROM (")
                let arm = Arm.candidate(i, of: n, threshold: threshold, unlessWalked: walk != nil)
                switch candidate {
                case .driver(let driver): q.append(try driven(by: driver, arm))
                case .scope: q.append(try runsScan(arm))
                }
                q.append(")")
            }
            if walk != nil {
                // The walk's rows, when it found a whole page before its budget ran out.
                q.append(" UNION ALL SELECT run_uuid FROM (SELECT run_uuid FROM w")
                q.append(limitClause(limit, .walked(candidates: n, threshold: threshold)))
                q.append(" OFFSET ?)", [offset.databaseValue])
            }
            q.append(" UNION ALL SELECT run_uuid FROM (")
            q.append(try fallback(.scan(candidates: n, threshold: threshold)))
            q.append(")")
            return q
        }

        /// `LIMIT n`, made 0 when `arm` is not the one the driver count selects.
        func limitClause(_ n: Int, _ arm: Arm) -> Fragment {
            switch arm {
            case .always:
                return Fragment(" LIMIT ?", [n.databaseValue])
            case .candidate(let i, let count, let threshold, let unlessWalked):
                // Candidate i wins if it is under the threshold, strictly below earlier ones
                // and not above later ones.
                var conditions = ["c\(i) < \(threshold)"]
                for j in 0..<count where j != i { conditions.append("c\(i) \(j < i ? "<" : "<=") c\(j)") }
                if unlessWalked { conditions.append("(SELECT count(*) FROM w) < \(window)") }
                return Fragment(" LIMIT (SELECT CASE WHEN \(conditions.joined(separator: " AND ")) THEN ? ELSE 0 END FROM g)", [n.databaseValue])
            case .walked(let count, let threshold):
                let anyCandidate = (0..<count).map { "c\($0) < \(threshold)" }.joined(separator: " OR ")
                return Fragment(" LIMIT (SELECT CASE WHEN (\(anyCandidate)) AND (SELECT count(*) FROM w) >= \(window) THEN ? ELSE 0 END FROM g)", [n.databaseValue])
            case .scan(let count, let threshold):
                let conditions = (0..<count).map { "c\($0) >= \(threshold)" }.joined(separator: " AND ")
                return Fragment(" LIMIT (SELECT CASE WHEN \(conditions) THEN ? ELSE 0 END FROM g)", [n.databaseValue])
            }
        }

        // MARK: Plans

        /// Reads the driver's run ids in `run_uuid` order, probes everything else by key in
        /// that order (good page locality), then sorts the few survivors in MLflow's order.
        func driven(by driver: Driver, _ arm: Arm) throws(VaneError) -> Fragment {
            var q = Fragment("SELECT r.run_uuid FROM (")
            q.append(driver.source)
            q.append(" ORDER BY k.run_uuid LIMIT -1) d")
            // Key-value terms become joins probed in d's run_uuid order, most selective first
            // (cheaper than correlated subqueries; the (run_uuid, key) keys keep rows unique).
            var predicates: [Int] = []
            for (n, i) in try rankedClauses(skipping: driver.exact ? driver.clauseIndex : nil).enumerated() {
                let clause = filter.clauses[i]
                guard n < Self.maxJoinedFilterTerms, clause.key.entity != .attribute, clause.key.entity != .dataset,
                      case let keyed = try keyedCondition(clause, alias: "f\(n)"), !keyed.negate else {
                    predicates.append(i)
                    continue
                }
                q.append(" CROSS JOIN \(keyed.table) f\(n) ON f\(n).run_uuid = d.run_uuid AND f\(n).key = ?", [clause.key.key.databaseValue])
                if let condition = keyed.condition {
                    q.append(" AND ")
                    q.append(condition)
                }
            }
            q.append(" CROSS JOIN runs r ON r.run_uuid = d.run_uuid")
            let order = try orderTerms(from: 0)
            q.append(order.joins)
            q.append(" WHERE ")
            q.append(runConditions())
            for i in predicates {
                q.append(" AND ")
                q.append(try term(filter.clauses[i], runID: "d.run_uuid"))
            }
            q.append(" ORDER BY ")
            q.append(order.orderBy)
            q.append(limitClause(limit, arm))
            q.append(" OFFSET ?", [offset.databaseValue])
            return q
        }

        /// The ordered scan: by the leading metric's index when the first key is a metric,
        /// otherwise over the runs.
        func fallback(_ arm: Arm) throws(VaneError) -> Fragment {
            if let first = orderBy.first, first.key.entity == .metric {
                return try metricOrdered(first, arm)
            }
            return try runsScan(arm)
        }

        /// All matching runs in MLflow's order; with the default order SQLite walks
        /// `runs_by_experiment` (start_time DESC, run_uuid) and stops at the LIMIT.
        func runsScan(_ arm: Arm) throws(VaneError) -> Fragment {
            var q = Fragment("SELECT r.run_uuid FROM runs r")
            let order = try orderTerms(from: 0)
            q.append(order.joins)
            q.append(" WHERE ")
            q.append(runConditions())
            q.append(try allTerms(runID: "r.run_uuid"))
            q.append(" ORDER BY ")
            q.append(order.orderBy)
            q.append(limitClause(limit, arm))
            q.append(" OFFSET ?", [offset.databaseValue])
            return q
        }

        // MARK: Pieces

        /// Up to this many experiment ids are bound one by one; more are bound as one JSON
        /// array, since the condition is repeated in every plan of the statement.
        static let maxInlineExperimentIDs = 100

        func runConditions() -> Fragment {
            var f: Fragment
            if experimentIDs.count > Self.maxInlineExperimentIDs {
                let json = "[" + experimentIDs.map(String.init).joined(separator: ",") + "]"
                f = Fragment("r.experiment_id IN (SELECT value FROM json_each(?))", [json.databaseValue])
            } else {
                f = Fragment("r.experiment_id IN (\(Fragment.placeholders(experimentIDs.count)))", experimentIDs.map(\.databaseValue))
            }
            f.append(" AND r.lifecycle_stage IN (\(Fragment.placeholders(lifecycleStages.count)))", lifecycleStages.map(\.databaseValue))
            return f
        }

        /// Indices of the filter clauses (but `skipping`), most selective kind first.
        func rankedClauses(skipping: Int? = nil) throws(VaneError) -> [Int] {
            var ranked: [(index: Int, rank: Int)] = []
            for i in filter.clauses.indices where i != skipping {
                ranked.append((i, try driver(for: filter.clauses[i], at: i)?.rank ?? 9))
            }
            return ranked.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.map(\.index)
        }

        /// ` AND term…` for every filter clause, most selective first.
        func allTerms(runID: String) throws(VaneError) -> Fragment {
            var f = Fragment()
            for i in try rankedClauses() {
                f.append(" AND ")
                f.append(try term(filter.clauses[i], runID: runID))
            }
            return f
        }

        /// Up to this many order keys, metric/param/tag keys are LEFT JOINs; beyond, every key
        /// is read by a correlated subquery instead.
        ///
        /// Each key adds two ORDER BY terms, the tie-breakers two more. SQLite 3.40 (before
        /// `WHERE_KEEP_ALL_JOINS`) ignores an ORDER BY of 64+ terms when it drops unused LEFT
        /// JOINs (omit-noop-join), yet the sorter still reads the dropped table's cursor, never
        /// opened: SIGSEGV in `sqlite3VdbeExec`. A subquery is not a join and is never dropped.
        static let maxJoinedOrderKeys = 30

        /// At most this many key-value filter terms are joined in the driven plan (the others
        /// are EXISTS probes), so that its FROM clause stays far below SQLite's 64 tables:
        /// the driver, these, the run and at most ``maxJoinedOrderKeys`` order joins.
        static let maxJoinedFilterTerms = 16

        /// LEFT JOINs and ORDER BY list for order keys `from...`, then the tie-breakers.
        func orderTerms(from start: Int) throws(VaneError) -> (joins: Fragment, orderBy: Fragment) {
            var joins = Fragment()
            var parts: [Fragment] = []
            var orderedByStartTime = false
            let joined = orderBy.count <= Self.maxJoinedOrderKeys
            for (i, clause) in orderBy.enumerated() {
                if clause.key.entity == .attribute, clause.key.key == "start_time" { orderedByStartTime = true }
                guard i >= start else { continue }
                let alias = "o\(i)"
                let direction = clause.ascending ? "ASC" : "DESC"
                let key = clause.key.key.databaseValue
                /// `expression` over the key's row `alias`: a column of the join, or a subquery.
                func read(_ table: String, _ expression: String) -> Fragment {
                    joined ? Fragment(expression) : Fragment("(SELECT \(expression) FROM \(table) \(alias) WHERE \(alias).run_uuid = r.run_uuid AND \(alias).key = ?)", [key])
                }
                switch clause.key.entity {
                case .metric:
                    if joined {
                        joins.append(" LEFT JOIN latest_metrics \(alias) ON \(alias).run_uuid = r.run_uuid AND \(alias).key = ?", [key])
                    }
                    // Real values, then NaN, then runs without the metric (no row: the subquery is NULL).
                    var rank = read("latest_metrics", "CASE WHEN \(alias).is_nan = 1 THEN 1 WHEN \(alias).value IS NULL THEN 2 ELSE 0 END")
                    if !joined { rank = Fragment("coalesce(\(rank.sql), 2)", rank.arguments) }
                    parts.append(rank)
                    var value = read("latest_metrics", "CASE WHEN \(alias).is_nan = 1 THEN NULL ELSE \(alias).value END")
                    value.append(" \(direction)")
                    parts.append(value)
                case .param, .tag:
                    let table = clause.key.entity == .param ? "params" : "tags"
                    if joined {
                        joins.append(" LEFT JOIN \(table) \(alias) ON \(alias).run_uuid = r.run_uuid AND \(alias).key = ?", [key])
                    }
                    var missing = read(table, "\(alias).value")
                    missing.append(" IS NULL")
                    parts.append(missing)
                    var value = read(table, "\(alias).value")
                    value.append(" \(direction)")
                    parts.append(value)
                case .attribute:
                    let column = try RunSearchSQL.orderColumn(clause.key.key)
                    parts.append(Fragment("\(column) IS NULL"))
                    parts.append(Fragment("\(column) \(direction)"))
                case .dataset:
                    throw VaneError.invalid("Invalid identifier type 'dataset'")
                }
            }
            if !orderedByStartTime { parts.append(Fragment("r.start_time DESC")) }
            parts.append(Fragment("r.run_uuid"))
            var orderBy = Fragment()
            for (i, part) in parts.enumerated() {
                if i > 0 { orderBy.append(", ") }
                orderBy.append(part)
            }
            return (joins, orderBy)
        }

        /// The filter terms that can be read from an index, most selective kind first
        /// (a run_id term alone, since nothing beats it), at most ``maxCandidates``.
        func candidateDrivers() throws(VaneError) -> [Driver] {
            var drivers: [Driver] = []
            for (i, clause) in filter.clauses.enumerated() {
                if let d = try driver(for: clause, at: i) { drivers.append(d) }
            }
            drivers.sort { ($0.rank, $0.clauseIndex) < ($1.rank, $1.clauseIndex) }
            if let first = drivers.first, first.rank == 0 { return [first] }
            return Array(drivers.prefix(Self.maxCandidates))
        }

        func driver(for clause: SearchClause, at index: Int) throws(VaneError) -> Driver? {
            let key = clause.key.key
            switch (clause.key.entity, clause.comparator, clause.value) {
            case (.attribute, .equal, _) where key == "run_id", (.attribute, .in, _) where key == "run_id":
                return Driver(clauseIndex: index, source: Fragment(), exact: true, rank: 0)
            case (.param, .equal, .string), (.tag, .equal, .string):
                let table = clause.key.entity == .param ? "params" : "tags"
                var s = Fragment("SELECT k.run_uuid FROM \(table) k WHERE k.key = ? AND ", [key.databaseValue])
                s.append(try compare("k.value", clause.comparator, clause.value))
                return Driver(clauseIndex: index, source: s, exact: true, rank: 1)
            case (.param, .like, .string(let pattern)), (.tag, .like, .string(let pattern)):
                guard let first = pattern.first, first != "%", first != "_" else { return nil }
                let table = clause.key.entity == .param ? "params" : "tags"
                var s = Fragment("SELECT k.run_uuid FROM \(table) k WHERE k.key = ? AND ", [key.databaseValue])
                s.append(try compare("k.value", clause.comparator, clause.value))
                return Driver(clauseIndex: index, source: s, exact: true, rank: 2)
            case (.metric, _, .number(let x)):
                // `!=` is satisfied by NaN values too, which the value index cannot list.
                guard clause.comparator != .notEqual,
                      let op = binaryOperator(clause.comparator) else { return nil }
                // Covering index only (is_nan would cost a row read each); the term is re-checked.
                let s = Fragment("SELECT k.run_uuid FROM latest_metrics k WHERE k.key = ? AND k.value \(op) ?",
                                    [key.databaseValue, numberValue(x)])
                return Driver(clauseIndex: index, source: s, exact: false, rank: clause.comparator == .equal ? 1 : 3)
            default:
                return nil
            }
        }

        /// A metric, param or tag clause as a condition on its (run_uuid, key) table's row
        /// `alias`: the row must exist (or, for IS NULL, must not) and satisfy `condition`.
        func keyedCondition(_ clause: SearchClause, alias: String) throws(VaneError) -> (table: String, condition: Fragment?, negate: Bool) {
            switch clause.key.entity {
            case .metric:
                guard case .number(let x) = clause.value, let op = binaryOperator(clause.comparator) else {
                    throw VaneError.invalid("Invalid metric clause for '\(clause.key.key)'")
                }
                // As on MLflow's server, a NaN latest value satisfies only `!=`;
                // real values compare as they are.
                let condition = clause.comparator == .notEqual
                    ? Fragment("(\(alias).is_nan = 1 OR \(alias).value \(op) ?)", [numberValue(x)])
                    : Fragment("\(alias).value \(op) ? AND \(alias).is_nan = 0", [numberValue(x)])
                return ("latest_metrics", condition, false)
            case .param, .tag:
                let table = clause.key.entity == .param ? "params" : "tags"
                switch clause.comparator {
                case .isNull: return (table, nil, true)
                case .isNotNull: return (table, nil, false)
                default: return (table, try compare("\(alias).value", clause.comparator, clause.value), false)
                }
            case .attribute, .dataset:
                throw VaneError.invalid("Invalid clause for a key-value table: \(clause.key.key)")
            }
        }

        /// One filter clause as a condition on the run whose id is the expression `runID`.
        func term(_ clause: SearchClause, runID: String) throws(VaneError) -> Fragment {
            let key = clause.key.key
            switch clause.key.entity {
            case .metric, .param, .tag:
                let keyed = try keyedCondition(clause, alias: "k")
                return RunSearchSQL.keyed(keyed.table, key, keyed.condition, runID: runID, negate: keyed.negate)

            case .attribute:
                switch key {
                case "run_id":
                    return try compare("r.run_uuid", clause.comparator, clause.value)
                case "run_name":
                    // MLflow matches run_name against the `mlflow.runName` tag (the runs.name
                    // column is empty for old runs); runs without that tag fall back to the column.
                    var f = Fragment("(")
                    f.append(RunSearchSQL.keyed("tags", "mlflow.runName", try compare("k.value", clause.comparator, clause.value), runID: runID))
                    f.append(" OR (")
                    f.append(RunSearchSQL.keyed("tags", "mlflow.runName", nil, runID: runID, negate: true))
                    f.append(" AND ")
                    f.append(try compare("r.name", clause.comparator, clause.value))
                    f.append("))")
                    return f
                case "user_id", "status", "artifact_uri", "start_time", "end_time":
                    return try compare("r.\(key)", clause.comparator, clause.value)
                default:
                    throw VaneError.invalid("Invalid attribute key '\(key)' for runs")
                }

            case .dataset:
                switch key {
                case "name", "digest":
                    var f = Fragment("EXISTS (SELECT 1 FROM run_inputs ri JOIN datasets ds ON ds.dataset_uuid = ri.dataset_uuid WHERE ri.run_uuid = \(runID) AND ")
                    f.append(try compare("ds.\(key)", clause.comparator, clause.value))
                    f.append(")")
                    return f
                case "context":
                    // Input tags are JSON: [{"key": …, "value": …}, …] (a {key: value} object also works).
                    var f = Fragment("EXISTS (SELECT 1 FROM run_inputs ri, json_each(CASE WHEN json_valid(ri.tags) THEN ri.tags ELSE '[]' END) jt WHERE ri.run_uuid = \(runID) AND ((jt.type = 'object' AND json_extract(jt.value, '$.key') = 'mlflow.data.context' AND ")
                    f.append(try compare("json_extract(jt.value, '$.value')", clause.comparator, clause.value))
                    f.append(") OR (jt.type = 'text' AND jt.key = 'mlflow.data.context' AND ")
                    f.append(try compare("jt.value", clause.comparator, clause.value))
                    f.append(")))")
                    return f
                default:
                    throw VaneError.invalid("Invalid dataset key '\(key)' specified")
                }
            }
        }
    }

    static func orderColumn(_ attribute: String) throws(VaneError) -> String {
        switch attribute {
        case "run_id": "r.run_uuid"
        case "run_name": "r.name"
        case "user_id", "status", "artifact_uri", "start_time", "end_time": "r.\(attribute)"
        default: throw VaneError.invalid("Invalid attribute key '\(attribute)' for runs")
        }
    }

    /// `[NOT] EXISTS (SELECT 1 FROM table k WHERE k.run_uuid = runID AND k.key = ? [AND condition])`:
    /// a primary-key probe of a (run_uuid, key) table.
    static func keyed(_ table: String, _ key: String, _ condition: Fragment?, runID: String, negate: Bool = false) -> Fragment {
        var f = Fragment("\(negate ? "NOT EXISTS" : "EXISTS") (SELECT 1 FROM \(table) k WHERE k.run_uuid = \(runID) AND k.key = ?", [key.databaseValue])
        if let condition {
            f.append(" AND ")
            f.append(condition)
        }
        f.append(")")
        return f
    }
}

// MARK: - Shared SQL building blocks (also used by ExperimentSearchSQL)

extension RunSearchSQL {
    /// A piece of SQL and its positional arguments, appended in order.
    struct Fragment {
        var sql: String = ""
        var arguments: [DatabaseValue] = []

        init(_ sql: String = "", _ arguments: [DatabaseValue] = []) {
            self.sql = sql
            self.arguments = arguments
        }

        mutating func append(_ other: Fragment) {
            sql += other.sql
            arguments += other.arguments
        }

        mutating func append(_ text: String, _ args: [DatabaseValue] = []) {
            sql += text
            arguments += args
        }

        /// `?, ?, ?` for `count` values.
        static func placeholders(_ count: Int) -> String {
            Array(repeating: "?", count: count).joined(separator: ", ")
        }

        var statementArguments: StatementArguments { StatementArguments(arguments) }
    }

    // SQL building blocks shared by the run and experiment compilers.

    /// Translates an SQL LIKE pattern (`%`, `_`, no escape character) into an equivalent
    /// GLOB pattern, which SQLite always matches case-sensitively, whatever the
    /// connection's `case_sensitive_like` setting. MLflow's SQLite sessions turn
    /// `case_sensitive_like` on, so its LIKE is case-sensitive too.
    public static func globPattern(fromLike pattern: String) -> String {
        var glob = ""
        for c in pattern {
            switch c {
            case "%": glob += "*"
            case "_": glob += "?"
            case "*": glob += "[*]"
            case "?": glob += "[?]"
            case "[": glob += "[[]"
            default: glob.append(c)
            }
        }
        return glob
    }

    /// Binds a number: integral values as INTEGER so that they compare exactly with integer columns.
    static func numberValue(_ x: Double) -> DatabaseValue {
        if x == x.rounded(), abs(x) < 9.0e15 { return Int64(x).databaseValue }
        return x.databaseValue
    }

    /// `column <op> ?` for a string or numeric comparison, MLflow's SQLite semantics:
    /// `=`/`!=` compare exactly, LIKE is case-sensitive, ILIKE lower-cases both sides.
    static func compare(_ column: String, _ comparator: SearchComparator, _ value: SearchValue) throws(VaneError) -> Fragment {
        switch (comparator, value) {
        case (.in, .list(let items)):
            if items.isEmpty { return Fragment("0") }
            return Fragment("\(column) IN (\(Fragment.placeholders(items.count)))", items.map(\.databaseValue))
        case (.notIn, .list(let items)):
            if items.isEmpty { return Fragment("1") }
            return Fragment("\(column) NOT IN (\(Fragment.placeholders(items.count)))", items.map(\.databaseValue))
        case (.like, .string(let s)):
            return Fragment("\(column) GLOB ?", [globPattern(fromLike: s).databaseValue])
        case (.ilike, .string(let s)):
            return Fragment("lower(\(column)) LIKE lower(?)", [s.databaseValue])
        case (_, .string(let s)):
            guard let op = binaryOperator(comparator) else { break }
            return Fragment("\(column) \(op) ?", [s.databaseValue])
        case (_, .number(let x)):
            guard let op = binaryOperator(comparator) else { break }
            return Fragment("\(column) \(op) ?", [numberValue(x)])
        default:
            break
        }
        throw VaneError.invalid("Invalid comparator '\(comparator.rawValue)' for value \(value)")
    }

    static func binaryOperator(_ comparator: SearchComparator) -> String? {
        switch comparator {
        case .equal: "="
        case .notEqual: "!="
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        default: nil
        }
    }

    static func checkPaging(limit: Int, offset: Int) throws(VaneError) {
        if limit < 0 { throw VaneError.invalid("Invalid value for max_results: \(limit)") }
        if offset < 0 { throw VaneError.invalid("Invalid page offset: \(offset)") }
    }
}
