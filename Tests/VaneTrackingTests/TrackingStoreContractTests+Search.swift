import Foundation
import Testing
import VaneCore
import VaneTracking

private typealias Tag = VaneTracking.Tag

/// What any ``TrackingStore`` must do with metric values and histories.
@Suite("Tracking store contract: metrics")
struct TrackingStoreMetricContractTests {
    @Test("the latest value is the one with the largest step, then timestamp, then value",
          arguments: TrackingStoreBackends.all)
    func latestValue(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun()
            func latest() async throws -> Metric? { try await store.run(id: id).latestMetric("m") }
            try await store.logBatch(runID: id, metrics: [point("m", 5, step: 2, ts: 100)], params: [], tags: [])
            try await store.logBatch(runID: id, metrics: [point("m", 100, step: 1, ts: 999)], params: [], tags: [])
            #expect(try await latest() == point("m", 5, step: 2, ts: 100))
            try await store.logBatch(runID: id, metrics: [point("m", 1, step: 2, ts: 200)], params: [], tags: [])
            #expect(try await latest() == point("m", 1, step: 2, ts: 200))
            try await store.logBatch(runID: id, metrics: [point("m", 7, step: 2, ts: 200), point("m", 3, step: 2, ts: 200)], params: [], tags: [])
            #expect(try await latest()?.value == 7)
            try await store.logBatch(runID: id, metrics: [point("m", .nan, step: 2, ts: 200)], params: [], tags: [])
            #expect(try await latest()?.value == 7)
            try await store.logBatch(runID: id, metrics: [point("m", .nan, step: 3, ts: 1)], params: [], tags: [])
            let nan = try #require(try await latest())
            #expect(nan.value.isNaN && nan.step == 3)
            try await store.logBatch(runID: id, metrics: [point("m", -.infinity, step: 3, ts: 2)], params: [], tags: [])
            #expect(try await latest()?.value == -.infinity)
            #expect(try await store.metricHistory(runID: id, key: "m", maxResults: nil, pageToken: nil).items.count == 8)
        }
    }

    @Test("NaN, ±infinity and extreme finite values round-trip in latest values and history", arguments: TrackingStoreBackends.all)
    func nonFiniteValues(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun()
            try await store.logBatch(runID: id, metrics: [
                point("nan", .nan), point("pinf", .infinity), point("ninf", -.infinity),
                point("max", .greatestFiniteMagnitude), point("tiny", .leastNonzeroMagnitude), point("neg", -1.5e-300),
            ], params: [], tags: [])
            let run = try await store.run(id: id)
            #expect(run.latestMetric("nan")?.value.isNaN == true)
            #expect(run.latestMetric("pinf")?.value == .infinity)
            #expect(run.latestMetric("ninf")?.value == -.infinity)
            #expect(run.latestMetric("max")?.value == .greatestFiniteMagnitude)
            #expect(run.latestMetric("tiny")?.value == .leastNonzeroMagnitude)
            #expect(run.latestMetric("neg")?.value == -1.5e-300)
            for (key, check) in [("nan", { (v: Double) in v.isNaN }), ("pinf", { $0 == .infinity }), ("ninf", { $0 == -.infinity })] {
                let history = try await store.metricHistory(runID: id, key: key, maxResults: nil, pageToken: nil).items
                #expect(history.count == 1 && history.allSatisfy { check($0.value) }, "\(key)")
            }
        }
    }

    @Test("history keeps every distinct point once, in step order, and pages without gaps or repeats", arguments: TrackingStoreBackends.all)
    func history(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun()
            // Identical (step, timestamp, value) points are one point, as MLflow's primary key makes them.
            try await store.logBatch(runID: id, metrics: [point("m", 1, step: 1, ts: 10), point("m", 1, step: 1, ts: 10)], params: [], tags: [])
            try await store.logBatch(runID: id, metrics: [point("m", 1, step: 1, ts: 10), point("m", .nan, step: 2, ts: 20)], params: [], tags: [])
            try await store.logBatch(runID: id, metrics: [point("m", .nan, step: 2, ts: 20), point("other", 4, step: 9)], params: [], tags: [])
            try await store.logBatch(runID: id, metrics: (3..<10).reversed().map { point("m", Double($0), step: Int64($0), ts: Int64($0) * 10) },
                                     params: [], tags: [])
            let all = try await store.metricHistory(runID: id, key: "m", maxResults: nil, pageToken: nil)
            #expect(all.nextPageToken == nil)
            #expect(all.items.map(\.step) == [1, 2, 3, 4, 5, 6, 7, 8, 9])
            #expect(all.items.allSatisfy { $0.key == "m" })
            #expect(all.items[1].value.isNaN)
            for size in [1, 2, 4, 9] {
                var steps: [Int64] = []
                var token: String?
                var pages = 0
                repeat {
                    let page = try await store.metricHistory(runID: id, key: "m", maxResults: size, pageToken: token)
                    #expect(page.items.count <= size)
                    steps += page.items.map(\.step)
                    token = page.nextPageToken
                    pages += 1
                } while token != nil && pages < 50
                #expect(steps == [1, 2, 3, 4, 5, 6, 7, 8, 9], "page size \(size)")
                #expect(pages == (9 + size - 1) / size, "page size \(size): an exact fit has no next page")
            }
            #expect(try await store.metricHistory(runID: id, key: "unknown", maxResults: nil, pageToken: nil).items.isEmpty)
            await expectStoreError(.invalidParameter) { _ = try await store.metricHistory(runID: id, key: "m", maxResults: 0, pageToken: nil) }
            await expectStoreError(.invalidParameter) { _ = try await store.metricHistory(runID: id, key: "m", maxResults: 2, pageToken: "garbage!") }
        }
    }

    @Test("bulk interval: at most max_results steps per run, first and last kept, every value of a kept step", arguments: TrackingStoreBackends.validating)
    func bulkInterval(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let a = try await store.newRun(name: "a")
            let b = try await store.newRun(name: "b")
            try await store.logBatch(runID: a, metrics: (0..<100).map { point("loss", Double($0), step: Int64($0), ts: 1) }, params: [], tags: [])
            try await store.logBatch(runID: a, metrics: [point("loss", -1, step: 99, ts: 2)], params: [], tags: [])
            try await store.logBatch(runID: b, metrics: (10..<15).map { point("loss", Double($0), step: Int64($0), ts: 1) }, params: [], tags: [])
            let sampled = try await store.metricHistoryBulkInterval(runIDs: [a, b], key: "loss", startStep: nil, endStep: nil, maxResults: 10)
            let fromA = sampled.filter { $0.runID == a }
            #expect(Set(fromA.map(\.step)).count == 10)
            #expect(fromA.first?.step == 0 && fromA.last?.step == 99)
            #expect(fromA.filter { $0.step == 99 }.count == 2)
            #expect(sampled.filter { $0.runID == b }.map(\.step) == [10, 11, 12, 13, 14])
            let window = try await store.metricHistoryBulkInterval(runIDs: [a], key: "loss", startStep: 20, endStep: 40, maxResults: 5)
            #expect(window.count == 5 && window.first?.step == 20 && window.last?.step == 40)
            await expectStoreError(.invalidParameter) {
                _ = try await store.metricHistoryBulkInterval(runIDs: [], key: "loss", startStep: nil, endStep: nil, maxResults: 10)
            }
            await expectStoreError(.invalidParameter) {
                _ = try await store.metricHistoryBulkInterval(runIDs: [a], key: "loss", startStep: 9, endStep: 2, maxResults: 10)
            }
        }
    }
}

