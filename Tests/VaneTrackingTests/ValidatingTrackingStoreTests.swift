import Testing
import VaneCore
import VaneTracking

/// ``ValidatingTrackingStore`` checks MLflow's rules before the store it wraps sees a request: a
/// refused request never reaches the store, and an accepted one reaches it unchanged. (The rules'
/// messages and limits are in NameLimitsTests, SearchLimitsTests and the validated contract tests.)
@Suite("ValidatingTrackingStore")
struct ValidatingTrackingStoreTests {
    typealias Tag = VaneTracking.Tag
    let store = ValidatingTrackingStore(UnreachableTrackingStore())

    /// Expects `body` to be refused as `INVALID_PARAMETER_VALUE` without reaching the store.
    func refused(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(what): accepted", sourceLocation: sourceLocation)
        } catch let error as VaneError {
            #expect(error.code == .invalidParameter, "\(what): \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(what): reached the store (\(error))", sourceLocation: sourceLocation)
        }
    }

    /// Expects `body` to be passed on to the store.
    func forwarded(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(what): the store was not called", sourceLocation: sourceLocation)
        } catch is ReachedStore {
        } catch {
            Issue.record("\(what): refused (\(error))", sourceLocation: sourceLocation)
        }
    }

    @Test("invalid requests are refused before the store, with MLflow's messages")
    func refusedBeforeTheStore() async {
        let badKey = "a/../b"
        await refused("experiment name") { _ = try await store.createExperiment(name: " ", artifactLocation: nil, tags: []) }
        await refused("experiment tag") { try await store.setExperimentTag(id: 1, tag: Tag(key: badKey, value: "v")) }
        await refused("rename") { try await store.renameExperiment(id: 1, newName: "") }
        await refused("search experiments") { _ = try await store.searchExperiments(view: .activeOnly, filter: nil, orderBy: [], maxResults: 0, pageToken: nil) }
        await refused("run name") {
            _ = try await store.createRun(experimentID: 0, userID: "u", runName: "a", startTime: nil, tags: [Tag(key: "mlflow.runName", value: "b")])
        }
        await refused("user id") { _ = try await store.createRun(experimentID: 0, userID: "u\u{0}", runName: nil, startTime: nil, tags: []) }
        await refused("update run") { _ = try await store.updateRun(id: "r", status: nil, endTime: nil, runName: String(repeating: "n", count: 251)) }
        await refused("metric key") { try await store.logBatch(runID: "r", metrics: [Metric(key: badKey, value: 1, timestamp: 0, step: 0)], params: [], tags: []) }
        await refused("param twice") {
            try await store.logBatch(runID: "r", metrics: [], params: [Param(key: "p", value: "1"), Param(key: "p", value: "2")], tags: [])
        }
        await refused("batch size") {
            try await store.logBatch(runID: "r", metrics: [], params: [], tags: (0...TrackingValidation.maxTagsPerBatch).map { Tag(key: "t\($0)", value: "") })
        }
        await refused("dataset") {
            let dataset = Dataset(name: "d", digest: String(repeating: "0", count: 37), sourceType: "s", source: "", schema: nil, profile: nil)
            try await store.logInputs(runID: "r", datasets: [DatasetInput(dataset: dataset, tags: [])])
        }
        await refused("history max_results") { _ = try await store.metricHistory(runID: "r", key: "k", maxResults: 0, pageToken: nil) }
        await refused("bulk interval") { _ = try await store.metricHistoryBulkInterval(runIDs: [], key: "k", startStep: nil, endStep: nil, maxResults: 10) }
        await refused("bulk steps") { _ = try await store.metricHistoryBulkInterval(runIDs: ["r"], key: "k", startStep: 5, endStep: 1, maxResults: 10) }
        await refused("search runs") {
            _ = try await store.searchRuns(experimentIDs: [0], filter: nil, orderBy: [], view: .activeOnly, maxResults: TrackingValidation.maxResultsLimit + 1, pageToken: nil)
        }
        await refused("experiment ids") {
            _ = try await store.searchRuns(experimentIDs: Array(repeating: 0, count: TrackingValidation.maxExperimentIDsPerSearch + 1), filter: nil,
                                           orderBy: [], view: .activeOnly, maxResults: 10, pageToken: nil)
        }
        await refused("logged model name") {
            _ = try await store.createLoggedModel(experimentID: 0, name: "m\u{0}", modelType: nil, sourceRunID: nil, params: [], tags: [])
        }
        await refused("logged model tags") { try await store.setLoggedModelTags(id: "m-1", tags: [Tag(key: "", value: "")]) }
        await refused("search logged models") { _ = try await store.searchLoggedModels(experimentIDs: [0], filter: nil, maxResults: -1, pageToken: nil) }
    }

    @Test("valid requests reach the store")
    func validRequestsReachTheStore() async {
        await forwarded("create experiment") { _ = try await store.createExperiment(name: "e", artifactLocation: nil, tags: [Tag(key: "k", value: "v")]) }
        await forwarded("create run") {
            _ = try await store.createRun(experimentID: 0, userID: "u", runName: "a", startTime: nil, tags: [Tag(key: "mlflow.runName", value: "a")])
        }
        await forwarded("log batch") {
            try await store.logBatch(runID: "r", metrics: [Metric(key: "val/loss: top-1", value: 1, timestamp: 0, step: 0)],
                                     params: [Param(key: "p", value: "1"), Param(key: "p", value: "1")], tags: [])
        }
        await forwarded("search runs") {
            _ = try await store.searchRuns(experimentIDs: [0], filter: "bad filter is the store's", orderBy: [], view: .activeOnly, maxResults: 10, pageToken: nil)
        }
        await forwarded("metric history") { _ = try await store.metricHistory(runID: "r", key: "k", maxResults: nil, pageToken: nil) }
        await forwarded("delete run") { try await store.deleteRun(id: "r") }
        await forwarded("purge") { try await store.purgeRuns(ids: ["r"]) }
    }
}

