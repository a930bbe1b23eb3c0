import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneCore
import VaneHTTP
import VaneServer
import VaneServing

/// Deployments through Vane's API and the inference surfaces: applied idempotently, served by
/// variant, split by weight, sticky by key, pinned to versions, kept across a restart, and never
/// half-applied.
@Suite("Deployments")
struct DeploymentRoutesTests {
    static let base = "/api/vane/v1/deployments"
    static let variantHeader = HTTPField.Name("x-vane-variant")!

    /// A registered model `churn` with versions 1 and 2 (the same XGBoost fixture), alias
    /// `champion` on 1.
    static func registerChurn(_ vane: VaneTestClient) async throws {
        let run = try await RegistryInferenceTests.logModel(vane)
        _ = try await MLflowRegistryRoutesTests.makeModel(vane, "churn", sources: ["runs:/\(run)/model", "runs:/\(run)/model"], runID: run)
        try await vane.post("registered-models/alias", jsonBody(["name": "churn", "alias": "champion", "version": "1"])).expectOK()
    }

    static func put(_ vane: VaneTestClient, _ name: String, _ body: String, contentType: String = "application/yaml") async throws -> TestResponse {
        try await vane.request(.put, base + "/" + name, body: ByteBuffer(string: body), headers: [.contentType: contentType])
    }

    static let oneRow: String = {
        let rows = Array((try? InferenceFixtures.inputs("xgb_binary_logistic").rows.prefix(1)) ?? [])
        return InferenceFixtures.oipBody(rows: rows)
    }()

    static func infer(_ vane: VaneTestClient, _ name: String, headers: HTTPFields = [:], body: String = oneRow) async throws -> TestResponse {
        var all = headers
        all[.contentType] = "application/json"
        return try await vane.request(.post, "/v2/models/\(name)/infer", body: ByteBuffer(string: body), headers: all)
    }

    @Test("apply, re-apply, show, list and delete")
    func lifecycle() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let yaml = """
                variants:
                  - {name: stable, model: "models:/churn/1", weight: 90}
                  - {name: challenger, model: "models:/churn@champion", weight: 10}
                """
            let created = try await Self.put(vane, "fraud", yaml)
            #expect(created.status == .created, "\(created.text)")
            let first = try created.json()
            #expect(first["changed"] as? Bool == true)
            let deployment = try #require(first.object("deployment"))
            #expect(deployment["generation"] as? Int == 1)
            #expect(deployment["state"] as? String == "serving")
            let variants = deployment.objects("variants")
            #expect(variants.map { $0["name"] as? String } == ["stable", "challenger"])
            #expect(variants.map { $0.object("resolved")?["version"] as? String } == ["1", "1"])
            #expect(variants.map { $0["share"] as? Double } == [0.9, 0.1])

            // The same declaration again changes nothing (JSON this time).
            let json = #"{"name": "fraud", "variants": [{"name": "stable", "model": "models:/churn/1", "weight": 90}, {"name": "challenger", "model": "models:/churn@champion", "weight": 10}]}"#
            let again = try await Self.put(vane, "fraud", json, contentType: "application/json")
            #expect(again.status == .ok)
            #expect(try again.json()["changed"] as? Bool == false)
            #expect(try again.json().object("deployment")?["generation"] as? Int == 1)

            let shown = try await vane.request(.get, Self.base + "/fraud")
            try shown.expectOK()
            #expect(try shown.json().object("deployment")?["name"] as? String == "fraud")
            let list = try await vane.request(.get, Self.base)
            try list.expectOK()
            #expect(try list.json().objects("deployments").map { $0["name"] as? String } == ["fraud"])

