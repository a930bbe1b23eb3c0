import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneCore
import VaneHTTP
import VaneServer
import VaneServing

/// Canary rollouts end to end: promoted step by step when the guards hold, taken out at once when
/// one fails (errors, disagreement, prediction drift), paused without enough traffic, driven by a
/// person, recorded as change events.
@Suite("Rollouts")
struct RolloutTests {
    typealias D = DeploymentRoutesTests

    /// Sends requests (rows of the fixture, cycled) until `done` says so, at most `limit`; returns
    /// the deployment's last `rollout` and the requests sent.
    static func drive(_ vane: VaneTestClient, _ name: String, limit: Int = 4_000,
                      until done: ([String: Any]) -> Bool) async throws -> (rollout: [String: Any], sent: Int) {
        let rows = try InferenceFixtures.inputs("xgb_binary_logistic").rows
        var rollout: [String: Any] = [:]
        for i in 0..<limit {
            _ = try await D.infer(vane, name, body: InferenceFixtures.oipBody(rows: [rows[i % rows.count]]))
            if i % 10 == 9 {
                try await Task.sleep(for: .milliseconds(2))
                rollout = try await vane.request(.get, D.base + "/" + name).json().object("deployment")?.object("rollout") ?? [:]
                if done(rollout) { return (rollout, i + 1) }
            }
        }
        Issue.record("the rollout did not reach its end within \(limit) requests: \(rollout)")
        return (rollout, limit)
    }

    static func events(_ rollout: [String: Any]) -> [[String: Any]] { rollout.objects("events") }

    @Test("a canary whose guards hold is promoted step by step, and every step is a change event")
    func promoted() async throws {
        _ = VaneMetrics.registry
        try await VaneTestClient.with { vane in
            try await D.registerChurn(vane)
            let yaml = """
                variants:
                  - {name: stable, model: "models:/churn/1", weight: 100}
                  - {name: canary, model: "models:/churn/2", weight: 0}
                rollout:
                  variant: canary
                  steps: [20, 50, 100]
                  interval: 100ms
                  min_requests: 10
                  guards: {error_rate: 0.05, disagreement: 0.05, prediction_drift: 0.5}
                """
            let applied = try await D.put(vane, "canary", yaml)
            #expect(applied.status == .created, "\(applied.text)")
            let start = try applied.json().object("deployment")
            #expect(start?.object("rollout")?["state"] as? String == "progressing")
            #expect(start?.objects("variants").map { $0["weight"] as? Double } == [80, 20])
            let (rollout, _) = try await Self.drive(vane, "canary") { ($0["state"] as? String) == "promoted" }
            #expect(rollout["weight"] as? Double == 100)
            let kinds = Self.events(rollout).map { $0["kind"] as? String ?? "" }
            #expect(kinds == ["started", "step", "step", "promoted"], "\(kinds)")
            let steps = Self.events(rollout).filter { $0["kind"] as? String == "step" }
            #expect(steps.map { $0["from_weight"] as? Double } == [20, 50])
            #expect(steps.map { $0["to_weight"] as? Double } == [50, 100])
            // All traffic to the canary now; the stable variant stays loaded at weight 0.
            for _ in 0..<20 {
                let r = try await D.infer(vane, "canary")
                #expect(r.headers[D.variantHeader] == "canary")
            }
            let changes = try await vane.stores.changes.events(subject: "canary")
            #expect(changes.map(\.action) == ["created", "rollout_started", "rollout_step", "rollout_step", "rollout_promoted"])
            #expect(changes.last?.details["to_weight"] == "100.0")
            let metrics = try await vane.request(.get, "/metrics").text
            #expect(metrics.contains("vane_deployment_rollout_state{deployment=\"canary\",state=\"promoted\"} 1"))
            #expect(metrics.contains("vane_deployment_rollout_state{deployment=\"canary\",state=\"progressing\"} 0"))
            #expect(metrics.contains("vane_deployment_rollout_weight{deployment=\"canary\",variant=\"canary\"} 100"))
        }
    }

    @Test("a canary that fails its requests is rolled back on the error-rate guard at once")
    func rolledBackOnErrors() async throws {
        try await VaneTestClient.with { vane in
            try await D.registerChurn(vane)
            try await D.registerVariant(vane, "wide") { learner, params in
                params["num_feature"] = "9"
                learner["feature_names"] = (0..<9).map { "f\($0)" }
                learner["feature_types"] = Array(repeating: "q", count: 9)
            }
            let yaml = """
                variants:
                  - {name: stable, model: "models:/churn/1", weight: 1}
                  - {name: canary, model: "models:/wide/1", weight: 0}
                rollout: {variant: canary, steps: [50, 100], interval: 10m, min_requests: 100, guards: {error_rate: 0.01}}
                """
            #expect(try await D.put(vane, "bad", yaml).status == .created)
            let (rollout, sent) = try await Self.drive(vane, "bad") { ($0["state"] as? String) == "rolled_back" }
            #expect(sent < 1_000, "took \(sent) requests")
            let failed = try #require(Self.events(rollout).first { $0["kind"] as? String == "guard_failed" })
            #expect(failed["guard"] as? String == "error_rate")
            #expect(failed["measured"] as? Double == 1)
            #expect(failed["threshold"] as? Double == 0.01)
            #expect(failed["from_weight"] as? Double == 50 && failed["to_weight"] as? Double == 0)
            // Instantly out: every request goes to the stable variant and succeeds.
            for _ in 0..<30 {
                let r = try await D.infer(vane, "bad")
                try r.expectOK()
                #expect(r.headers[D.variantHeader] == "stable")
            }
        }
    }

