import VaneCore

/// What the HTTP layer needs from tracking storage. The SQLite implementation is
/// ``SQLiteTrackingStore``; a PostgreSQL one will follow the same contract.
///
/// An implementation receives input that already satisfies MLflow's rules (names, keys, value
/// lengths, batch sizes, `max_results`): the rest of Vane reaches a store only through
/// ``ValidatingTrackingStore``, which checks them with MLflow's messages. What depends on stored
/// state (an unknown run, a deleted experiment, a param logged with another value) is the store's.
public protocol TrackingStore: Sendable {
    // MARK: Experiments
    func createExperiment(name: String, artifactLocation: String?, tags: [Tag]) async throws -> Int64
    func experiment(id: Int64) async throws -> Experiment
    func experiment(named name: String) async throws -> Experiment
    func searchExperiments(view: ViewType, filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<Experiment>
    func renameExperiment(id: Int64, newName: String) async throws
    func setExperimentTag(id: Int64, tag: Tag) async throws
    func deleteExperimentTag(id: Int64, key: String) async throws
    func deleteExperiment(id: Int64) async throws
    func restoreExperiment(id: Int64) async throws

    // MARK: Runs
    func createRun(experimentID: Int64, userID: String, runName: String?, startTime: EpochMillis?, tags: [Tag]) async throws -> Run
    func run(id: String) async throws -> Run
    func updateRun(id: String, status: RunStatus?, endTime: EpochMillis?, runName: String?) async throws -> RunInfo
    func deleteRun(id: String) async throws
    func restoreRun(id: String) async throws
    func logBatch(runID: String, metrics: [Metric], params: [Param], tags: [Tag]) async throws
    func deleteTag(runID: String, key: String) async throws
    func logInputs(runID: String, datasets: [DatasetInput]) async throws
    func logOutputs(runID: String, models: [ModelOutput]) async throws
    func metricHistory(runID: String, key: String, maxResults: Int?, pageToken: String?) async throws -> Page<Metric>
    func metricHistoryBulkInterval(runIDs: [String], key: String, startStep: Int64?, endStep: Int64?, maxResults: Int) async throws -> [Metric]
    func searchRuns(experimentIDs: [Int64], filter: String?, orderBy: [String], view: ViewType, maxResults: Int, pageToken: String?) async throws -> Page<Run>

    // MARK: Logged models (MLflow 3)
    func createLoggedModel(experimentID: Int64, name: String?, modelType: String?, sourceRunID: String?, params: [Param], tags: [Tag]) async throws -> LoggedModel
    func loggedModel(id: String) async throws -> LoggedModel
    func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel
    func setLoggedModelTags(id: String, tags: [Tag]) async throws
    func deleteLoggedModelTag(id: String, key: String) async throws
    func deleteLoggedModel(id: String) async throws
    func searchLoggedModels(experimentIDs: [Int64], filter: String?, maxResults: Int, pageToken: String?) async throws -> Page<LoggedModel>

    // MARK: Garbage collection
    func deletedRunIDs(olderThan: EpochMillis?) async throws -> [(runID: String, artifactURI: String)]
    func deletedExperimentIDs(olderThan: EpochMillis?) async throws -> [(experimentID: Int64, artifactLocation: String)]
    func purgeRuns(ids: [String]) async throws
    func purgeExperiments(ids: [Int64]) async throws
}
