import GRDB
import Testing
import VaneCore
import VaneStorage
import VaneTracking

/// An in-memory tracking database with a few hand-made runs.
private struct Fixture {
    let queue: DatabaseQueue

    init() throws {
        queue = try DatabaseQueue()
        var migrations = SchemaMigrations()
        TrackingSchema.register(in: &migrations)
        try migrations.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO experiments (experiment_id, name, creation_time, last_update_time) VALUES (1, 'one', 10, 10), (2, 'two', 20, 20)")
        }
    }

    /// A metric value; `.nan(stored:)` is a NaN latest value with the given stored value (MLflow stores 0).
    enum M { case value(Double), nan(stored: Double?) }

    func run(_ id: String, experiment: Int64 = 1, name: String = "", user: String = "alice", status: String = "FINISHED",
             start: Int64?, end: Int64? = nil, stage: String = "active", metrics: [String: M] = [:],
             params: [String: String] = [:], tags: [String: String?] = [:]) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [id, experiment, name, user, status, start, end, stage, "file:///mlruns/\(id)"])
            for (k, m) in metrics {
                switch m {
                case .value(let v):
                    try db.execute(sql: "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, 0, 0, ?, 0)", arguments: [id, k, v])
                case .nan(let stored):
                    try db.execute(sql: "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, 0, 0, ?, 1)", arguments: [id, k, stored])
                }
            }
            for (k, v) in params {
                try db.execute(sql: "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)", arguments: [id, k, v])
            }
            for (k, v) in tags {
                try db.execute(sql: "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)", arguments: [id, k, v])
            }
        }
    }

    func dataset(_ uuid: String, name: String, digest: String, experiment: Int64 = 1) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source) VALUES (?, ?, ?, ?, 'local', 'x')",
                           arguments: [uuid, experiment, name, digest])
        }
    }

    func input(run: String, dataset: String, tags: String) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO run_inputs (run_uuid, dataset_uuid, tags) VALUES (?, ?, ?)", arguments: [run, dataset, tags])
        }
    }

    func search(_ filter: String? = nil, _ orderBy: [String] = [], experiments: [Int64] = [1], stages: [String] = ["active"],
                limit: Int = 1000, offset: Int = 0) throws -> [String] {
        let built = try RunSearchSQL.build(experimentIDs: experiments, lifecycleStages: stages, filter: try SearchFilter.runs(filter),
                                           orderBy: try SearchOrderBy.runs(orderBy), limit: limit, offset: offset)
        return try queue.read { db in try String.fetchAll(db, sql: built.sql, arguments: built.arguments) }
    }
}

/// Filters that select every run of the metric fixture through the different plans: no
/// filter, a non-indexable term (ordered scan), and an equality term (driven plan).
private let everyRunFilters: [String?] = [nil, "params.all != 'zzz'", "params.all = 'x'", "tags.all LIKE 'x%'", "metrics.always > -1"]

@Suite("Run search SQL")
struct RunSearchSQLTests {
    /// Runs with metric `m` real, NaN (stored as 0 and as NULL) or missing, and start-time ties.
    private func metricFixture() throws -> Fixture {
        let f = try Fixture()
        let common: [String: String] = ["all": "x"]
        let tags: [String: String?] = ["all": "x"]
        try f.run("r1", start: 100, metrics: ["m": .value(0.5), "always": .value(0)], params: common, tags: tags)
        try f.run("r2", start: 200, metrics: ["m": .value(2), "always": .value(0)], params: common, tags: tags)
        try f.run("r3", start: 300, metrics: ["m": .nan(stored: 0), "always": .value(0)], params: common, tags: tags)
        try f.run("r4", start: 400, metrics: ["always": .value(0)], params: common, tags: tags)
        try f.run("r5", start: 300, metrics: ["m": .value(-1), "always": .value(0)], params: common, tags: tags)
        try f.run("r6", start: 500, metrics: ["m": .value(0.5), "always": .value(0)], params: common, tags: tags)
        try f.run("r7", start: 300, metrics: ["m": .nan(stored: nil), "always": .value(0)], params: common, tags: tags)
        try f.run("r8", start: 100, metrics: ["always": .value(0)], params: common, tags: tags)
        try f.run("r9", start: 100, metrics: ["m": .value(0), "always": .value(0)], params: common, tags: tags)
        return f
    }

