import Foundation
import VaneCore

/// A ``TrackingStore`` that checks MLflow's rules on every request before handing it to the
/// store it wraps: name, key and value limits, batch sizes, `max_results` bounds, with MLflow's
/// `INVALID_PARAMETER_VALUE` messages (``TrackingValidation``).
///
/// A store implementation (SQLite today, PostgreSQL later) therefore receives only input that
/// MLflow would accept, and does not repeat these rules; it keeps only what depends on stored
/// state (an experiment that must be active, a param that must not change). The checks run in the
/// order MLflow runs them, so the first error a request meets is the one MLflow reports.
public struct ValidatingTrackingStore: TrackingStore {
    typealias V = TrackingValidation

    /// The store that receives validated requests.
    public let base: any TrackingStore

    /// Validates in front of `base`.
    public init(_ base: any TrackingStore) {
        self.base = base
    }

    /// The tag that mirrors a run's name.
    static let runNameTag = "mlflow.runName"

    // MARK: Experiments

    public func createExperiment(name: String, artifactLocation: String?, tags: [Tag]) async throws -> Int64 {
        try V.validateName(name, limit: V.maxExperimentNameLength, what: "name")
        if name.trimmingCharacters(in: .whitespaces).isEmpty { throw VaneError.invalid("Invalid experiment name: ''") }
        for t in tags { try Self.validateExperimentTag(t) }
        return try await base.createExperiment(name: name, artifactLocation: artifactLocation, tags: tags)
    }

    public func experiment(id: Int64) async throws -> Experiment {
        try await base.experiment(id: id)
    }

    public func experiment(named name: String) async throws -> Experiment {
        try await base.experiment(named: name)
    }