/// What any ``TrackingStore`` must do when searching runs.
@Suite("Tracking store contract: run search")
struct TrackingStoreRunSearchContractTests {
    /// Six runs in one experiment with metrics (one NaN, one missing), params, tags and statuses.
    private func seed(_ store: any TrackingStore) async throws -> (experiment: Int64, ids: [String: String]) {
        let exp = try await store.createExperiment(name: "search", artifactLocation: nil, tags: [])
        var ids: [String: String] = [:]
        let specs: [(String, Int64, Double?, String, String, RunStatus)] = [
            ("r1", 100, 0.5, "0.1", "a", .finished),
            ("r2", 200, 2, "0.2", "b", .finished),
            ("r3", 300, .nan, "0.1", "a", .failed),
            ("r4", 400, nil, "0.3", "b", .running),
            ("r5", 300, -1, "0.2", "a", .finished),
            ("r6", 500, 0.5, "0.1", "c", .finished),
        ]
        for (name, start, acc, lr, team, status) in specs {
            let id = try await store.newRun(exp, name: name, start: start, tags: [Tag(key: "team", value: team)])
            ids[name] = id
            try await store.logBatch(runID: id, metrics: acc.map { [point("acc", $0)] } ?? [], params: [Param(key: "lr", value: lr)], tags: [])
            if status != .running { _ = try await store.updateRun(id: id, status: status, endTime: start + 50, runName: nil) }
        }
        return (exp, ids)
    }