    @Test("default order is start_time DESC, then run_uuid")
    func defaultOrder() throws {
        let f = try metricFixture()
        #expect(try f.search() == ["r6", "r4", "r3", "r5", "r7", "r2", "r1", "r8", "r9"])
    }

    @Test("metric order: real values, then NaN, then missing, in both directions", arguments: everyRunFilters)
    func metricOrder(_ filter: String?) throws {
        let f = try metricFixture()
        // Ties on value (r1/r6 at 0.5) fall back to start_time DESC; NaN and missing groups too.
        #expect(try f.search(filter, ["metrics.m DESC"]) == ["r2", "r6", "r1", "r9", "r5", "r3", "r7", "r4", "r8"])
        #expect(try f.search(filter, ["metrics.m ASC"]) == ["r5", "r9", "r6", "r1", "r2", "r3", "r7", "r4", "r8"])
        #expect(try f.search(filter, ["metrics.m"]) == ["r5", "r9", "r6", "r1", "r2", "r3", "r7", "r4", "r8"])
    }

    @Test("paging through a metric order by offset", arguments: everyRunFilters)
    func paging(_ filter: String?) throws {
        let f = try metricFixture()
        let all = try f.search(filter, ["metrics.m DESC"])
        for limit in 1...4 {
            var pages: [String] = []
            var offset = 0
            while offset < all.count {
                let page = try f.search(filter, ["metrics.m DESC"], limit: limit, offset: offset)
                #expect(page == Array(all[offset..<min(offset + limit, all.count)]))
                pages += page
                offset += limit
            }
            #expect(pages == all)
        }
        #expect(try f.search(filter, ["metrics.m DESC"], limit: 5, offset: 20).isEmpty)
        #expect(try f.search(filter, ["metrics.m DESC"], limit: 0).isEmpty)
        #expect(try f.search(filter, [], limit: 3, offset: 2) == ["r3", "r5", "r7"])
    }

    @Test("a second order key and start_time as an order key", arguments: everyRunFilters)
    func multipleKeys(_ filter: String?) throws {
        let f = try metricFixture()
        // start_time ASC replaces the implicit start_time DESC; run_uuid still breaks ties.
        #expect(try f.search(filter, ["attributes.start_time ASC"]) == ["r1", "r8", "r9", "r2", "r3", "r5", "r7", "r4", "r6"])
        #expect(try f.search(filter, ["metrics.m DESC", "start_time ASC"]) == ["r2", "r1", "r6", "r9", "r5", "r3", "r7", "r8", "r4"])
        #expect(try f.search(filter, ["created DESC", "metrics.m DESC"]) == ["r6", "r4", "r5", "r3", "r7", "r2", "r1", "r9", "r8"])
    }

    @Test("metric filters compare latest values; NaN satisfies only !=, missing never matches")
    func metricFilters() throws {
        let f = try metricFixture()
        #expect(Set(try f.search("metrics.m > 0.5")) == ["r2"])
        #expect(Set(try f.search("metrics.m >= 0.5")) == ["r1", "r2", "r6"])
        #expect(Set(try f.search("metrics.m < 0.5")) == ["r5", "r9"])
        #expect(Set(try f.search("metrics.m <= 0")) == ["r5", "r9"])
        #expect(Set(try f.search("metrics.m = 0")) == ["r9"])
        #expect(Set(try f.search("metrics.m != 0")) == ["r1", "r2", "r3", "r5", "r6", "r7"])
        #expect(Set(try f.search("metrics.m != 2")) == ["r1", "r3", "r5", "r6", "r7", "r9"])
        #expect(Set(try f.search("metrics.m > -5 AND metrics.m < 1")) == ["r1", "r5", "r6", "r9"])
        #expect(try f.search("metrics.nothing > -100").isEmpty)
        #expect(try f.search("metrics.nothing != 1").isEmpty)
    }