            let deleted = try await vane.request(.delete, Self.base + "/fraud")
            #expect(deleted.status == .noContent)
            #expect(try await vane.request(.get, Self.base + "/fraud").status == .notFound)
            #expect(try await vane.request(.delete, Self.base + "/fraud").status == .notFound)
            // The registered model of the same name answers again.
            #expect(try await Self.infer(vane, "churn").status == .ok)
        }
    }

    @Test("the answer names the variant; the split follows the weights; a key is sticky")
    func routing() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let yaml = """
                variants:
                  - {name: a, model: "models:/churn/1", weight: 3}
                  - {name: b, model: "models:/churn/2", weight: 1}
                routing: {key: "header:x-user-id"}
                """
            #expect(try await Self.put(vane, "split", yaml).status == .created)
            let expected = try InferenceFixtures.expected("xgb_binary_logistic", "predict")[0][0]

            // Random by weight when the request has no key.
            var counts: [String: Int] = [:]
            let n = 400
            for _ in 0..<n {
                let r = try await Self.infer(vane, "split")
                try r.expectOK()
                let json = try r.json()
                let variant = try #require(r.headers[Self.variantHeader])
                #expect(json["model_name"] as? String == "split")
                #expect(json["model_version"] as? String == variant)
                let value = InferenceFixtures.numbers((json["outputs"] as? [[String: Any]])?.first?["data"] as Any).first ?? .nan
                #expect(abs(value - expected) < 1e-6)
                counts[variant, default: 0] += 1
            }
            #expect(Set(counts.keys) == ["a", "b"])
            let sd = (Double(n) * 0.75 * 0.25).squareRoot()
            #expect(abs(Double(counts["a"] ?? 0) - Double(n) * 0.75) < 4.5 * sd, "\(counts)")

            // Sticky: each user always gets the same variant; users split by weight.
            var perUser: [String: String] = [:]
            for round in 0..<3 {
                for user in 0..<120 {
                    let r = try await Self.infer(vane, "split", headers: [HTTPField.Name("x-user-id")!: "user-\(user)"])
                    let variant = try #require(r.headers[Self.variantHeader])
                    if round == 0 { perUser["user-\(user)"] = variant } else { #expect(perUser["user-\(user)"] == variant) }
                }
            }
            let usersOnA = perUser.values.filter { $0 == "a" }.count
            let userSD = (120 * 0.75 * 0.25).squareRoot()
            #expect(abs(Double(usersOnA) - 90) < 4.5 * userSD, "\(usersOnA) of 120 users on a")

            // MLflow scoring names the variant too.
            let rows = Array(try InferenceFixtures.inputs("xgb_binary_logistic").rows.prefix(2))
            let scored = try await vane.json(.post, "/models/split/invocations", jsonBody(["instances": rows.map { $0.map { $0! } }]))
            try scored.expectOK()
            #expect(["a", "b"].contains(scored.headers[Self.variantHeader] ?? ""))
            // The registered model of the same name stays reachable by version.
            let direct = try await vane.json(.post, "/v2/models/churn/versions/2/infer", Self.oneRow)
            try direct.expectOK()
            #expect(direct.headers[Self.variantHeader] == nil)
        }
    }

    @Test("an input routing key uses the first row's value of that feature")
    func inputKey() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let yaml = """
                variants:
                  - {name: a, model: "models:/churn/1", weight: 1}
                  - {name: b, model: "models:/churn/2", weight: 1}
                routing: {key: "input:f0"}
                """
            #expect(try await Self.put(vane, "byinput", yaml).status == .created)
            var seen: [Double: String] = [:]
            var variants = Set<String>()
            for i in 0..<60 {
                let f0 = Double(i % 20)
                let body = InferenceFixtures.oipBody(rows: [[f0, 1, 2, 3, 4, 5, 6, 7]])
                let r = try await Self.infer(vane, "byinput", body: body)
                try r.expectOK()
                let variant = try #require(r.headers[Self.variantHeader])
                if let earlier = seen[f0] { #expect(earlier == variant, "f0 = \(f0)") }
                seen[f0] = variant
                variants.insert(variant)
                // The same key through MLflow scoring's named columns lands on the same variant.
                if i < 20 {
                    let columns = (0..<8).map { "f\($0)" }
                    let scored = try await vane.json(.post, "/models/byinput/invocations",
                                                     jsonBody(["dataframe_split": ["columns": columns, "data": [[f0, 1, 2, 3, 4, 5, 6, 7]]]]))
                    try scored.expectOK()
                    #expect(scored.headers[Self.variantHeader] == variant)
                }
            }
            #expect(variants == ["a", "b"])
        }
    }

    @Test("an alias is pinned when applied; a re-apply moves it; the pin survives a restart")
    func pinning() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let yaml = "variants: [{name: only, model: \"models:/churn@champion\", weight: 1}]"
            #expect(try await Self.put(vane, "pinned", yaml).status == .created)
            try await vane.post("registered-models/alias", jsonBody(["name": "churn", "alias": "champion", "version": "2"])).expectOK()
            let before = try await vane.request(.get, Self.base + "/pinned").json()
            #expect(before.object("deployment")?.objects("variants").first?.object("resolved")?["version"] as? String == "1")
            let moved = try await Self.put(vane, "pinned", yaml)
            #expect(moved.status == .ok)
            let after = try moved.json()
            #expect(after["changed"] as? Bool == true)
            #expect(after.object("deployment")?["generation"] as? Int == 2)
            #expect(after.object("deployment")?.objects("variants").first?.object("resolved")?["version"] as? String == "2")

            // A new service over the same database restores it from the pinned version.
            let restarted = DeploymentService(store: SQLiteDeploymentStore(database: vane.stores.database),
                                              resolver: ModelResolver(tracking: vane.stores.tracking, registry: vane.stores.registry, artifacts: vane.stores.artifacts),
                                              catalog: vane.stores.models)
            #expect(try await restarted.restore().isEmpty)
            let live = try #require(restarted.live(named: "pinned"))
            #expect(live.variants.first?.resolved.version == 2)
            #expect(live.deployment.generation == 2)
        }
    }

    @Test("bad declarations are 4xx in Vane's shape and leave the deployment as it was")
    func refusals() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let good = "variants: [{name: a, model: \"models:/churn/1\", weight: 1}]"
            #expect(try await Self.put(vane, "keep", good).status == .created)
            let cases: [(String, String, Int, String)] = [
                ("variants: [{name: a, model: \"models:/nosuch/1\", weight: 1}]", "application/yaml", 400, "cannot be resolved"),
                ("variants: [{name: a, model: \"models:/churn/9\", weight: 1}]", "application/yaml", 400, "cannot be resolved"),
                ("variants: [{name: a, model: \"models:/churn/1\", weight: -1}]", "application/yaml", 400, "negative"),
                ("variants: [{name: a, model: \"models:/churn/1\", weight: 0}]", "application/yaml", 400, "sum to zero"),
                ("variants: [{name: a, model: \"/etc/passwd\", weight: 1}]", "application/yaml", 400, "registry URI"),
                ("name: other\nvariants: [{name: a, model: \"models:/churn/1\", weight: 1}]", "application/yaml", 400, "applied as 'keep'"),
                ("variants: [{name: a, model: \"models:/churn/1\", weight: 1}", "application/yaml", 400, "YAML"),
                (good, "text/plain", 415, "declared as"),
                ("variants: [{name: a, model: \"models:/churn/1\", weight: 1}, {name: b, model: \"models:/churn/2\", weight: 1}]\nexperiment: {policy: thompson}\nrollout: {variant: b, steps: [50, 100], interval: 2s}",
                 "application/yaml", 400, "not both"),
                ("variants: [{name: a, model: \"models:/churn/1\", weight: 1}]\nexperiment: {policy: thompson}",
                 "application/yaml", 400, "at least two variants"),
                ("variants: [{name: a, model: \"models:/churn/1\", weight: 0}, {name: b, model: \"models:/churn/2\", weight: 1}]\nrollout: {variant: b, steps: [50, 100], interval: 2s}",
                 "application/yaml", 400, "another variant with a positive weight"),
            ]
            for (body, type, status, fragment) in cases {
                let r = try await Self.put(vane, "keep", body, contentType: type)
                #expect(Int(r.status.code) == status, "\(body): \(r.text)")
                let error = try r.json().object("error")
                #expect((error?["message"] as? String)?.contains(fragment) == true, "\(r.text)")
            }
            // A model that exists but does not load.
            let empty = try await vane.createRun()
            _ = try await MLflowRegistryRoutesTests.makeModel(vane, "hollow", sources: ["runs:/\(empty)/model"], runID: empty)
            let hollow = try await Self.put(vane, "keep", "variants: [{name: a, model: \"models:/hollow/1\", weight: 1}]")
            #expect(hollow.status == .badRequest, "\(hollow.text)")
            #expect(hollow.text.contains("cannot be loaded"))
            // Still generation 1, still serving churn 1.
            let shown = try await vane.request(.get, Self.base + "/keep").json().object("deployment")
            #expect(shown?["generation"] as? Int == 1)
            #expect(try await Self.infer(vane, "keep").status == .ok)
            #expect(try await Self.put(vane, "Bad_Name", good).status == .badRequest)
            #expect(try await vane.request(.get, Self.base + "?page_size=0").status == .badRequest)
        }
    }

    /// Logs `files` (name → bytes) as an MLflow model directory in a new run and registers it as
    /// a version of `name`.
    static func register(_ vane: VaneTestClient, _ name: String, files: [String: [UInt8]]) async throws {
        let run = try await vane.createRun()
        let root = try #require(try await vane.getRun(run).object("info")?.string("artifact_uri"))
        let prefix = try #require(root.components(separatedBy: "mlflow-artifacts:/").last)
        for (file, bytes) in files {
            try await vane.request(.put, VaneTestClient.artifactsAPI + "/" + prefix + "/model/" + file, body: ByteBuffer(bytes: bytes)).expectOK()
        }
        _ = try await MLflowRegistryRoutesTests.makeModel(vane, name, sources: ["runs:/\(run)/model"], runID: run)
    }

    /// Registers, as `name`, the XGBoost fixture changed by `edit` (its learner and learner_model_param).
    static func registerVariant(_ vane: VaneTestClient, _ name: String,
                                edit: ([String: Any]) throws -> Void = { _ in }, _ change: (inout [String: Any], inout [String: Any]) -> Void) async throws {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: InferenceFixtures.directory.appendingPathComponent("xgb_binary_logistic.json"))) as! [String: Any]
        var learner = json["learner"] as! [String: Any]
        var params = learner["learner_model_param"] as! [String: Any]
        change(&learner, &params)
        learner["learner_model_param"] = params
        json["learner"] = learner
        try await register(vane, name, files: ["model.json": Array(try JSONSerialization.data(withJSONObject: json)), "MLmodel": xgbMLmodel])
    }

    static let xgbMLmodel = Array("flavors:\n  xgboost:\n    data: model.json\n    model_format: json\n".utf8)

    /// The deployment's `shadows` once every shadow has scored `count` requests (bounded wait).
    static func shadows(_ vane: VaneTestClient, _ name: String, scored count: Int) async throws -> [[String: Any]] {
        for _ in 0..<1_200 {
            let shadows = try await vane.request(.get, base + "/" + name).json().object("deployment")?.objects("shadows") ?? []
            let sampled = shadows.filter { ($0["sample"] as? Double ?? 1) > 0 }
            if sampled.allSatisfy({ ($0.object("scoring")?["requests"] as? Int ?? 0) >= count }) { return shadows }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the shadows did not score \(count) requests within 30 s")
        return []
    }

    @Test("shadows score a copy of each answered request off the path, compare, and never touch the answer")
    func shadows() async throws {
        _ = VaneMetrics.registry
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let fixtures = InferenceFixtures.directory
            // A LightGBM classifier of the same features (a different model: partial agreement) ...
            try await Self.register(vane, "lgb", files: [
                "model.txt": Array(try Data(contentsOf: fixtures.appendingPathComponent("lgb_binary.txt"))),
                "MLmodel": Array("flavors:\n  lightgbm:\n    data: model.txt\n".utf8),
            ])
            // ... and an XGBoost model that takes nine features: it fails on every request.
            try await Self.registerVariant(vane, "wide") { learner, params in
                params["num_feature"] = "9"
                learner["feature_names"] = (0..<9).map { "f\($0)" }
                learner["feature_types"] = Array(repeating: "q", count: 9)
            }

            let yaml = """
                variants: [{name: main, model: "models:/churn/1", weight: 1}]
                shadows:
                  - {name: same, model: "models:/churn/2"}
                  - {name: other, model: "models:/lgb/1"}
                  - {name: broken, model: "models:/wide/1"}
                  - {name: never, model: "models:/churn/2", sample: 0}
                """
            let applied = try await Self.put(vane, "mirrored", yaml)
            #expect(applied.status == .created, "\(applied.text)")
            let rows = try InferenceFixtures.inputs("xgb_binary_logistic").rows
            let n = 30
            for i in 0..<n {
                let r = try await Self.infer(vane, "mirrored", body: InferenceFixtures.oipBody(rows: [rows[i]]))
                try r.expectOK()
                #expect(r.headers[Self.variantHeader] == "main")
            }
            let latest = try await Self.shadows(vane, "mirrored", scored: n)
            #expect(latest.count == 4)
            let same = try #require(latest.first { $0["name"] as? String == "same" })
            #expect(same["mirrored"] as? Int == n)
            #expect(same["dropped"] as? Int == 0)
            #expect(same.object("scoring")?["errors"] as? Int == 0)
            #expect(same.object("agreement")?["rows"] as? Int == n)
            #expect(same.object("agreement")?["share"] as? Double == 1)
            #expect(same.object("agreement")?["mean_absolute_difference"] as? Double == 0)
            let other = try #require(latest.first { $0["name"] as? String == "other" })
            #expect(other.object("scoring")?["errors"] as? Int == 0)
            let otherShare = try #require(other.object("agreement")?["share"] as? Double)
            #expect(otherShare > 0.5 && otherShare <= 1, "\(other)")
            #expect((other.object("agreement")?["mean_absolute_difference"] as? Double ?? 0) > 0)
            let broken = try #require(latest.first { $0["name"] as? String == "broken" })
            #expect(broken.object("scoring")?["errors"] as? Int == n)
            #expect(broken.object("agreement")?["rows"] as? Int == 0)
            let never = try #require(latest.first { $0["name"] as? String == "never" })
            #expect(never["mirrored"] as? Int == 0)
            // The shadows' outputs are logged beside the answers, under the same request ids.
            let logged = try await vane.request(.get, Self.base + "/mirrored/predictions?since=0&variant=same").text
                .split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(logged.count == n)
            #expect(logged.allSatisfy { $0["shadow"] as? Bool == true && $0["outputs"] != nil })
            let answers = try await vane.request(.get, Self.base + "/mirrored/predictions?since=0&variant=main").text
                .split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(Set(logged.compactMap { $0["request_id"] as? String }) == Set(answers.compactMap { $0["request_id"] as? String }))
            let metrics = try await vane.request(.get, "/metrics").text
            for line in ["vane_deployment_shadow_mirrored_total{deployment=\"mirrored\",shadow=\"same\"} \(n)",
                         "vane_deployment_shadow_errors_total{deployment=\"mirrored\",shadow=\"broken\"} \(n)",
                         "vane_deployment_shadow_agreement{deployment=\"mirrored\",shadow=\"same\"} 1",
                         "vane_deployment_variant_weight{deployment=\"mirrored\",variant=\"main\"} 100",
                         "vane_inference_requests_total{model=\"mirrored\",version=\"main\",protocol=\"v2\"} \(n)"] {
                #expect(metrics.contains(line), "\(line)")
            }
            // The variant's own figures.
            let main = try #require(try await vane.request(.get, Self.base + "/mirrored").json().object("deployment")?.objects("variants").first)
            #expect(main.object("overall")?["requests"] as? Int == n)
            #expect(main.object("last_minute")?["requests"] as? Int == n)
            #expect(main.object("overall")?["errors"] as? Int == 0)
            #expect((main.object("overall")?["latency_p99_ms"] as? Double ?? 0) > 0)
        }
    }
}