    @Test("filters on metrics, params, tags and attributes select exactly the matching runs", arguments: TrackingStoreBackends.all)
    func filters(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let (exp, ids) = try await seed(store)
            func names(_ filter: String) async throws -> Set<String> {
                let found = Set(try await store.allRunIDs([exp], filter: filter))
                return Set(ids.filter { found.contains($0.value) }.map(\.key))
            }
            #expect(try await names("metrics.acc > 0.5") == ["r2"])
            #expect(try await names("metrics.acc >= 0.5") == ["r1", "r2", "r6"])
            #expect(try await names("metrics.acc < 0") == ["r5"])
            #expect(try await names("params.lr = '0.1'") == ["r1", "r3", "r6"])
            #expect(try await names("params.lr != '0.1'") == ["r2", "r4", "r5"])
            #expect(try await names("tags.team = 'a' and params.lr = '0.2'") == ["r5"])
            #expect(try await names("tags.team LIKE '%b%'") == ["r2", "r4"])
            #expect(try await names("tags.team ILIKE 'C'") == ["r6"])
            #expect(try await names("attributes.status = 'FAILED'") == ["r3"])
            #expect(try await names("attributes.run_name = 'r4'") == ["r4"])
            #expect(try await names("attributes.start_time > 300") == ["r4", "r6"])
            #expect(try await names("attributes.run_id IN ('\(ids["r1"]!)', '\(ids["r6"]!)')") == ["r1", "r6"])
            #expect(try await names("params.missing = 'x'").isEmpty)
            #expect(try await names("metrics.missing > 0").isEmpty)
        }
    }

    @Test("order: start_time DESC by default; metric order puts NaN then missing last in both directions", arguments: TrackingStoreBackends.all)
    func order(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let (exp, ids) = try await seed(store)
            func names(_ orderBy: [String]) async throws -> [String] {
                let byID = Dictionary(uniqueKeysWithValues: ids.map { ($0.value, $0.key) })
                return try await store.allRunIDs([exp], orderBy: orderBy).map { byID[$0]! }
            }
            let byDefault = try await names([])
            #expect(byDefault.first == "r6" && byDefault[1] == "r4" && Set(byDefault[2...3]) == ["r3", "r5"] && byDefault[4...] == ["r2", "r1"])
            #expect(try await names(["attributes.start_time ASC", "attributes.run_name ASC"]) == ["r1", "r2", "r3", "r5", "r4", "r6"])
            #expect(try await names(["metrics.acc DESC", "attributes.run_name ASC"]) == ["r2", "r1", "r6", "r5", "r3", "r4"])
            #expect(try await names(["metrics.acc ASC", "attributes.run_name ASC"]) == ["r5", "r1", "r6", "r2", "r3", "r4"])
            #expect(try await names(["params.lr DESC", "attributes.run_name DESC"]) == ["r4", "r5", "r2", "r6", "r3", "r1"])
        }
    }

    @Test("paging: any page size yields every run exactly once in the full order, ties included", arguments: TrackingStoreBackends.all)
    func paging(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let exp = try await store.createExperiment(name: "ties", artifactLocation: nil, tags: [])
            // Three start times and two metric values only: the order must break ties the same way on every page.
            for i in 0..<13 {
                let id = try await store.newRun(exp, name: "r\(i)", start: Int64(i % 3))
                try await store.logBatch(runID: id, metrics: [point("m", Double(i % 2))], params: [], tags: [])
            }
            for orderBy in [[], ["metrics.m DESC"], ["attributes.start_time ASC"]] {
                let whole = try await store.allRunIDs([exp], orderBy: orderBy)
                #expect(whole.count == 13 && Set(whole).count == 13)
                for size in [1, 2, 5, 13] {
                    #expect(try await store.allRunIDs([exp], orderBy: orderBy, pageSize: size) == whole, "\(orderBy) by \(size)")
                }
            }
            let first = try await store.searchRuns(experimentIDs: [exp], filter: nil, orderBy: [], view: .activeOnly, maxResults: 4, pageToken: nil)
            let token = try #require(first.nextPageToken)
            let second = try await store.searchRuns(experimentIDs: [exp], filter: nil, orderBy: [], view: .activeOnly, maxResults: 4, pageToken: token)
            let repeated = try await store.searchRuns(experimentIDs: [exp], filter: nil, orderBy: [], view: .activeOnly, maxResults: 4, pageToken: token)
            #expect(second.items.map(\.info.runID) == repeated.items.map(\.info.runID))
            #expect(Set(first.items.map(\.info.runID)).isDisjoint(with: second.items.map(\.info.runID)))
        }
    }

    @Test("deleted runs appear only in DELETED_ONLY and ALL views; searches span several experiments", arguments: TrackingStoreBackends.all)
    func viewTypes(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let e1 = try await store.createExperiment(name: "e1", artifactLocation: nil, tags: [])
            let e2 = try await store.createExperiment(name: "e2", artifactLocation: nil, tags: [])
            let live = try await store.newRun(e1, start: 1)
            let gone = try await store.newRun(e1, start: 2)
            let other = try await store.newRun(e2, start: 3)
            try await store.deleteRun(id: gone)
            #expect(try await store.allRunIDs([e1], view: .activeOnly) == [live])
            #expect(try await store.allRunIDs([e1], view: .deletedOnly) == [gone])
            #expect(Set(try await store.allRunIDs([e1], view: .all)) == [live, gone])
            #expect(try await store.allRunIDs([e1, e2]) == [other, live])
            #expect(try await store.allRunIDs([e2, 4242]) == [other])
            try await store.restoreRun(id: gone)
            #expect(try await store.allRunIDs([e1, e2]) == [other, gone, live])
            #expect(try await store.allRunIDs([e1], view: .deletedOnly).isEmpty)
        }
    }

    @Test("run search refuses bad max_results, page tokens, filters and order keys", arguments: TrackingStoreBackends.validating)
    func searchErrors(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            func search(_ filter: String?, _ orderBy: [String] = [], max: Int = 10, token: String? = nil) async throws {
                _ = try await store.searchRuns(experimentIDs: [0], filter: filter, orderBy: orderBy, view: .all, maxResults: max, pageToken: token)
            }
            await expectStoreError(.invalidParameter) { try await search(nil, max: 0) }
            await expectStoreError(.invalidParameter) { try await search(nil, max: TrackingValidation.maxResultsLimit + 1) }
            await expectStoreError(.invalidParameter) { try await search(nil, token: "not a token") }
            await expectStoreError(.invalidParameter) { try await search("metrics.x >>> 1") }
            await expectStoreError(.invalidParameter) { try await search("metrics.x >") }
            await expectStoreError(.invalidParameter) { try await search("params.p IN ('a')") }
            await expectStoreError(.invalidParameter) { try await search(nil, ["metrics.x SIDEWAYS"]) }
        }
    }
}
