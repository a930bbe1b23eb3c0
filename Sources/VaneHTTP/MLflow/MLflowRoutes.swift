import VaneText
import Foundation
import HTTPTypes
import Hummingbird
import VaneArtifacts
import VaneCore
import VaneRegistry
import VaneTracking

/// The MLflow REST API (`/api/2.0/mlflow/…`, also under `/ajax-api/2.0/mlflow/…`):
/// tracking, registry and logged models. Artifacts are in ``MLflowArtifactRoutes``.
struct MLflowRoutes<Context: RequestContext> {
    let tracking: any TrackingStore
    let registry: any RegistryStore
    let artifacts: any ArtifactStore
    let clock: any VaneClock

    typealias Handler = @Sendable (MLflowInput, Request, Context) async throws -> Response

    /// Registers one endpoint: parses the request into an ``MLflowInput`` and runs `handler`.
    func on(_ group: RouterGroup<Context>, _ method: HTTPRequest.Method, _ path: RouterPath, _ handler: @escaping Handler) {
        group.on(path, method: method) { request, context in
            let input = try await request.mlflowInput(context: context)
            return try await handler(input, request, context)
        }
    }

    func addRoutes(to group: RouterGroup<Context>) {
        addExperimentRoutes(to: group)
        addRunRoutes(to: group)
        addRegistryRoutes(to: group)
        addLoggedModelRoutes(to: group)
    }

    // MARK: Experiments

    func addExperimentRoutes(to group: RouterGroup<Context>) {
        let tracking = self.tracking
        let artifacts = self.artifacts
        on(group, .post, "experiments/create") { input, _, _ in
            let name = try input.requiredString("name")
            let location = try input.string("artifact_location").flatMap { $0.isEmpty ? nil : $0 }
            if let location { try ArtifactURI.validateExperimentLocation(location, in: artifacts) }
            let id = try await tracking.createExperiment(name: name, artifactLocation: location, tags: try input.tags())
            var w = JSONWriter(); w.beginObject(); w.field("experiment_id", String(id)); w.endObject()
            return w.response()
        }
        on(group, .get, "experiments/get") { input, _, _ in
            let e = try await tracking.experiment(id: try input.experimentID())
            var w = JSONWriter(); w.beginObject(); w.beginObject("experiment"); w.experiment(e); w.endObject(); w.endObject()
            return w.response()
        }
        on(group, .get, "experiments/get-by-name") { input, _, _ in
            let e = try await tracking.experiment(named: try input.requiredString("experiment_name"))
            var w = JSONWriter(); w.beginObject(); w.beginObject("experiment"); w.experiment(e); w.endObject(); w.endObject()
            return w.response()
        }
        let search: Handler = { input, _, _ in
            let page = try await tracking.searchExperiments(
                view: try ViewType(parsing: try input.string("view_type")), filter: try input.string("filter"),
                orderBy: try input.strings("order_by"), maxResults: Int(try input.int64("max_results") ?? 1000),
                pageToken: try input.string("page_token"))
            return JSONWriter.list("experiments", page.items, nextPageToken: page.nextPageToken, capacity: 4096) { $0.experiment($1) }
        }
        on(group, .post, "experiments/search", search)
        on(group, .get, "experiments/search", search)
        on(group, .post, "experiments/update") { input, _, _ in
            try await tracking.renameExperiment(id: try input.experimentID(), newName: try input.requiredString("new_name"))
            return JSONWriter.emptyObject
        }
        on(group, .post, "experiments/set-experiment-tag") { input, _, _ in
            try await tracking.setExperimentTag(id: try input.experimentID(), tag: Tag(key: try input.requiredString("key"), value: try input.string("value") ?? ""))
            return JSONWriter.emptyObject
        }
        on(group, .post, "experiments/delete-experiment-tag") { input, _, _ in
            try await tracking.deleteExperimentTag(id: try input.experimentID(), key: try input.requiredString("key"))
            return JSONWriter.emptyObject
        }
        on(group, .post, "experiments/delete") { input, _, _ in
            try await tracking.deleteExperiment(id: try input.experimentID())
            return JSONWriter.emptyObject
        }
        on(group, .post, "experiments/restore") { input, _, _ in
            try await tracking.restoreExperiment(id: try input.experimentID())
            return JSONWriter.emptyObject
        }
    }

