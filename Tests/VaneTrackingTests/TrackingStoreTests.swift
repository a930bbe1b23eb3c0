import Foundation
import Testing
import VaneCore
import VaneStorage
import VaneTracking

/// A fresh store over an in-memory database with the tracking schema, behind
/// ``ValidatingTrackingStore`` as the rest of Vane reaches it.
private func makeStore() throws -> ValidatingTrackingStore {
    let db = try VaneDatabase.inMemory()
    var m = SchemaMigrations()
    TrackingSchema.register(in: &m)
    try db.migrate(m)
    return ValidatingTrackingStore(try SQLiteTrackingStore(database: db))
}

/// Runs `body` and checks that it throws a `VaneError` with `code`.
private func expectVaneError(_ code: VaneError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                             _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("Expected a VaneError \(code.rawValue), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as VaneError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("Expected a VaneError \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}

private func metric(_ key: String, _ value: Double, step: Int64 = 0, ts: Int64 = 1000) -> Metric {
    Metric(key: key, value: value, timestamp: ts, step: step)
}

private extension Run {
    func latest(_ key: String) -> Metric? { metrics.first { $0.key == key } }
    func param(_ key: String) -> String? { params.first { $0.key == key }?.value }
    func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }
}

@Suite("Tracking store: experiments")
struct TrackingStoreExperimentTests {
    @Test func defaultExperimentExists() async throws {
        let store = try makeStore()
        let e = try await store.experiment(id: 0)
        #expect(e.name == "Default")
        #expect(e.lifecycleStage == .active)
        #expect(e.artifactLocation == "mlflow-artifacts:/0")
        let byName = try await store.experiment(named: "Default")
        #expect(byName.id == 0)
    }

    @Test func defaultExperimentIsCreatedOnlyOnce() async throws {
        let db = try VaneDatabase.inMemory()
        var m = SchemaMigrations()
        TrackingSchema.register(in: &m)
        try db.migrate(m)
        _ = try SQLiteTrackingStore(database: db)
        let again = try SQLiteTrackingStore(database: db)
        let page = try await again.searchExperiments(view: .all, filter: nil, orderBy: [], maxResults: 100, pageToken: nil)
        #expect(page.items.map(\.id) == [0])
    }

    @Test func createGetAndGetByName() async throws {
        let store = try makeStore()
        let id = try await store.createExperiment(name: "exp-a", artifactLocation: nil, tags: [Tag(key: "team", value: "ml")])
        #expect(id > 0)
        let e = try await store.experiment(id: id)
        #expect(e.name == "exp-a")
        #expect(e.artifactLocation == "mlflow-artifacts:/\(id)")
        #expect(e.tags == [Tag(key: "team", value: "ml")])
        #expect(e.creationTime != nil)
        #expect(e.lastUpdateTime != nil)
        let byName = try await store.experiment(named: "exp-a")
        #expect(byName == e)

        let other = try await store.createExperiment(name: "exp-b", artifactLocation: "s3://bucket/prefix", tags: [])
        #expect(other != id)
        #expect(try await store.experiment(id: other).artifactLocation == "s3://bucket/prefix")
    }

    @Test func unknownExperimentIsNotFound() async throws {
        let store = try makeStore()
        await expectVaneError(.notFound) { _ = try await store.experiment(id: 4242) }
        await expectVaneError(.notFound) { _ = try await store.experiment(named: "nope") }
    }

    @Test func duplicateNameIsAlreadyExists() async throws {
        let store = try makeStore()
        _ = try await store.createExperiment(name: "dup", artifactLocation: nil, tags: [])
        await expectVaneError(.alreadyExists) { _ = try await store.createExperiment(name: "dup", artifactLocation: nil, tags: []) }
        await expectVaneError(.alreadyExists) { _ = try await store.createExperiment(name: "Default", artifactLocation: nil, tags: []) }
    }

    @Test func emptyNameIsInvalid() async throws {
        let store = try makeStore()
        await expectVaneError(.invalidParameter) { _ = try await store.createExperiment(name: "", artifactLocation: nil, tags: []) }
        await expectVaneError(.invalidParameter) { _ = try await store.createExperiment(name: "   ", artifactLocation: nil, tags: []) }
    }

    @Test func rename() async throws {
        let store = try makeStore()
        let id = try await store.createExperiment(name: "old", artifactLocation: nil, tags: [])
        _ = try await store.createExperiment(name: "taken", artifactLocation: nil, tags: [])
        try await store.renameExperiment(id: id, newName: "new")
        #expect(try await store.experiment(id: id).name == "new")
        await expectVaneError(.notFound) { _ = try await store.experiment(named: "old") }
        await expectVaneError(.alreadyExists) { try await store.renameExperiment(id: id, newName: "taken") }
        await expectVaneError(.notFound) { try await store.renameExperiment(id: 999, newName: "x") }
        await expectVaneError(.invalidParameter) { try await store.renameExperiment(id: id, newName: "") }
        try await store.deleteExperiment(id: id)
        await expectVaneError(.invalidState) { try await store.renameExperiment(id: id, newName: "again") }
    }

