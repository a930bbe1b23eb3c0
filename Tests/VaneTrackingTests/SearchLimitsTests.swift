import Foundation
import GRDB
import Testing
import VaneCore
import VaneStorage
import VaneTracking

// Issue 12, finding 1: runs/search with 31 to 63 order_by keys killed the process (SIGSEGV in
// libsqlite3), 64 or more keys and long filters answered 500 with SQL text. These tests run
// the searches against a real store and check the order of the results against a reference.

/// A store over an in-memory database, with a handle on the database itself.
private struct Store {
    let database: VaneDatabase
    let store: ValidatingTrackingStore

    init() throws {
        database = try VaneDatabase.inMemory()
        var m = SchemaMigrations()
        TrackingSchema.register(in: &m)
        try database.migrate(m)
        store = ValidatingTrackingStore(try SQLiteTrackingStore(database: database))
    }
}

/// One run as the test made it, for the reference order.
private struct Spec {
    var id = ""
    var name: String
    var user: String
    var start: Int64
    var end: Int64?
    var metrics: [String: Double] = [:]
    var params: [String: String] = [:]
    var tags: [String: String] = [:]
}

/// A small deterministic generator (a 64-bit LCG).
private struct Seeded {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(n))
    }
}

/// MLflow's order for one key: a class (present, NaN, missing) then the value.
private func compare(_ a: Spec, _ b: Spec, key: String, ascending: Bool) -> Bool? {
    func cls(_ s: Spec) -> (Int, Double?, String?) {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        switch parts[0] {
        case "metrics":
            guard let v = s.metrics[parts[1]] else { return (2, nil, nil) }
            return v.isNaN ? (1, nil, nil) : (0, v, nil)
        case "params": return s.params[parts[1]].map { (0, nil, $0) } ?? (1, nil, nil)
        case "tags": return s.tags[parts[1]].map { (0, nil, $0) } ?? (1, nil, nil)
        default:
            switch parts[1] {
            case "run_id": return (0, nil, s.id)
            case "run_name": return (0, nil, s.name)
            case "user_id": return (0, nil, s.user)
            case "status": return (0, nil, "FINISHED")
            case "artifact_uri": return (0, nil, "mlflow-artifacts:/1/\(s.id)/artifacts")
            case "start_time": return (0, Double(s.start), nil)
            default: return s.end.map { (0, Double($0), nil) } ?? (1, nil, nil)
            }
        }
    }
    let (ca, na, sa) = cls(a), (cb, nb, sb) = cls(b)
    if ca != cb { return ca < cb }
    if let na, let nb, na != nb { return ascending ? na < nb : na > nb }
    if let sa, let sb, sa != sb { return ascending ? Array(sa.utf8).lexicographicallyPrecedes(sb.utf8) : Array(sb.utf8).lexicographicallyPrecedes(sa.utf8) }
    return nil
}

/// The runs in MLflow's order for `orderBy` (items `key` or `key DESC`).
private func reference(_ runs: [Spec], _ orderBy: [String]) -> [String] {
    let keys = orderBy.map { item -> (String, Bool) in
        item.hasSuffix(" DESC") ? (String(item.dropLast(5)), false) : (item, true)
    }
    let byStart = keys.contains { $0.0 == "attributes.start_time" }
    return runs.sorted { a, b in
        for (key, ascending) in keys {
            if let result = compare(a, b, key: key, ascending: ascending) { return result }
        }
        if !byStart, a.start != b.start { return a.start > b.start }
        return a.id < b.id
    }.map(\.id)
}

/// Makes the runs in one experiment and fills in their ids.
private func make(_ runs: inout [Spec], in s: Store) async throws -> Int64 {
    let experiment = try await s.store.createExperiment(name: "limits", artifactLocation: nil, tags: [])
    for i in runs.indices {
        let r = runs[i]
        let run = try await s.store.createRun(experimentID: experiment, userID: r.user, runName: r.name, startTime: r.start, tags: [])
        runs[i].id = run.info.runID
        _ = try await s.store.updateRun(id: run.info.runID, status: .finished, endTime: r.end, runName: nil)
        try await s.store.logBatch(
            runID: run.info.runID,
            metrics: r.metrics.map { Metric(key: $0.key, value: $0.value, timestamp: 1, step: 0) },
            params: r.params.map { Param(key: $0.key, value: $0.value) },
            tags: r.tags.map { Tag(key: $0.key, value: $0.value) })
    }
    return experiment
}