extension DeploymentRoutesTests {
    @Test("the prediction log keeps every request with its id, variant, inputs and outputs, and streams them back")
    func predictionLog() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let yaml = """
                variants:
                  - {name: a, model: "models:/churn/1", weight: 1}
                  - {name: b, model: "models:/churn/2", weight: 1}
                """
            #expect(try await Self.put(vane, "logged", yaml).status == .created)
            let before = SystemClock().nowMillis()
            var variants: [String: String] = [:]
            var answers: [String: [Double]] = [:]
            for i in 0..<40 {
                let body = InferenceFixtures.oipBody(rows: [[Double(i), 1, 2, 3, 4, 5, 6, 7]], id: "req-\(i)")
                let r = try await Self.infer(vane, "logged", body: body)
                try r.expectOK()
                answers["req-\(i)"] = ((try r.json()["outputs"] as? [[String: Any]])?.first { $0["name"] as? String == "predict" }?["data"] as? [Double])
                #expect(try r.json()["id"] as? String == "req-\(i)")
                #expect(r.headers[HTTPField.Name("x-request-id")!] == "req-\(i)")
                variants["req-\(i)"] = r.headers[Self.variantHeader]
            }
            // MLflow scoring: the client's x-request-id, or one Vane makes and returns.
            let scored = try await vane.request(.post, "/models/logged/invocations", body: ByteBuffer(string: #"{"instances": [[1,2,3,4,5,6,7,8]]}"#),
                                                headers: [.contentType: "application/json", HTTPField.Name("x-request-id")!: "mine-1"])
            try scored.expectOK()
            #expect(scored.headers[HTTPField.Name("x-request-id")!] == "mine-1")
            let made = try await vane.json(.post, "/models/logged/invocations", #"{"instances": [[1,2,3,4,5,6,7,8]]}"#)
            let madeID = try #require(made.headers[HTTPField.Name("x-request-id")!])
            #expect(madeID.count == 36)

            let all = try await vane.request(.get, Self.base + "/logged/predictions?since=\(before)")
            try all.expectOK()
            #expect(all.headers[.contentType] == "application/x-ndjson")
            let lines = all.text.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(lines.count == 42)
            let byID = Dictionary(uniqueKeysWithValues: lines.map { ($0["request_id"] as? String ?? "", $0) })
            for (id, variant) in variants { #expect(byID[id]?["variant"] as? String == variant, "\(id)") }
            let first = try #require(byID["req-3"])
            #expect(first["deployment"] as? String == "logged")
            #expect(first["rows"] as? Int == 1 && first["failed"] as? Bool == false)
            let tensor = (first["inputs"] as? [String: Any])?["input-0"] as? [String: Any]
            #expect((tensor?["data"] as? [Double])?.first == 3)
            #expect(((first["outputs"] as? [String: Any])?["predict"] as? [String: Any])?["shape"] as? [Int] == [1])
            // The logged outputs are the answer's, number for number, as the client read them.
            for (id, answer) in answers {
                let logged = ((byID[id]?["outputs"] as? [String: Any])?["predict"] as? [String: Any])?["data"] as? [Double]
                #expect(logged != nil && logged == answer, "\(id)")
            }
            #expect(byID[madeID] != nil && byID["mine-1"] != nil)

            let onlyA = try await vane.request(.get, Self.base + "/logged/predictions?since=\(before)&variant=a").text
            #expect(onlyA.split(separator: "\n").count == variants.values.filter { $0 == "a" }.count + [scored, made].filter { $0.headers[Self.variantHeader] == "a" }.count)
            let none = try await vane.request(.get, Self.base + "/logged/predictions?since=0&until=1000").text
            #expect(none.isEmpty)
            #expect(try await vane.request(.get, Self.base + "/logged/predictions?since=yesterday").status == .badRequest)
            #expect(try await vane.request(.get, Self.base + "/nosuch/predictions").status == .notFound)
            let tooLong = InferenceFixtures.oipBody(rows: [[1, 1, 2, 3, 4, 5, 6, 7]], id: String(repeating: "x", count: 300))
            #expect(try await Self.infer(vane, "logged", body: tooLong).status == .badRequest)
        }
    }
}

extension DeploymentRoutesTests {
    /// Sends `n` requests with ids `prefix-i`; returns each id's variant.
    static func answered(_ vane: VaneTestClient, _ name: String, _ n: Int, prefix: String) async throws -> [String: String] {
        let rows = try InferenceFixtures.inputs("xgb_binary_logistic").rows
        var variants: [String: String] = [:]
        for i in 0..<n {
            let r = try await infer(vane, name, body: InferenceFixtures.oipBody(rows: [rows[i % rows.count]], id: "\(prefix)-\(i)"))
            try r.expectOK()
            variants["\(prefix)-\(i)"] = r.headers[variantHeader]
        }
        return variants
    }

