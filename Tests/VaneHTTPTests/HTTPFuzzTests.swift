import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP

/// A small seeded generator (SplitMix64), so every fuzz run can be replayed from its seed.
struct FuzzRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Every route of `vane server`, given valid bodies and queries that a seeded mutator then
/// breaks: wrong types, huge and NUL-laden strings, deep nesting, truncation, flipped bytes,
/// traversal paths, odd percent-encoding. Whatever arrives, the answer is the surface's error
/// shape with a status below 500, and no database text reaches the client.
@Suite("HTTP fuzzing")
struct HTTPFuzzTests {
    /// Requests per seed: a few seconds in `swift test`; `Benchmarks/fuzz` runs far more against a real process.
    static let mlflowRounds = 600
    static let inferenceRounds = 400

    /// A route and a valid request for it; `{run}`, `{exp}`, `{model}` and `{mid}` are filled in.
    struct Endpoint {
        var method: HTTPRequest.Method
        var path: String
        var body: [String: Any]
    }

    static var endpoints: [Endpoint] { [
        .init(method: .post, path: "experiments/create", body: ["name": "fz", "artifact_location": "", "tags": [["key": "k", "value": "v"]]]),
        .init(method: .get, path: "experiments/get", body: ["experiment_id": "{exp}"]),
        .init(method: .get, path: "experiments/get-by-name", body: ["experiment_name": "fuzz"]),
        .init(method: .post, path: "experiments/search", body: ["max_results": 10, "filter": "name LIKE 'f%'", "order_by": ["name ASC"], "view_type": "ALL"]),
        .init(method: .post, path: "experiments/update", body: ["experiment_id": "{exp}", "new_name": "fuzz2"]),
        .init(method: .post, path: "experiments/set-experiment-tag", body: ["experiment_id": "{exp}", "key": "k", "value": "v"]),
        .init(method: .post, path: "experiments/delete-experiment-tag", body: ["experiment_id": "{exp}", "key": "k"]),
        .init(method: .post, path: "experiments/delete", body: ["experiment_id": "{exp}"]),
        .init(method: .post, path: "experiments/restore", body: ["experiment_id": "{exp}"]),
        .init(method: .post, path: "runs/create", body: ["experiment_id": "{exp}", "start_time": 1, "run_name": "r", "tags": [["key": "t", "value": "v"]]]),
        .init(method: .get, path: "runs/get", body: ["run_id": "{run}"]),
        .init(method: .post, path: "runs/update", body: ["run_id": "{run}", "status": "FINISHED", "end_time": 2, "run_name": "x"]),
        .init(method: .post, path: "runs/delete", body: ["run_id": "{run}"]),
        .init(method: .post, path: "runs/restore", body: ["run_id": "{run}"]),
        .init(method: .post, path: "runs/log-metric", body: ["run_id": "{run}", "key": "m", "value": 1.5, "timestamp": 1, "step": 0]),
        .init(method: .post, path: "runs/log-parameter", body: ["run_id": "{run}", "key": "p", "value": "1"]),
        .init(method: .post, path: "runs/set-tag", body: ["run_id": "{run}", "key": "t", "value": "v"]),
        .init(method: .post, path: "runs/delete-tag", body: ["run_id": "{run}", "key": "t"]),
        .init(method: .post, path: "runs/log-batch", body: ["run_id": "{run}", "metrics": [["key": "m", "value": 1, "timestamp": 1, "step": 1]],
                                                             "params": [["key": "q", "value": "1"]], "tags": [["key": "u", "value": "v"]]]),
        .init(method: .post, path: "runs/log-inputs", body: ["run_id": "{run}", "datasets": [["dataset": ["name": "d", "digest": "abc", "source_type": "local", "source": "{}"], "tags": [["key": "mlflow.data.context", "value": "train"]]]]]),
        .init(method: .post, path: "runs/log-model", body: ["run_id": "{run}", "model_json": "{\"artifact_path\": \"model\", \"flavors\": {}}"]),
        .init(method: .post, path: "runs/outputs", body: ["run_id": "{run}", "models": [["model_id": "{mid}", "step": 0]]]),
        .init(method: .get, path: "metrics/get-history", body: ["run_id": "{run}", "metric_key": "m", "max_results": 100]),
        .init(method: .get, path: "metrics/get-history-bulk-interval", body: ["run_ids": "{run}", "metric_key": "m", "max_results": 10]),
        .init(method: .post, path: "runs/search", body: ["experiment_ids": ["{exp}"], "filter": "metrics.m > 0 and params.p = '1'", "order_by": ["metrics.m DESC", "params.p"], "max_results": 10]),
        .init(method: .post, path: "registered-models/create", body: ["name": "fz", "tags": [["key": "k", "value": "v"]], "description": "d"]),
        .init(method: .get, path: "registered-models/get", body: ["name": "{model}"]),
        .init(method: .post, path: "registered-models/rename", body: ["name": "{model}", "new_name": "{model}2"]),
        .init(method: .patch, path: "registered-models/update", body: ["name": "{model}", "description": "x"]),
        .init(method: .delete, path: "registered-models/delete", body: ["name": "{model}"]),
        .init(method: .post, path: "registered-models/search", body: ["filter": "name LIKE '%z%'", "max_results": 5, "order_by": ["name"]]),
        .init(method: .post, path: "registered-models/set-tag", body: ["name": "{model}", "key": "k", "value": "v"]),
        .init(method: .delete, path: "registered-models/delete-tag", body: ["name": "{model}", "key": "k"]),
        .init(method: .post, path: "registered-models/alias", body: ["name": "{model}", "alias": "champ", "version": "1"]),
        .init(method: .get, path: "registered-models/alias", body: ["name": "{model}", "alias": "champ"]),
        .init(method: .delete, path: "registered-models/alias", body: ["name": "{model}", "alias": "champ"]),
        .init(method: .post, path: "registered-models/get-latest-versions", body: ["name": "{model}", "stages": ["None"]]),
        .init(method: .post, path: "model-versions/create", body: ["name": "{model}", "source": "runs:/{run}/model", "run_id": "{run}"]),
        .init(method: .get, path: "model-versions/get", body: ["name": "{model}", "version": "1"]),
        .init(method: .patch, path: "model-versions/update", body: ["name": "{model}", "version": "1", "description": "x"]),
        .init(method: .post, path: "model-versions/transition-stage", body: ["name": "{model}", "version": "1", "stage": "Staging", "archive_existing_versions": false]),
        .init(method: .get, path: "model-versions/get-download-uri", body: ["name": "{model}", "version": "1"]),
        .init(method: .post, path: "model-versions/search", body: ["filter": "name = '{model}'", "max_results": 5, "order_by": ["version_number DESC"]]),
        .init(method: .post, path: "model-versions/set-tag", body: ["name": "{model}", "version": "1", "key": "k", "value": "v"]),
        .init(method: .delete, path: "model-versions/delete-tag", body: ["name": "{model}", "version": "1", "key": "k"]),
        .init(method: .delete, path: "model-versions/delete", body: ["name": "{model}", "version": "1"]),
        .init(method: .post, path: "logged-models", body: ["experiment_id": "{exp}", "name": "lm", "source_run_id": "{run}", "params": [["key": "a", "value": "b"]]]),
        .init(method: .post, path: "logged-models/search", body: ["experiment_ids": ["{exp}"], "filter": "name = 'lm'", "max_results": 5]),
        .init(method: .get, path: "logged-models/{mid}", body: [:]),
        .init(method: .patch, path: "logged-models/{mid}", body: ["status": "LOGGED_MODEL_READY"]),
        .init(method: .patch, path: "logged-models/{mid}/tags", body: ["tags": [["key": "k", "value": "v"]]]),
        .init(method: .get, path: "artifacts/list", body: ["run_id": "{run}", "path": "model"]),
        .init(method: .get, path: "get-artifact", body: ["run_id": "{run}", "path": "model/MLmodel"]),
    ] }