    // MARK: Runs

    func addRunRoutes(to group: RouterGroup<Context>) {
        let tracking = self.tracking
        let clock = self.clock
        on(group, .post, "runs/create") { input, _, _ in
            let experimentID = input.has("experiment_id") ? try input.experimentID() : 0
            let run = try await tracking.createRun(
                experimentID: experimentID, userID: try input.string("user_id") ?? "",
                runName: try input.string("run_name"), startTime: try input.int64("start_time"), tags: try input.tags())
            var w = JSONWriter(capacity: 1024); w.beginObject(); w.beginObject("run"); w.run(run); w.endObject(); w.endObject()
            return w.response()
        }
        on(group, .get, "runs/get") { input, _, _ in
            let run = try await tracking.run(id: try input.runID())
            var w = JSONWriter(capacity: 2048); w.beginObject(); w.beginObject("run"); w.run(run); w.endObject(); w.endObject()
            return w.response()
        }
        on(group, .post, "runs/update") { input, _, _ in
            let status = try input.string("status").map { s throws(VaneError) in try RunStatus(parsing: s) }
            let info = try await tracking.updateRun(id: try input.runID(), status: status, endTime: try input.int64("end_time"),
                                                    runName: try input.string("run_name"))
            var w = JSONWriter(); w.beginObject(); w.beginObject("run_info"); w.runInfo(info); w.endObject(); w.endObject()
            return w.response()
        }
        on(group, .post, "runs/delete") { input, _, _ in
            try await tracking.deleteRun(id: try input.runID()); return JSONWriter.emptyObject
        }
        on(group, .post, "runs/restore") { input, _, _ in
            try await tracking.restoreRun(id: try input.runID()); return JSONWriter.emptyObject
        }
        on(group, .post, "runs/log-metric") { input, _, _ in
            let runID = try input.runID()
            let key = try input.requiredString("key")
            guard let value = try input.double("value") else { throw MLflowInput.missing("value") }
            let m = Metric(key: key, value: value, timestamp: try input.int64("timestamp") ?? clock.nowMillis(),
                           step: try input.int64("step") ?? 0, modelID: try input.string("model_id"))
            try await tracking.logBatch(runID: runID, metrics: [m], params: [], tags: [])
            return JSONWriter.emptyObject
        }
        on(group, .post, "runs/log-parameter") { input, _, _ in
            let p = Param(key: try input.requiredString("key"), value: try input.string("value") ?? "")
            guard input.has("value") else { throw MLflowInput.missing("value") }
            try await tracking.logBatch(runID: try input.runID(), metrics: [], params: [p], tags: [])
            return JSONWriter.emptyObject
        }
        on(group, .post, "runs/set-tag") { input, _, _ in
            let t = Tag(key: try input.requiredString("key"), value: try input.string("value") ?? "")
            try await tracking.logBatch(runID: try input.runID(), metrics: [], params: [], tags: [t])
            return JSONWriter.emptyObject
        }
        on(group, .post, "runs/delete-tag") { input, _, _ in
            try await tracking.deleteTag(runID: try input.runID(), key: try input.requiredString("key"))
            return JSONWriter.emptyObject
        }
        on(group, .post, "runs/log-batch") { input, _, _ in
            let runID = try input.runID()
            let metricInputs = try input.objects("metrics")
            if metricInputs.count > TrackingValidation.maxMetricsPerBatch {
                throw VaneError.invalid("A batch logging request can contain at most \(TrackingValidation.maxMetricsPerBatch) metrics. Got \(metricInputs.count) metrics.")
            }
            var metrics: [Metric] = []
            metrics.reserveCapacity(metricInputs.count)
            for m in metricInputs {
                guard let value = try m.double("value") else { throw MLflowInput.missing("metrics[].value") }
                guard let ts = try m.int64("timestamp") else { throw MLflowInput.missing("metrics[].timestamp") }
                metrics.append(Metric(key: try m.requiredString("key"), value: value, timestamp: ts, step: try m.int64("step") ?? 0,
                                      modelID: try m.string("model_id")))
            }
            var params: [Param] = []
            for p in try input.objects("params") {
                params.append(Param(key: try p.requiredString("key"), value: try p.string("value") ?? ""))
            }
            try await tracking.logBatch(runID: runID, metrics: metrics, params: params, tags: try input.tags())
            return JSONWriter.emptyObject
        }
        on(group, .post, "runs/log-inputs") { input, _, _ in
            var datasets: [DatasetInput] = []
            for d in try input.objects("datasets") {
                guard let ds = try d.object("dataset") else { throw MLflowInput.missing("datasets[].dataset") }
                let dataset = Dataset(name: try ds.requiredString("name"), digest: try ds.requiredString("digest"),
                                      sourceType: try ds.requiredString("source_type"), source: try ds.requiredString("source"),
                                      schema: try ds.string("schema"), profile: try ds.string("profile"))
                datasets.append(DatasetInput(dataset: dataset, tags: try d.tags()))
            }
            try await tracking.logInputs(runID: try input.runID(), datasets: datasets)
            return JSONWriter.emptyObject
        }
        on(group, .post, "runs/log-model") { input, _, _ in
            // MLflow 2 clients record each logged model in the run tag `mlflow.log-model.history`.
            let runID = try input.runID()
            let text = try input.requiredString("model_json")
            guard case .object(let model)? = try? JSONValue.parse(Array(text.utf8)),
                  model["artifact_path"] != nil, model["flavors"] != nil else {
                throw VaneError.invalid("Invalid model_json: it must be a JSON object with 'artifact_path' and 'flavors'.")
            }
            let run = try await tracking.run(id: runID)
            var history = "[]"
            if let existing = run.tags.first(where: { $0.key == "mlflow.log-model.history" })?.value { history = existing }
            guard case .array(let entries)? = try? JSONValue.parse(Array(history.utf8)) else {
                throw VaneError.invalid("The run's mlflow.log-model.history tag is not a JSON list")
            }
            let joined = entries.isEmpty ? "[\(text)]" : String(history.dropLast()) + ", \(text)]"
            try await tracking.logBatch(runID: runID, metrics: [], params: [], tags: [Tag(key: "mlflow.log-model.history", value: joined)])
            return JSONWriter.emptyObject
        }
        on(group, .post, "runs/outputs") { input, _, _ in
            var outputs: [ModelOutput] = []
            for m in try input.objects("models") {
                outputs.append(ModelOutput(modelID: try m.requiredString("model_id"), step: try m.int64("step") ?? 0))
            }
            try await tracking.logOutputs(runID: try input.runID(), models: outputs)
            return JSONWriter.emptyObject
        }
        on(group, .get, "metrics/get-history") { input, _, _ in
            let page = try await tracking.metricHistory(
                runID: try input.runID(), key: try input.requiredString("metric_key"),
                maxResults: try input.int64("max_results").map(Int.init), pageToken: try input.string("page_token"))
            return JSONWriter.metricHistory(page).response()
        }
        on(group, .get, "metrics/get-history-bulk-interval") { input, _, _ in
            let metrics = try await tracking.metricHistoryBulkInterval(
                runIDs: try input.strings("run_ids"), key: try input.requiredString("metric_key"),
                startStep: try input.int64("start_step"), endStep: try input.int64("end_step"),
                maxResults: Int(try input.int64("max_results") ?? 320))
            return JSONWriter.list("metrics", metrics, capacity: 64 + metrics.count * 100) { $0.metric($1) }
        }
        let search: Handler = { input, _, _ in
            var ids: [Int64] = []
            for s in try input.strings("experiment_ids") {
                guard let id = Int64(s) else { throw VaneError.invalid("Invalid experiment ID: '\(s)'") }
                ids.append(id)
            }
            let page = try await tracking.searchRuns(
                experimentIDs: ids, filter: try input.string("filter"), orderBy: try input.strings("order_by"),
                view: try ViewType(parsing: try input.string("run_view_type")),
                maxResults: Int(try input.int64("max_results") ?? 1000), pageToken: try input.string("page_token"))
            return JSONWriter.list("runs", page.items, nextPageToken: page.nextPageToken, capacity: 256 + page.items.count * 1500) { $0.run($1) }
        }
        on(group, .post, "runs/search", search)
        on(group, .get, "runs/search", search)
    }
}
