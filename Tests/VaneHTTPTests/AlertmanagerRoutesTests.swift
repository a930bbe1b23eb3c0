import Foundation
import HTTPTypes
import Testing
import VaneOps
@testable import VaneHTTP

/// Alertmanager's API v2 on Vane's router: the wire shapes (what `Interop/alertmanager/differential.py`
/// compares field for field with a real Alertmanager) and the error shapes.
@Suite struct AlertmanagerRoutesTests {
    func array(_ text: String) throws -> [[String: Any]] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    @Test func postedAlertsAreListedWithStatusReceiversAndFingerprint() async throws {
        try await VaneTestClient.with { vane in
            let posted = try await vane.json(.post, "/api/v2/alerts", #"""
                [{"labels": {"alertname": "HalfTimeFiring", "service": "payments", "severity": "critical", "empty": ""},
                  "annotations": {"summary": "s"}, "startsAt": "2026-01-01T10:00:00.123456+02:00", "generatorURL": "http://p/graph"}]
                """#)
            #expect(posted.status == .ok && posted.text.isEmpty)
            let r = try await vane.request(.get, "/api/v2/alerts")
            let alerts = try array(r.text)
            #expect(alerts.count == 1)
            let alert = try #require(alerts.first)
            #expect(alert["fingerprint"] as? String == "7f0599fd557b806d")
            #expect(alert["startsAt"] as? String == "2026-01-01T10:00:00.123+02:00")
            #expect((alert["labels"] as? [String: String])?["empty"] == nil)
            #expect((alert["receivers"] as? [[String: String]]) == [["name": "vane"]])
            let status = try #require(alert["status"] as? [String: Any])
            #expect(status["state"] as? String == "active")
            #expect(alert["generatorURL"] as? String == "http://p/graph")
            // No end was given: it resolves after the resolve timeout (5 minutes).
            let updated = try #require(WireTime(rfc3339: alert["updatedAt"] as! String))
            let ends = try #require(WireTime(rfc3339: alert["endsAt"] as! String))
            #expect(ends.micros - updated.micros == 300_000_000)
        }
    }

    @Test func refusalsUseAlertmanagersShapes() async throws {
        try await VaneTestClient.with { vane in
            let handler = try await vane.json(.post, "/api/v2/alerts", #"[{"labels": {}}]"#)
            #expect(handler.status == .badRequest)
            #expect(handler.text == "\"at least one label pair required\"\n")
            let schema = try await vane.json(.post, "/api/v2/alerts", "[{}]")
            #expect(schema.status == .unprocessableContent)
            #expect(try schema.json()["code"] as? Int == 602)
            #expect(try schema.json()["message"] as? String == "0.labels in body is required")
            let parse = try await vane.json(.post, "/api/v2/alerts", #"{"labels": {"a": "b"}}"#)
            let parseCode = try parse.json()["code"] as? Int
            #expect(parse.status == .badRequest && parseCode == 400)
            let notJSON = try await vane.json(.post, "/api/v2/alerts", "xx")
            #expect(notJSON.status == .badRequest)
            let badFilter = try await vane.request(.get, "/api/v2/alerts?filter=bad")
            #expect(badFilter.status == .badRequest && badFilter.text == "\"bad matcher format: bad\"\n")
            let badID = try await vane.request(.get, "/api/v2/silence/nope")
            #expect(badID.status == .unprocessableContent)
            let missing = try await vane.request(.get, "/api/v2/silence/00000000-0000-0000-0000-000000000000")
            #expect(missing.status == .notFound)
            // Half a batch is taken: the valid alert is stored, the answer names the other.
            let partial = try await vane.json(.post, "/api/v2/alerts", #"[{"labels": {"a": "1"}}, {"labels": {"bad name": "x"}}]"#)
            #expect(partial.status == .badRequest && partial.text.contains("invalid name"))
            #expect(try array(try await vane.request(.get, "/api/v2/alerts").text).count == 1)
            // A form post cannot change state (no CORS preflight for text/plain).
            let form = try await vane.request(.post, "/api/v2/alerts", body: .init(string: #"[{"labels":{"a":"2"}}]"#),
                                              headers: [.contentType: "text/plain"])
            #expect(form.status == .unsupportedMediaType)
            #expect(try array(try await vane.request(.get, "/api/v2/alerts").text).count == 1)
        }
    }

    @Test func silencesMuteMatchingAlertsUntilExpired() async throws {
        try await VaneTestClient.with { vane in
            _ = try await vane.json(.post, "/api/v2/alerts", #"""
                [{"labels": {"alertname": "A", "service": "checkout", "severity": "warning"}},
                 {"labels": {"alertname": "B", "service": "checkout", "severity": "critical"}}]
                """#)
            let now = Date()
            func iso(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }
            let created = try await vane.json(.post, "/api/v2/silences", """
                {"matchers": [{"name": "service", "value": "check.*", "isRegex": true},
                              {"name": "severity", "value": "critical", "isRegex": false, "isEqual": false}],
                 "startsAt": "\(iso(now))", "endsAt": "\(iso(now.addingTimeInterval(3600)))", "createdBy": "t", "comment": "c"}
                """)
            #expect(created.status == .ok)
            let id = try #require(try created.json()["silenceID"] as? String)
            let alerts = try array(try await vane.request(.get, "/api/v2/alerts").text)
            let states = Dictionary(uniqueKeysWithValues: alerts.map {
                (($0["labels"] as! [String: String])["alertname"]!, ($0["status"] as! [String: Any]))
            })
            #expect(states["A"]?["state"] as? String == "suppressed")
            #expect(states["A"]?["silencedBy"] as? [String] == [id])
            #expect(states["B"]?["state"] as? String == "active")
            #expect(try array(try await vane.request(.get, "/api/v2/alerts?silenced=false").text).count == 1)
            let silence = try await vane.request(.get, "/api/v2/silence/\(id)")
            #expect(try (silence.json()["status"] as? [String: String])?["state"] == "active")
            #expect(try await vane.request(.delete, "/api/v2/silence/\(id)").status == .ok)
            let after = try await vane.request(.get, "/api/v2/silence/\(id)")
            #expect(try (after.json()["status"] as? [String: String])?["state"] == "expired")
            #expect(try array(try await vane.request(.get, "/api/v2/alerts?silenced=false").text).count == 2)
        }
    }

    @Test func groupsStatusAndReceivers() async throws {
        try await VaneTestClient.with { vane in
            _ = try await vane.json(.post, "/api/v2/alerts", #"[{"labels": {"alertname": "A"}}, {"labels": {"alertname": "B"}}]"#)
            let groups = try array(try await vane.request(.get, "/api/v2/alerts/groups").text)
            // The standard configuration groups by nothing: one group, both alerts.
            #expect(groups.count == 1)
            #expect((groups.first?["alerts"] as? [Any])?.count == 2)
            #expect((groups.first?["receiver"] as? [String: String]) == ["name": "vane"])
            let status = try await vane.request(.get, "/api/v2/status").json()
            #expect((status["cluster"] as? [String: Any])?["status"] as? String == "disabled")
            #expect(((status["config"] as? [String: String])?["original"])?.contains("receiver: vane") == true)
            #expect(try array(try await vane.request(.get, "/api/v2/receivers").text).map { $0["name"] as? String } == ["vane"])
        }
    }

    /// Answers larger than one 64 KiB chunk arrive whole and valid.
    @Test func largeListingsAreStreamedWhole() async throws {
        try await VaneTestClient.with { vane in
            let alerts = (0..<1500).map { #"{"labels": {"alertname": "Many", "instance": "host-\#($0):9100"}, "annotations": {"summary": "a long enough summary"}}"# }
            #expect(try await vane.json(.post, "/api/v2/alerts", "[" + alerts.joined(separator: ",") + "]").status == .ok)
            let listed = try array(try await vane.request(.get, "/api/v2/alerts").text)
            #expect(listed.count == 1500)
            let fingerprints = listed.compactMap { $0["fingerprint"] as? String }
            #expect(fingerprints == fingerprints.sorted())
            let groups = try array(try await vane.request(.get, "/api/v2/alerts/groups").text)
            #expect(groups.count == 1)
            #expect((groups.first?["alerts"] as? [Any])?.count == 1500)
        }
    }
}