    /// Values that have broken parsers, stores and path checks before.
    static func hostileValue(_ rng: inout FuzzRandom) -> Any {
        switch rng.below(16) {
        case 0: return String(repeating: "a", count: rng.pick([251, 6001, 8001, 70_000]))
        case 1: return "a\u{0}b"
        case 2: return rng.pick(["../../etc/passwd", "//etc/passwd", "/etc/passwd", "..%2f..%2fetc", "C:\\\\x", "a\\\\b", "file:///etc/passwd"])
        case 3: return rng.pick([Int64.max, Int64.min, -1, 0]) as Int64
        case 4: return rng.pick([1e308, -1e308, Double.leastNonzeroMagnitude, 0.1])
        case 5: return NSNull()
        case 6: return rng.chance(50)
        case 7: return Array(repeating: 1, count: rng.pick([0, 1, 1000, 20_000]))
        case 8: return ["k": ["nested": [1, "x", NSNull()]]]
        case 9: return rng.pick(["NaN", "Infinity", "-Infinity", "inf", "1e999"])
        case 10: return rng.pick(["𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u{FEFF}", "\u{202E}evil", "'; DROP TABLE runs; --", "a' OR '1'='1"])
        case 11: return (0..<rng.pick([31, 64, 200])).map { "metrics.m\($0) DESC" }
        case 12: return (0..<rng.pick([50, 200])).map { "params.p\($0) = 'x'" }.joined(separator: " AND ")
        case 13: return "name IN (" + (0..<rng.pick([10, 2000])).map { "'n\($0)'" }.joined(separator: ",") + ")"
        case 14: return [["key": String(repeating: "k", count: 300), "value": "v"]]
        default: return ""
        }
    }