    @Test("metric filters combined with metric order keep MLflow's order")
    func metricFilterAndOrder() throws {
        let f = try metricFixture()
        #expect(try f.search("metrics.m < 1", ["metrics.m DESC"]) == ["r6", "r1", "r9", "r5"])
        #expect(try f.search("metrics.m = 0.5", ["metrics.m DESC"]) == ["r6", "r1"])
        #expect(try f.search("params.all = 'x' AND metrics.m > 0", ["metrics.m ASC"]) == ["r6", "r1", "r2"])
    }

    private func stringFixture() throws -> Fixture {
        let f = try Fixture()
        try f.run("a1", name: "alpha", user: "alice", status: "FINISHED", start: 10, end: 20,
                  params: ["model": "ResNet50", "lr": "0.01"], tags: ["team": "Vision", "mlflow.runName": "alpha", "note": nil])
        try f.run("a2", name: "beta", user: "bob", status: "FAILED", start: 20, end: nil,
                  params: ["model": "resnet18", "lr": "0.1"], tags: ["team": "vision", "mlflow.runName": "beta"])
        try f.run("a3", name: "gamma", user: "carol", status: "RUNNING", start: 30,
                  params: ["model": "bert_base", "opt": "a*b[c]?"], tags: ["team": "nlp", "mlflow.runName": "Gamma-run"])
        try f.run("a4", name: "delta", user: "alice", status: "FINISHED", start: 40, end: 45, params: ["model": "BERT-large"], tags: [:])
        try f.run("a5", experiment: 2, name: "other", start: 50, params: ["model": "ResNet50"])
        try f.run("a6", name: "gone", start: 60, stage: "deleted", params: ["model": "ResNet50"])
        return f
    }

    @Test("LIKE is case-sensitive, ILIKE is not; % and _ are the only wildcards")
    func likeAndIlike() throws {
        let f = try stringFixture()
        #expect(try f.search("params.model LIKE 'Res%'") == ["a1"])
        #expect(try f.search("params.model LIKE 'res%'") == ["a2"])
        #expect(try f.search("params.model ILIKE 'res%'") == ["a2", "a1"])
        #expect(try f.search("params.model ILIKE '%BERT%'") == ["a4", "a3"])
        #expect(try f.search("params.model LIKE 'bert_base'") == ["a3"])
        #expect(try f.search("params.model LIKE 'bert_bas'").isEmpty)
        #expect(try f.search("params.model LIKE 'resnet__'") == ["a2"])
        #expect(try f.search("params.model LIKE 'R%0'") == ["a1"])
        #expect(try f.search("tags.team LIKE 'v%'") == ["a2"])
        #expect(try f.search("tags.team ILIKE 'V%'") == ["a2", "a1"])
        // GLOB's own metacharacters are literals in a LIKE pattern.
        #expect(try f.search("params.opt LIKE 'a*b[c]?'") == ["a3"])
        #expect(try f.search("params.opt LIKE 'a*%'") == ["a3"])
        #expect(try f.search("params.opt LIKE 'ab%'").isEmpty)
        #expect(try f.search("params.opt LIKE '%?'") == ["a3"])
    }

    @Test("equality is exact; != only matches runs that have the key")
    func equality() throws {
        let f = try stringFixture()
        #expect(try f.search("tags.team = 'vision'") == ["a2"])
        #expect(try f.search("tags.team != 'vision'") == ["a3", "a1"])
        #expect(try f.search("params.lr = '0.01' AND params.model = 'ResNet50'") == ["a1"])
        #expect(try f.search("tags.note = 'x'").isEmpty)
        #expect(try f.search("tags.note != 'x'").isEmpty)
    }

    @Test("IS NULL and IS NOT NULL test whether the key exists")
    func nullChecks() throws {
        let f = try stringFixture()
        #expect(try f.search("tags.team IS NULL") == ["a4"])
        #expect(try f.search("tags.team IS NOT NULL") == ["a3", "a2", "a1"])
        #expect(try f.search("params.opt IS NOT NULL AND tags.team IS NOT NULL") == ["a3"])
        #expect(try f.search("tags.note IS NOT NULL") == ["a1"])
        #expect(try f.search("params.lr IS NULL", ["params.model"]) == ["a4", "a3"])
    }