    @Test func experimentTags() async throws {
        let store = try makeStore()
        let id = try await store.createExperiment(name: "tagged", artifactLocation: nil, tags: [])
        try await store.setExperimentTag(id: id, tag: Tag(key: "a", value: "1"))
        try await store.setExperimentTag(id: id, tag: Tag(key: "b", value: "2"))
        try await store.setExperimentTag(id: id, tag: Tag(key: "a", value: "overwritten"))
        #expect(try await store.experiment(id: id).tags == [Tag(key: "a", value: "overwritten"), Tag(key: "b", value: "2")])
        try await store.deleteExperimentTag(id: id, key: "a")
        #expect(try await store.experiment(id: id).tags == [Tag(key: "b", value: "2")])
        await expectVaneError(.notFound) { try await store.deleteExperimentTag(id: id, key: "a") }
        await expectVaneError(.notFound) { try await store.setExperimentTag(id: 999, tag: Tag(key: "a", value: "1")) }
        await expectVaneError(.invalidParameter) { try await store.setExperimentTag(id: id, tag: Tag(key: "", value: "1")) }
        await expectVaneError(.invalidParameter) {
            try await store.setExperimentTag(id: id, tag: Tag(key: "long", value: String(repeating: "x", count: 5001)))
        }
    }

    @Test func deleteAndRestoreFlipRuns() async throws {
        let store = try makeStore()
        let id = try await store.createExperiment(name: "to-delete", artifactLocation: nil, tags: [])
        let r1 = try await store.createRun(experimentID: id, userID: "u", runName: "r1", startTime: 1, tags: [])
        let r2 = try await store.createRun(experimentID: id, userID: "u", runName: "r2", startTime: 2, tags: [])
        let elsewhere = try await store.createRun(experimentID: 0, userID: "u", runName: "other", startTime: 3, tags: [])

        try await store.deleteExperiment(id: id)
        #expect(try await store.experiment(id: id).lifecycleStage == .deleted)
        #expect(try await store.run(id: r1.info.runID).info.lifecycleStage == .deleted)
        #expect(try await store.run(id: r2.info.runID).info.lifecycleStage == .deleted)
        #expect(try await store.run(id: elsewhere.info.runID).info.lifecycleStage == .active)
        let active = try await store.searchExperiments(view: .activeOnly, filter: nil, orderBy: [], maxResults: 100, pageToken: nil)
        #expect(!active.items.contains { $0.id == id })
        let deleted = try await store.searchExperiments(view: .deletedOnly, filter: nil, orderBy: [], maxResults: 100, pageToken: nil)
        #expect(deleted.items.map(\.id) == [id])
        // A deleted experiment takes no new runs.
        await expectVaneError(.invalidParameter) {
            _ = try await store.createRun(experimentID: id, userID: "u", runName: nil, startTime: nil, tags: [])
        }

        try await store.restoreExperiment(id: id)
        #expect(try await store.experiment(id: id).lifecycleStage == .active)
        #expect(try await store.run(id: r1.info.runID).info.lifecycleStage == .active)
        #expect(try await store.run(id: r2.info.runID).info.lifecycleStage == .active)
        await expectVaneError(.notFound) { try await store.deleteExperiment(id: 999) }
        await expectVaneError(.notFound) { try await store.restoreExperiment(id: 999) }
    }

    /// MLflow restores only a deleted experiment (`_get_experiment(..., ViewType.DELETED_ONLY)`, else 404).
    /// Vane accepts a restore of an active experiment and, doing so, reactivates every run of it that
    /// was deleted on its own: a stray `experiments/restore` silently undoes run deletions.
    @Test
    func restoringAnActiveExperimentKeepsDeletedRunsDeleted() async throws {
        let store = try makeStore()
        let id = try await store.createExperiment(name: "live", artifactLocation: nil, tags: [])
        let run = try await store.createRun(experimentID: id, userID: "", runName: "gone", startTime: nil, tags: []).info.runID
        try await store.deleteRun(id: run)
        try? await store.restoreExperiment(id: id)
        #expect(try await store.run(id: run).info.lifecycleStage == .deleted)
    }

    @Test func searchPagesWithTokens() async throws {
        let store = try makeStore()
        for i in 0..<5 { _ = try await store.createExperiment(name: "page-\(i)", artifactLocation: nil, tags: []) }
        var seen: [Int64] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await store.searchExperiments(view: .all, filter: nil, orderBy: [], maxResults: 2, pageToken: token)
            #expect(page.items.count <= 2)
            seen += page.items.map(\.id)
            token = page.nextPageToken
            pages += 1
        } while token != nil && pages < 10
        #expect(pages == 3)
        #expect(Set(seen).count == 6)
        #expect(seen.count == 6)
        await expectVaneError(.invalidParameter) {
            _ = try await store.searchExperiments(view: .all, filter: nil, orderBy: [], maxResults: 50001, pageToken: nil)
        }
        await expectVaneError(.invalidParameter) {
            _ = try await store.searchExperiments(view: .all, filter: nil, orderBy: [], maxResults: 10, pageToken: "not a token")
        }
    }
}

