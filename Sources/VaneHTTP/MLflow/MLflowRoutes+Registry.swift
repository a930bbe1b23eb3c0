import VaneText
import Foundation
import Hummingbird
import VaneArtifacts
import VaneCore
import VaneRegistry
import VaneTracking

extension MLflowRoutes {
    func addRegistryRoutes(to group: RouterGroup<Context>) {
        let registry = self.registry
        let tracking = self.tracking
        let artifacts = self.artifacts

        @Sendable func modelResponse(_ m: RegisteredModel) -> Response {
            var w = JSONWriter(); w.beginObject(); w.beginObject("registered_model"); w.registeredModel(m); w.endObject(); w.endObject()
            return w.response()
        }
        @Sendable func versionResponse(_ v: ModelVersion) -> Response {
            var w = JSONWriter(); w.beginObject(); w.beginObject("model_version"); w.modelVersion(v); w.endObject(); w.endObject()
            return w.response()
        }
        @Sendable func version(_ input: MLflowInput) throws(VaneError) -> Int64 {
            var text = try? input.string("version")
            if text == nil, let i = try input.int64("version") { text = String(i) }
            guard let s = text, !s.isEmpty else { throw MLflowInput.missing("version") }
            guard let v = Int64(s) else {
                throw VaneError.invalid("Parameter 'version' must be an integer, got '\(s)'.")
            }
            return v
        }

        on(group, .post, "registered-models/create") { input, _, _ in
            modelResponse(try await registry.createRegisteredModel(
                name: try input.requiredString("name"), description: try input.string("description"), tags: try input.tags()))
        }
        on(group, .get, "registered-models/get") { input, _, _ in
            modelResponse(try await registry.registeredModel(name: try input.requiredString("name")))
        }
        on(group, .post, "registered-models/rename") { input, _, _ in
            modelResponse(try await registry.renameRegisteredModel(name: try input.requiredString("name"), newName: try input.requiredString("new_name")))
        }
        on(group, .patch, "registered-models/update") { input, _, _ in
            modelResponse(try await registry.updateRegisteredModel(name: try input.requiredString("name"), description: try input.string("description")))
        }
        on(group, .delete, "registered-models/delete") { input, _, _ in
            try await registry.deleteRegisteredModel(name: try input.requiredString("name"))
            return JSONWriter.emptyObject
        }
        let searchModels: Handler = { input, _, _ in
            let page = try await registry.searchRegisteredModels(
                filter: try input.string("filter"), orderBy: try input.strings("order_by"),
                maxResults: Int(try input.int64("max_results") ?? 100), pageToken: try input.string("page_token"))
            return JSONWriter.list("registered_models", page.items, nextPageToken: page.nextPageToken, capacity: 2048) { $0.registeredModel($1) }
        }
        on(group, .get, "registered-models/search", searchModels)
        on(group, .post, "registered-models/search", searchModels)
        on(group, .get, "registered-models/list", searchModels)
        on(group, .post, "registered-models/set-tag") { input, _, _ in
            try await registry.setRegisteredModelTag(name: try input.requiredString("name"),
                                                     tag: Tag(key: try input.requiredString("key"), value: try input.string("value") ?? ""))
            return JSONWriter.emptyObject
        }
        on(group, .delete, "registered-models/delete-tag") { input, _, _ in
            try await registry.deleteRegisteredModelTag(name: try input.requiredString("name"), key: try input.requiredString("key"))
            return JSONWriter.emptyObject
        }
        on(group, .post, "registered-models/alias") { input, _, _ in
            try await registry.setAlias(name: try input.requiredString("name"), alias: try input.requiredString("alias"), version: try version(input))
            return JSONWriter.emptyObject
        }
        on(group, .delete, "registered-models/alias") { input, _, _ in
            try await registry.deleteAlias(name: try input.requiredString("name"), alias: try input.requiredString("alias"))
            return JSONWriter.emptyObject
        }
        on(group, .get, "registered-models/alias") { input, _, _ in
            versionResponse(try await registry.modelVersion(name: try input.requiredString("name"), alias: try input.requiredString("alias")))
        }
        let latestVersions: Handler = { input, _, _ in
            let stages = try input.strings("stages").map { s throws(VaneError) in try ModelStage(parsing: s) }
            let versions = try await registry.latestVersions(name: try input.requiredString("name"), stages: stages)
            return JSONWriter.list("model_versions", versions) { $0.modelVersion($1) }
        }
        on(group, .post, "registered-models/get-latest-versions", latestVersions)
        on(group, .get, "registered-models/get-latest-versions", latestVersions)

        on(group, .post, "model-versions/create") { input, _, _ in
            let source = try input.requiredString("source")
            var runID = try input.string("run_id").flatMap { $0.isEmpty ? nil : $0 }
            var modelID = try input.string("model_id").flatMap { $0.isEmpty ? nil : $0 }
            if modelID == nil, source.hasPrefix("models:/") {
                let rest = source.dropFirst("models:/".count)
                if rest.hasPrefix("m-"), !rest.contains("/") { modelID = String(rest) }
            }
            var owners: [String] = []
            if let runID { owners.append(try await tracking.run(id: runID).info.artifactURI) }
            if let modelID, let m = try? await tracking.loggedModel(id: modelID) {
                owners.append(m.artifactLocation)
                // The reference links a version of a logged model to the run that produced it.
                if runID == nil { runID = m.sourceRunID }
            }
            try ArtifactURI.validateModelSource(source, runID: runID, ownerArtifactURIs: owners, in: artifacts)
            let v = try await registry.createModelVersion(
                name: try input.requiredString("name"), source: source, runID: runID, runLink: try input.string("run_link"),
                description: try input.string("description"), tags: try input.tags(), modelID: modelID)
            return versionResponse(v)
        }
        on(group, .get, "model-versions/get") { input, _, _ in
            versionResponse(try await registry.modelVersion(name: try input.requiredString("name"), version: try version(input)))
        }
        on(group, .patch, "model-versions/update") { input, _, _ in
            versionResponse(try await registry.updateModelVersion(name: try input.requiredString("name"), version: try version(input),
                                                                  description: try input.string("description")))
        }
        on(group, .delete, "model-versions/delete") { input, _, _ in
            try await registry.deleteModelVersion(name: try input.requiredString("name"), version: try version(input))
            return JSONWriter.emptyObject
        }
        on(group, .post, "model-versions/transition-stage") { input, _, _ in
            let stage = try ModelStage(parsing: try input.requiredString("stage"))
            return versionResponse(try await registry.transitionStage(
                name: try input.requiredString("name"), version: try version(input), stage: stage,
                archiveExisting: try input.bool("archive_existing_versions") ?? false))
        }
        on(group, .get, "model-versions/get-download-uri") { input, _, _ in
            let v = try await registry.modelVersion(name: try input.requiredString("name"), version: try version(input))
            let uri = try await downloadURI(of: v)
            var w = JSONWriter(); w.beginObject(); w.field("artifact_uri", uri); w.endObject()
            return w.response()
        }
        let searchVersions: Handler = { input, _, _ in
            let page = try await registry.searchModelVersions(
                filter: try input.string("filter"), orderBy: try input.strings("order_by"),
                maxResults: Int(try input.int64("max_results") ?? 10000), pageToken: try input.string("page_token"))
            return JSONWriter.list("model_versions", page.items, nextPageToken: page.nextPageToken, capacity: 2048) { $0.modelVersion($1) }
        }
        on(group, .get, "model-versions/search", searchVersions)
        on(group, .post, "model-versions/search", searchVersions)
        on(group, .post, "model-versions/set-tag") { input, _, _ in
            try await registry.setModelVersionTag(name: try input.requiredString("name"), version: try version(input),
                                                  tag: Tag(key: try input.requiredString("key"), value: try input.string("value") ?? ""))
            return JSONWriter.emptyObject
        }
        on(group, .delete, "model-versions/delete-tag") { input, _, _ in
            try await registry.deleteModelVersionTag(name: try input.requiredString("name"), version: try version(input), key: try input.requiredString("key"))
            return JSONWriter.emptyObject
        }
    }

