import Foundation
import HTTPTypes
import Testing
import VaneOps
@testable import VaneHTTP

/// Incidents, changes, the on-call summary and the webhook intake in Vane's API.
@Suite struct OpsRoutesTests {
    static let base = "/api/vane/v1"

    /// Alerts that started ten minutes ago, so that they count at once.
    func postStorm(_ vane: VaneTestClient) async throws {
        let start = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-600))
        let body = ["db", "api", "web"].map { service in
            #"{"labels": {"alertname": "Errors", "service": "\#(service)", "instance": "h-\#(service):8080"}, "startsAt": "\#(start)"}"#
        }
        let r = try await vane.json(.post, "/api/v2/alerts", "[" + body.joined(separator: ",") + "]")
        #expect(r.status == .ok)
    }

    @Test func alertsBecomeAnIncidentThatPeopleAcknowledgeAndResolve() async throws {
        try await VaneTestClient.with { vane in
            vane.stores.incidents.apply(graph: ServiceGraph(services: [
                .init(name: "web", dependsOn: ["api"]), .init(name: "api", dependsOn: ["db"]), .init(name: "db"),
            ]), settings: .init())
            let change = try await vane.json(.post, Self.base + "/changes",
                                             #"{"id": "chg-1", "type": "deploy", "service": "db", "description": "deploy db v7", "at": "\#(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-660)))"}"#)
            #expect(change.status == .ok)
            #expect(try change.json()["recorded"] as? Int == 1)
            try await postStorm(vane)
            vane.stores.incidents.step()
            let list = try await vane.request(.get, Self.base + "/incidents").json()
            let incidents = try #require(list["incidents"] as? [[String: Any]])
            #expect(incidents.count == 1)
            let id = try #require(incidents.first?["id"] as? String)
            let detail = try await vane.request(.get, Self.base + "/incidents/\(id)").json()
            #expect((detail["alerts"] as? [Any])?.count == 3)
            #expect(detail["services"] as? [String] == ["api", "db", "web"])
            let causes = try #require(detail["root_causes"] as? [[String: Any]])
            #expect(causes.first?["kind"] as? String == "change" && causes.first?["name"] as? String == "chg-1")
            #expect(causes.contains { $0["kind"] as? String == "service" && $0["name"] as? String == "db" })
            // The incident is also an alert, routed like any other.
            let alerts = try await vane.request(.get, "/api/v2/alerts?filter=alertname%3D%22VaneIncident%22").text
            #expect(alerts.contains(id))
            let acked = try await vane.json(.post, Self.base + "/incidents/\(id)/ack", #"{"by": "alice", "comment": "on it"}"#)
            #expect(try acked.json()["state"] as? String == "acknowledged")
            let timeline = try #require(try acked.json()["timeline"] as? [[String: Any]])
            #expect(timeline.contains { $0["kind"] as? String == "acknowledged" && $0["by"] as? String == "alice" })
            let again = try await vane.json(.post, Self.base + "/incidents/\(id)/ack", "{}")
            #expect(again.status == .conflict)
            let resolved = try await vane.json(.post, Self.base + "/incidents/\(id)/resolve", #"{"noise": true}"#)
            #expect(try resolved.json()["state"] as? String == "resolved")
            #expect(try resolved.json()["noise"] as? Bool == true)
            let summary = try await vane.request(.get, Self.base + "/ops/summary").json()
            #expect(summary["alerts_received"] as? Int == 3)
            #expect(summary["incidents"] as? Int == 1)
            #expect(summary["noise_share"] as? Double == 1)
            #expect(try await vane.request(.get, Self.base + "/incidents/nope").status == .notFound)
            #expect(try await vane.request(.get, Self.base + "/incidents?state=bogus").status == .badRequest)
        }
    }

    @Test func changesAreCheckedAndBounded() async throws {
        try await VaneTestClient.with { vane in
            #expect(try await vane.json(.post, Self.base + "/changes", #"{"type": "deploy"}"#).status == .badRequest)
            #expect(try await vane.json(.post, Self.base + "/changes", #"{"type": "deploy", "service": "x", "at": "yesterday"}"#).status == .badRequest)
            let many = "[" + Array(repeating: #"{"type": "deploy", "service": "x"}"#, count: 10_001).joined(separator: ",") + "]"
            #expect(try await vane.json(.post, Self.base + "/changes", many).status == .badRequest)
            let none = try await vane.request(.get, Self.base + "/changes").json()["changes"] as? [Any]
            #expect(none?.isEmpty == true)
            let two = try await vane.json(.post, Self.base + "/changes", #"[{"type": "deploy", "service": "a"}, {"type": "config", "service": "b"}]"#)
            #expect(try two.json()["recorded"] as? Int == 2)
            #expect((try await vane.request(.get, Self.base + "/changes").json()["changes"] as? [Any])?.count == 2)
        }
    }

    @Test func anAlertmanagerWebhookMessageIsTaken() async throws {
        try await VaneTestClient.with { vane in
            let captured = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().appendingPathComponent("../Fixtures/alertmanager/alertmanager-webhook.json"))) as! [String: Any]
            let body = ((captured["requests"] as! [[String: Any]])[0]["body"]) as! [String: Any]
            let r = try await vane.json(.post, Self.base + "/alertmanager/webhook", String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            #expect(r.status == .ok)
            #expect(try r.json()["received"] as? Int == 1)
            let alerts = try await vane.request(.get, "/api/v2/alerts").text
            #expect(alerts.contains("7f0599fd557b806d"))
            #expect(try await vane.json(.post, Self.base + "/alertmanager/webhook", #"{"alerts": [{"status": "firing"}]}"#).status == .badRequest)
        }
    }

    @Test func historyAndMuteUntilResolved() async throws {
        try await VaneTestClient.with { vane in
            // One instant for both, so that a second ticking between them cannot change the duration.
            let now = Date()
            let start = ISO8601DateFormatter().string(from: now.addingTimeInterval(-300))
            let end = ISO8601DateFormatter().string(from: now.addingTimeInterval(-60))
            _ = try await vane.json(.post, "/api/v2/alerts", #"[{"labels": {"alertname": "Gone"}, "startsAt": "\#(start)", "endsAt": "\#(end)"}, {"labels": {"alertname": "Here"}}]"#)
            let history = try await vane.request(.get, Self.base + "/alerts/history?since=1h").json()
            let episodes = try #require(history["episodes"] as? [[String: Any]])
            #expect(episodes.count == 2)
            let gone = try #require(episodes.first { ($0["labels"] as? [String: String])?["alertname"] == "Gone" })
            #expect(gone["duration_seconds"] as? Double == 240)
            // The resolved alert is no longer listed by the Alertmanager API, but its history is.
            #expect(try await vane.request(.get, "/api/v2/alerts").text.contains("Gone") == false)
            let filtered = try await vane.request(.get, Self.base + "/alerts/history?filter=alertname%3DHere").json()
            #expect((filtered["episodes"] as? [Any])?.count == 1)
            #expect(try await vane.request(.get, Self.base + "/alerts/history?since=soon").status == .badRequest)
            let muted = try await vane.json(.post, Self.base + "/silences/until-resolved",
                                            #"{"matchers": [{"name": "alertname", "value": "Here", "isRegex": false}], "createdBy": "amy", "comment": "fixing"}"#)
            #expect(muted.status == .ok)
            let id = try #require(try muted.json()["silenceID"] as? String)
            let silence = try await vane.request(.get, "/api/v2/silence/\(id)").json()
            #expect((silence["comment"] as? String)?.hasPrefix(SilenceWatcher.untilResolvedMarker) == true)
            #expect(try await vane.json(.post, Self.base + "/silences/until-resolved", #"{"matchers": []}"#).status == .badRequest)
        }
    }
}