@Suite("Tracking store: runs")
struct TrackingStoreRunTests {
    @Test func createRunWithTagsSetsRunName() async throws {
        let store = try makeStore()
        let run = try await store.createRun(experimentID: 0, userID: "alice", runName: nil, startTime: 1234,
                                            tags: [Tag(key: "mlflow.runName", value: "from-tag"), Tag(key: "k", value: "v")])
        #expect(run.info.runName == "from-tag")
        #expect(run.tag("mlflow.runName") == "from-tag")
        #expect(run.tag("k") == "v")
        #expect(run.info.userID == "alice")
        #expect(run.info.status == .running)
        #expect(run.info.startTime == 1234)
        #expect(run.info.endTime == nil)
        #expect(run.info.lifecycleStage == .active)
        #expect(run.info.experimentID == 0)
        #expect(run.info.runID.count == 32)
        let isHex = run.info.runID.allSatisfy(\.isHexDigit)
        #expect(isHex)
        #expect(run.info.artifactURI == "mlflow-artifacts:/0/\(run.info.runID)/artifacts")
        #expect(try await store.run(id: run.info.runID) == run)

        // A run_name and an mlflow.runName tag must agree (MLflow refuses different values).
        await expectVaneError(.invalidParameter) {
            _ = try await store.createRun(experimentID: 0, userID: "", runName: "explicit", startTime: nil,
                                          tags: [Tag(key: "mlflow.runName", value: "different")])
        }
        let named = try await store.createRun(experimentID: 0, userID: "", runName: "explicit", startTime: nil,
                                              tags: [Tag(key: "mlflow.runName", value: "explicit")])
        #expect(named.info.runName == "explicit")
        #expect(named.tag("mlflow.runName") == "explicit")
        #expect(named.tag("mlflow.user") == nil)
        #expect(named.tags.filter { $0.key == "mlflow.runName" }.count == 1)

        let generated = try await store.createRun(experimentID: 0, userID: "", runName: nil, startTime: nil, tags: [])
        #expect(!generated.info.runName.isEmpty)
        #expect(generated.tag("mlflow.runName") == generated.info.runName)
        #expect(generated.info.startTime != nil)
    }

    @Test func createRunInUnknownExperiment() async throws {
        let store = try makeStore()
        await expectVaneError(.notFound) { _ = try await store.createRun(experimentID: 77, userID: "", runName: nil, startTime: nil, tags: []) }
        await expectVaneError(.notFound) { _ = try await store.run(id: "0123456789abcdef0123456789abcdef") }
    }

    @Test func updateStatusEndTimeAndName() async throws {
        let store = try makeStore()
        let run = try await store.createRun(experimentID: 0, userID: "", runName: "before", startTime: 10, tags: [])
        let id = run.info.runID
        let info = try await store.updateRun(id: id, status: .finished, endTime: 99, runName: "after")
        #expect(info.status == .finished)
        #expect(info.endTime == 99)
        #expect(info.runName == "after")
        let reloaded = try await store.run(id: id)
        #expect(reloaded.info == info)
        #expect(reloaded.tag("mlflow.runName") == "after")

        // Nil fields leave values alone.
        let same = try await store.updateRun(id: id, status: nil, endTime: nil, runName: nil)
        #expect(same == info)
        let failed = try await store.updateRun(id: id, status: .failed, endTime: nil, runName: "")
        #expect(failed.status == .failed)
        #expect(failed.runName == "after")
        #expect(failed.endTime == 99)
        await expectVaneError(.notFound) { _ = try await store.updateRun(id: "missing", status: .finished, endTime: nil, runName: nil) }
    }

    @Test func deleteAndRestoreRun() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.deleteRun(id: id)
        #expect(try await store.run(id: id).info.lifecycleStage == .deleted)
        let activeSearch = try await store.searchRuns(experimentIDs: [0], filter: nil, orderBy: [], view: .activeOnly, maxResults: 10, pageToken: nil)
        #expect(activeSearch.items.isEmpty)
        let deletedSearch = try await store.searchRuns(experimentIDs: [0], filter: nil, orderBy: [], view: .deletedOnly, maxResults: 10, pageToken: nil)
        #expect(deletedSearch.items.map(\.info.runID) == [id])
        try await store.restoreRun(id: id)
        #expect(try await store.run(id: id).info.lifecycleStage == .active)
        await expectVaneError(.notFound) { try await store.deleteRun(id: "missing") }
        await expectVaneError(.notFound) { try await store.restoreRun(id: "missing") }
    }

    @Test func writesToDeletedRunAreRefused() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: [Tag(key: "t", value: "1")]).info.runID
        try await store.deleteRun(id: id)
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [metric("m", 1)], params: [], tags: []) }
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [], params: [Param(key: "p", value: "1")], tags: []) }
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "t", value: "2")]) }
        await expectVaneError(.invalidParameter) { _ = try await store.updateRun(id: id, status: .finished, endTime: 1, runName: nil) }
        await expectVaneError(.invalidParameter) { try await store.deleteTag(runID: id, key: "t") }
        let run = try await store.run(id: id)
        #expect(run.metrics.isEmpty)
        #expect(run.params.isEmpty)
        #expect(run.tag("t") == "1")
        await expectVaneError(.notFound) { try await store.logBatch(runID: "missing", metrics: [metric("m", 1)], params: [], tags: []) }
    }

    @Test func deleteTag() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: [Tag(key: "x", value: "1")]).info.runID
        try await store.deleteTag(runID: id, key: "x")
        #expect(try await store.run(id: id).tag("x") == nil)
        await expectVaneError(.notFound) { try await store.deleteTag(runID: id, key: "x") }
    }

    @Test func setTagRunNameRenamesRun() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "one", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "mlflow.runName", value: "two")])
        #expect(try await store.run(id: id).info.runName == "two")
    }
}