    @Test("string and numeric attributes")
    func attributes() throws {
        let f = try stringFixture()
        #expect(try f.search("attributes.status = 'FINISHED'") == ["a4", "a1"])
        #expect(try f.search("status != 'FINISHED'") == ["a3", "a2"])
        #expect(try f.search("user_id = 'alice' AND status LIKE 'FIN%'") == ["a4", "a1"])
        #expect(try f.search("attributes.user_id ILIKE 'BOB'") == ["a2"])
        #expect(try f.search("start_time >= 20 AND start_time < 40") == ["a3", "a2"])
        #expect(try f.search("created > 25") == ["a4", "a3"])
        #expect(try f.search("end_time > 0") == ["a4", "a1"])
        #expect(try f.search("end_time != 20") == ["a4"])
        #expect(try f.search("artifact_uri LIKE '%/a3'") == ["a3"])
    }

    @Test("run_id equality, IN and NOT IN")
    func runIDs() throws {
        let f = try stringFixture()
        #expect(try f.search("attributes.run_id = 'a2'") == ["a2"])
        #expect(try f.search("run_id IN ('a1', 'a3', 'zz')") == ["a3", "a1"])
        #expect(try f.search("run_id IN ('a1', 'a3')", ["metrics.none DESC"]) == ["a3", "a1"])
        #expect(try f.search("run_id NOT IN ('a1', 'a3')") == ["a4", "a2"])
        #expect(try f.search("run_id IN ('A1')").isEmpty)
        #expect(try f.search("run_id NOT IN ('A1')") == ["a4", "a3", "a2", "a1"])
        #expect(try f.search("run_id IN ('a5')").isEmpty)
    }

    @Test("run_name matches the mlflow.runName tag, else the name column")
    func runName() throws {
        let f = try stringFixture()
        #expect(try f.search("attributes.run_name = 'alpha'") == ["a1"])
        #expect(try f.search("run_name = 'gamma'").isEmpty)
        #expect(try f.search("run_name = 'Gamma-run'") == ["a3"])
        #expect(try f.search("`Run name` ILIKE 'gamma%'") == ["a3"])
        #expect(try f.search("run_name = 'delta'") == ["a4"])
        #expect(try f.search("run_name != 'alpha'") == ["a4", "a3", "a2"])
        // Ordering uses the name column, as MLflow's does.
        #expect(try f.search(nil, ["attributes.run_name DESC"]) == ["a3", "a4", "a2", "a1"])
    }

    @Test("experiments and lifecycle stages")
    func scope() throws {
        let f = try stringFixture()
        #expect(try f.search("params.model = 'ResNet50'") == ["a1"])
        #expect(try f.search("params.model = 'ResNet50'", experiments: [1, 2]) == ["a5", "a1"])
        #expect(try f.search("params.model = 'ResNet50'", stages: ["active", "deleted"]) == ["a6", "a1"])
        #expect(try f.search("params.model = 'ResNet50'", stages: ["deleted"]) == ["a6"])
        #expect(try f.search(nil, experiments: []).isEmpty)
        #expect(try f.search(nil, experiments: [2]) == ["a5"])
    }

    @Test("param, tag and attribute order keys put missing values last both ways")
    func stringOrders() throws {
        let f = try stringFixture()
        #expect(try f.search(nil, ["params.lr ASC"]) == ["a1", "a2", "a4", "a3"])
        #expect(try f.search(nil, ["params.lr DESC"]) == ["a2", "a1", "a4", "a3"])
        #expect(try f.search(nil, ["tags.team"]) == ["a1", "a3", "a2", "a4"])
        #expect(try f.search(nil, ["tags.note DESC"]) == ["a4", "a3", "a2", "a1"])
        #expect(try f.search(nil, ["end_time DESC"]) == ["a4", "a1", "a3", "a2"])
        #expect(try f.search(nil, ["end_time ASC"]) == ["a1", "a4", "a3", "a2"])
        #expect(try f.search(nil, ["status", "user_id DESC"]) == ["a2", "a4", "a1", "a3"])
        #expect(try f.search(nil, ["run_id DESC"]) == ["a4", "a3", "a2", "a1"])
        #expect(try f.search("params.model ILIKE '%e%'", ["params.model DESC"]) == ["a2", "a3", "a1", "a4"])
        #expect(try f.search("tags.team IS NOT NULL", ["tags.team DESC"], limit: 2, offset: 1) == ["a3", "a1"])
    }

