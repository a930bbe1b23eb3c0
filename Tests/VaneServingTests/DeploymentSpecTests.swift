import Testing
import VaneText
@testable import VaneServing

/// Reading deployment declarations: YAML and JSON alike, every mistake named with its path and line.
@Suite("Deployment declarations")
struct DeploymentSpecTests {
    static let full = """
        name: fraud
        variants:
          - {name: stable, model: "models:/fraud/1", weight: 90}
          - {name: challenger, model: "models:/fraud@candidate", weight: 10}
        shadows:
          - {name: next, model: "models:/fraud/4", sample: 0.5}
        routing: {key: "header:X-User-Id"}
        rollout:
          variant: challenger
          steps: [5, 25, 50, 100]
          interval: 5m
          min_requests: 200
          guards: {error_rate: 0.01, latency_p99_ms: 50, disagreement: 0.05, prediction_drift: 0.1}
          on_failure: pause
        experiment: {alpha: 0.01, policy: thompson}
        """

    @Test("the issue's declaration reads in full")
    func readsTheFullDeclaration() throws {
        let spec = try DeploymentSpec.read(Self.full)
        #expect(spec.name == "fraud")
        #expect(spec.variants == [.init(name: "stable", model: "models:/fraud/1", weight: 90),
                                  .init(name: "challenger", model: "models:/fraud@candidate", weight: 10)])
        #expect(spec.shadows == [.init(name: "next", model: "models:/fraud/4", sample: 0.5)])
        #expect(spec.routingKey == .header("x-user-id"))
        let rollout = try #require(spec.rollout)
        #expect(rollout.variant == "challenger" && rollout.steps == [5, 25, 50, 100])
        #expect(rollout.intervalMilliseconds == 300_000 && rollout.minRequests == 200 && rollout.onFailure == .pause)
        #expect(rollout.guards == .init(errorRate: 0.01, latencyP99Milliseconds: 50, disagreement: 0.05, predictionDrift: 0.1))
        #expect(spec.experiment == ExperimentSpec(alpha: 0.01, policy: .thompson))
    }

    @Test("JSON is read as YAML; the PUT path's name fills in a missing one")
    func jsonAndPathName() throws {
        let json = #"{"variants": [{"name": "a", "model": "runs:/0123abc/model", "weight": 1}], "routing": {"key": "input:customer_id"}}"#
        let spec = try DeploymentSpec.read(json, name: "scoring")
        #expect(spec.name == "scoring")
        #expect(spec.routingKey == .input("customer_id"))
        #expect(spec.shadows.isEmpty && spec.rollout == nil)
        #expect(throws: DocumentError.self) { try DeploymentSpec.read(#"{"name": "other", "variants": []}"#, name: "scoring") }
    }

    @Test("every mistake is refused with its path", arguments: [
        ("variants: [{name: a, model: 'models:/m/1', weight: 1}]", "'name' is required"),
        ("name: Fraud\nvariants: [{name: a, model: 'models:/m/1', weight: 1}]", "not a deployment name"),
        ("name: f\nvariants: []", "at least one variant"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: -1}]", "cannot be negative"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 0}]", "sum to zero"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: abc}]", "must be a number"),
        ("name: f\nvariants: [{name: a, model: '/etc/passwd', weight: 1}]", "not a registry URI"),
        ("name: f\nvariants: [{name: a, model: 'file:///tmp/m.json', weight: 1}]", "not a registry URI"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}, {name: a, model: 'models:/m/2', weight: 1}]", "used twice"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1, wieght: 2}]", "unknown key 'wieght'"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}]\nshadows: [{name: a, model: 'models:/m/2'}]", "used twice"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}]\nshadows: [{name: s, model: 'models:/m/2', sample: 2}]", "from 0 to 1"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}]\nrouting: {key: 'cookie:x'}", "not a routing key"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}, {name: b, model: 'models:/m/2', weight: 0}]\nrollout: {variant: c, steps: [50, 100], interval: 2s}", "no variant is named 'c'"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}, {name: b, model: 'models:/m/2', weight: 0}]\nrollout: {variant: b, steps: [50, 25], interval: 2s}", "steps must increase"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}, {name: b, model: 'models:/m/2', weight: 0}]\nrollout: {variant: b, steps: [50, 150], interval: 2s}", "at most 100"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}, {name: b, model: 'models:/m/2', weight: 0}]\nrollout: {variant: b, steps: [50], interval: soon}", "not a duration"),
        ("name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}]\nexperiment: {alpha: 0.05}", "at least two variants"),
        ("name: f\nvariants: &v [{name: a, model: 'models:/m/1', weight: 1}]\nshadows: *v", "unknown key 'weight'"),
        ("", "empty"),
        ("[1, 2]", "must be a mapping"),
    ])
    func refusals(text: String, message: String) {
        do {
            _ = try DeploymentSpec.read(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test("errors carry the line of the value")
    func lines() {
        let text = "name: f\nvariants:\n  - name: a\n    model: 'models:/m/1'\n    weight: -3\n"
        do {
            _ = try DeploymentSpec.read(text)
            Issue.record("accepted")
        } catch {
            #expect(error.path == "variants[0].weight")
            #expect(error.line == 5)
        }
    }

    @Test("a billion-laughs document and an oversized one are refused before they are built")
    func bounds() {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...20 { bomb += "\(Character(UnicodeScalar(97 + i)!)): &\(Character(UnicodeScalar(97 + i)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + i)!))", count: 10).joined(separator: ", ") + "]\n" }
        #expect(throws: DocumentError.self) { try DeploymentSpec.read(bomb) }
        let big = "name: f\nvariants: [{name: a, model: 'models:/m/1', weight: 1}]\n#" + String(repeating: "x", count: 70_000)
        #expect(throws: DocumentError.self) { try DeploymentSpec.read(big) }
    }

    @Test("durations as Prometheus writes them")
    func durations() {
        #expect(DurationText.milliseconds("2s") == 2_000)
        #expect(DurationText.milliseconds("5m") == 300_000)
        #expect(DurationText.milliseconds("1h30m") == 5_400_000)
        #expect(DurationText.milliseconds("500ms") == 500)
        #expect(DurationText.milliseconds("0") == 0)
        for bad in ["", "5", "m", "5x", "30m1h", "1h1h", "-5s", "99999999999999y", "1.5s"] {
            #expect(DurationText.milliseconds(bad) == nil, "\(bad)")
        }
        #expect(DurationText.format(milliseconds: 90_000) == "1m30s")
    }
}