    static func postFeedback(_ vane: VaneTestClient, _ name: String, _ items: [[String: Any]]) async throws -> TestResponse {
        try await vane.json(.post, base + "/\(name)/feedback", String(decoding: try JSONSerialization.data(withJSONObject: items), as: UTF8.self))
    }

    @Test("feedback joins the variant that answered; an A/A finds no winner, an A/B finds the better arm")
    func experiments() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let yaml = """
                variants:
                  - {name: a, model: "models:/churn/1", weight: 1}
                  - {name: b, model: "models:/churn/2", weight: 1}
                experiment: {alpha: 0.05}
                """
            var rng = ExperimentAnalysisRNG(state: 99)
            for (name, pa, pb) in [("aa", 0.3, 0.3), ("ab", 0.2, 0.6)] {
                #expect(try await Self.put(vane, name, yaml).status == .created)
                let variants = try await Self.answered(vane, name, 300, prefix: name)
                let items: [[String: Any]] = variants.sorted { $0.key < $1.key }.map { id, variant in
                    ["request_id": id, "reward": rng.bernoulli(variant == "a" ? pa : pb)]
                }
                for chunk in stride(from: 0, to: items.count, by: 100) {
                    let r = try await Self.postFeedback(vane, name, Array(items[chunk..<min(chunk + 100, items.count)]))
                    try r.expectOK()
                }
                let experiment = try #require(try await vane.request(.get, Self.base + "/\(name)/experiment").json().object("experiment"))
                #expect(experiment["metric"] as? String == "reward")
                #expect(experiment["control"] as? String == "a")
                let arms = experiment.objects("variants")
                #expect(arms.map { $0["n"] as? Int ?? 0 }.reduce(0, +) == 300)
                #expect(arms.map { $0["n"] as? Int } == [variants.values.filter { $0 == "a" }.count, variants.values.filter { $0 == "b" }.count])
                #expect(arms.allSatisfy { ($0["confidence_interval"] as? [Double])?.count == 2 })
                if name == "aa" {
                    #expect(experiment["winner"] is NSNull, "\(experiment)")
                } else {
                    #expect(experiment["winner"] as? String == "b", "\(experiment)")
                    #expect((arms[1]["p_value"] as? Double ?? 1) <= 0.05)
                }
            }

