import Foundation
import Synchronization
import Testing
import VaneCore
import VaneText
@testable import VaneOps

/// A clock the test moves.
final class MovingClock: VaneClock, @unchecked Sendable {
    let millis: Mutex<Int64>
    init(_ start: Int64 = 1_800_000_000_000) { millis = Mutex(start) }
    func nowMillis() -> Int64 { millis.withLock { $0 } }
    func advance(seconds: Double) { millis.withLock { $0 += Int64(seconds * 1000) } }
}

/// Records what would be sent; answers with the statuses given, then 200.
final class RecordingTransport: NotificationTransport, @unchecked Sendable {
    let sent = Mutex<[OutgoingRequest]>([])
    let statuses = Mutex<[Int]>([])
    init(statuses: [Int] = []) { self.statuses.withLock { $0 = statuses } }
    func send(_ request: OutgoingRequest, timeout: Duration) async throws -> Int {
        sent.withLock { $0.append(request) }
        return statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
    }
    var bodies: [[String: Any]] {
        sent.withLock { $0 }.map { try! JSONSerialization.jsonObject(with: Data($0.body)) as! [String: Any] }
    }
}

@Suite struct DispatcherTests {
    static let config = """
        route:
          receiver: hook
          group_by: [alertname, service]
          group_wait: 2s
          group_interval: 10s
          repeat_interval: 1m
          routes:
            - receiver: hook
              matchers: ['severity=~"critical|warning"']
        receivers:
          - name: hook
            webhook_configs:
              - url: http://127.0.0.1:19093/webhook
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity="warning"']
            equal: [service]
        """

    func setup(_ text: String = config, statuses: [Int] = []) throws -> (Alerting, Dispatcher, RecordingTransport, MovingClock) {
        let clock = MovingClock()
        let alerting = Alerting(config: try AlertingConfig.parse(text), clock: clock)
        let transport = RecordingTransport(statuses: statuses)
        var settings = Dispatcher.Settings()
        settings.initialBackoff = .milliseconds(1)
        settings.minFlushTimeout = .milliseconds(200)
        let dispatcher = Dispatcher(alerting: alerting, transport: transport, externalURL: "http://vm:19094", settings: settings, clock: clock)
        return (alerting, dispatcher, transport, clock)
    }

    func post(_ alerting: Alerting, _ labels: [String: String], startsAt: String? = nil, endsAt: String? = nil) {
        let outcome = alerting.post([PostedAlert(labels: labels.map { Label($0.key, $0.value) }, annotations: [Label("summary", "s")],
                                                 startsAt: startsAt.flatMap { WireTime(rfc3339: $0) }, endsAt: endsAt.flatMap { WireTime(rfc3339: $0) },
                                                 generatorURL: "http://p/graph")])
        #expect(outcome.errors.isEmpty)
    }