private func search(_ s: Store, _ experiment: Int64, _ filter: String?, _ orderBy: [String]) async throws -> [String] {
    try await s.store.searchRuns(experimentIDs: [experiment], filter: filter, orderBy: orderBy, view: .activeOnly,
                                 maxResults: 1000, pageToken: nil).items.map(\.info.runID)
}

/// Awaits `body` and returns the VaneError it throws (records an issue if there is none).
private func vaneError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async -> VaneError? {
    do {
        try await body()
        Issue.record("Expected a VaneError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as VaneError {
        return error
    } catch {
        Issue.record("Expected a VaneError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Filters that send the same search through the different plans: the ordered scan, a
/// driven plan (equality), a metric driver (range) and a LIKE-prefix driver.
private let planFilters: [String?] = [nil, "params.all = 'x'", "metrics.always > -1", "tags.all LIKE 'x%'"]

private let attributeKeys = ["attributes.status", "attributes.user_id DESC", "attributes.run_name", "attributes.end_time DESC",
                             "attributes.start_time", "attributes.artifact_uri", "attributes.run_id DESC"]

/// Twelve runs whose 63 metrics, params and tags take a few values each (some NaN or missing).
private func randomRuns(seed: UInt64) -> [Spec] {
    var g = Seeded(state: seed)
    return (0..<12).map { _ in
        var r = Spec(name: "run\(g.next(3))", user: "u\(g.next(2))", start: Int64(100 * (1 + g.next(3))), end: g.next(4) == 0 ? nil : Int64(g.next(3)))
        r.params["all"] = "x"; r.tags["all"] = "x"; r.metrics["always"] = 0
        for j in 0..<SearchLimits.maxOrderByKeys {
            switch g.next(10) {
            case 0: break
            case 1: r.metrics["m\(j)"] = .nan
            default: r.metrics["m\(j)"] = Double(g.next(3)) - 0.5
            }
            if g.next(8) != 0 { r.params["p\(j)"] = ["a", "b", "c"][g.next(3)] }
            if g.next(8) != 0 { r.tags["t\(j)"] = ["a", "b"][g.next(2)] }
        }
        return r
    }
}

@Suite("Search limits")
struct SearchLimitsTests {
    /// 31 to 63 keys crashed the process; every count up to the maximum now runs, for each
    /// kind of key, through every plan, in MLflow's order.
    @Test(arguments: ["metrics", "params", "tags", "mixed"])
    func orderByKeysUpToTheMaximumAreOrderedCorrectly(kind: String) async throws {
        let s = try Store()
        var runs = randomRuns(seed: 12)
        let experiment = try await make(&runs, in: s)
        func keys(_ n: Int) -> [String] {
            (0..<n).map { j in
                let prefix = kind == "mixed" ? ["metrics.m", "params.p", "tags.t"][j % 3] : "\(kind).\(kind.prefix(1))"
                let key = kind == "mixed" && j % 9 == 8 && j / 9 < attributeKeys.count - 1 ? attributeKeys[j / 9] : "\(prefix)\(j)"
                return j % 2 == 0 ? "\(key) DESC" : key
            }
        }
        for n in [1, 30, 31, 32, 47, 62, SearchLimits.maxOrderByKeys] {
            for filter in planFilters {
                let got = try await search(s, experiment, filter, keys(n))
                #expect(got == reference(runs, keys(n)), "\(n) \(kind) keys, filter \(filter ?? "none")")
            }
        }
    }

    /// With every key but the last one equal for all runs, the last key decides the order.
    @Test func theLastOfSixtyThreeKeysStillOrders() async throws {
        let s = try Store()
        var runs = (0..<8).map { i in
            var r = Spec(name: "r", user: "u", start: 100)
            r.params["all"] = "x"; r.tags["all"] = "x"; r.metrics["always"] = 0
            for j in 0..<62 { r.params["p\(j)"] = "same" }
            r.metrics["m62"] = i % 3 == 0 ? .nan : Double((i * 5) % 8)
            if i == 5 { r.metrics["m62"] = nil }
            return r
        }
        let experiment = try await make(&runs, in: s)
        let keys = (0..<62).map { "params.p\($0)" } + ["metrics.m62 DESC"]
        for filter in planFilters {
            #expect(try await search(s, experiment, filter, keys) == reference(runs, keys))
        }
        let attributes = attributeKeys.dropLast()
        #expect(try await search(s, experiment, nil, Array(attributes)) == reference(runs, Array(attributes)))
    }

    /// 64 or more keys answered 500 with SQLite's "at most 64 tables in a join".
    @Test func moreOrderByKeysThanTheMaximumAreRefused() async throws {
        let s = try Store()
        var runs = randomRuns(seed: 3)
        let experiment = try await make(&runs, in: s)
        for n in [SearchLimits.maxOrderByKeys + 1, 100, 1000] {
            let error = await vaneError { _ = try await search(s, experiment, nil, (0..<n).map { "params.p\($0)" }) }
            #expect(error?.code == .invalidParameter)
            #expect(error?.message.contains("at most \(SearchLimits.maxOrderByKeys) keys") == true, "\(String(describing: error))")
        }
        let long = "params.`" + String(repeating: "k", count: SearchLimits.maxOrderByItemLength) + "`"
        #expect(await vaneError { _ = try await search(s, experiment, nil, [long]) }?.code == .invalidParameter)
    }

    /// The largest filter the grammar accepts (100 terms, a 1,000-value list, an 8,000-character
    /// string), with the largest order_by, runs through every plan and finds exactly the runs
    /// that satisfy every term, in order. 70 equality terms alone used to fail with SQLite's
    /// 64-table limit.
    @Test func theLargestFilterFindsTheRightRuns() async throws {
        let s = try Store()
        let long = String(repeating: "[é%_*", count: SearchLimits.maxStringLength / 5)
        var runs = randomRuns(seed: 7).prefix(10).map { r in
            var r = r
            for j in 0..<30 {
                r.params["f\(j)"] = "v"; r.tags["g\(j)"] = "vx"; r.metrics["h\(j)"] = Double(j)
            }
            r.tags["long"] = long
            return r
        }
        runs[6].params["f17"] = nil      // a term past the joined ones in the driven plan
        runs[7].metrics["h29"] = -1
        runs[8].tags["g5"] = "w"
        let experiment = try await make(&runs, in: s)
        var excluded = (0..<(SearchLimits.maxListValues - 1)).map { String(format: "%032x", $0) }
        excluded.append(runs[9].id)
        var terms = (0..<30).map { "params.f\($0) = 'v'" } + (0..<30).map { "tags.g\($0) LIKE 'v%'" } + (0..<30).map { "metrics.h\($0) >= 0" }
        terms += ["attributes.status = 'FINISHED'", "attributes.user_id != 'nobody'", "attributes.start_time > 0",
                  "attributes.run_name LIKE 'run%'", "attributes.artifact_uri LIKE '%'",
                  "attributes.run_id NOT IN (" + excluded.map { "'\($0)'" }.joined(separator: ", ") + ")",
                  "tags.long = '\(long)'", "params.all = 'x'", "tags.all LIKE 'x%'", "metrics.always > -1"]
        #expect(terms.count == SearchLimits.maxFilterTerms)
        let filter = terms.joined(separator: " AND ")
        #expect(filter.utf8.count <= SearchLimits.maxFilterLength)
        let expected = Array(runs.prefix(6))
        let orders: [[String]] = [[], (0..<30).map { "metrics.m\($0)" },
                                  (0..<SearchLimits.maxOrderByKeys).map { ["metrics.m\($0) DESC", "params.p\($0)", "tags.t\($0) DESC"][$0 % 3] }]
        for orderBy in orders {
            #expect(try await search(s, experiment, filter, orderBy) == reference(expected, orderBy), "\(orderBy.count) keys")
        }
        // The 70 equality terms that crossed SQLite's 64-table limit.
        let equalities = ((0..<30).map { "params.f\($0) = 'v'" } + (0..<30).map { "tags.g\($0) = 'vx'" } + (0..<10).map { "metrics.h\($0) = \($0)" })
            .joined(separator: " AND ")
        let matching = runs.filter { $0.params["f17"] != nil && $0.tags["g5"] == "vx" }
        #expect(try await search(s, experiment, equalities, []) == reference(matching, []))
    }

    @Test func filterLimitsAreExactAndClear() async throws {
        let s = try Store()
        var runs = randomRuns(seed: 5)
        let experiment = try await make(&runs, in: s)
        func refused(_ filter: String, _ words: String) async {
            let error = await vaneError { _ = try await search(s, experiment, filter, []) }
            #expect(error?.code == .invalidParameter, "\(String(describing: error))")
            #expect(error?.message.contains(words) == true, "\(String(describing: error?.message))")
            #expect(error?.message.contains("SELECT") == false)
        }
        let term = "params.all = 'x'"
        let most = Array(repeating: term, count: SearchLimits.maxFilterTerms).joined(separator: " AND ")
        #expect(try await search(s, experiment, most, []).count == runs.count)
        await refused(most + " AND " + term, "at most \(SearchLimits.maxFilterTerms) comparisons")

        let padded = term + String(repeating: " ", count: SearchLimits.maxFilterLength - term.utf8.count)
        #expect(try await search(s, experiment, padded, []).count == runs.count)
        await refused(padded + " ", "at most \(SearchLimits.maxFilterLength) bytes")

        let longest = String(repeating: "[", count: SearchLimits.maxStringLength)
        #expect(try await search(s, experiment, "tags.all LIKE '\(longest)'", []).isEmpty)
        #expect(try await search(s, experiment, "tags.all = '\(String(repeating: "é", count: SearchLimits.maxStringLength))'", []).isEmpty)
        // A 20,000-character LIKE pattern exceeded SQLite's 50,000-byte pattern limit: a 500.
        await refused("tags.all LIKE '\(String(repeating: "[", count: 20_000))'", "at most \(SearchLimits.maxStringLength) characters")
        await refused("tags.all = '\(String(repeating: "x", count: SearchLimits.maxStringLength + 1))'", "at most \(SearchLimits.maxStringLength) characters")

        let ids = (0..<SearchLimits.maxListValues).map { "'\(String(format: "%032x", $0))'" }
        #expect(try await search(s, experiment, "attributes.run_id NOT IN (\(ids.joined(separator: ",")))", []).count == runs.count)
        await refused("attributes.run_id IN (\(ids.joined(separator: ",")), 'a')", "at most \(SearchLimits.maxListValues) values")
        let half = ids.prefix(SearchLimits.maxListValues / 2 + 1).joined(separator: ",")
        await refused("attributes.run_id IN (\(half)) AND attributes.run_id NOT IN (\(half))", "at most \(SearchLimits.maxListValues) values")
    }

    /// Experiments and logged models parse with the same grammar and the same bounds.
    @Test func experimentAndLoggedModelSearchesAreBounded() async throws {
        let s = try Store()
        let id = try await s.store.createExperiment(name: "e", artifactLocation: nil, tags: [])
        _ = try await s.store.createLoggedModel(experimentID: id, name: "m", modelType: nil, sourceRunID: nil, params: [], tags: [])
        let most = Array(repeating: "name LIKE '%'", count: SearchLimits.maxFilterTerms).joined(separator: " AND ")
        #expect(try await s.store.searchExperiments(view: .activeOnly, filter: most, orderBy: [], maxResults: 10, pageToken: nil).items.count == 2)
        #expect(try await s.store.searchLoggedModels(experimentIDs: [id], filter: most, maxResults: 10, pageToken: nil).items.count == 1)
        let tooMany = most + " AND name LIKE '%'"
        #expect(await vaneError { _ = try await s.store.searchExperiments(view: .activeOnly, filter: tooMany, orderBy: [], maxResults: 10, pageToken: nil) }?.code == .invalidParameter)
        #expect(await vaneError { _ = try await s.store.searchLoggedModels(experimentIDs: [id], filter: tooMany, maxResults: 10, pageToken: nil) }?.code == .invalidParameter)
        let keys = Array(repeating: "name", count: SearchLimits.maxOrderByKeys + 1)
        let error = await vaneError { _ = try await s.store.searchExperiments(view: .activeOnly, filter: nil, orderBy: keys, maxResults: 10, pageToken: nil) }
        #expect(error?.message.contains("at most \(SearchLimits.maxOrderByKeys) keys") == true)
        let pattern = String(repeating: "[", count: 20_000)
        #expect(await vaneError { _ = try await s.store.searchLoggedModels(experimentIDs: [id], filter: "name LIKE '\(pattern)'", maxResults: 10, pageToken: nil) }?.code == .invalidParameter)
    }

    /// Every experiment id was bound again in each plan of the statement: 10,000 ids made
    /// 90,000 parameters, beyond SQLite's default 32,766.
    @Test func manyExperimentsStayWithinTheParameterLimit() async throws {
        let ids = (100_000..<Int64(100_000 + TrackingValidation.maxExperimentIDsPerSearch - 1)).map { $0 }
        let built = try RunSearchSQL.build(experimentIDs: ids, lifecycleStages: ["active"], filter: try SearchFilter.runs("metrics.a > 1 AND params.b = 'x' AND tags.c LIKE 'y%'"),
                                           orderBy: try SearchOrderBy.runs(["metrics.a"]), limit: 10, offset: 0)
        #expect(built.sql.filter { $0 == "?" }.count < 1000)
        let s = try Store()
        var runs = randomRuns(seed: 9)
        let experiment = try await make(&runs, in: s)
        let page = try await s.store.searchRuns(experimentIDs: ids + [experiment], filter: "params.all = 'x'", orderBy: ["metrics.m0"],
                                                view: .activeOnly, maxResults: 100, pageToken: nil)
        #expect(page.items.map(\.info.runID) == reference(runs, ["metrics.m0"]))
    }

    /// A database failure inside a search reaches the client without SQL text.
    @Test func databaseErrorsCarryNoSQL() async throws {
        let s = try Store()
        var runs = randomRuns(seed: 1)
        let experiment = try await make(&runs, in: s)
        try await s.database.writer.write { db in try db.execute(sql: "DROP TABLE latest_metrics") }
        let error = await vaneError { _ = try await search(s, experiment, "metrics.m1 > 0", ["metrics.m2"]) }
        #expect(error?.code == .internalError)
        for text in ["SELECT", "latest_metrics", "SQLite"] {
            #expect(error?.message.contains(text) == false, "\(String(describing: error?.message))")
        }

        let tooComplex = DatabaseError(resultCode: .SQLITE_ERROR, message: "at most 64 tables in a join", sql: "SELECT secret FROM runs")
        let mapped = SearchLimits.error(tooComplex, context: "search runs")
        #expect(mapped.code == .invalidParameter)
        #expect(!mapped.message.contains("secret") && !mapped.message.contains("64 tables"))
        let other = SearchLimits.error(DatabaseError(resultCode: .SQLITE_CORRUPT, message: "database disk image is malformed", sql: "SELECT secret"), context: "search runs")
        #expect(other.code == .internalError && !other.message.contains("secret") && !other.message.contains("malformed"))
        #expect(SearchLimits.error(VaneError.notFound("x"), context: "search runs").code == .notFound)
    }
}