            // Labels: accuracy against each request's predicted class.
            let labelled = try await Self.answered(vane, "aa", 40, prefix: "lab")
            let truth = try InferenceFixtures.expected("xgb_binary_logistic", "predict").map { $0[0] >= 0.5 ? 1 : 0 }
            let labels: [[String: Any]] = (0..<40).map { i in ["request_id": "lab-\(i)", "label": truth[i % truth.count]] }
            let mixed = try await Self.postFeedback(vane, "aa", labels)
            #expect(mixed.status == .badRequest, "rewards and labels do not mix in one experiment: \(mixed.text)")
            #expect(try await Self.put(vane, "acc", yaml).status == .created)
            let accVariants = try await Self.answered(vane, "acc", 40, prefix: "acc")
            let accLabels: [[String: Any]] = (0..<40).map { i in ["request_id": "acc-\(i)", "label": truth[i % truth.count]] }
            try await Self.postFeedback(vane, "acc", accLabels).expectOK()
            let acc = try #require(try await vane.request(.get, Self.base + "/acc/experiment").json().object("experiment"))
            #expect(acc["metric"] as? String == "accuracy")
            #expect(acc.objects("variants").allSatisfy { ($0["mean"] as? Double) == 1 }, "\(acc)")
            _ = (labelled, accVariants)

