import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP

/// Registered models, model versions, aliases and stages through the MLflow REST API,
/// and the URI safety rules on sources and artifact locations.
@Suite("MLflow registry routes")
struct MLflowRegistryRoutesTests {
    /// Creates a registered model and one version per source; returns the version numbers.
    static func makeModel(_ vane: VaneTestClient, _ name: String, sources: [String], runID: String? = nil) async throws -> [String] {
        try await vane.post("registered-models/create", jsonBody(["name": name])).expectOK()
        var versions: [String] = []
        for source in sources {
            var body: [String: Any] = ["name": name, "source": source]
            if let runID { body["run_id"] = runID }
            let r = try await vane.post("model-versions/create", jsonBody(body))
            try r.expectOK()
            versions.append(try #require(try r.json().object("model_version")?["version"] as? String))
        }
        return versions
    }

    @Test(arguments: [VaneTestClient.api, VaneTestClient.ajax])
    func registeredModelRoundTrip(prefix: String) async throws {
        try await VaneTestClient.with { vane in
            let created = try await vane.post("registered-models/create", jsonBody([
                "name": "churn", "description": "first", "tags": [["key": "team", "value": "growth"]],
            ]), prefix: prefix)
            try created.expectOK()
            let model = try #require(try created.json().object("registered_model"))
            #expect(model.string("name") == "churn")
            #expect(model.string("description") == "first")
            #expect(keyValues(model.objects("tags")) == ["team": "growth"])
            #expect(model["creation_timestamp"] is NSNumber)
            #expect(model["last_updated_timestamp"] is NSNumber)
            #expect(model["latest_versions"] == nil)

            let got = try await vane.get("registered-models/get?name=churn", prefix: prefix)
            try got.expectOK()
            #expect(try got.json().object("registered_model")?.string("description") == "first")

            let updated = try await vane.patch("registered-models/update", jsonBody(["name": "churn", "description": "second"]), prefix: prefix)
            try updated.expectOK()
            #expect(try updated.json().object("registered_model")?.string("description") == "second")

            try await vane.post("registered-models/set-tag", jsonBody(["name": "churn", "key": "owner", "value": "me"]), prefix: prefix).expectOK()
            try await vane.delete("registered-models/delete-tag", jsonBody(["name": "churn", "key": "team"]), prefix: prefix).expectOK()
            let tagged = try await vane.get("registered-models/get?name=churn", prefix: prefix)
            #expect(keyValues(try tagged.json().object("registered_model")?.objects("tags") ?? []) == ["owner": "me"])

            let renamed = try await vane.post("registered-models/rename", jsonBody(["name": "churn", "new_name": "churn-v2"]), prefix: prefix)
            try renamed.expectOK()
            let renamedModel = try #require(try renamed.json().object("registered_model"))
            #expect(renamedModel.string("name") == "churn-v2")
            #expect(keyValues(renamedModel.objects("tags")) == ["owner": "me"])
            try await vane.get("registered-models/get?name=churn", prefix: prefix).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")

            let search = try await vane.get("registered-models/search?max_results=10", prefix: prefix)
            try search.expectOK()
            #expect(try search.json().objects("registered_models").compactMap { $0.string("name") } == ["churn-v2"])

            let deleted = try await vane.delete("registered-models/delete", jsonBody(["name": "churn-v2"]), prefix: prefix)
            try deleted.expectOK()
            #expect(deleted.text == "{}")
            try await vane.get("registered-models/get?name=churn-v2", prefix: prefix).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.delete("registered-models/delete", jsonBody(["name": "churn-v2"]), prefix: prefix).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test func renameKeepsVersionsTagsAndAliases() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            let versions = try await Self.makeModel(vane, "before", sources: ["runs:/\(run)/model"], runID: run)
            try await vane.post("model-versions/set-tag", jsonBody(["name": "before", "version": versions[0], "key": "k", "value": "v"])).expectOK()
            try await vane.post("registered-models/alias", jsonBody(["name": "before", "alias": "champion", "version": versions[0]])).expectOK()
            try await vane.post("registered-models/rename", jsonBody(["name": "before", "new_name": "after"])).expectOK()
            let v = try await vane.get("model-versions/get?name=after&version=1")
            try v.expectOK()
            let mv = try #require(try v.json().object("model_version"))
            #expect(mv.string("name") == "after")
            #expect(keyValues(mv.objects("tags")) == ["k": "v"])
            #expect(mv["aliases"] as? [String] == ["champion"])
            try await vane.post("registered-models/create", jsonBody(["name": "taken"])).expectOK()
            try await vane.post("registered-models/rename", jsonBody(["name": "after", "new_name": "taken"]))
                .expectMLflowError(.badRequest, "RESOURCE_ALREADY_EXISTS")
        }
    }

    @Test func modelVersionRoundTrip() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            try await vane.post("registered-models/create", jsonBody(["name": "m"])).expectOK()
            let created = try await vane.post("model-versions/create", jsonBody([
                "name": "m", "source": "runs:/\(run)/model", "run_id": run, "description": "v1",
                "tags": [["key": "k", "value": "v"]], "model_id": NSNull(),
            ]))
            try created.expectOK()
            let v1 = try #require(try created.json().object("model_version"))
            #expect(v1["version"] as? String == "1")
            #expect(v1.string("name") == "m")
            #expect(v1.string("source") == "runs:/\(run)/model")
            #expect(v1.string("run_id") == run)
            #expect(v1.string("current_stage") == "None")
            #expect(v1.string("status") == "READY")
            #expect(v1.string("description") == "v1")
            #expect(keyValues(v1.objects("tags")) == ["k": "v"])

            let second = try await vane.post("model-versions/create", jsonBody(["name": "m", "source": "runs:/\(run)/model"]))
            try second.expectOK()
            #expect(try second.json().object("model_version")?["version"] as? String == "2")

            let got = try await vane.get("model-versions/get?name=m&version=1")
            try got.expectOK()
            #expect(try got.json().object("model_version")?.string("description") == "v1")

            let updated = try await vane.patch("model-versions/update", jsonBody(["name": "m", "version": "1", "description": "edited"]))
            try updated.expectOK()
            #expect(try updated.json().object("model_version")?.string("description") == "edited")

            try await vane.post("model-versions/set-tag", jsonBody(["name": "m", "version": "1", "key": "k2", "value": "v2"])).expectOK()
            try await vane.delete("model-versions/delete-tag", jsonBody(["name": "m", "version": "1", "key": "k"])).expectOK()
            let tagged = try await vane.get("model-versions/get?name=m&version=1")
            #expect(keyValues(try tagged.json().object("model_version")?.objects("tags") ?? []) == ["k2": "v2"])

            let search = try await vane.get("model-versions/search?filter=\(q("name='m'"))&max_results=10")
            try search.expectOK()
            #expect(Set(try search.json().objects("model_versions").compactMap { $0["version"] as? String }) == ["1", "2"])

            let model = try await vane.get("registered-models/get?name=m")
            let latest = try #require(try model.json().object("registered_model")).objects("latest_versions")
            #expect(latest.compactMap { $0["version"] as? String } == ["2"])

            let deleted = try await vane.delete("model-versions/delete", jsonBody(["name": "m", "version": "1"]))
            try deleted.expectOK()
            #expect(deleted.text == "{}")
            try await vane.get("model-versions/get?name=m&version=1").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            // Version numbers are not reused.
            let third = try await vane.post("model-versions/create", jsonBody(["name": "m", "source": "runs:/\(run)/model"]))
            #expect(try third.json().object("model_version")?["version"] as? String == "3")

            try await vane.get("model-versions/get?name=m&version=99").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("model-versions/get?name=m&version=abc").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("model-versions/create", jsonBody(["name": "nope", "source": "runs:/\(run)/model"]))
                .expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.post("model-versions/create", jsonBody(["name": "m", "source": "runs:/\(run)/model", "run_id": "0123456789abcdef0123456789abcdef"]))
                .expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test func aliases() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            _ = try await Self.makeModel(vane, "m", sources: ["runs:/\(run)/a", "runs:/\(run)/b"])
            try await vane.post("registered-models/alias", jsonBody(["name": "m", "alias": "champion", "version": "1"])).expectOK()
            try await vane.post("registered-models/alias", jsonBody(["name": "m", "alias": "challenger", "version": "2"])).expectOK()

            let byAlias = try await vane.get("registered-models/alias?name=m&alias=champion")
            try byAlias.expectOK()
            let mv = try #require(try byAlias.json().object("model_version"))
            #expect(mv["version"] as? String == "1")
            #expect(mv["aliases"] as? [String] == ["champion"])

            let model = try await vane.get("registered-models/get?name=m")
            let aliases = try #require(try model.json().object("registered_model")).objects("aliases")
            #expect(aliases.compactMap { $0.string("alias") } == ["challenger", "champion"])
            #expect(aliases.compactMap { $0["version"] as? String } == ["2", "1"])

            // Moving an alias.
            try await vane.post("registered-models/alias", jsonBody(["name": "m", "alias": "champion", "version": "2"])).expectOK()
            #expect(try await vane.get("registered-models/alias?name=m&alias=champion").json().object("model_version")?["version"] as? String == "2")

            try await vane.delete("registered-models/alias", jsonBody(["name": "m", "alias": "champion"])).expectOK()
            try await vane.get("registered-models/alias?name=m&alias=champion").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("registered-models/alias", jsonBody(["name": "m", "alias": "latest", "version": "1"])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("registered-models/alias", jsonBody(["name": "m", "alias": "v3", "version": "1"])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("registered-models/alias", jsonBody(["name": "m", "alias": "x", "version": "9"])).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            // Numeric versions in JSON are accepted too.
            try await vane.post("registered-models/alias", jsonBody(["name": "m", "alias": "numeric", "version": 1])).expectOK()
        }
    }

    @Test func transitionStageAndLatestVersions() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            _ = try await Self.makeModel(vane, "m", sources: ["runs:/\(run)/a", "runs:/\(run)/b", "runs:/\(run)/c"])
            let staged = try await vane.post("model-versions/transition-stage", jsonBody(["name": "m", "version": "1", "stage": "Production"]))
            try staged.expectOK()
            #expect(try staged.json().object("model_version")?.string("current_stage") == "Production")
            try await vane.post("model-versions/transition-stage", jsonBody(["name": "m", "version": "2", "stage": "staging"])).expectOK()

            let latest = try await vane.post("registered-models/get-latest-versions", jsonBody(["name": "m", "stages": ["Production"]]))
            try latest.expectOK()
            let prod = try latest.json().objects("model_versions")
            #expect(prod.compactMap { $0["version"] as? String } == ["1"])

            let allLatest = try await vane.post("registered-models/get-latest-versions", jsonBody(["name": "m"]))
            let byStage = Dictionary(uniqueKeysWithValues: try allLatest.json().objects("model_versions").compactMap { v -> (String, String)? in
                guard let s = v.string("current_stage"), let n = v["version"] as? String else { return nil }
                return (s, n)
            })
            #expect(byStage == ["Production": "1", "Staging": "2", "None": "3"])

            // Archiving existing versions in the target stage.
            let promoted = try await vane.post("model-versions/transition-stage", jsonBody([
                "name": "m", "version": "3", "stage": "Production", "archive_existing_versions": true,
            ]))
            try promoted.expectOK()
            #expect(try await vane.get("model-versions/get?name=m&version=1").json().object("model_version")?.string("current_stage") == "Archived")
            #expect(try await vane.get("model-versions/get?name=m&version=2").json().object("model_version")?.string("current_stage") == "Staging")

            let none = try await vane.post("registered-models/get-latest-versions", jsonBody(["name": "m", "stages": ["Staging", "Production"]]))
            #expect(Set(try none.json().objects("model_versions").compactMap { $0["version"] as? String }) == ["2", "3"])

            try await vane.post("model-versions/transition-stage", jsonBody(["name": "m", "version": "1", "stage": "Nowhere"]))
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("registered-models/get-latest-versions", jsonBody(["name": "m", "stages": ["Bogus"]]))
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("registered-models/get-latest-versions", jsonBody(["name": "missing"]))
                .expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test func downloadURIForRunsSource() async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("dl")
            let run = try await vane.createRun(experimentID: exp)
            _ = try await Self.makeModel(vane, "m", sources: ["runs:/\(run)/model", "runs:/\(run)"], runID: run)
            let r = try await vane.get("model-versions/get-download-uri?name=m&version=1")
            try r.expectOK()
            // As on MLflow's server, a runs:/ source is its own download URI (the client resolves it).
            #expect(try r.json().string("artifact_uri") == "runs:/\(run)/model")
            let whole = try await vane.get("model-versions/get-download-uri?name=m&version=2")
            #expect(try whole.json().string("artifact_uri") == "runs:/\(run)")
        }
    }

    @Test func downloadURIForLoggedModelSource() async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("lm")
            let created = try await vane.post("logged-models", jsonBody(["experiment_id": exp, "name": "model"]))
            try created.expectOK()
            let modelID = try #require(try created.json().object("model")?.object("info")?.string("model_id"))
            try await vane.post("registered-models/create", jsonBody(["name": "m"])).expectOK()
            try await vane.post("model-versions/create", jsonBody(["name": "m", "source": "models:/\(modelID)", "model_id": modelID])).expectOK()
            let r = try await vane.get("model-versions/get-download-uri?name=m&version=1")
            try r.expectOK()
            #expect(try r.json().string("artifact_uri") == "mlflow-artifacts:/\(exp)/models/\(modelID)/artifacts")
            // Other sources are returned as they are.
            try await vane.post("model-versions/create", jsonBody(["name": "m", "source": "s3://bucket/model"])).expectOK()
            #expect(try await vane.get("model-versions/get-download-uri?name=m&version=2").json().string("artifact_uri") == "s3://bucket/model")
        }
    }

    @Test(arguments: [
        "file:///etc/passwd", "/etc/passwd", "runs:/x/../../y", "mlflow-artifacts:/1/x#frag", "s3://b/x?y",
        "file://remotehost/share/model", "mlflow-artifacts:/../../etc", "models:/m/%2e%2e/%2e%2e/x", "runs:/r/a%3Fb",
        "javascript:alert(1)", "./relative/../../outside", "~/model",
    ])
    func unsafeModelVersionSourceIsRefused(source: String) async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("registered-models/create", jsonBody(["name": "m"])).expectOK()
            let r = try await vane.post("model-versions/create", jsonBody(["name": "m", "source": source]))
            r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let model = try await vane.get("registered-models/get?name=m")
            #expect(try model.json().object("registered_model")?["latest_versions"] == nil)
        }
    }

    @Test func safeModelVersionSourcesAreAccepted() async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("registered-models/create", jsonBody(["name": "m"])).expectOK()
            let run = try await vane.createRun()
            let sources = ["mlflow-artifacts:/0/\(run)/artifacts/model", "s3://bucket/path/model", "models:/m-0123", "runs:/\(run)/model"]
            for source in sources {
                try await vane.post("model-versions/create", jsonBody(["name": "m", "source": source, "run_id": run])).expectOK()
            }
            // Local paths are accepted inside the artifact directory of a run whose artifacts are local.
            let localExperiment = try await vane.post("experiments/create", jsonBody(["name": "local", "artifact_location": vane.artifactRoot + "/local"]))
            let localExperimentID = try #require(try localExperiment.json().string("experiment_id"))
            let localRun = try await vane.createRun(experimentID: localExperimentID)
            let inRun = vane.artifactRoot + "/local/\(localRun)/artifacts/model"
            for source in ["file://" + inRun, inRun] {
                try await vane.post("model-versions/create", jsonBody(["name": "m", "source": source, "run_id": localRun])).expectOK()
            }
            try await vane.post("model-versions/create", jsonBody(["name": "m", "source": inRun, "run_id": run]))
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            // Without a run, remote and registry-style sources are still fine.
            for source in ["s3://bucket/path/model", "models:/m-0123", "runs:/\(run)/model"] {
                try await vane.post("model-versions/create", jsonBody(["name": "m", "source": source])).expectOK()
            }
            // A logged model's own artifacts are a valid source when the request names the model.
            let lm = try await vane.post("logged-models", jsonBody(["experiment_id": "0", "name": "model", "source_run_id": run]))
            let info = try #require(try lm.json().object("model")?.object("info"))
            let modelID = try #require(info.string("model_id"))
            let artifactURI = try #require(info.string("artifact_uri"))
            let r = try await vane.post("model-versions/create", jsonBody(["name": "m", "source": artifactURI + "/MLmodel", "model_id": modelID]))
            try r.expectOK()
            // The version is linked to the run that produced the logged model.
            #expect(try r.json().object("model_version")?.string("run_id") == run)
        }
    }

    /// Sources in the server's own store must lie inside the artifacts of the run (or logged model)
    /// the request names, so a version cannot point at another run's or experiment's files.
    @Test func storeSourcesMustBelongToTheNamedRun() async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("registered-models/create", jsonBody(["name": "m"])).expectOK()
            let run = try await vane.createRun()
            let other = try await vane.createRun()
            let cases: [[String: Any]] = [
                ["name": "m", "source": "mlflow-artifacts:/0/\(run)/artifacts/model"],
                ["name": "m", "source": "mlflow-artifacts:/0/\(other)/artifacts/model", "run_id": run],
                ["name": "m", "source": "mlflow-artifacts:/0", "run_id": run],
                ["name": "m", "source": "runs:/\(other)/model", "run_id": run],
                ["name": "m", "source": vane.artifactRoot + "/0/\(run)/artifacts/model"],
                ["name": "m", "source": vane.artifactRoot + "/0/\(other)/artifacts/model", "run_id": run],
                ["name": "m", "source": "file://" + vane.artifactRoot, "run_id": run],
            ]
            for body in cases {
                try await vane.post("model-versions/create", jsonBody(body)).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            }
            let model = try await vane.get("registered-models/get?name=m")
            #expect(try model.json().object("registered_model")?["latest_versions"] == nil)
        }
    }

    @Test(arguments: [
        "file:///etc", "/etc", "mlflow-artifacts:/x?y", "mlflow-artifacts:/x#y", "s3://bucket/p?versionId=1", "s3://bucket/p#x",
        "file:///tmp/../etc", "mlflow-artifacts:/%2e%2e/%2e%2e", "s3://bucket/a%3Fb",
    ])
    func unsafeExperimentArtifactLocationIsRefused(location: String) async throws {
        try await VaneTestClient.with { vane in
            let r = try await vane.post("experiments/create", jsonBody(["name": "e", "artifact_location": location]))
            r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.get("experiments/get-by-name?experiment_name=e").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test func safeExperimentArtifactLocationsAreAccepted() async throws {
        try await VaneTestClient.with { vane in
            for (i, location) in ["s3://bucket/prefix", "mlflow-artifacts:/custom/place", "file://" + vane.artifactRoot + "/mine", vane.artifactRoot + "/other"].enumerated() {
                let r = try await vane.post("experiments/create", jsonBody(["name": "e\(i)", "artifact_location": location]))
                try r.expectOK()
                let id = try #require(try r.json().string("experiment_id"))
                let e = try await vane.get("experiments/get?experiment_id=\(id)")
                #expect(try e.json().object("experiment")?.string("artifact_location") == location)
            }
        }
    }

    @Test func registryErrors() async throws {
        try await VaneTestClient.with { vane in
            try await vane.get("registered-models/get?name=missing").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("registered-models/get").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.patch("registered-models/update", jsonBody(["name": "missing", "description": "x"])).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.post("registered-models/set-tag", jsonBody(["name": "missing", "key": "k", "value": "v"])).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("registered-models/alias?name=missing&alias=a").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("model-versions/get-download-uri?name=missing&version=1").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("registered-models/search?max_results=100000").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }
}