    public func searchExperiments(view: ViewType, filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<Experiment> {
        try Self.validateSearchMaxResults(maxResults)
        return try await base.searchExperiments(view: view, filter: filter, orderBy: orderBy, maxResults: maxResults, pageToken: pageToken)
    }

    public func renameExperiment(id: Int64, newName: String) async throws {
        guard !newName.isEmpty else { throw VaneError.invalid("Invalid experiment name: ''") }
        try V.validateName(newName, limit: V.maxExperimentNameLength, what: "new_name")
        try await base.renameExperiment(id: id, newName: newName)
    }

    public func setExperimentTag(id: Int64, tag: Tag) async throws {
        try Self.validateExperimentTag(tag)
        try await base.setExperimentTag(id: id, tag: tag)
    }

    public func deleteExperimentTag(id: Int64, key: String) async throws {
        try await base.deleteExperimentTag(id: id, key: key)
    }

    public func deleteExperiment(id: Int64) async throws {
        try await base.deleteExperiment(id: id)
    }

    public func restoreExperiment(id: Int64) async throws {
        try await base.restoreExperiment(id: id)
    }

    // MARK: Runs

    public func createRun(experimentID: Int64, userID: String, runName: String?, startTime: EpochMillis?, tags: [Tag]) async throws -> Run {
        try V.validateName(userID, limit: V.maxUserIDLength, what: "user_id")
        if let runName { try V.validateName(runName, limit: V.maxRunNameLength, what: "run_name") }
        for t in tags {
            try V.validateKey(t.key, kind: "key")
            try V.validateLength(t.value, limit: V.maxTagValueLength, what: "value")
            if t.key == Self.runNameTag { try V.validateName(t.value, limit: V.maxRunNameLength, what: "run_name") }
        }
        if let runName, !runName.isEmpty, let tagged = tags.first(where: { $0.key == Self.runNameTag })?.value,
           !tagged.isEmpty, tagged != runName {
            throw VaneError.invalid("Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values "
                + "(run_name='\(runName)', mlflow.runName='\(tagged)').")
        }
        return try await base.createRun(experimentID: experimentID, userID: userID, runName: runName, startTime: startTime, tags: tags)
    }

    public func run(id: String) async throws -> Run {
        try await base.run(id: id)
    }

    public func updateRun(id: String, status: RunStatus?, endTime: EpochMillis?, runName: String?) async throws -> RunInfo {
        if let runName { try V.validateName(runName, limit: V.maxRunNameLength, what: "run_name") }
        return try await base.updateRun(id: id, status: status, endTime: endTime, runName: runName)
    }

    public func deleteRun(id: String) async throws {
        try await base.deleteRun(id: id)
    }

    public func restoreRun(id: String) async throws {
        try await base.restoreRun(id: id)
    }

    public func logBatch(runID: String, metrics: [Metric], params: [Param], tags: [Tag]) async throws {
        if metrics.count > V.maxMetricsPerBatch || params.count > V.maxParamsPerBatch || tags.count > V.maxTagsPerBatch
            || metrics.count + params.count + tags.count > V.maxEntitiesPerBatch {
            throw VaneError.invalid("A batch logging request can contain at most \(V.maxMetricsPerBatch) metrics, \(V.maxParamsPerBatch) params, and \(V.maxTagsPerBatch) tags, with at most \(V.maxEntitiesPerBatch) entities in total. Got \(metrics.count) metrics, \(params.count) params, and \(tags.count) tags.")
        }
        var checkedKeys = Set<String>()
        for m in metrics where checkedKeys.insert(m.key).inserted { try V.validateKey(m.key, kind: "metric name") }
        var seenParams: [String: String] = [:]
        for p in params {
            try V.validateKey(p.key, kind: "param name")
            try V.validateLength(p.value, limit: V.maxParamValueLength, what: "params[\(p.key)].value")
            if let prior = seenParams[p.key], prior != p.value {
                throw VaneError.invalid("Duplicate parameter keys have been submitted: \(p.key). Please ensure the request contains only one param value per param key.")
            }
            seenParams[p.key] = p.value
        }
        for t in tags { try Self.validateRunTag(t) }
        try await base.logBatch(runID: runID, metrics: metrics, params: params, tags: tags)
    }

    public func deleteTag(runID: String, key: String) async throws {
        try await base.deleteTag(runID: runID, key: key)
    }

    public func logInputs(runID: String, datasets: [DatasetInput]) async throws {
        guard datasets.count <= V.maxDatasetsPerRequest else {
            throw VaneError.invalid("A request can contain at most \(V.maxDatasetsPerRequest) datasets")
        }
        for input in datasets { try V.validateDatasetInput(input) }
        try await base.logInputs(runID: runID, datasets: datasets)
    }

    public func logOutputs(runID: String, models: [ModelOutput]) async throws {
        try await base.logOutputs(runID: runID, models: models)
    }

    public func metricHistory(runID: String, key: String, maxResults: Int?, pageToken: String?) async throws -> Page<Metric> {
        // A malformed page token is reported before a bad max_results, as MLflow's store does.
        _ = try PageToken.decode(pageToken)
        if let maxResults, maxResults < 1 || maxResults > 1_000_000_000 {
            throw VaneError.invalid("Invalid value \(maxResults) for parameter 'max_results' supplied.")
        }
        return try await base.metricHistory(runID: runID, key: key, maxResults: maxResults, pageToken: pageToken)
    }

    public func metricHistoryBulkInterval(runIDs: [String], key: String, startStep: Int64?, endStep: Int64?, maxResults: Int) async throws -> [Metric] {
        guard !runIDs.isEmpty else { throw VaneError.invalid("Missing value for required parameter 'run_ids'.") }
        guard runIDs.count <= 100 else { throw VaneError.invalid("GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received \(runIDs.count) run_ids.") }
        guard maxResults >= 1, maxResults <= 2500 else {
            throw VaneError.invalid("max_results must be between 1 and 2500. Received \(maxResults).")
        }
        if (startStep == nil) != (endStep == nil) {
            throw VaneError.invalid("If either start step or end step are specified, both must be specified.")
        }
        if let s = startStep, let e = endStep, s > e {
            throw VaneError.invalid("end_step must be greater than start_step. Found start_step=\(s) and end_step=\(e).")
        }
        return try await base.metricHistoryBulkInterval(runIDs: runIDs, key: key, startStep: startStep, endStep: endStep, maxResults: maxResults)
    }

    public func searchRuns(experimentIDs: [Int64], filter: String?, orderBy: [String], view: ViewType, maxResults: Int, pageToken: String?) async throws -> Page<Run> {
        try Self.validateSearchMaxResults(maxResults)
        try V.validateExperimentIDs(experimentIDs)
        return try await base.searchRuns(experimentIDs: experimentIDs, filter: filter, orderBy: orderBy, view: view, maxResults: maxResults, pageToken: pageToken)
    }

    // MARK: Logged models

    public func createLoggedModel(experimentID: Int64, name: String?, modelType: String?, sourceRunID: String?, params: [Param], tags: [Tag]) async throws -> LoggedModel {
        if let name { try V.validateName(name, limit: V.maxLoggedModelNameLength, what: "name") }
        if let modelType { try V.validateName(modelType, limit: V.maxLoggedModelTypeLength, what: "model_type") }
        for p in params {
            try V.validateKey(p.key, kind: "param name")
            try V.validateLength(p.value, limit: V.maxParamValueLength, what: "params[\(p.key)].value")
        }
        for t in tags { try Self.validateModelTag(t) }
        return try await base.createLoggedModel(experimentID: experimentID, name: name, modelType: modelType, sourceRunID: sourceRunID, params: params, tags: tags)
    }

    public func loggedModel(id: String) async throws -> LoggedModel {
        try await base.loggedModel(id: id)
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel {
        try await base.finalizeLoggedModel(id: id, status: status)
    }

    public func setLoggedModelTags(id: String, tags: [Tag]) async throws {
        for t in tags { try Self.validateModelTag(t) }
        try await base.setLoggedModelTags(id: id, tags: tags)
    }

    public func deleteLoggedModelTag(id: String, key: String) async throws {
        try await base.deleteLoggedModelTag(id: id, key: key)
    }

    public func deleteLoggedModel(id: String) async throws {
        try await base.deleteLoggedModel(id: id)
    }

    public func searchLoggedModels(experimentIDs: [Int64], filter: String?, maxResults: Int, pageToken: String?) async throws -> Page<LoggedModel> {
        guard maxResults >= 1, maxResults <= V.maxResultsLimit else {
            throw VaneError.invalid("Invalid value \(maxResults) for parameter 'max_results' supplied.")
        }
        try V.validateExperimentIDs(experimentIDs)
        return try await base.searchLoggedModels(experimentIDs: experimentIDs, filter: filter, maxResults: maxResults, pageToken: pageToken)
    }

    // MARK: Garbage collection

    public func deletedRunIDs(olderThan: EpochMillis?) async throws -> [(runID: String, artifactURI: String)] {
        try await base.deletedRunIDs(olderThan: olderThan)
    }

    public func deletedExperimentIDs(olderThan: EpochMillis?) async throws -> [(experimentID: Int64, artifactLocation: String)] {
        try await base.deletedExperimentIDs(olderThan: olderThan)
    }

    public func purgeRuns(ids: [String]) async throws {
        try await base.purgeRuns(ids: ids)
    }

    public func purgeExperiments(ids: [Int64]) async throws {
        try await base.purgeExperiments(ids: ids)
    }

    // MARK: Rules shared by several requests

    /// SearchRuns' and SearchExperiments' `max_results`: 1 to ``TrackingValidation/maxResultsLimit``.
    static func validateSearchMaxResults(_ maxResults: Int) throws(VaneError) {
        guard maxResults >= 1, maxResults <= V.maxResultsLimit else {
            throw VaneError.invalid("Invalid value \(maxResults) for parameter 'max_results' supplied. It must be at most \(V.maxResultsLimit), but got value \(maxResults)")
        }
    }

    static func validateExperimentTag(_ tag: Tag) throws(VaneError) {
        try V.validateKey(tag.key, kind: "key")
        try V.validateLength(tag.value, limit: V.maxExperimentTagValueLength, what: "value")
    }

    /// A run tag in a batch; `mlflow.runName` is also bounded as a run name.
    static func validateRunTag(_ tag: Tag) throws(VaneError) {
        try validateModelTag(tag)
        if tag.key == runNameTag { try V.validateName(tag.value, limit: V.maxRunNameLength, what: "run_name") }
    }

    /// A logged model tag, or a run tag in a batch.
    static func validateModelTag(_ tag: Tag) throws(VaneError) {
        try V.validateKey(tag.key, kind: "tag name")
        try V.validateLength(tag.value, limit: V.maxTagValueLength, what: "tags[\(tag.key)].value")
    }
}
