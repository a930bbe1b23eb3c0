import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP

/// Experiments, runs, metrics and tags through the MLflow REST API, under both prefixes.
@Suite("MLflow tracking routes")
struct MLflowTrackingRoutesTests {
    static let prefixes = [VaneTestClient.api, VaneTestClient.ajax]

    @Test(arguments: prefixes)
    func experimentRoundTrip(prefix: String) async throws {
        try await VaneTestClient.with { vane in
            let created = try await vane.post("experiments/create", jsonBody([
                "name": "exp one", "tags": [["key": "team", "value": "vision"]],
            ]), prefix: prefix)
            try created.expectOK()
            #expect(created.headers[.contentType] == "application/json")
            // Ids are JSON strings.
            let id = try #require(try created.json()["experiment_id"] as? String)
            #expect(Int(id) != nil)
            #expect(id != "0")

            let got = try await vane.get("experiments/get?experiment_id=\(id)", prefix: prefix)
            try got.expectOK()
            let e = try #require(try got.json().object("experiment"))
            #expect(e["experiment_id"] as? String == id)
            #expect(e.string("name") == "exp one")
            #expect(e.string("lifecycle_stage") == "active")
            #expect(e.string("artifact_location") == "mlflow-artifacts:/\(id)")
            #expect(e["creation_time"] is NSNumber)
            #expect(e["last_update_time"] is NSNumber)
            #expect(keyValues(e.objects("tags")) == ["team": "vision"])

            let byName = try await vane.get("experiments/get-by-name?experiment_name=\(q("exp one"))", prefix: prefix)
            try byName.expectOK()
            #expect(try byName.json().object("experiment")?["experiment_id"] as? String == id)

            try await vane.post("experiments/update", jsonBody(["experiment_id": id, "new_name": "exp renamed"]), prefix: prefix).expectOK()
            try await vane.post("experiments/set-experiment-tag", jsonBody(["experiment_id": id, "key": "k", "value": "v"]), prefix: prefix).expectOK()
            try await vane.post("experiments/delete-experiment-tag", jsonBody(["experiment_id": id, "key": "team"]), prefix: prefix).expectOK()
            let afterTags = try await vane.get("experiments/get?experiment_id=\(id)", prefix: prefix)
            let e2 = try #require(try afterTags.json().object("experiment"))
            #expect(e2.string("name") == "exp renamed")
            #expect(keyValues(e2.objects("tags")) == ["k": "v"])
            try await vane.get("experiments/get-by-name?experiment_name=\(q("exp one"))", prefix: prefix)
                .expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")

            // Search: both experiments, ids as strings.
            let search = try await vane.post("experiments/search", #"{"max_results": 100}"#, prefix: prefix)
            try search.expectOK()
            let all = try search.json().objects("experiments")
            #expect(Set(all.compactMap { $0["experiment_id"] as? String }) == ["0", id])
            let searchGet = try await vane.get("experiments/search?max_results=100", prefix: prefix)
            try searchGet.expectOK()
            #expect(try searchGet.json().objects("experiments").count == 2)

            let delete = try await vane.post("experiments/delete", jsonBody(["experiment_id": id]), prefix: prefix)
            try delete.expectOK()
            #expect(delete.text == "{}")
            let deleted = try await vane.get("experiments/get?experiment_id=\(id)", prefix: prefix)
            #expect(try deleted.json().object("experiment")?.string("lifecycle_stage") == "deleted")
            let activeOnly = try await vane.post("experiments/search", #"{"view_type": "ACTIVE_ONLY"}"#, prefix: prefix)
            #expect(try activeOnly.json().objects("experiments").compactMap { $0["experiment_id"] as? String } == ["0"])
            let deletedOnly = try await vane.post("experiments/search", #"{"view_type": "DELETED_ONLY"}"#, prefix: prefix)
            #expect(try deletedOnly.json().objects("experiments").compactMap { $0["experiment_id"] as? String } == [id])

            try await vane.post("experiments/restore", jsonBody(["experiment_id": id]), prefix: prefix).expectOK()
            let restored = try await vane.get("experiments/get?experiment_id=\(id)", prefix: prefix)
            #expect(try restored.json().object("experiment")?.string("lifecycle_stage") == "active")
        }
    }

    @Test func defaultExperiment() async throws {
        try await VaneTestClient.with { vane in
            for prefix in Self.prefixes {
                let r = try await vane.get("experiments/get?experiment_id=0", prefix: prefix)
                try r.expectOK()
                let e = try #require(try r.json().object("experiment"))
                #expect(e["experiment_id"] as? String == "0")
                #expect(e.string("name") == "Default")
            }
        }
    }

    @Test func logModelAppendsToTheModelHistoryTag() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            let first = #"{"artifact_path": "model", "flavors": {"sklearn": {}}, "run_id": "x"}"#
            let second = #"{"artifact_path": "model2", "flavors": {"python_function": {}}}"#
            for model in [first, second] {
                try await vane.post("runs/log-model", jsonBody(["run_id": run, "model_json": model])).expectOK()
            }
            let tags = keyValues(try await vane.getRun(run).object("data")?.objects("tags") ?? [])
            let history = try #require(tags["mlflow.log-model.history"])
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(history.utf8)) as? [[String: Any]])
            #expect(parsed.map { $0["artifact_path"] as? String } == ["model", "model2"])
            // A model without flavors is refused, and the history is unchanged.
            try await vane.post("runs/log-model", jsonBody(["run_id": run, "model_json": #"{"artifact_path": "m"}"#]))
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let after = keyValues(try await vane.getRun(run).object("data")?.objects("tags") ?? [])
            #expect(after["mlflow.log-model.history"] == history)
        }
    }

    @Test func experimentSearchPages() async throws {
        try await VaneTestClient.with { vane in
            for i in 0..<4 { _ = try await vane.createExperiment("page-\(i)") }
            var ids: [String] = []
            var token: String?
            var pages = 0
            repeat {
                var body: [String: Any] = ["max_results": 2]
                if let token { body["page_token"] = token }
                let r = try await vane.post("experiments/search", jsonBody(body))
                try r.expectOK()
                let json = try r.json()
                ids += json.objects("experiments").compactMap { $0["experiment_id"] as? String }
                token = json["next_page_token"] as? String
                pages += 1
            } while token != nil && pages < 10
            #expect(pages == 3)
            #expect(ids.count == 5)
            #expect(Set(ids).count == 5)
        }
    }

    @Test(arguments: prefixes)
    func runRoundTrip(prefix: String) async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("runs", prefix: prefix)
            let created = try await vane.post("runs/create", jsonBody([
                "experiment_id": exp, "run_name": "first", "start_time": 1_700_000_000_123, "user_id": "alice",
                "tags": [["key": "source", "value": "test"]],
            ]), prefix: prefix)
            try created.expectOK()
            let run = try #require(try created.json().object("run"))
            let info = try #require(run.object("info"))
            let runID = try #require(info.string("run_id"))
            #expect(runID.count == 32)
            #expect(info.string("run_uuid") == runID)
            #expect(info.string("run_name") == "first")
            #expect(info["experiment_id"] as? String == exp)
            #expect(info.string("user_id") == "alice")
            #expect(info.string("status") == "RUNNING")
            #expect((info["start_time"] as? NSNumber)?.int64Value == 1_700_000_000_123)
            #expect(info["end_time"] == nil)
            #expect(info.string("lifecycle_stage") == "active")
            #expect(info.string("artifact_uri") == "mlflow-artifacts:/\(exp)/\(runID)/artifacts")
            let tags = keyValues(try #require(run.object("data")).objects("tags"))
            #expect(tags["source"] == "test")
            #expect(tags["mlflow.runName"] == "first")
            // Empty collections are omitted: a fresh run has `"inputs": {}`.
            #expect((run.object("inputs") ?? ["missing": true]).isEmpty)

            // Log through each single-value endpoint and a batch.
            try await vane.post("runs/log-parameter", jsonBody(["run_id": runID, "run_uuid": runID, "key": "lr", "value": "0.01"]), prefix: prefix).expectOK()
            try await vane.post("runs/log-metric", jsonBody([
                "run_id": runID, "run_uuid": runID, "key": "loss", "value": 0.5, "timestamp": 10, "step": 1, "model_id": NSNull(),
            ]), prefix: prefix).expectOK()
            try await vane.post("runs/set-tag", jsonBody(["run_id": runID, "key": "phase", "value": "train"]), prefix: prefix).expectOK()
            try await vane.post("runs/log-batch", jsonBody([
                "run_id": runID,
                "metrics": [["key": "loss", "value": 0.25, "timestamp": 20, "step": 2, "run_id": runID],
                            ["key": "acc", "value": 0.75, "timestamp": 20, "step": 2, "run_id": runID]],
                "params": [["key": "epochs", "value": "3"]],
                "tags": [["key": "phase", "value": "eval"]],
            ]), prefix: prefix).expectOK()

            let got = try await vane.getRun(runID, prefix: prefix)
            let data = try #require(got.object("data"))
            #expect(keyValues(data.objects("params")) == ["lr": "0.01", "epochs": "3"])
            #expect(keyValues(data.objects("tags"))["phase"] == "eval")
            let metrics = Dictionary(uniqueKeysWithValues: data.objects("metrics").map { ($0.string("key") ?? "", $0) })
            #expect((metrics["loss"]?["value"] as? NSNumber)?.doubleValue == 0.25)
            #expect((metrics["loss"]?["step"] as? NSNumber)?.int64Value == 2)
            #expect((metrics["loss"]?["timestamp"] as? NSNumber)?.int64Value == 20)
            #expect((metrics["acc"]?["value"] as? NSNumber)?.doubleValue == 0.75)

            // Update: status, end time and name.
            let updated = try await vane.post("runs/update", jsonBody([
                "run_id": runID, "run_uuid": runID, "status": "FINISHED", "end_time": 1_700_000_999_000, "run_name": "renamed",
            ]), prefix: prefix)
            try updated.expectOK()
            let runInfo = try #require(try updated.json().object("run_info"))
            #expect(runInfo.string("status") == "FINISHED")
            #expect((runInfo["end_time"] as? NSNumber)?.int64Value == 1_700_000_999_000)
            #expect(runInfo.string("run_name") == "renamed")
            #expect(runInfo.string("run_id") == runID)
            #expect(runInfo.string("run_uuid") == runID)
            let afterUpdate = try await vane.getRun(runID, prefix: prefix)
            #expect(keyValues(afterUpdate.object("data")?.objects("tags") ?? [])["mlflow.runName"] == "renamed")

            // Tags can be deleted.
            try await vane.post("runs/delete-tag", jsonBody(["run_id": runID, "key": "phase"]), prefix: prefix).expectOK()
            #expect(keyValues(try await vane.getRun(runID, prefix: prefix).object("data")?.objects("tags") ?? [])["phase"] == nil)

            // Search finds it; delete hides it from ACTIVE_ONLY; restore brings it back.
            let search = try await vane.post("runs/search", jsonBody(["experiment_ids": [exp]]), prefix: prefix)
            try search.expectOK()
            let found = try search.json().objects("runs")
            #expect(found.count == 1)
            #expect(found.first?.object("info")?.string("run_id") == runID)
            #expect(found.first?.object("info")?["experiment_id"] as? String == exp)

            try await vane.post("runs/delete", jsonBody(["run_id": runID]), prefix: prefix).expectOK()
            let afterDelete = try await vane.post("runs/search", jsonBody(["experiment_ids": [exp]]), prefix: prefix)
            #expect(afterDelete.text == "{}")
            let deletedView = try await vane.post("runs/search", jsonBody(["experiment_ids": [exp], "run_view_type": "DELETED_ONLY"]), prefix: prefix)
            #expect(try deletedView.json().objects("runs").count == 1)
            #expect(try await vane.getRun(runID, prefix: prefix).object("info")?.string("lifecycle_stage") == "deleted")
            try await vane.post("runs/restore", jsonBody(["run_id": runID]), prefix: prefix).expectOK()
            #expect(try await vane.getRun(runID, prefix: prefix).object("info")?.string("lifecycle_stage") == "active")
        }
    }

    @Test func runUUIDIsAcceptedInPlaceOfRunID() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            try await vane.post("runs/log-metric", jsonBody(["run_uuid": run, "key": "m", "value": 3, "timestamp": 5])).expectOK()
            try await vane.post("runs/log-parameter", jsonBody(["run_uuid": run, "key": "p", "value": "v"])).expectOK()
            try await vane.post("runs/set-tag", jsonBody(["run_uuid": run, "key": "t", "value": "x"])).expectOK()
            let updated = try await vane.post("runs/update", jsonBody(["run_uuid": run, "status": "KILLED"]))
            try updated.expectOK()
            #expect(try updated.json().object("run_info")?.string("status") == "KILLED")
            let got = try await vane.get("runs/get?run_uuid=\(run)")
            try got.expectOK()
            let data = try #require(try got.json().object("run")?.object("data"))
            #expect(keyValues(data.objects("params")) == ["p": "v"])
            #expect(keyValues(data.objects("tags"))["t"] == "x")
            #expect(data.objects("metrics").count == 1)
            let history = try await vane.get("metrics/get-history?run_uuid=\(run)&metric_key=m")
            try history.expectOK()
            #expect(try history.json().objects("metrics").count == 1)
            // An empty run_id falls back to run_uuid, as the client sends both.
            try await vane.get("runs/get?run_id=&run_uuid=\(run)").expectOK()
        }
    }

    @Test func nonFiniteMetricValuesRoundTrip() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "nan", "value": "NaN", "timestamp": 1, "step": 0}"#).expectOK()
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "pinf", "value": "Infinity", "timestamp": 1, "step": 0}"#).expectOK()
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "ninf", "value": "-Infinity", "timestamp": 1, "step": 0}"#).expectOK()
            try await vane.post("runs/log-batch", #"""
                {"run_id": "\#(run)", "metrics": [
                  {"key": "batch-nan", "value": "NaN", "timestamp": 1, "step": 0},
                  {"key": "batch-inf", "value": "Infinity", "timestamp": 1, "step": 0},
                  {"key": "batch-ninf", "value": "-Infinity", "timestamp": 1, "step": 0},
                  {"key": "big", "value": 1.7976931348623157e308, "timestamp": 1, "step": 0},
                  {"key": "small", "value": -2.5e-300, "timestamp": 1, "step": 0}
                ]}
                """#).expectOK()
            let got = try await vane.get("runs/get?run_id=\(run)")
            try got.expectOK()
            let metrics = try #require(try got.json().object("run")?.object("data")).objects("metrics")
            var byKey: [String: Any] = [:]
            for m in metrics { if let k = m.string("key") { byKey[k] = m["value"] } }
            #expect(byKey["nan"] as? String == "NaN")
            #expect(byKey["pinf"] as? String == "Infinity")
            #expect(byKey["ninf"] as? String == "-Infinity")
            #expect(byKey["batch-nan"] as? String == "NaN")
            #expect(byKey["batch-inf"] as? String == "Infinity")
            #expect(byKey["batch-ninf"] as? String == "-Infinity")
            #expect((byKey["big"] as? NSNumber)?.doubleValue == 1.7976931348623157e308)
            #expect((byKey["small"] as? NSNumber)?.doubleValue == -2.5e-300)
            // The raw text carries the protobuf-JSON strings.
            #expect(got.text.contains(#""value":"NaN""#))
            #expect(got.text.contains(#""value":"Infinity""#))
            #expect(got.text.contains(#""value":"-Infinity""#))

            for (key, expected) in [("nan", "NaN"), ("pinf", "Infinity"), ("ninf", "-Infinity")] {
                let history = try await vane.get("metrics/get-history?run_id=\(run)&metric_key=\(key)")
                try history.expectOK()
                let points = try history.json().objects("metrics")
                #expect(points.count == 1)
                #expect(points.first?["value"] as? String == expected)
            }
        }
    }

    @Test func metricHistory() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            let steps = [4, 0, 3, 1, 2]
            try await vane.post("runs/log-batch", jsonBody([
                "run_id": run, "metrics": steps.map { ["key": "loss", "value": Double($0) / 10, "timestamp": 100 + $0, "step": $0] },
            ])).expectOK()
            let all = try await vane.get("metrics/get-history?run_id=\(run)&metric_key=loss")
            try all.expectOK()
            let points = try all.json().objects("metrics")
            #expect(points.compactMap { ($0["step"] as? NSNumber)?.intValue } == [0, 1, 2, 3, 4])
            #expect(points.compactMap { ($0["value"] as? NSNumber)?.doubleValue } == [0, 0.1, 0.2, 0.3, 0.4])
            #expect(points.allSatisfy { $0.string("key") == "loss" })
            #expect(try all.json()["next_page_token"] == nil)

            // Paging with max_results.
            var collected: [Int] = []
            var token: String?
            var pages = 0
            repeat {
                var uri = "metrics/get-history?run_id=\(run)&metric_key=loss&max_results=2"
                if let token { uri += "&page_token=\(q(token))" }
                let page = try await vane.get(uri)
                try page.expectOK()
                let json = try page.json()
                collected += json.objects("metrics").compactMap { ($0["step"] as? NSNumber)?.intValue }
                token = json["next_page_token"] as? String
                pages += 1
            } while token != nil && pages < 10
            #expect(collected == [0, 1, 2, 3, 4])
            #expect(pages == 3)

            // An unknown key is `{}`.
            let unknown = try await vane.get("metrics/get-history?run_id=\(run)&metric_key=nope")
            try unknown.expectOK()
            #expect(unknown.text == "{}")
        }
    }

    @Test func metricHistoryBulkInterval() async throws {
        try await VaneTestClient.with { vane in
            let a = try await vane.createRun()
            let b = try await vane.createRun()
            for run in [a, b] {
                try await vane.post("runs/log-batch", jsonBody([
                    "run_id": run, "metrics": (0..<50).map { ["key": "k", "value": Double($0), "timestamp": 1, "step": $0] },
                ])).expectOK()
            }
            let r = try await vane.get("metrics/get-history-bulk-interval?run_ids=\(a)&run_ids=\(b)&metric_key=k&max_results=5", prefix: VaneTestClient.ajax)
            try r.expectOK()
            let points = try r.json().objects("metrics")
            #expect(points.count == 10)
            let fromA = points.filter { $0.string("run_id") == a }.compactMap { ($0["step"] as? NSNumber)?.intValue }
            #expect(fromA.count == 5)
            #expect(fromA.first == 0)
            #expect(fromA.last == 49)
            try await vane.get("metrics/get-history-bulk-interval?metric_key=k").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    @Test func emptyCollectionsAreOmitted() async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("empty")
            let runs = try await vane.post("runs/search", jsonBody(["experiment_ids": [exp]]))
            try runs.expectOK()
            #expect(runs.text == "{}")
            let getRuns = try await vane.get("runs/search?experiment_ids=\(exp)")
            try getRuns.expectOK()
            #expect(getRuns.text == "{}")
            let deletedExperiments = try await vane.post("experiments/search", #"{"view_type": "DELETED_ONLY"}"#)
            try deletedExperiments.expectOK()
            #expect(deletedExperiments.text == "{}")
            let models = try await vane.post("logged-models/search", jsonBody(["experiment_ids": [exp], "filter": "name = 'model'"]))
            try models.expectOK()
            #expect(models.text == "{}")
            let registered = try await vane.get("registered-models/search")
            try registered.expectOK()
            #expect(registered.text == "{}")
            let versions = try await vane.get("model-versions/search")
            try versions.expectOK()
            #expect(versions.text == "{}")

            // A fresh run: no metrics/params arrays, empty inputs and outputs objects.
            let run = try await vane.createRun(experimentID: exp)
            let got = try await vane.get("runs/get?run_id=\(run)")
            #expect(got.text.contains(#""inputs":{}"#))
            #expect(got.text.contains(#""outputs":{}"#))
            #expect(!got.text.contains(#""metrics""#))
            #expect(!got.text.contains(#""params""#))
            #expect(!got.text.contains("[]"))
            // A write without an answer is `{}`.
            let tag = try await vane.post("runs/set-tag", jsonBody(["run_id": run, "key": "a", "value": "b"]))
            #expect(tag.text == "{}")
            #expect(tag.headers[.contentType] == "application/json")
        }
    }

    @Test func unicodeKeysAndValues() async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("実験 ünïcödé")
            let run = try await vane.createRun(experimentID: exp, name: "прогон")
            try await vane.post("runs/log-batch", jsonBody([
                "run_id": run,
                "metrics": [["key": "精度", "value": 0.5, "timestamp": 1, "step": 0], ["key": "dokładność/ε", "value": 1.0, "timestamp": 1, "step": 0]],
                "params": [["key": "学习率", "value": "значение ✓"]],
                "tags": [["key": "étiquette", "value": "line1\nline2\t\"quoted\" \\ back"]],
            ])).expectOK()
            // Escaped unicode in the request is decoded too.
            try await vane.post("runs/set-tag", #"{"run_id": "\#(run)", "key": "\u00e9t\u00e9", "value": "\ud83d\ude00"}"#).expectOK()

            let got = try await vane.getRun(run)
            #expect(got.object("info")?.string("run_name") == "прогон")
            let data = try #require(got.object("data"))
            #expect(keyValues(data.objects("params")) == ["学习率": "значение ✓"])
            let tags = keyValues(data.objects("tags"))
            #expect(tags["étiquette"] == "line1\nline2\t\"quoted\" \\ back")
            #expect(tags["été"] == "😀")
            #expect(Set(data.objects("metrics").compactMap { $0.string("key") }) == ["精度", "dokładność/ε"])

            let history = try await vane.get("metrics/get-history?run_id=\(run)&metric_key=\(q("精度"))")
            try history.expectOK()
            #expect(try history.json().objects("metrics").count == 1)
            let byName = try await vane.get("experiments/get-by-name?experiment_name=\(q("実験 ünïcödé"))")
            try byName.expectOK()
            #expect(try byName.json().object("experiment")?["experiment_id"] as? String == exp)
            // `+` in a query string is a space.
            let plus = try await vane.get("experiments/get-by-name?experiment_name=\(q("実験"))+\(q("ünïcödé"))")
            try plus.expectOK()
        }
    }

    @Test func logInputsAndOutputs() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            let dataset: [String: Any] = [
                "dataset": ["name": "iris", "digest": "d1", "source_type": "local", "source": "{}", "schema": "{\"cols\": 4}"],
                "tags": [["key": "mlflow.data.context", "value": "training"]],
            ]
            try await vane.post("runs/log-inputs", jsonBody(["run_id": run, "datasets": [dataset, dataset]])).expectOK()
            try await vane.post("runs/log-inputs", jsonBody(["run_id": run, "datasets": [dataset]])).expectOK()
            let got = try await vane.getRun(run)
            let inputs = try #require(got.object("inputs")).objects("dataset_inputs")
            #expect(inputs.count == 1)
            #expect(inputs.first?.object("dataset")?.string("name") == "iris")
            #expect(inputs.first?.object("dataset")?.string("schema") == "{\"cols\": 4}")
            #expect(keyValues(inputs.first?.objects("tags") ?? []) == ["mlflow.data.context": "training"])

            let model = try await vane.post("logged-models", jsonBody(["experiment_id": "0", "name": "model", "source_run_id": run]))
            try model.expectOK()
            let modelID = try #require(try model.json().object("model")?.object("info")?.string("model_id"))
            try await vane.post("runs/outputs", jsonBody(["run_id": run, "models": [["model_id": modelID, "step": 0]]])).expectOK()
            let withOutputs = try await vane.getRun(run)
            let outputs = try #require(withOutputs.object("outputs")).objects("model_outputs")
            #expect(outputs.first?.string("model_id") == modelID)
        }
    }

    @Test func loggedModelRoutes() async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("lm")
            let run = try await vane.createRun(experimentID: exp)
            let created = try await vane.post("logged-models", jsonBody([
                "experiment_id": exp, "name": "model", "source_run_id": run,
                "params": [["key": "alpha", "value": "1"]], "tags": [["key": "flavor", "value": "sklearn"]],
            ]))
            try created.expectOK()
            let info = try #require(try created.json().object("model")?.object("info"))
            let id = try #require(info.string("model_id"))
            #expect(id.hasPrefix("m-"))
            #expect(info.string("status") == "LOGGED_MODEL_PENDING")
            #expect(info["experiment_id"] as? String == exp)
            #expect(info.string("artifact_uri") == "mlflow-artifacts:/\(exp)/models/\(id)/artifacts")

            let ready = try await vane.patch("logged-models/\(id)", jsonBody(["model_id": id, "status": "LOGGED_MODEL_READY"]))
            try ready.expectOK()
            #expect(try ready.json().object("model")?.object("info")?.string("status") == "LOGGED_MODEL_READY")
            try await vane.patch("logged-models/\(id)/tags", jsonBody(["tags": [["key": "mlflow.modelVersions", "value": "[]"]]])).expectOK()
            try await vane.post("runs/log-metric", jsonBody(["run_id": run, "key": "acc", "value": 0.9, "timestamp": 1, "model_id": id])).expectOK()
            let got = try await vane.get("logged-models/\(id)")
            try got.expectOK()
            let model = try #require(try got.json().object("model"))
            #expect(keyValues(model.object("info")?.objects("tags") ?? [])["mlflow.modelVersions"] == "[]")
            let metrics = model.object("data")?.objects("metrics") ?? []
            #expect(metrics.count == 1)
            #expect(metrics.first?.string("run_id") == run)
            #expect(metrics.first?.string("model_id") == id)

            let search = try await vane.post("logged-models/search", jsonBody(["experiment_ids": [exp]]))
            try search.expectOK()
            #expect(try search.json().objects("models").count == 1)

            try await vane.get("logged-models/m-00000000000000000000000000000000").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.delete("logged-models/\(id)", "{}").expectOK()
            try await vane.get("logged-models/\(id)").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test func runsInDeletedExperimentFollowIt() async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("gone")
            let run = try await vane.createRun(experimentID: exp)
            try await vane.post("experiments/delete", jsonBody(["experiment_id": exp])).expectOK()
            #expect(try await vane.getRun(run).object("info")?.string("lifecycle_stage") == "deleted")
            try await vane.post("runs/create", jsonBody(["experiment_id": exp])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("experiments/restore", jsonBody(["experiment_id": exp])).expectOK()
            #expect(try await vane.getRun(run).object("info")?.string("lifecycle_stage") == "active")
        }
    }
}