    /// A body built from the template with one or more fields made hostile, or broken as bytes.
    static func mutatedBody(_ template: [String: Any], _ rng: inout FuzzRandom) -> [UInt8] {
        var object = template
        // Some requests stay valid, so the fuzzer also drives the handlers' success paths.
        for _ in 0..<(rng.chance(15) ? 0 : 1 + rng.below(3)) {
            let key = object.keys.isEmpty || rng.chance(20) ? rng.pick(["junk", "run_id", "name", "filter", "order_by", "experiment_ids", "value"]) : rng.pick(object.keys.sorted())
            object[key] = hostileValue(&rng)
        }
        var bytes = Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
        switch rng.below(10) {
        case 0 where !bytes.isEmpty: bytes = Array(bytes.prefix(rng.below(bytes.count)))
        case 1 where !bytes.isEmpty: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2: bytes.insert(contentsOf: rng.pick([[0], [0xC3], [0xFF, 0xFE], Array("\\u".utf8), Array(",,".utf8)]), at: rng.below(bytes.count + 1))
        case 3:
            let depth = rng.pick([65, 500, 5000])
            bytes = Array(("{\"name\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
        default: break
        }
        return bytes
    }

    static func query(_ template: [String: Any], _ rng: inout FuzzRandom) -> String {
        var parts: [String] = []
        for (key, value) in template.sorted(by: { $0.key < $1.key }) {
            let text = rng.chance(30) ? "\(hostileValue(&rng))".prefix(10_000) : "\(value)".prefix(10_000)
            let encoded = rng.chance(20) ? String(text) : String(text).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            parts.append("\(key)=\(encoded)")
        }
        if rng.chance(30) { parts.append(rng.pick(["%", "%zz=1", "a=%00", "max_results=-1", "max_results=99999999999999999999", "&&&", "=x", "path=..%252f"])) }
        return parts.joined(separator: "&")
    }

    /// The answer must be an honest error in the surface's shape, never a 5xx or database text.
    static func check(_ r: TestResponse, _ what: String, oip: Bool = false) {
        #expect(r.status.code < 500, "\(what): \(r.status.code) \(r.text.prefix(300))")
        let lower = r.text.lowercased()
        #expect(!lower.contains("sqlite") && !lower.contains("no such column") && !lower.contains("syntax error"), "\(what): \(r.text.prefix(300))")
        guard r.status.code >= 400 else { return }
        let object = try? r.json()
        if oip {
            #expect(object?["error"] is String, "\(what): \(r.text.prefix(300))")
        } else {
            #expect(object?["error_code"] is String, "\(what): \(r.text.prefix(300))")
        }
    }

    @Test("mutated MLflow requests never get a 5xx", arguments: [UInt64(20261207), 1, 2])
    func mlflowRoutes(seed: UInt64) async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("fuzz")
            let run = try await RegistryInferenceTests.logModel(vane)
            try await vane.post("registered-models/create", jsonBody(["name": "fz-model"])).expectOK()
            let lm = try await vane.post("logged-models", jsonBody(["experiment_id": exp, "name": "lm"]))
            let mid = (try? lm.json().object("model")?.object("info")?.string("model_id")) ?? "m-0"
            func fill(_ text: String) -> String {
                text.replacingOccurrences(of: "{exp}", with: exp).replacingOccurrences(of: "{run}", with: run)
                    .replacingOccurrences(of: "{model}", with: "fz-model").replacingOccurrences(of: "{mid}", with: mid)
            }
            func fillAll(_ value: Any) -> Any {
                switch value {
                case let s as String: return fill(s)
                case let a as [Any]: return a.map(fillAll)
                case let d as [String: Any]: return d.mapValues(fillAll)
                default: return value
                }
            }
            var rng = FuzzRandom(seed: seed)
            var statuses: [Int: Int] = [:]
            for round in 0..<Self.mlflowRounds {
                let endpoint = rng.pick(Self.endpoints)
                let template = fillAll(endpoint.body) as? [String: Any] ?? [:]
                let prefix = rng.chance(80) ? VaneTestClient.api : VaneTestClient.ajax
                let path = prefix + fill(endpoint.path)
                let what = "seed \(seed) round \(round) \(endpoint.method) \(path)"
                if endpoint.method == .get {
                    let r = try await vane.request(.get, path + "?" + Self.query(template, &rng))
                    Self.check(r, what)
                    statuses[Int(r.status.code), default: 0] += 1
                } else {
                    let body = Self.mutatedBody(template, &rng)
                    let r = try await vane.request(endpoint.method, path, body: ByteBuffer(bytes: body), headers: [.contentType: "application/json"])
                    Self.check(r, what + " " + String(decoding: body.prefix(200), as: UTF8.self))
                    statuses[Int(r.status.code), default: 0] += 1
                }
            }
            // The mutations reach the handlers: some requests still succeed, most are refused.
            #expect(statuses.values.reduce(0, +) == Self.mlflowRounds)
            #expect(statuses[200, default: 0] > 10, "\(statuses)")
            #expect(statuses[400, default: 0] > 50, "\(statuses)")
            // Still serving, and still consistent.
            try await vane.request(.get, "/health").expectOK()
            _ = try await vane.getRun(run)
        }
    }