            // Unknown ids: nothing recorded, 404 naming them.
            let before = try await vane.request(.get, Self.base + "/ab/experiment").json().object("experiment")?.objects("variants").map { $0["n"] as? Int }
            let unknown = try await Self.postFeedback(vane, "ab", [["request_id": "ab-1", "reward": 1], ["request_id": "never-seen", "reward": 1]])
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains("never-seen"))
            let after = try await vane.request(.get, Self.base + "/ab/experiment").json().object("experiment")?.objects("variants").map { $0["n"] as? Int }
            #expect(before == after)
            // Bounds and shapes.
            let many = (0..<10_001).map { ["request_id": "ab-\($0 % 300)", "reward": 1] as [String: Any] }
            let tooMany = try await Self.postFeedback(vane, "ab", many)
            #expect(tooMany.status.code >= 400 && tooMany.status.code < 500, "\(tooMany.status)")
            let huge = "[" + Array(repeating: #"{"request_id":"ab-1","reward":1}"#, count: 100_000).joined(separator: ",") + "]"
            let hugeAnswer = try await vane.json(.post, Self.base + "/ab/feedback", huge)
            #expect(hugeAnswer.status.code >= 400 && hugeAnswer.status.code < 500)
            for bad in [#"{"request_id": "ab-1"}"#, #"{"request_id": "ab-1", "reward": 1, "label": 1}"#, #"{"reward": 1}"#,
                        #"{"request_id": "ab-1", "reward": "high"}"#, #"[1, 2]"#, #"{"request_id": "ab-1", "reward": 1, "extra": 2}"#] {
                let r = try await vane.json(.post, Self.base + "/ab/feedback", bad)
                #expect(r.status == .badRequest, "\(bad): \(r.text)")
            }
            #expect(try await Self.postFeedback(vane, "nosuch", [["request_id": "x", "reward": 1]]).status == .notFound)
            #expect(try await vane.request(.get, Self.base + "/nosuch/experiment").status == .notFound)
        }
    }

    @Test("a Thompson-sampling experiment moves the traffic toward the better arm as feedback comes, and says so")
    func thompsonBandit() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let yaml = """
                variants:
                  - {name: a, model: "models:/churn/1", weight: 1}
                  - {name: b, model: "models:/churn/2", weight: 1}
                routing: {key: "header:x-user-id"}
                experiment: {policy: thompson}
                """
            #expect(try await Self.put(vane, "bandit", yaml).status == .created)
            func weights() async throws -> [String: Double] {
                let variants = try await vane.request(.get, Self.base + "/bandit").json().object("deployment")?.objects("variants") ?? []
                return Dictionary(uniqueKeysWithValues: variants.map { ($0["name"] as? String ?? "", $0["weight"] as? Double ?? -1) })
            }
            #expect(try await weights() == ["a": 1, "b": 1])
            var rng = ExperimentAnalysisRNG(state: 7)
            var prefix = 0
            // Rounds of traffic and feedback: b pays 0.7 of the time, a 0.2.
            for _ in 0..<4 {
                prefix += 1
                let answered = try await Self.answered(vane, "bandit", 120, prefix: "t\(prefix)")
                let items: [[String: Any]] = answered.map { id, variant in ["request_id": id, "reward": rng.bernoulli(variant == "a" ? 0.2 : 0.7)] }
                try await Self.postFeedback(vane, "bandit", items).expectOK()
            }
            let shares = try await weights()
            #expect((shares["b"] ?? 0) > 0.9, "\(shares)")
            #expect((shares["a"] ?? 0) >= ThompsonAllocation.floor - 1e-9, "every arm keeps its floor: \(shares)")
            #expect(abs((shares["a"] ?? 0) + (shares["b"] ?? 0) - 1) < 1e-9)
            // The traffic follows: most new requests go to b.
            let next = try await Self.answered(vane, "bandit", 200, prefix: "after")
            #expect(next.values.filter { $0 == "b" }.count > 160, "\(next.values.filter { $0 == "b" }.count) of 200 to b")
            // The move is a change for the AIOps side.
            let changes = try await vane.stores.changes.events(subject: "bandit")
            #expect(changes.contains { $0.action == "bandit_rebalanced" && $0.details["variant.b"] != nil }, "\(changes.map(\.action))")
            // The shares survive a re-apply that keeps the variants.
            #expect(try await Self.put(vane, "bandit", yaml + "\n# again\n").status.code < 300)
            #expect(try await weights() == shares)
        }
    }
}