    @Test("dataset name, digest and context")
    func datasets() throws {
        let f = try stringFixture()
        try f.dataset("d1", name: "train", digest: "abc")
        try f.dataset("d2", name: "eval", digest: "def")
        try f.input(run: "a1", dataset: "d1", tags: #"[{"key": "mlflow.data.context", "value": "training"}]"#)
        try f.input(run: "a2", dataset: "d2", tags: #"[{"key": "mlflow.data.context", "value": "eval"}, {"key": "other", "value": "training"}]"#)
        try f.input(run: "a3", dataset: "d1", tags: "[]")
        try f.input(run: "a3", dataset: "d2", tags: #"{"mlflow.data.context": "testing"}"#)
        #expect(try f.search("datasets.name = 'train'") == ["a3", "a1"])
        #expect(try f.search("dataset.digest = 'def'") == ["a3", "a2"])
        #expect(try f.search("datasets.name IN ('train', 'eval')") == ["a3", "a2", "a1"])
        #expect(try f.search("datasets.name NOT IN ('train')") == ["a3", "a2"])
        #expect(try f.search("datasets.name != 'train'") == ["a3", "a2"])
        #expect(try f.search("datasets.context = 'training'") == ["a1"])
        #expect(try f.search("datasets.context LIKE '%ing'") == ["a3", "a1"])
        #expect(try f.search("datasets.context ILIKE 'EVAL'") == ["a2"])
        #expect(try f.search("datasets.name = 'train' AND datasets.context = 'testing'") == ["a3"])
    }

    @Test("bad requests are invalid")
    func invalidRequests() throws {
        for (limit, offset) in [(-1, 0), (1, -1)] {
            #expect(throws: VaneError.self) {
                try RunSearchSQL.build(experimentIDs: [1], lifecycleStages: ["active"], filter: SearchFilter(), orderBy: [], limit: limit, offset: offset)
            }
        }
        let dataset = OrderByClause(key: SearchKey(entity: .dataset, key: "name"), ascending: true)
        #expect(throws: VaneError.self) {
            try RunSearchSQL.build(experimentIDs: [1], lifecycleStages: ["active"], filter: SearchFilter(), orderBy: [dataset], limit: 1, offset: 0)
        }
        let experimentOnly = SearchFilter(clauses: [SearchClause(key: SearchKey(entity: .attribute, key: "name"), comparator: .equal, value: .string("x"))])
        #expect(throws: VaneError.self) {
            try RunSearchSQL.build(experimentIDs: [1], lifecycleStages: ["active"], filter: experimentOnly, orderBy: [], limit: 1, offset: 0)
        }
    }

    /// Enough runs for the driving term's count to pass the threshold, so the ordered scans
    /// (not the driven plan) answer; the answers must be the same as a reference sort.
    @Test("the bounded metric walk keeps ties at its budget's end and infinities in order")
    func boundedWalkTies() throws {
        let f = try Fixture()
        // 12 runs share the value 1; 4 of them (and two infinite ones) match the filter.
        for i in 0..<12 {
            try f.run("t\(i)", start: Int64(100 + i), metrics: ["m": .value(1)], params: ["p": i % 3 == 0 ? "a" : "b"])
        }
        try f.run("inf", start: 1, metrics: ["m": .value(.infinity)], params: ["p": "a"])
        try f.run("ninf", start: 2, metrics: ["m": .value(-.infinity)], params: ["p": "a"])
        try f.run("high", start: 3, metrics: ["m": .value(5)], params: ["p": "b"])
        let ties = ["t9", "t6", "t3", "t0"]  // start_time DESC within the tie
        #expect(try f.search("params.p = 'a'", ["metrics.m DESC"], limit: 3) == ["inf", "t9", "t6"])
        #expect(try f.search("params.p = 'a'", ["metrics.m DESC"]) == ["inf"] + ties + ["ninf"])
        #expect(try f.search("params.p = 'a'", ["metrics.m ASC"]) == ["ninf"] + ties + ["inf"])
        #expect(try f.search("params.p = 'a'", ["metrics.m ASC"], limit: 2, offset: 4) == ["t0", "inf"])
        #expect(try f.search("params.p = 'b'", ["metrics.m DESC"], limit: 2) == ["high", "t11"])
    }