/// What ``UnreachableTrackingStore`` throws: the request got through.
struct ReachedStore: Error {}

/// A store that answers every request with ``ReachedStore``.
struct UnreachableTrackingStore: TrackingStore {
    func createExperiment(name: String, artifactLocation: String?, tags: [VaneTracking.Tag]) async throws -> Int64 { throw ReachedStore() }
    func experiment(id: Int64) async throws -> Experiment { throw ReachedStore() }
    func experiment(named name: String) async throws -> Experiment { throw ReachedStore() }
    func searchExperiments(view: ViewType, filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<Experiment> { throw ReachedStore() }
    func renameExperiment(id: Int64, newName: String) async throws { throw ReachedStore() }
    func setExperimentTag(id: Int64, tag: VaneTracking.Tag) async throws { throw ReachedStore() }
    func deleteExperimentTag(id: Int64, key: String) async throws { throw ReachedStore() }
    func deleteExperiment(id: Int64) async throws { throw ReachedStore() }
    func restoreExperiment(id: Int64) async throws { throw ReachedStore() }
    func createRun(experimentID: Int64, userID: String, runName: String?, startTime: EpochMillis?, tags: [VaneTracking.Tag]) async throws -> Run { throw ReachedStore() }
    func run(id: String) async throws -> Run { throw ReachedStore() }
    func updateRun(id: String, status: RunStatus?, endTime: EpochMillis?, runName: String?) async throws -> RunInfo { throw ReachedStore() }
    func deleteRun(id: String) async throws { throw ReachedStore() }
    func restoreRun(id: String) async throws { throw ReachedStore() }
    func logBatch(runID: String, metrics: [Metric], params: [Param], tags: [VaneTracking.Tag]) async throws { throw ReachedStore() }
    func deleteTag(runID: String, key: String) async throws { throw ReachedStore() }
    func logInputs(runID: String, datasets: [DatasetInput]) async throws { throw ReachedStore() }
    func logOutputs(runID: String, models: [ModelOutput]) async throws { throw ReachedStore() }
    func metricHistory(runID: String, key: String, maxResults: Int?, pageToken: String?) async throws -> Page<Metric> { throw ReachedStore() }
    func metricHistoryBulkInterval(runIDs: [String], key: String, startStep: Int64?, endStep: Int64?, maxResults: Int) async throws -> [Metric] { throw ReachedStore() }
    func searchRuns(experimentIDs: [Int64], filter: String?, orderBy: [String], view: ViewType, maxResults: Int, pageToken: String?) async throws -> Page<Run> { throw ReachedStore() }
    func createLoggedModel(experimentID: Int64, name: String?, modelType: String?, sourceRunID: String?, params: [Param], tags: [VaneTracking.Tag]) async throws -> LoggedModel { throw ReachedStore() }
    func loggedModel(id: String) async throws -> LoggedModel { throw ReachedStore() }
    func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel { throw ReachedStore() }
    func setLoggedModelTags(id: String, tags: [VaneTracking.Tag]) async throws { throw ReachedStore() }
    func deleteLoggedModelTag(id: String, key: String) async throws { throw ReachedStore() }
    func deleteLoggedModel(id: String) async throws { throw ReachedStore() }
    func searchLoggedModels(experimentIDs: [Int64], filter: String?, maxResults: Int, pageToken: String?) async throws -> Page<LoggedModel> { throw ReachedStore() }
    func deletedRunIDs(olderThan: EpochMillis?) async throws -> [(runID: String, artifactURI: String)] { throw ReachedStore() }
    func deletedExperimentIDs(olderThan: EpochMillis?) async throws -> [(experimentID: Int64, artifactLocation: String)] { throw ReachedStore() }
    func purgeRuns(ids: [String]) async throws { throw ReachedStore() }
    func purgeExperiments(ids: [Int64]) async throws { throw ReachedStore() }
}