    @Test("a canary that predicts otherwise is rolled back on disagreement, or on prediction drift")
    func rolledBackOnPredictions() async throws {
        try await VaneTestClient.with { vane in
            try await D.registerChurn(vane)
            // The same trees with a base score that pushes every probability to about 1.
            try await D.registerVariant(vane, "shifted") { _, params in params["base_score"] = "[9.9999E-1]" }
            for (name, guardText, guardName) in [("disagree", "disagreement: 0.05", "disagreement"),
                                                 ("drifted", "prediction_drift: 0.1", "prediction_drift")] {
                let yaml = """
                    variants:
                      - {name: stable, model: "models:/churn/1", weight: 1}
                      - {name: canary, model: "models:/shifted/1", weight: 0}
                    rollout: {variant: canary, steps: [50, 100], interval: 200ms, min_requests: 40, guards: {\(guardText)}, on_failure: pause}
                    """
                #expect(try await D.put(vane, name, yaml).status == .created)
                let (rollout, _) = try await Self.drive(vane, name) { ($0["state"] as? String) == "paused" }
                let failed = try #require(Self.events(rollout).first { $0["kind"] as? String == "guard_failed" }, "\(rollout)")
                #expect(failed["guard"] as? String == guardName)
                #expect((failed["measured"] as? Double ?? 0) > (failed["threshold"] as? Double ?? 1))
                #expect(rollout["weight"] as? Double == 0)
                // A person rolls it back; rolling back again is a conflict.
                let back = try await vane.request(.post, D.base + "/\(name)/rollout/rollback")
                try back.expectOK()
                #expect(try back.json().object("deployment")?.object("rollout")?["state"] as? String == "rolled_back")
                #expect(try await vane.request(.post, D.base + "/\(name)/rollout/rollback").status == .conflict)
            }
        }
    }

    @Test("a step without enough traffic by its deadline pauses; a person resumes, pauses and promotes")
    func pausedAndDriven() async throws {
        try await VaneTestClient.with { vane in
            try await D.registerChurn(vane)
            let yaml = """
                variants:
                  - {name: stable, model: "models:/churn/1", weight: 1}
                  - {name: canary, model: "models:/churn/2", weight: 0}
                rollout: {variant: canary, steps: [10, 100], interval: 50ms, deadline: 150ms, min_requests: 1000}
                """
            #expect(try await D.put(vane, "quiet", yaml).status == .created)
            var rollout: [String: Any] = [:]
            for _ in 0..<1_500 {
                try await Task.sleep(for: .milliseconds(20))
                rollout = try await vane.request(.get, D.base + "/quiet").json().object("deployment")?.object("rollout") ?? [:]
                if rollout["state"] as? String == "paused" { break }
            }
            #expect(rollout["state"] as? String == "paused")
            let event = try #require(Self.events(rollout).last)
            #expect(event["kind"] as? String == "no_traffic")
            #expect(event["threshold"] as? Double == 1000)
            #expect(rollout["weight"] as? Double == 10, "the weights stay as they were")

            let resumed = try await vane.request(.post, D.base + "/quiet/rollout/resume")
            try resumed.expectOK()
            #expect(try resumed.json().object("deployment")?.object("rollout")?["state"] as? String == "progressing")
            // The step's short deadline may pause it again before the person does: either way it is paused.
            let paused = try await vane.request(.post, D.base + "/quiet/rollout/pause")
            #expect(paused.status == .ok || paused.status == .conflict)
            #expect(try await vane.request(.get, D.base + "/quiet").json().object("deployment")?.object("rollout")?["state"] as? String == "paused")
            #expect(try await vane.request(.post, D.base + "/quiet/rollout/pause").status == .conflict)
            let promoted = try await vane.request(.post, D.base + "/quiet/rollout/promote")
            try promoted.expectOK()
            let final = try #require(try promoted.json().object("deployment"))
            #expect(final.object("rollout")?["state"] as? String == "promoted")
            #expect(final.objects("variants").map { $0["weight"] as? Double } == [0, 100])
            #expect(try await vane.request(.post, D.base + "/nosuch/rollout/pause").status == .notFound)
            let plain = try await D.put(vane, "plain", "variants: [{name: a, model: \"models:/churn/1\", weight: 1}]")
            #expect(plain.status == .created)
            #expect(try await vane.request(.post, D.base + "/plain/rollout/pause").status == .conflict)

            // The rollout's state survives a restart.
            let restarted = DeploymentService(store: SQLiteDeploymentStore(database: vane.stores.database),
                                              resolver: ModelResolver(tracking: vane.stores.tracking, registry: vane.stores.registry, artifacts: vane.stores.artifacts),
                                              catalog: vane.stores.models)
            _ = try await restarted.restore()
            let live = try #require(restarted.live(named: "quiet"))
            #expect(live.deployment.rolloutState?.phase == .promoted)
            #expect(live.picker.shares == [0, 1])
        }
    }
}