    @Test("plans agree with a reference implementation past the driver threshold")
    func largeDriver() throws {
        let f = try Fixture()
        let count = 16_000
        var expected: [(id: String, m: Double?, nan: Bool, start: Int64)] = []
        try f.queue.write { db in
            let run = try db.makeStatement(sql: "INSERT INTO runs (run_uuid, experiment_id, start_time) VALUES (?, 1, ?)")
            let param = try db.makeStatement(sql: "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)")
            let metric = try db.makeStatement(sql: "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, 'm', 0, 0, ?, ?)")
            for i in 0..<count {
                let n = String((i * 7919) % count)
                let id = "run" + String(repeating: "0", count: 5 - n.count) + n
                let start = Int64(i % 97)
                try run.execute(arguments: [id, start])
                try param.execute(arguments: [id, "p", "all"])
                try param.execute(arguments: [id, "q", i % 3 == 0 ? "yes" : "no"])
                var m: Double? = Double((i * 31) % 101) / 10
                var nan = false
                if i % 50 == 0 { m = nil } else if i % 45 == 0 { nan = true }
                // NaN stored as MLflow does (0) or as SQLite stores a bound NaN (NULL).
                if let m { try metric.execute(arguments: [id, nan ? (i % 2 == 0 ? 0.0 : nil) : m, nan ? 1 : 0]) }
                if i % 3 == 0 { expected.append((id, nan ? nil : m, nan, start)) }
            }
        }
        func group(_ e: (id: String, m: Double?, nan: Bool, start: Int64)) -> Int { e.nan ? 1 : (e.m == nil ? 2 : 0) }
        for ascending in [true, false] {
            let reference = expected.sorted { a, b in
                if group(a) != group(b) { return group(a) < group(b) }
                if let x = a.m, let y = b.m, x != y { return ascending ? x < y : x > y }
                if a.start != b.start { return a.start > b.start }
                return a.id < b.id
            }.map(\.id)
            let order = ["metrics.m \(ascending ? "ASC" : "DESC")"]
            #expect(try f.search("params.p = 'all' AND params.q != 'no'", order, limit: 50) == Array(reference.prefix(50)))
            #expect(try f.search("params.p = 'all' AND params.q != 'no'", order, limit: 30, offset: reference.count - 20) == Array(reference.suffix(20)))
            #expect(try f.search("params.p = 'all' AND params.q != 'no'", order, limit: count) == reference)
            // Several indexable terms: the one with the fewest rows drives, whatever its position.
            #expect(try f.search("params.p = 'all' AND params.q = 'yes'", order, limit: 40) == Array(reference.prefix(40)))
            #expect(try f.search("params.q LIKE 'y%' AND params.p = 'all' AND metrics.m > -1", order, limit: 40, offset: 7) == Array(reference.dropFirst(7).prefix(40)))
        }
        // A second order key after the leading metric.
        let twoKeys = expected.sorted { a, b in
            if group(a) != group(b) { return group(a) < group(b) }
            if let x = a.m, let y = b.m, x != y { return x > y }
            if a.start != b.start { return a.start < b.start }
            return a.id < b.id
        }.map(\.id)
        #expect(try f.search("params.p = 'all' AND params.q != 'no'", ["metrics.m DESC", "start_time ASC"], limit: count) == twoKeys)
        #expect(try f.search("params.p = 'all' AND params.q != 'no'", ["metrics.m DESC", "start_time ASC"], limit: 10, offset: 100) == Array(twoKeys[100..<110]))

        // A small experiment in the large database: its few runs are sorted directly.
        try f.run("x1", experiment: 2, start: 1, metrics: ["m": .value(1)])
        try f.run("x2", experiment: 2, start: 2, metrics: ["m": .nan(stored: nil)])
        try f.run("x3", experiment: 2, start: 3)
        try f.run("x4", experiment: 2, start: 4, metrics: ["m": .value(3)])
        #expect(try f.search(nil, ["metrics.m DESC"], experiments: [2]) == ["x4", "x1", "x2", "x3"])
        #expect(try f.search("metrics.m > -1", ["metrics.m"], experiments: [2]) == ["x1", "x4"])

        let byStart = expected.sorted { ($0.start, $1.id) > ($1.start, $0.id) }.map(\.id)
        #expect(try f.search("params.p = 'all' AND params.q != 'no'", [], limit: 25) == Array(byStart.prefix(25)))
    }
}