/// A seeded generator for the feedback the tests send.
struct ExperimentAnalysisRNG {
    var state: UInt64
    mutating func bernoulli(_ p: Double) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1p-53 < p ? 1 : 0
    }
}

extension DeploymentRoutesTests {
    @Test("deleting or re-applying a deployment while requests run: each finishes on what it started with, never a 5xx")
    func changesUnderLoad() async throws {
        try await VaneTestClient.with { vane in
            try await Self.registerChurn(vane)
            let v1 = "variants: [{name: one, model: \"models:/churn/1\", weight: 1}]"
            let v2 = "variants: [{name: two, model: \"models:/churn/2\", weight: 1}]"
            #expect(try await Self.put(vane, "busy", v1).status == .created)
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for i in 0..<120 {
                    group.addTask {
                        let r = try await Self.infer(vane, "busy")
                        return (Int(r.status.code), r.headers[Self.variantHeader])
                    }
                    if i == 40 { _ = try await Self.put(vane, "busy", v2) }
                    if i == 80 { _ = try await vane.request(.delete, Self.base + "/busy") }
                }
                var all: [(Int, String?)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(statuses.allSatisfy { $0.0 == 200 || $0.0 == 404 }, "\(statuses.map(\.0))")
            #expect(statuses.filter { $0.0 == 200 }.allSatisfy { $0.1 == "one" || $0.1 == "two" })
            #expect(statuses.contains { $0.1 == "one" })
        }
    }
}
