import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneCore
import VaneHTTP
import VaneTracking

/// Bad input gets MLflow's error shape (`{"error_code", "message"}`), an honest 4xx and no partial write.
@Suite("MLflow error shape")
struct MLflowErrorShapeTests {
    @Test func malformedJSON() async throws {
        try await VaneTestClient.with { vane in
            for body in ["{", "{\"name\": }", "not json", "{\"name\": \"x\",}", "{'name': 'x'}", "[1, 2]", "\"just a string\"", "{\"name\": \"x\"} trailing"] {
                let r = try await vane.post("experiments/create", body)
                r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            }
            let bad = try await vane.post("runs/log-batch", "{\"run_id\": \"x\", \"metrics\": [")
            bad.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    @Test func wrongJSONType() async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("experiments/create", #"{"name": 5}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("experiments/create", #"{"name": ["a"]}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("experiments/create", #"{"name": {"a": 1}}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("experiments/create", #"{"name": "ok", "tags": "nope"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let run = try await vane.createRun()
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "m", "value": "abc", "timestamp": 1}"#)
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "m", "value": 1, "step": 1.5}"#)
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "m", "value": 1, "timestamp": true}"#)
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "m", "value": 1, "step": 1e30}"#)
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/log-parameter", #"{"run_id": "\#(run)", "key": "p", "value": 5}"#)
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/create", #"{"experiment_id": 1.5}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/search", #"{"experiment_ids": "0"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/update", #"{"run_id": "\#(run)", "status": "SOMEWHERE"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            // Nothing was logged by any of these.
            let data = try #require(try await vane.getRun(run).object("data"))
            #expect(data["metrics"] == nil)
            #expect(data["params"] == nil)
        }
    }

    @Test func missingRequiredFields() async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("experiments/create", "{}").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("experiments/create", #"{"name": ""}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("experiments/create", "").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let noRunID = try await vane.get("runs/get")
            noRunID.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            #expect((try? noRunID.json())?.string("message")?.contains("run_id") == true)
            try await vane.get("runs/get?run_id=").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let run = try await vane.createRun()
            let noValue = try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "m", "timestamp": 1, "step": 0}"#)
            noValue.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            #expect((try? noValue.json())?.string("message")?.contains("value") == true)
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "value": 1}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/log-parameter", #"{"run_id": "\#(run)", "key": "p"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/set-tag", #"{"run_id": "\#(run)", "value": "v"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/log-batch", #"{"metrics": [{"key": "m", "value": 1, "timestamp": 1}]}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/log-batch", #"{"run_id": "\#(run)", "metrics": [{"key": "m", "value": 1}]}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.get("experiments/get").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.get("experiments/get-by-name").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.get("metrics/get-history?run_id=\(run)").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("registered-models/create", "{}").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("model-versions/create", #"{"name": "m"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let data = try #require(try await vane.getRun(run).object("data"))
            #expect(data["metrics"] == nil)
            #expect(data["params"] == nil)
        }
    }

    @Test func unknownRunIsNotFound() async throws {
        try await VaneTestClient.with { vane in
            let missing = "0123456789abcdef0123456789abcdef"
            try await vane.get("runs/get?run_id=\(missing)").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.post("runs/log-metric", #"{"run_id": "\#(missing)", "key": "m", "value": 1, "timestamp": 1}"#)
                .expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.post("runs/log-batch", #"{"run_id": "\#(missing)", "params": [{"key": "a", "value": "b"}]}"#)
                .expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.post("runs/update", #"{"run_id": "\#(missing)", "status": "FINISHED"}"#).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.post("runs/delete", #"{"run_id": "\#(missing)"}"#).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("metrics/get-history?run_id=\(missing)&metric_key=m").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("experiments/get?experiment_id=4242").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("experiments/get-by-name?experiment_name=nope").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.post("runs/create", #"{"experiment_id": "4242"}"#).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            let run = try await vane.createRun()
            try await vane.post("runs/delete-tag", #"{"run_id": "\#(run)", "key": "never-set"}"#).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test func nonIntegerExperimentIDIsBadRequest() async throws {
        try await VaneTestClient.with { vane in
            try await vane.get("experiments/get?experiment_id=abc").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.get("experiments/get?experiment_id=99999999999999999999999").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("experiments/delete", #"{"experiment_id": "abc"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/create", #"{"experiment_id": "abc"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/search", #"{"experiment_ids": ["0", "abc"]}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("logged-models/search", #"{"experiment_ids": ["x"]}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    @Test func logBatchOverTheMetricLimitWritesNothing() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            let metrics = (0..<1001).map { ["key": "m", "value": Double($0), "timestamp": 1, "step": $0] as [String: Any] }
            let r = try await vane.post("runs/log-batch", jsonBody([
                "run_id": run, "metrics": metrics,
                "params": [["key": "p", "value": "1"]], "tags": [["key": "t", "value": "1"]],
            ]))
            r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let data = try #require(try await vane.getRun(run).object("data"))
            #expect(data["metrics"] == nil)
            #expect(data["params"] == nil)
            #expect(!keyValues(data.objects("tags")).keys.contains("t"))
            let history = try await vane.get("metrics/get-history?run_id=\(run)&metric_key=m")
            try history.expectOK()
            #expect(history.text == "{}")

            // Exactly 1000 is accepted.
            let ok = try await vane.post("runs/log-batch", jsonBody(["run_id": run, "metrics": Array(metrics.prefix(1000))]))
            try ok.expectOK()
            #expect(ok.text == "{}")
            let full = try await vane.get("metrics/get-history?run_id=\(run)&metric_key=m")
            #expect(try full.json().objects("metrics").count == 1000)

            // Params and tags are capped at 100 each.
            let params = (0..<101).map { ["key": "p\($0)", "value": "v"] }
            try await vane.post("runs/log-batch", jsonBody(["run_id": run, "params": params])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            #expect(try await vane.getRun(run).object("data")?["params"] == nil)
        }
    }

    @Test func searchMaxResultsOverTheLimit() async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("runs/search", #"{"experiment_ids": ["0"], "max_results": 60000}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/search", #"{"experiment_ids": ["0"], "max_results": 0}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/search", #"{"experiment_ids": ["0"], "max_results": -5}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("experiments/search", #"{"max_results": 60000}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/search", #"{"experiment_ids": ["0"], "max_results": 50000}"#).expectOK()
            try await vane.post("runs/search", #"{"experiment_ids": ["0"], "page_token": "%%%"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/search", #"{"experiment_ids": ["0"], "run_view_type": "SOMETIMES"}"#).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await VaneTestClient.with { vane in
            // One byte over the JSON body limit (whitespace, so only the size is wrong).
            var body = ByteBuffer()
            body.writeRepeatingByte(UInt8(ascii: " "), count: 64 * 1024 * 1024 + 1)
            let r = try await vane.request(.post, VaneTestClient.api + "experiments/create", body: body,
                                           headers: [.contentType: "application/json"])
            r.expectMLflowError(.contentTooLarge, "REQUEST_LIMIT_EXCEEDED")
            // Nothing was created.
            let search = try await vane.post("experiments/search", #"{"max_results": 10}"#)
            #expect(try search.json().objects("experiments").count == 1)
        }
    }

    @Test func deeplyNestedJSONIsRefused() async throws {
        try await VaneTestClient.with { vane in
            let depth = 200
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let r = try await vane.post("experiments/create", #"{"name": "deep", "tags": \#(nested)}"#)
            r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            try await vane.post("experiments/create", objects).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            // Very deep nesting must not crash the parser either.
            let huge = String(repeating: "[", count: 100_000)
            try await vane.post("experiments/create", huge).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.get("experiments/get-by-name?experiment_name=deep").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test func duplicateExperimentNameIsAlreadyExists() async throws {
        try await VaneTestClient.with { vane in
            _ = try await vane.createExperiment("twice")
            try await vane.post("experiments/create", #"{"name": "twice"}"#).expectMLflowError(.badRequest, "RESOURCE_ALREADY_EXISTS")
            try await vane.post("experiments/create", #"{"name": "Default"}"#).expectMLflowError(.badRequest, "RESOURCE_ALREADY_EXISTS")
            let other = try await vane.createExperiment("other")
            try await vane.post("experiments/update", #"{"experiment_id": "\#(other)", "new_name": "twice"}"#)
                .expectMLflowError(.badRequest, "RESOURCE_ALREADY_EXISTS")
            try await vane.post("registered-models/create", #"{"name": "rm"}"#).expectOK()
            try await vane.post("registered-models/create", #"{"name": "rm"}"#).expectMLflowError(.badRequest, "RESOURCE_ALREADY_EXISTS")
        }
    }

    @Test func changedParamValueIsRefused() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            try await vane.post("runs/log-parameter", #"{"run_id": "\#(run)", "key": "lr", "value": "0.1"}"#).expectOK()
            try await vane.post("runs/log-parameter", #"{"run_id": "\#(run)", "key": "lr", "value": "0.1"}"#).expectOK()
            try await vane.post("runs/log-parameter", #"{"run_id": "\#(run)", "key": "lr", "value": "0.2"}"#)
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            // The same conflict inside a batch rejects the whole batch.
            let r = try await vane.post("runs/log-batch", jsonBody([
                "run_id": run,
                "metrics": [["key": "loss", "value": 1.0, "timestamp": 1, "step": 0]],
                "params": [["key": "new", "value": "x"], ["key": "lr", "value": "0.3"]],
                "tags": [["key": "batch", "value": "1"]],
            ]))
            r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let data = try #require(try await vane.getRun(run).object("data"))
            #expect(keyValues(data.objects("params")) == ["lr": "0.1"])
            #expect(data["metrics"] == nil)
            #expect(keyValues(data.objects("tags"))["batch"] == nil)
        }
    }

    @Test func writesToDeletedRunAreRefused() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            try await vane.post("runs/delete", #"{"run_id": "\#(run)"}"#).expectOK()
            try await vane.post("runs/log-metric", #"{"run_id": "\#(run)", "key": "m", "value": 1, "timestamp": 1}"#)
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/set-tag", #"{"run_id": "\#(run)", "key": "k", "value": "v"}"#)
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    @Test func invalidKeysAreRefused() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            for key in ["a//b", "x/", "a/./b", "bad\u{1F600}key", String(repeating: "k", count: 251)] {
                try await vane.post("runs/log-metric", jsonBody(["run_id": run, "key": key, "value": 1, "timestamp": 1]))
                    .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            }
            try await vane.post("runs/log-parameter", jsonBody(["run_id": run, "key": "big", "value": String(repeating: "v", count: 6001)]))
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    @Test func unknownPathAndWrongMethodAreNot5xx() async throws {
        try await VaneTestClient.with { vane in
            let unknown = try await vane.get("no-such-endpoint")
            #expect(unknown.status == .notFound)
            let wrongMethod = try await vane.request(.get, VaneTestClient.api + "experiments/create")
            #expect(wrongMethod.status.code >= 400 && wrongMethod.status.code < 500)
        }
    }

    static let writeEndpoints: [(HTTPRequest.Method, String)] = [
        (.post, "experiments/create"), (.post, "experiments/search"), (.post, "experiments/update"),
        (.post, "experiments/set-experiment-tag"), (.post, "experiments/delete-experiment-tag"), (.post, "experiments/delete"),
        (.post, "experiments/restore"), (.post, "runs/create"), (.post, "runs/update"), (.post, "runs/delete"), (.post, "runs/restore"),
        (.post, "runs/log-metric"), (.post, "runs/log-parameter"), (.post, "runs/set-tag"), (.post, "runs/delete-tag"),
        (.post, "runs/log-batch"), (.post, "runs/log-inputs"), (.post, "runs/outputs"), (.post, "runs/search"),
        (.post, "registered-models/create"), (.post, "registered-models/rename"), (.post, "registered-models/set-tag"),
        (.post, "registered-models/alias"), (.post, "registered-models/get-latest-versions"), (.post, "registered-models/search"),
        (.post, "model-versions/create"), (.post, "model-versions/transition-stage"), (.post, "model-versions/set-tag"),
        (.post, "model-versions/search"), (.post, "logged-models"), (.post, "logged-models/search"),
        (.patch, "registered-models/update"), (.patch, "model-versions/update"), (.patch, "logged-models/m-x"), (.patch, "logged-models/m-x/tags"),
        (.delete, "registered-models/delete"), (.delete, "registered-models/delete-tag"), (.delete, "registered-models/alias"),
        (.delete, "model-versions/delete"), (.delete, "model-versions/delete-tag"), (.delete, "logged-models/m-x"),
        (.delete, "logged-models/m-x/tags/k"),
    ]

    static let garbageBodies: [String] = [
        "", "{}", "null", "[]", "42", "{\"a\":", "\u{FF}\u{FE}",
        #"{"experiment_id": {}, "run_id": [], "name": 5, "key": null, "value": {}, "version": "x", "metrics": {}, "params": "x", "tags": [1], "datasets": [{}], "models": [5], "stages": "x", "source": 1, "experiment_ids": {}, "max_results": "x", "status": 7, "new_name": [], "alias": 3, "stage": {}}"#,
        #"{"run_id": "x", "run_uuid": "y", "name": "n", "experiment_id": "0", "key": "k", "value": "v", "version": "1", "source": "s3://b/x", "alias": "a", "stage": "Production", "new_name": "n2", "metrics": [{"key": "m", "value": "NaN", "timestamp": "x"}], "params": [{"key": "p"}], "tags": [{"value": "v"}], "datasets": [{"dataset": {"name": "d"}}], "models": [{"step": 1}], "max_results": 99999999999, "page_token": "x", "view_type": "x", "run_view_type": 9}"#,
        #"{"experiment_id": "-1", "run_id": "../../etc", "name": "\u0000", "key": "../x", "value": "\ud800", "version": "-1", "source": "/", "max_results": -1, "order_by": [1, 2], "experiment_ids": ["1e999"]}"#,
        #"{"experiment_id": 9223372036854775807, "start_time": 1e308, "step": -9223372036854775808, "timestamp": 18446744073709551616, "end_time": "NaN", "max_results": 2147483648}"#,
    ]

    /// Every write endpoint, fed garbage: a 2xx or a 4xx in MLflow's shape, never a 5xx.
    @Test func everyEndpointAnswersGarbageWithoutA5xx() async throws {
        try await VaneTestClient.with { vane in
            for (method, endpoint) in Self.writeEndpoints {
                for body in Self.garbageBodies {
                    for prefix in [VaneTestClient.api, VaneTestClient.ajax] {
                        let r = try await vane.json(method, prefix + endpoint, body)
                        #expect(r.status.code < 500, "\(method) \(endpoint) \(body.prefix(60)) → \(r.status.code) \(r.text.prefix(200))")
                        if r.status.code >= 400 {
                            let object = try? r.json()
                            #expect(object?["error_code"] is String, "\(method) \(endpoint) \(body.prefix(60)) → \(r.text.prefix(200))")
                            #expect(object?["message"] is String, "\(method) \(endpoint) \(body.prefix(60))")
                        }
                    }
                }
            }
        }
    }

    /// Every read endpoint, fed garbage query strings.
    @Test func everyReadEndpointAnswersGarbageQueriesWithoutA5xx() async throws {
        let endpoints = [
            "experiments/get", "experiments/get-by-name", "experiments/search", "runs/get", "runs/search", "metrics/get-history",
            "metrics/get-history-bulk-interval", "registered-models/get", "registered-models/search", "registered-models/alias",
            "model-versions/get", "model-versions/get-download-uri", "model-versions/search", "logged-models/m-x",
            "artifacts/list", "get-artifact",
        ]
        let queries = [
            "", "?experiment_id=%ZZ&run_id=%00&name=%FF", "?experiment_id=-1&run_id=x&run_ids=x&metric_key=m&name=n&version=1&alias=a&path=..",
            "?max_results=-5&page_token=%%&view_type=x&run_view_type=x&experiment_ids=x&start_step=5&end_step=1",
            "?max_results=99999999999999999999&version=99999999999999999999&experiment_id=99999999999999999999",
            "?run_id=&run_uuid=&metric_key=&experiment_name=&name=&version=&path=",
        ]
        try await VaneTestClient.with { vane in
            for endpoint in endpoints {
                for query in queries {
                    let r = try await vane.get(endpoint + query)
                    #expect(r.status.code < 500, "GET \(endpoint)\(query) → \(r.status.code) \(r.text.prefix(200))")
                    if r.status.code >= 400 {
                        #expect((try? r.json())?["error_code"] is String, "GET \(endpoint)\(query) → \(r.text.prefix(200))")
                    }
                }
            }
        }
    }

    /// SQLite limits the bound variables of one statement (32766 by default, 250000 in Debian's
    /// libsqlite3); more experiment ids than that turn into "too many SQL variables", which the store
    /// reports as an internal error: a 500 whose message echoes the whole SQL statement.
    @Test
    func manyExperimentIDsAreNot5xx() async throws {
        try await VaneTestClient.with { vane in
            let ids = (0..<300_000).map { String($0) }
            let models = try await vane.post("logged-models/search", jsonBody(["experiment_ids": ids]))
            #expect(models.status.code < 500, "\(models.text.prefix(300))")
            let runs = try await vane.post("runs/search", jsonBody(["experiment_ids": ids]))
            #expect(runs.status.code < 500, "\(runs.text.prefix(300))")
        }
    }
}