@Suite("Tracking store: log-batch")
struct TrackingStoreLogBatchTests {
    @Test func paramsAreImmutable() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [], params: [Param(key: "lr", value: "0.1")], tags: [])
        // The same value again is fine.
        try await store.logBatch(runID: id, metrics: [], params: [Param(key: "lr", value: "0.1")], tags: [])
        // A different value is refused.
        await expectVaneError(.invalidParameter) {
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "lr", value: "0.2")], tags: [])
        }
        #expect(try await store.run(id: id).param("lr") == "0.1")
    }

    @Test func rejectedBatchWritesNothing() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [], params: [Param(key: "fixed", value: "a")], tags: [])
        await expectVaneError(.invalidParameter) {
            try await store.logBatch(
                runID: id,
                metrics: [metric("loss", 0.5, step: 1), metric("acc", 0.9, step: 1)],
                params: [Param(key: "fresh", value: "1"), Param(key: "fixed", value: "b"), Param(key: "zzz", value: "2")],
                tags: [Tag(key: "batch-tag", value: "x")])
        }
        let run = try await store.run(id: id)
        #expect(run.metrics.isEmpty)
        #expect(run.params == [Param(key: "fixed", value: "a")])
        #expect(run.tag("batch-tag") == nil)
        #expect(try await store.metricHistory(runID: id, key: "loss", maxResults: nil, pageToken: nil).items.isEmpty)
        #expect(try await store.metricHistory(runID: id, key: "acc", maxResults: nil, pageToken: nil).items.isEmpty)
    }

    @Test func conflictingValuesInsideOneBatchWriteNothing() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        await expectVaneError(.invalidParameter) {
            try await store.logBatch(runID: id, metrics: [metric("m", 1)],
                                     params: [Param(key: "p", value: "1"), Param(key: "p", value: "2")],
                                     tags: [Tag(key: "t", value: "v")])
        }
        let run = try await store.run(id: id)
        #expect(run.metrics.isEmpty && run.params.isEmpty && run.tag("t") == nil)
        // Duplicates with the same value are accepted once.
        try await store.logBatch(runID: id, metrics: [], params: [Param(key: "p", value: "1"), Param(key: "p", value: "1")], tags: [])
        #expect(try await store.run(id: id).params == [Param(key: "p", value: "1")])
    }

    @Test func invalidKeysAndLimits() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [metric("a//b", 1)], params: [], tags: []) }
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [metric("a/../b", 1)], params: [], tags: []) }
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [metric("x/", 1)], params: [], tags: []) }
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [metric("", 1)], params: [], tags: []) }
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [metric("a\u{0}b", 1)], params: [], tags: []) }
        await expectVaneError(.invalidParameter) {
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "big", value: String(repeating: "v", count: 6001))], tags: [])
        }
        try await store.logBatch(runID: id, metrics: [], params: [Param(key: "ok", value: String(repeating: "v", count: 6000))], tags: [])
        await expectVaneError(.invalidParameter) {
            try await store.logBatch(runID: id, metrics: (0..<1001).map { metric("m", Double($0), step: Int64($0)) }, params: [], tags: [])
        }
        await expectVaneError(.invalidParameter) {
            try await store.logBatch(runID: id, metrics: [], params: (0..<101).map { Param(key: "p\($0)", value: "1") }, tags: [])
        }
        await expectVaneError(.invalidParameter) {
            try await store.logBatch(runID: id, metrics: [], params: [], tags: (0..<101).map { Tag(key: "t\($0)", value: "1") })
        }
        let run = try await store.run(id: id)
        #expect(run.metrics.isEmpty)
        #expect(run.params.map(\.key) == ["ok"])
    }
}

extension TrackingStoreLogBatchTests {
    /// MLflow refuses names whose normalised form is `.`, starts with `..` or with `/`
    /// (`mlflow.utils.validation.path_not_unique`); they are already normalised, so a
    /// "normpath(name) == name" check alone would let them through.
    @Test(arguments: [".", "..", "../x", "/x", "../../etc/passwd", "..hidden"])
    func pathLikeKeysAreRefused(key: String) async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [metric(key, 1)], params: [], tags: []) }
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [], params: [Param(key: key, value: "1")], tags: []) }
        await expectVaneError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: key, value: "1")]) }
    }
}