@Suite("Experiment search SQL")
struct ExperimentSearchSQLTests {
    private func fixture() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        var migrations = SchemaMigrations()
        TrackingSchema.register(in: &migrations)
        try migrations.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO experiments (experiment_id, name, lifecycle_stage, creation_time, last_update_time) VALUES
                  (1, 'Default', 'active', 100, 500), (2, 'vision-a', 'active', 300, 300), (3, 'Vision-b', 'active', 300, 400),
                  (4, 'nlp', 'deleted', 200, 200), (5, 'old', 'active', NULL, NULL);
                INSERT INTO experiment_tags (experiment_id, key, value) VALUES (2, 'team', 'cv'), (3, 'team', 'CV'), (4, 'team', 'nlp');
                """)
        }
        return queue
    }

    private func search(_ queue: DatabaseQueue, _ filter: String? = nil, _ orderBy: [String] = [], stages: [String] = ["active"],
                        limit: Int = 100, offset: Int = 0) throws -> [Int64] {
        let built = try ExperimentSearchSQL.build(lifecycleStages: stages, filter: try SearchFilter.experiments(filter),
                                                  orderBy: try SearchOrderBy.experiments(orderBy), limit: limit, offset: offset)
        return try queue.read { db in try Int64.fetchAll(db, sql: built.sql, arguments: built.arguments) }
    }

    @Test("default order is creation_time DESC, experiment_id ASC")
    func defaultOrder() throws {
        let q = try fixture()
        #expect(try search(q) == [2, 3, 1, 5])
        #expect(try search(q, stages: ["active", "deleted"]) == [2, 3, 4, 1, 5])
        #expect(try search(q, limit: 2, offset: 1) == [3, 1])
    }

    @Test("order_by gets experiment_id DESC as tie-breaker")
    func orderBy() throws {
        let q = try fixture()
        #expect(try search(q, nil, ["creation_time"]) == [5, 1, 3, 2])
        #expect(try search(q, nil, ["name"]) == [1, 3, 5, 2])
        #expect(try search(q, nil, ["last_update_time DESC"]) == [1, 3, 2, 5])
        #expect(try search(q, nil, ["creation_time DESC", "experiment_id ASC"]) == [2, 3, 1, 5])
    }

    @Test("filters on name, times and tags")
    func filters() throws {
        let q = try fixture()
        #expect(try search(q, "name LIKE 'vision%'") == [2])
        #expect(try search(q, "name ILIKE 'vision%'") == [2, 3])
        #expect(try search(q, "attributes.name != 'Default'") == [2, 3, 5])
        #expect(try search(q, "creation_time >= 200") == [2, 3])
        #expect(try search(q, "last_update_time < 450 AND creation_time = 300") == [2, 3])
        #expect(try search(q, "tags.team = 'cv'") == [2])
        #expect(try search(q, "tags.team ILIKE 'cv'") == [2, 3])
        #expect(try search(q, "tags.team IS NULL") == [1, 5])
        #expect(try search(q, "tags.team IS NOT NULL", stages: ["deleted"]) == [4])
        #expect(try search(q, "tags.team != 'cv'") == [3])
    }
}