    /// Where a model version's files are: `models:/<model_id>` resolves to the logged model's artifacts,
    /// anything else (a `runs:/` URI included, as on MLflow's server) is the source itself.
    func downloadURI(of v: ModelVersion) async throws -> String {
        if v.source.hasPrefix("models:/") {
            let id = String(v.source.dropFirst("models:/".count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            if !id.contains("/"), let m = try? await tracking.loggedModel(id: id) { return m.artifactLocation }
        }
        return v.source
    }

    // MARK: Logged models (MLflow 3)

    func addLoggedModelRoutes(to group: RouterGroup<Context>) {
        let tracking = self.tracking
        @Sendable func modelResponse(_ m: LoggedModel) -> Response {
            var w = JSONWriter(); w.beginObject(); w.beginObject("model"); w.loggedModel(m); w.endObject(); w.endObject()
            return w.response()
        }
        on(group, .post, "logged-models") { input, _, _ in
            var params: [Param] = []
            for p in try input.objects("params") { params.append(Param(key: try p.requiredString("key"), value: try p.string("value") ?? "")) }
            let m = try await tracking.createLoggedModel(
                experimentID: try input.experimentID(), name: try input.string("name"), modelType: try input.string("model_type"),
                sourceRunID: try input.string("source_run_id").flatMap { $0.isEmpty ? nil : $0 }, params: params, tags: try input.tags())
            return modelResponse(m)
        }
        on(group, .post, "logged-models/search") { input, _, _ in
            var ids: [Int64] = []
            for s in try input.strings("experiment_ids") {
                guard let id = Int64(s) else { throw VaneError.invalid("Invalid experiment ID: '\(s)'") }
                ids.append(id)
            }
            let page = try await tracking.searchLoggedModels(
                experimentIDs: ids, filter: try input.string("filter"),
                maxResults: Int(try input.int64("max_results") ?? 100), pageToken: try input.string("page_token"))
            return JSONWriter.list("models", page.items, nextPageToken: page.nextPageToken, capacity: 2048) { $0.loggedModel($1) }
        }
        on(group, .get, "logged-models/:model_id") { _, _, context in
            modelResponse(try await tracking.loggedModel(id: try context.parameters.require("model_id")))
        }
        on(group, .patch, "logged-models/:model_id") { input, _, context in
            let id = try context.parameters.require("model_id")
            let status = try LoggedModelStatus(parsing: try input.string("status") ?? "LOGGED_MODEL_READY")
            return modelResponse(try await tracking.finalizeLoggedModel(id: id, status: status))
        }
        on(group, .delete, "logged-models/:model_id") { _, _, context in
            try await tracking.deleteLoggedModel(id: try context.parameters.require("model_id"))
            return JSONWriter.emptyObject
        }
        on(group, .patch, "logged-models/:model_id/tags") { input, _, context in
            try await tracking.setLoggedModelTags(id: try context.parameters.require("model_id"), tags: try input.tags())
            return JSONWriter.emptyObject
        }
        on(group, .delete, "logged-models/:model_id/tags/:tag_key") { _, _, context in
            try await tracking.deleteLoggedModelTag(id: try context.parameters.require("model_id"), key: try context.parameters.require("tag_key"))
            return JSONWriter.emptyObject
        }
    }
}