@Suite("Tracking store: metrics")
struct TrackingStoreMetricTests {
    @Test func latestMetricPrefersLargerStep() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [metric("m", 5, step: 2, ts: 100)], params: [], tags: [])
        // An older step with a later timestamp and larger value does not win.
        try await store.logBatch(runID: id, metrics: [metric("m", 100, step: 1, ts: 999)], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m") == metric("m", 5, step: 2, ts: 100))
        try await store.logBatch(runID: id, metrics: [metric("m", -1, step: 3, ts: 1)], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m") == metric("m", -1, step: 3, ts: 1))
    }

    @Test func latestMetricThenTimestampThenValue() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [metric("m", 5, step: 1, ts: 200)], params: [], tags: [])
        try await store.logBatch(runID: id, metrics: [metric("m", 50, step: 1, ts: 100)], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m")?.value == 5)
        try await store.logBatch(runID: id, metrics: [metric("m", 1, step: 1, ts: 300)], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m")?.value == 1)
        // Same step and timestamp: the larger value wins, whatever the order.
        try await store.logBatch(runID: id, metrics: [metric("m", 7, step: 1, ts: 300)], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m")?.value == 7)
        try await store.logBatch(runID: id, metrics: [metric("m", 3, step: 1, ts: 300)], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m")?.value == 7)
    }

    @Test func latestMetricWithinOneBatch() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [
            metric("m", 1, step: 4, ts: 10), metric("m", 2, step: 9, ts: 5), metric("m", 3, step: 9, ts: 4), metric("m", 4, step: 2, ts: 50),
        ], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m") == metric("m", 2, step: 9, ts: 5))
        #expect(try await store.metricHistory(runID: id, key: "m", maxResults: nil, pageToken: nil).items.count == 4)
    }

    @Test func identicalPointsAreKeptOnceAsInMLflow() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        // The same (step, timestamp, value) twice, also within one batch, is one point; a NaN too.
        try await store.logBatch(runID: id, metrics: [metric("m", 1, step: 1, ts: 10), metric("m", 1, step: 1, ts: 10)], params: [], tags: [])
        try await store.logBatch(runID: id, metrics: [metric("m", 1, step: 1, ts: 10), metric("m", .nan, step: 2, ts: 10)], params: [], tags: [])
        try await store.logBatch(runID: id, metrics: [metric("m", .nan, step: 2, ts: 10)], params: [], tags: [])
        // A different value at the same step and time is a point of its own.
        try await store.logBatch(runID: id, metrics: [metric("m", 2, step: 1, ts: 10)], params: [], tags: [])
        let history = try await store.metricHistory(runID: id, key: "m", maxResults: nil, pageToken: nil).items
        #expect(history.map(\.step) == [1, 1, 2])
        #expect(history[0].value == 1 && history[1].value == 2 && history[2].value.isNaN)
    }

    @Test func latestMetricNaNIsSmallestValue() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [metric("m", 1, step: 1, ts: 1)], params: [], tags: [])
        try await store.logBatch(runID: id, metrics: [metric("m", .nan, step: 1, ts: 1)], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m")?.value == 1)
        // A NaN at a later step is the latest value.
        try await store.logBatch(runID: id, metrics: [metric("m", .nan, step: 2, ts: 1)], params: [], tags: [])
        let latest = try #require(try await store.run(id: id).latest("m"))
        #expect(latest.value.isNaN)
        #expect(latest.step == 2)
        // Any number beats NaN at the same step and timestamp.
        try await store.logBatch(runID: id, metrics: [metric("m", -.infinity, step: 2, ts: 1)], params: [], tags: [])
        #expect(try await store.run(id: id).latest("m")?.value == -.infinity)
    }

    @Test func nonFiniteValuesRoundTrip() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [
            metric("nan", .nan), metric("pinf", .infinity), metric("ninf", -.infinity),
            metric("max", .greatestFiniteMagnitude), metric("tiny", .leastNonzeroMagnitude), metric("negzero", -0.0),
        ], params: [], tags: [])
        let run = try await store.run(id: id)
        #expect(run.latest("nan")?.value.isNaN == true)
        #expect(run.latest("pinf")?.value == .infinity)
        #expect(run.latest("ninf")?.value == -.infinity)
        #expect(run.latest("max")?.value == .greatestFiniteMagnitude)
        #expect(run.latest("tiny")?.value == .leastNonzeroMagnitude)
        #expect(run.latest("negzero")?.value == 0)
        let nanHistory = try await store.metricHistory(runID: id, key: "nan", maxResults: nil, pageToken: nil)
        #expect(nanHistory.items.count == 1)
        #expect(nanHistory.items.first?.value.isNaN == true)
        #expect(try await store.metricHistory(runID: id, key: "pinf", maxResults: nil, pageToken: nil).items.first?.value == .infinity)
        #expect(try await store.metricHistory(runID: id, key: "ninf", maxResults: nil, pageToken: nil).items.first?.value == -.infinity)
    }

    @Test func historyIsOrderedByStepThenTimestamp() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: [metric("m", 5, step: 5, ts: 1), metric("m", 1, step: 1, ts: 1)], params: [], tags: [])
        try await store.logBatch(runID: id, metrics: [metric("m", 3, step: 3, ts: 9), metric("m", 2, step: 3, ts: 2)], params: [], tags: [])
        try await store.logBatch(runID: id, metrics: [metric("m", 0, step: 0, ts: 100), metric("other", 42, step: 2)], params: [], tags: [])
        let history = try await store.metricHistory(runID: id, key: "m", maxResults: nil, pageToken: nil)
        #expect(history.items.map(\.step) == [0, 1, 3, 3, 5])
        #expect(history.items.map(\.value) == [0, 1, 2, 3, 5])
        #expect(history.items.allSatisfy { $0.key == "m" })
        #expect(history.nextPageToken == nil)
        #expect(try await store.metricHistory(runID: id, key: "unknown", maxResults: nil, pageToken: nil).items.isEmpty)
        await expectVaneError(.notFound) { _ = try await store.metricHistory(runID: "missing", key: "m", maxResults: nil, pageToken: nil) }
    }

    @Test func historyPagesWithMaxResults() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: id, metrics: (0..<7).reversed().map { metric("m", Double($0) * 10, step: Int64($0), ts: 1) }, params: [], tags: [])
        var steps: [Int64] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await store.metricHistory(runID: id, key: "m", maxResults: 3, pageToken: token)
            #expect(page.items.count <= 3)
            steps += page.items.map(\.step)
            token = page.nextPageToken
            pages += 1
        } while token != nil && pages < 10
        #expect(pages == 3)
        #expect(steps == [0, 1, 2, 3, 4, 5, 6])
        // An exact fit has no next page.
        let exact = try await store.metricHistory(runID: id, key: "m", maxResults: 7, pageToken: nil)
        #expect(exact.items.count == 7)
        #expect(exact.nextPageToken == nil)
        await expectVaneError(.invalidParameter) { _ = try await store.metricHistory(runID: id, key: "m", maxResults: 0, pageToken: nil) }
        await expectVaneError(.invalidParameter) { _ = try await store.metricHistory(runID: id, key: "m", maxResults: 2, pageToken: "garbage!") }
    }

    @Test func bulkIntervalSamplingKeepsFirstAndLastSteps() async throws {
        let store = try makeStore()
        let a = try await store.createRun(experimentID: 0, userID: "", runName: "a", startTime: nil, tags: []).info.runID
        let b = try await store.createRun(experimentID: 0, userID: "", runName: "b", startTime: nil, tags: []).info.runID
        try await store.logBatch(runID: a, metrics: (0..<100).map { metric("loss", Double($0), step: Int64($0), ts: 1) }, params: [], tags: [])
        try await store.logBatch(runID: b, metrics: (10..<15).map { metric("loss", Double($0), step: Int64($0), ts: 1) }, params: [], tags: [])

        let sampled = try await store.metricHistoryBulkInterval(runIDs: [a, b], key: "loss", startStep: nil, endStep: nil, maxResults: 10)
        let fromA = sampled.filter { $0.runID == a }
        let fromB = sampled.filter { $0.runID == b }
        #expect(fromA.count == 10)
        #expect(fromA.first?.step == 0)
        #expect(fromA.last?.step == 99)
        #expect(fromA.map(\.step) == fromA.map(\.step).sorted())
        #expect(Set(fromA.map(\.step)).count == 10)
        // Fewer steps than max_results: everything.
        #expect(fromB.map(\.step) == [10, 11, 12, 13, 14])
        #expect(sampled.count == fromA.count + fromB.count)

        let window = try await store.metricHistoryBulkInterval(runIDs: [a], key: "loss", startStep: 20, endStep: 40, maxResults: 5)
        #expect(window.count == 5)
        #expect(window.first?.step == 20)
        #expect(window.last?.step == 40)

        let one = try await store.metricHistoryBulkInterval(runIDs: [a], key: "loss", startStep: nil, endStep: nil, maxResults: 1)
        #expect(one.map(\.step) == [0])

        await expectVaneError(.invalidParameter) {
            _ = try await store.metricHistoryBulkInterval(runIDs: [], key: "loss", startStep: nil, endStep: nil, maxResults: 10)
        }
        await expectVaneError(.invalidParameter) {
            _ = try await store.metricHistoryBulkInterval(runIDs: [a], key: "loss", startStep: 5, endStep: nil, maxResults: 10)
        }
        await expectVaneError(.invalidParameter) {
            _ = try await store.metricHistoryBulkInterval(runIDs: [a], key: "loss", startStep: 9, endStep: 2, maxResults: 10)
        }
        await expectVaneError(.invalidParameter) {
            _ = try await store.metricHistoryBulkInterval(runIDs: [a], key: "loss", startStep: nil, endStep: nil, maxResults: 2501)
        }
    }

    @Test func bulkIntervalKeepsEveryValueOfASampledStep() async throws {
        let store = try makeStore()
        let a = try await store.createRun(experimentID: 0, userID: "", runName: "a", startTime: nil, tags: []).info.runID
        var metrics: [Metric] = []
        for s in 0..<20 { metrics.append(metric("x", 1, step: Int64(s), ts: 1)); metrics.append(metric("x", 2, step: Int64(s), ts: 2)) }
        try await store.logBatch(runID: a, metrics: metrics, params: [], tags: [])
        let sampled = try await store.metricHistoryBulkInterval(runIDs: [a], key: "x", startStep: nil, endStep: nil, maxResults: 4)
        #expect(Set(sampled.map(\.step)).count == 4)
        #expect(sampled.count == 8)
        #expect(sampled.first?.step == 0)
        #expect(sampled.last?.step == 19)
    }
}