    @Test("mutated inference and artifact requests never get a 5xx", arguments: [UInt64(7), 8])
    func inferenceAndArtifactRoutes(seed: UInt64) async throws {
        let inputs = try InferenceFixtures.inputs("xgb_binary_logistic")
        let rows = Array(inputs.rows.prefix(2)).map { $0.map { $0 ?? 0 } }
        try await VaneTestClient.with { vane in
            let run = try await RegistryInferenceTests.logModel(vane)
            _ = try await MLflowRegistryRoutesTests.makeModel(vane, "fz", sources: ["runs:/\(run)/model"], runID: run)
            let templates: [(String, [String: Any], Bool)] = [
                ("/v2/models/fz/infer", ["inputs": [["name": "input-0", "shape": [2, 8], "datatype": "FP64", "data": rows]]], true),
                ("/v2/models/fz/versions/1/infer", ["id": "x", "inputs": [["name": "input-0", "shape": [2, 8], "datatype": "FP32", "data": rows.flatMap { $0 }]],
                                                   "outputs": [["name": "predict"]], "parameters": ["binary_data_output": false]], true),
                ("/models/fz/invocations", ["dataframe_split": ["columns": inputs.feature_names, "data": rows]], false),
                ("/models/fz/versions/1/invocations", ["instances": rows], false),
                ("/models/fz/invocations", ["dataframe_records": [Dictionary(uniqueKeysWithValues: zip(inputs.feature_names, rows[0]))]], false),
                ("/models/fz/invocations", ["inputs": Dictionary(uniqueKeysWithValues: inputs.feature_names.enumerated().map { ($1, [rows[0][$0]]) })], false),
            ]
            var rng = FuzzRandom(seed: seed)
            var statuses: [Int: Int] = [:]
            for round in 0..<Self.inferenceRounds {
                let (path, template, oip) = rng.pick(templates)
                var object = template
                // Reach into the data too: the hostile value lands at the top or inside the first input.
                if rng.chance(50), var first = (object["inputs"] as? [[String: Any]])?.first {
                    first[rng.pick(["data", "shape", "datatype", "name", "parameters"])] = Self.hostileValue(&rng)
                    object["inputs"] = [first]
                }
                let body = Self.mutatedBody(object, &rng)
                let r = try await vane.request(.post, path, body: ByteBuffer(bytes: body), headers: [.contentType: "application/json"])
                Self.check(r, "seed \(seed) round \(round) \(path) \(String(decoding: body.prefix(200), as: UTF8.self))", oip: oip)
                statuses[Int(r.status.code), default: 0] += 1
            }
            #expect(statuses[200, default: 0] > 10, "\(statuses)")
            #expect(statuses[400, default: 0] > 50, "\(statuses)")
            // Artifact paths: traversal in every spelling is refused, never followed.
            let artifactPaths = ["../x", "..%2fx", "%2e%2e/x", "a/../../x", "//etc/passwd", "a\\..\\b", "a%00b", "%252e%252e/x", String(repeating: "a/", count: 300) + "f"]
            for path in artifactPaths {
                for method in [HTTPRequest.Method.get, .put, .delete] {
                    let r = try await vane.request(method, VaneTestClient.artifactsAPI + "/" + path, body: ByteBuffer(string: "x"))
                    Self.check(r, "\(method) artifacts/\(path)")
                }
            }
            try await vane.request(.get, "/health").expectOK()
        }
    }
}
