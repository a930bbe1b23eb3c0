import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP

/// `vane server` serves registered model versions: by number, alias or newest, loaded from the
/// run artifacts the version's source names, and never from outside the artifact root.
@Suite("Registry inference")
struct RegistryInferenceTests {
    /// Uploads an MLflow model directory (MLmodel + model.json) into a new run's artifacts and
    /// returns the run id.
    static func logModel(_ vane: VaneTestClient, file: String = "xgb_binary_logistic.json") async throws -> String {
        let run = try await vane.createRun()
        let info = try await vane.getRun(run).object("info")
        let root = try #require(info?.string("artifact_uri"))
        let prefix = try #require(root.components(separatedBy: "mlflow-artifacts:/").last)
        let model = try Data(contentsOf: InferenceFixtures.directory.appendingPathComponent(file))
        let mlmodel = "flavors:\n  xgboost:\n    data: model.json\n    model_format: json\n"
        for (name, bytes) in [("model/model.json", Array(model)), ("model/MLmodel", Array(mlmodel.utf8))] {
            let r = try await vane.request(.put, VaneTestClient.artifactsAPI + "/" + prefix + "/" + name, body: ByteBuffer(bytes: bytes))
            try r.expectOK()
        }
        return run
    }

    @Test func versionsAreServedByNumberAliasAndNewest() async throws {
        let rows = Array(try InferenceFixtures.inputs("xgb_binary_logistic").rows.prefix(2))
        let body = InferenceFixtures.oipBody(rows: rows)
        let expected = Array(try InferenceFixtures.expected("xgb_binary_logistic", "predict").prefix(2).flatMap { $0 })
        try await VaneTestClient.with { vane in
            let run = try await Self.logModel(vane)
            let versions = try await MLflowRegistryRoutesTests.makeModel(vane, "churn", sources: ["runs:/\(run)/model", "runs:/\(run)/model"], runID: run)
            #expect(versions == ["1", "2"])
            try await vane.post("registered-models/alias", jsonBody(["name": "churn", "alias": "champion", "version": "1"])).expectOK()

            for (path, version) in [("/v2/models/churn/versions/1/infer", "1"), ("/v2/models/churn/versions/champion/infer", "1"), ("/v2/models/churn/infer", "2")] {
                let r = try await vane.json(.post, path, body)
                try r.expectOK()
                let json = try r.json()
                #expect(json["model_name"] as? String == "churn")
                #expect(json["model_version"] as? String == version, "\(path)")
                let data = InferenceFixtures.numbers((json["outputs"] as? [[String: Any]])?.first?["data"] as Any)
                #expect(InferenceFixtures.mismatch(data, expected, .init(abs: 1e-6, rel: 0)) == nil)
            }
            let meta = try await vane.request(.get, "/v2/models/churn").json()
            #expect(meta["versions"] as? [String] == ["2", "1"])

            let scored = try await vane.json(.post, "/models/churn/versions/1/invocations", jsonBody(["instances": rows.map { $0.map { $0! } }]))
            try scored.expectOK()
            #expect(InferenceFixtures.mismatch(InferenceFixtures.numbers(try scored.json()["predictions"] as Any), expected, .init(abs: 1e-6, rel: 0)) == nil)

            try await vane.json(.post, "/v2/models/churn/versions/3/infer", body).expectOIPError(.notFound, containing: "version 3")
            try await vane.json(.post, "/v2/models/churn/versions/nobody/infer", body).expectOIPError(.notFound)
            try await vane.json(.post, "/v2/models/other/infer", body).expectOIPError(.notFound, containing: "Model other not found")
            try await vane.json(.post, "/models/other/invocations", "{}").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")

            // A deleted version stops answering at once, though its model was loaded.
            try await vane.delete("model-versions/delete", jsonBody(["name": "churn", "version": "2"])).expectOK()
            try await vane.json(.post, "/v2/models/churn/versions/2/infer", body).expectOIPError(.notFound)
            let newest = try await vane.json(.post, "/v2/models/churn/infer", body).json()
            #expect(newest["model_version"] as? String == "1")
        }
    }

    @Test func aVersionWhoseArtifactsAreMissingOrBrokenIsA400() async throws {
        let body = InferenceFixtures.oipBody(rows: [[1, 2, 3, 4, 5, 6, 7, 8]])
        try await VaneTestClient.with { vane in
            let empty = try await vane.createRun()
            _ = try await MLflowRegistryRoutesTests.makeModel(vane, "hollow", sources: ["runs:/\(empty)/model"], runID: empty)
            try await vane.json(.post, "/v2/models/hollow/infer", body).expectOIPError(.badRequest, containing: "cannot be loaded")

            let run = try await vane.createRun()
            let root = try #require(try await vane.getRun(run).object("info")?.string("artifact_uri"))
            let prefix = try #require(root.components(separatedBy: "mlflow-artifacts:/").last)
            let r = try await vane.request(.put, VaneTestClient.artifactsAPI + "/" + prefix + "/model/model.json", body: ByteBuffer(string: "{\"learner\": 3"))
            try r.expectOK()
            _ = try await MLflowRegistryRoutesTests.makeModel(vane, "broken", sources: ["runs:/\(run)/model/model.json"], runID: run)
            try await vane.json(.post, "/v2/models/broken/infer", body).expectOIPError(.badRequest, containing: "cannot be loaded")
        }
    }

    @Test func modelVersionSourcesCannotLeaveTheArtifactRoot() async throws {
        let body = InferenceFixtures.oipBody(rows: [[1, 2, 3, 4, 5, 6, 7, 8]])
        try await VaneTestClient.with { vane in
            // A model file outside the root, and a link to it planted inside a run's artifacts.
            let outside = vane.tempDirectory + "/outside-model"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data(contentsOf: InferenceFixtures.directory.appendingPathComponent("xgb_binary_logistic.json"))
                .write(to: URL(fileURLWithPath: outside + "/model.json"))
            let run = try await Self.logModel(vane)
            let root = try #require(try await vane.getRun(run).object("info")?.string("artifact_uri"))
            let prefix = try #require(root.components(separatedBy: "mlflow-artifacts:/").last)
            try FileManager.default.createSymbolicLink(atPath: vane.artifactRoot + "/" + prefix + "/linked", withDestinationPath: outside)
            _ = try await MLflowRegistryRoutesTests.makeModel(vane, "linked", sources: ["runs:/\(run)/linked/model.json"], runID: run)
            let refused = try await vane.json(.post, "/v2/models/linked/infer", body).expectOIPError(.badRequest)
            #expect(refused.contains("Symbolic links"), "\(refused)")
            // A registry URI that points back at itself is followed a bounded number of times.
            _ = try await MLflowRegistryRoutesTests.makeModel(vane, "loop", sources: ["models:/loop/1"])
            try await vane.json(.post, "/v2/models/loop/infer", body).expectOIPError(.badRequest, containing: "levels deep")
        }
    }
}