@Suite("Tracking store: inputs and logged models")
struct TrackingStoreInputsAndModelsTests {
    @Test func logInputsDedupesDatasets() async throws {
        let store = try makeStore()
        let run = try await store.createRun(experimentID: 0, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        let ds = Dataset(name: "iris", digest: "abc123", sourceType: "local", source: "{\"uri\": \"/data\"}", schema: "{}", profile: nil)
        let training = DatasetInput(dataset: ds, tags: [Tag(key: "mlflow.data.context", value: "training")])
        try await store.logInputs(runID: run, datasets: [training, training])
        try await store.logInputs(runID: run, datasets: [training])
        var inputs = try await store.run(id: run).inputs
        #expect(inputs == [training])

        // A new digest is a new dataset; the same one logged by another run is shared, not copied.
        let v2 = DatasetInput(dataset: Dataset(name: "iris", digest: "def456", sourceType: "local", source: "{}", schema: nil, profile: "{\"rows\": 3}"), tags: [])
        try await store.logInputs(runID: run, datasets: [v2])
        inputs = try await store.run(id: run).inputs
        #expect(inputs.count == 2)
        #expect(inputs.map(\.dataset.digest) == ["abc123", "def456"])
        #expect(inputs[1].dataset.profile == "{\"rows\": 3}")

        let other = try await store.createRun(experimentID: 0, userID: "", runName: "o", startTime: nil, tags: []).info.runID
        let evalUse = DatasetInput(dataset: ds, tags: [Tag(key: "mlflow.data.context", value: "eval")])
        try await store.logInputs(runID: other, datasets: [evalUse])
        #expect(try await store.run(id: other).inputs == [evalUse])
        #expect(try await store.run(id: run).inputs.first == training)

        await expectVaneError(.notFound) { try await store.logInputs(runID: "missing", datasets: [training]) }
    }

    @Test func loggedModelLifecycle() async throws {
        let store = try makeStore()
        let exp = try await store.createExperiment(name: "models", artifactLocation: nil, tags: [])
        let run = try await store.createRun(experimentID: exp, userID: "", runName: "r", startTime: nil, tags: []).info.runID
        let m = try await store.createLoggedModel(experimentID: exp, name: "model", modelType: "sklearn", sourceRunID: run,
                                                  params: [Param(key: "alpha", value: "0.5")], tags: [Tag(key: "stage", value: "dev")])
        #expect(m.modelID.hasPrefix("m-"))
        #expect(m.modelID.count == 34)
        #expect(m.status == .pending)
        #expect(m.name == "model")
        #expect(m.experimentID == exp)
        #expect(m.sourceRunID == run)
        #expect(m.modelType == "sklearn")
        #expect(m.artifactLocation == "mlflow-artifacts:/\(exp)/models/\(m.modelID)/artifacts")
        #expect(m.params == [Param(key: "alpha", value: "0.5")])
        #expect(m.tags == [Tag(key: "stage", value: "dev")])
        #expect(try await store.loggedModel(id: m.modelID) == m)

        let ready = try await store.finalizeLoggedModel(id: m.modelID, status: .ready)
        #expect(ready.status == .ready)
        #expect(ready.lastUpdatedTimestamp >= m.lastUpdatedTimestamp)

        try await store.setLoggedModelTags(id: m.modelID, tags: [Tag(key: "stage", value: "prod"), Tag(key: "owner", value: "me")])
        #expect(try await store.loggedModel(id: m.modelID).tags == [Tag(key: "owner", value: "me"), Tag(key: "stage", value: "prod")])
        try await store.deleteLoggedModelTag(id: m.modelID, key: "owner")
        #expect(try await store.loggedModel(id: m.modelID).tags == [Tag(key: "stage", value: "prod")])
        await expectVaneError(.notFound) { try await store.deleteLoggedModelTag(id: m.modelID, key: "owner") }

        // Metrics logged against the model show up in its data.
        try await store.logBatch(runID: run, metrics: [Metric(key: "acc", value: 0.9, timestamp: 5, step: 1, modelID: m.modelID)], params: [], tags: [])
        let withMetrics = try await store.loggedModel(id: m.modelID)
        #expect(withMetrics.metrics == [Metric(key: "acc", value: 0.9, timestamp: 5, step: 1, runID: run, modelID: m.modelID)])

        try await store.logOutputs(runID: run, models: [ModelOutput(modelID: m.modelID, step: 0)])
        #expect(try await store.run(id: run).outputs == [ModelOutput(modelID: m.modelID, step: 0)])

        try await store.deleteLoggedModel(id: m.modelID)
        await expectVaneError(.notFound) { _ = try await store.loggedModel(id: m.modelID) }
        await expectVaneError(.notFound) { _ = try await store.finalizeLoggedModel(id: m.modelID, status: .ready) }
        await expectVaneError(.notFound) { try await store.setLoggedModelTags(id: m.modelID, tags: []) }
        await expectVaneError(.notFound) { try await store.deleteLoggedModel(id: "m-missing") }
    }

    @Test func loggedModelNeedsExistingExperimentAndRun() async throws {
        let store = try makeStore()
        await expectVaneError(.notFound) {
            _ = try await store.createLoggedModel(experimentID: 99, name: "x", modelType: nil, sourceRunID: nil, params: [], tags: [])
        }
        await expectVaneError(.notFound) {
            _ = try await store.createLoggedModel(experimentID: 0, name: "x", modelType: nil, sourceRunID: "nope", params: [], tags: [])
        }
        let unnamed = try await store.createLoggedModel(experimentID: 0, name: nil, modelType: nil, sourceRunID: nil, params: [], tags: [])
        #expect(!unnamed.name.isEmpty)
    }

    @Test func searchLoggedModelsByExperimentWithPaging() async throws {
        let store = try makeStore()
        let e1 = try await store.createExperiment(name: "e1", artifactLocation: nil, tags: [])
        let e2 = try await store.createExperiment(name: "e2", artifactLocation: nil, tags: [])
        let a = try await store.createLoggedModel(experimentID: e1, name: "model", modelType: nil, sourceRunID: nil, params: [], tags: [])
        let b = try await store.createLoggedModel(experimentID: e1, name: "other", modelType: nil, sourceRunID: nil, params: [], tags: [])
        let c = try await store.createLoggedModel(experimentID: e2, name: "model", modelType: nil, sourceRunID: nil, params: [], tags: [])

        let inE1 = try await store.searchLoggedModels(experimentIDs: [e1], filter: nil, maxResults: 100, pageToken: nil)
        #expect(Set(inE1.items.map(\.modelID)) == [a.modelID, b.modelID])
        #expect(inE1.nextPageToken == nil)
        let inE2 = try await store.searchLoggedModels(experimentIDs: [e2], filter: nil, maxResults: 100, pageToken: nil)
        #expect(inE2.items.map(\.modelID) == [c.modelID])

        let firstPage = try await store.searchLoggedModels(experimentIDs: [e1, e2], filter: nil, maxResults: 2, pageToken: nil)
        #expect(firstPage.items.count == 2)
        let token = try #require(firstPage.nextPageToken)
        let secondPage = try await store.searchLoggedModels(experimentIDs: [e1, e2], filter: nil, maxResults: 2, pageToken: token)
        #expect(secondPage.items.count == 1)
        #expect(secondPage.nextPageToken == nil)
        #expect(Set((firstPage.items + secondPage.items).map(\.modelID)) == [a.modelID, b.modelID, c.modelID])

        try await store.deleteLoggedModel(id: a.modelID)
        let afterDelete = try await store.searchLoggedModels(experimentIDs: [e1], filter: nil, maxResults: 100, pageToken: nil)
        #expect(afterDelete.items.map(\.modelID) == [b.modelID])
        await expectVaneError(.invalidParameter) {
            _ = try await store.searchLoggedModels(experimentIDs: [e1], filter: nil, maxResults: 0, pageToken: nil)
        }
    }

    /// What the client sends to resolve `runs:/<run>/<name>`: `name = '<first path segment>'`.
    @Test
    func searchLoggedModelsByName() async throws {
        let store = try makeStore()
        let e1 = try await store.createExperiment(name: "e1", artifactLocation: nil, tags: [])
        let e2 = try await store.createExperiment(name: "e2", artifactLocation: nil, tags: [])
        let a = try await store.createLoggedModel(experimentID: e1, name: "model", modelType: nil, sourceRunID: nil, params: [], tags: [])
        _ = try await store.createLoggedModel(experimentID: e1, name: "other", modelType: nil, sourceRunID: nil, params: [], tags: [])
        let c = try await store.createLoggedModel(experimentID: e2, name: "model", modelType: nil, sourceRunID: nil, params: [], tags: [])

        let byName = try await store.searchLoggedModels(experimentIDs: [e1], filter: "name = 'model'", maxResults: 100, pageToken: nil)
        #expect(byName.items.map(\.modelID) == [a.modelID])
        let everywhere = try await store.searchLoggedModels(experimentIDs: [e1, e2], filter: "name = 'model'", maxResults: 100, pageToken: nil)
        #expect(Set(everywhere.items.map(\.modelID)) == [a.modelID, c.modelID])
        let none = try await store.searchLoggedModels(experimentIDs: [e2], filter: "name = 'other'", maxResults: 100, pageToken: nil)
        #expect(none.items.isEmpty)
    }
}

@Suite("Tracking store: concurrency")
struct TrackingStoreConcurrencyTests {
    @Test func concurrentWritersOnOneRun() async throws {
        let store = try makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "", runName: "busy", startTime: nil, tags: []).info.runID
        let writers = 20
        let perWriter = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        try await store.logBatch(
                            runID: id,
                            metrics: [Metric(key: "shared", value: Double(w * 1000 + i), timestamp: Int64(i), step: Int64(w * perWriter + i)),
                                      Metric(key: "w\(w)", value: Double(i), timestamp: 1, step: Int64(i))],
                            params: [Param(key: "p\(w)", value: "v\(w)"), Param(key: "common", value: "same")],
                            tags: [Tag(key: "t\(w)", value: "\(i)")])
                    }
                }
            }
            try await group.waitForAll()
        }
        let run = try await store.run(id: id)
        for w in 0..<writers {
            #expect(run.param("p\(w)") == "v\(w)")
            #expect(run.tag("t\(w)") == "\(perWriter - 1)")
            #expect(run.latest("w\(w)")?.value == Double(perWriter - 1))
            let history = try await store.metricHistory(runID: id, key: "w\(w)", maxResults: nil, pageToken: nil)
            #expect(history.items.map(\.step) == (0..<perWriter).map(Int64.init))
        }
        #expect(run.param("common") == "same")
        let shared = try await store.metricHistory(runID: id, key: "shared", maxResults: nil, pageToken: nil)
        #expect(shared.items.count == writers * perWriter)
        #expect(shared.items.map(\.step) == (0..<(writers * perWriter)).map(Int64.init))
        #expect(run.latest("shared")?.step == Int64(writers * perWriter - 1))
        #expect(run.latest("shared")?.value == Double((writers - 1) * 1000 + perWriter - 1))
    }

    @Test func concurrentRunCreation() async throws {
        let store = try makeStore()
        let ids = try await withThrowingTaskGroup(of: String.self, returning: [String].self) { group in
            for i in 0..<20 {
                group.addTask { try await store.createRun(experimentID: 0, userID: "", runName: "r\(i)", startTime: Int64(i), tags: []).info.runID }
            }
            var out: [String] = []
            for try await id in group { out.append(id) }
            return out
        }
        #expect(Set(ids).count == 20)
        let page = try await store.searchRuns(experimentIDs: [0], filter: nil, orderBy: [], view: .all, maxResults: 100, pageToken: nil)
        #expect(Set(page.items.map(\.info.runID)) == Set(ids))
    }
}