    @Test func waitsGroupWaitThenSendsAlertmanagersWebhookMessage() async throws {
        let (alerting, dispatcher, transport, clock) = try setup()
        post(alerting, ["alertname": "HalfTimeFiring", "service": "payments", "severity": "critical"])
        await dispatcher.flushDue()
        #expect(transport.sent.withLock { $0.isEmpty })
        clock.advance(seconds: 2)
        #expect(await dispatcher.flushDue() == 1)
        let body = try #require(transport.bodies.first)
        #expect(transport.sent.withLock { $0[0].url } == "http://127.0.0.1:19093/webhook")
        #expect(body["version"] as? String == "4")
        #expect(body["status"] as? String == "firing")
        #expect(body["receiver"] as? String == "hook")
        #expect(body["groupKey"] as? String == #"{}/{severity=~"critical|warning"}:{alertname="HalfTimeFiring", service="payments"}"#)
        #expect(body["groupLabels"] as? [String: String] == ["alertname": "HalfTimeFiring", "service": "payments"])
        #expect(body["truncatedAlerts"] as? Int == 0)
        #expect(body["externalURL"] as? String == "http://vm:19094")
        let alert = try #require((body["alerts"] as? [[String: Any]])?.first)
        #expect(alert["fingerprint"] as? String == "7f0599fd557b806d")
        #expect(alert["endsAt"] as? String == "0001-01-01T00:00:00Z")
        // The keys are the captured Alertmanager message's keys, in its order.
        let captured = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().appendingPathComponent("../Fixtures/alertmanager/alertmanager-webhook.json"))) as! [String: Any]
        let first = ((captured["requests"] as! [[String: Any]])[0]["body"]) as! [String: Any]
        #expect(Set(first.keys) == Set(body.keys))
        #expect(Set(((first["alerts"] as! [[String: Any]])[0]).keys) == Set(alert.keys))
        let text = String(decoding: transport.sent.withLock { $0[0].body }, as: UTF8.self)
        #expect(text.hasPrefix(#"{"receiver":"hook","status":"firing","alerts":[{"status":"firing","labels":"#))
        #expect(text.hasSuffix(#""externalURL":"http://vm:19094","version":"4","groupKey":"{}/{severity=~\"critical|warning\"}:{alertname=\"HalfTimeFiring\", service=\"payments\"}","truncatedAlerts":0}"#))
    }

    @Test func anAlertThatWaitedAlreadyIsSentAtOnce() async throws {
        let (alerting, dispatcher, transport, clock) = try setup()
        let started = WireTime(millis: clock.nowMillis() - 60_000).description
        post(alerting, ["alertname": "Old", "service": "s", "severity": "warning"], startsAt: started)
        #expect(await dispatcher.flushDue() == 1)
        #expect(transport.sent.withLock { $0.count } == 1)
    }

    @Test func changesWaitForGroupIntervalAndRepeatsForRepeatInterval() async throws {
        let (alerting, dispatcher, transport, clock) = try setup()
        post(alerting, ["alertname": "A", "service": "s", "severity": "warning"])
        clock.advance(seconds: 2)
        await dispatcher.flushDue()
        #expect(transport.sent.withLock { $0.count } == 1)
        // A second alert in the same group: nothing until the group's interval has passed.
        post(alerting, ["alertname": "A", "service": "s", "severity": "warning", "instance": "2"])
        clock.advance(seconds: 5)
        #expect(await dispatcher.flushDue() == 0)
        clock.advance(seconds: 5)
        await dispatcher.flushDue()
        #expect(transport.sent.withLock { $0.count } == 2)
        #expect((transport.bodies[1]["alerts"] as? [Any])?.count == 2)
        // Nothing changed: the next flushes send nothing until repeat_interval (1m) has passed,
        // checked on the group's 10 s ticks: the repeat goes 70 s after the last notification,
        // as Alertmanager's did in ../shared/fixtures/alertmanager.
        for _ in 0..<6 {
            clock.advance(seconds: 10)
            await dispatcher.flushDue()
        }
        #expect(transport.sent.withLock { $0.count } == 2)
        clock.advance(seconds: 10)
        await dispatcher.flushDue()
        #expect(transport.sent.withLock { $0.count } == 3)
    }

    @Test func resolvedAlertsAreSentOnceThenForgotten() async throws {
        let (alerting, dispatcher, transport, clock) = try setup()
        post(alerting, ["alertname": "A", "service": "s", "severity": "warning"])
        clock.advance(seconds: 2)
        await dispatcher.flushDue()
        let now = WireTime(millis: clock.nowMillis())
        post(alerting, ["alertname": "A", "service": "s", "severity": "warning"], startsAt: now.adding(micros: -2_000_000).description,
             endsAt: now.description)
        clock.advance(seconds: 10)
        await dispatcher.flushDue()
        #expect(transport.sent.withLock { $0.count } == 2)
        let resolved = transport.bodies[1]
        #expect(resolved["status"] as? String == "resolved")
        let alert = try #require((resolved["alerts"] as? [[String: Any]])?.first)
        #expect(alert["status"] as? String == "resolved")
        #expect(alert["endsAt"] as? String == now.rfc3339Nano)
        #expect(dispatcher.groupKeys.isEmpty)
        clock.advance(seconds: 120)
        await dispatcher.flushDue()
        #expect(transport.sent.withLock { $0.count } == 2)
    }

    @Test func inhibitedAndSilencedAlertsAreLeftOut() async throws {
        let (alerting, dispatcher, transport, clock) = try setup()
        post(alerting, ["alertname": "Down", "service": "pay", "severity": "critical"])
        post(alerting, ["alertname": "Slow", "service": "pay", "severity": "warning"])
        _ = try alerting.silences.post(PostedSilence(matchers: [.init(name: "alertname", value: "Down", isRegex: false)],
                                                     startsAt: alerting.now(), endsAt: alerting.now().adding(micros: 3_600_000_000),
                                                     createdBy: "t", comment: "c"), now: alerting.now())
        clock.advance(seconds: 2)
        await dispatcher.flushDue()
        // Down is silenced, Slow inhibited by Down (still firing): nothing is sent.
        #expect(transport.sent.withLock { $0.isEmpty })
    }

    @Test func retriesServerErrorsAndGivesUpOnClientErrors() async throws {
        let (alerting, dispatcher, transport, clock) = try setup(statuses: [500, 503])
        post(alerting, ["alertname": "A", "service": "s", "severity": "warning"])
        clock.advance(seconds: 2)
        await dispatcher.flushDue()
        #expect(transport.sent.withLock { $0.count } == 3)
        #expect(dispatcher.sent.sent["webhook"] == 1)
        let (alerting2, dispatcher2, transport2, clock2) = try setup(statuses: [400])
        post(alerting2, ["alertname": "A", "service": "s", "severity": "warning"])
        clock2.advance(seconds: 2)
        await dispatcher2.flushDue()
        #expect(transport2.sent.withLock { $0.count } == 1)
        #expect(dispatcher2.sent.failed["webhook"] == 1)
        // The failure is not logged as sent: the next flush tries again.
        clock2.advance(seconds: 10)
        await dispatcher2.flushDue()
        #expect(transport2.sent.withLock { $0.count } == 2)
    }

    @Test func maxAlertsTruncatesAndCounts() async throws {
        let text = Self.config.replacingOccurrences(of: "- url: http://127.0.0.1:19093/webhook", with: "- url: http://127.0.0.1:19093/webhook\n        max_alerts: 2")
        let (alerting, dispatcher, transport, clock) = try setup(text)
        for i in 0..<5 { post(alerting, ["alertname": "A", "service": "s", "severity": "warning", "instance": "\(i)"]) }
        clock.advance(seconds: 2)
        await dispatcher.flushDue()
        let body = try #require(transport.bodies.first)
        #expect((body["alerts"] as? [Any])?.count == 2)
        #expect(body["truncatedAlerts"] as? Int == 3)
    }

    @Test func muteTimeIntervalsHoldNotificationsBack() async throws {
        let text = """
            route:
              receiver: hook
              group_wait: 0s
              mute_time_intervals: [always]
            receivers:
              - name: hook
                webhook_configs:
                  - url: http://127.0.0.1:9/x
            time_intervals:
              - name: always
                time_intervals:
                  - times: [{start_time: "00:00", end_time: "24:00"}]
            """
        let (alerting, dispatcher, transport, clock) = try setup(text)
        post(alerting, ["alertname": "A"])
        clock.advance(seconds: 1)
        await dispatcher.flushDue()
        #expect(transport.sent.withLock { $0.isEmpty })
    }

    @Test func slackAndPagerDutyBodies() async throws {
        let text = """
            route:
              receiver: both
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: both
                slack_configs:
                  - api_url: http://127.0.0.1:9/slack
                    channel: '#ops'
                    text: '{{ range .Alerts }}{{ .Labels.instance }} {{ .Annotations.summary }};{{ end }}'
                pagerduty_configs:
                  - routing_key: key
                    url: http://127.0.0.1:9/pd
            """
        let (alerting, dispatcher, transport, clock) = try setup(text)
        post(alerting, ["alertname": "Down", "instance": "a", "job": "j"])
        post(alerting, ["alertname": "Down", "instance": "b", "job": "j"])
        clock.advance(seconds: 1)
        await dispatcher.flushDue()
        let requests = transport.sent.withLock { $0 }
        #expect(requests.count == 2)
        let slack = try #require(transport.bodies.first { $0["attachments"] != nil })
        let attachment = try #require((slack["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["title"] as? String == "[FIRING:2] Down (j)")
        #expect(attachment["text"] as? String == "a s;b s;")
        #expect(attachment["color"] as? String == "danger")
        #expect(slack["channel"] as? String == "#ops")
        let pd = try #require(transport.bodies.first { $0["routing_key"] != nil })
        #expect(pd["event_action"] as? String == "trigger")
        #expect((pd["dedup_key"] as? String)?.count == 64)
        #expect(((pd["payload"] as? [String: Any])?["custom_details"] as? [String: String])?["num_firing"] == "2")
    }
}
