import Testing
import VaneText
@testable import VaneOps

@Suite struct RoutingTests {
    static let config = """
        global:
          resolve_timeout: 2m
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 10s
          routes:
            - receiver: pager
              match: {severity: critical}
              group_by: ['...']
              continue: true
            - receiver: payments
              match_re: {service: "pay.*"}
              group_interval: 1m
              routes:
                - receiver: db
                  matchers: ['job="node"', 'instance=~"db-.*"']
            - receiver: checkout
              matchers: ['{service="checkout", severity!="info"}']
        receivers:
          - name: default
          - name: pager
          - name: payments
          - name: db
          - name: checkout
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity=~"warning|info"']
            equal: [service]
        """

    @Test func matchesDepthFirstWithContinueAndInheritsOptions() throws {
        let config = try AlertingConfig.parse(Self.config)
        #expect(config.resolveTimeout == 120_000_000)
        func receivers(_ labels: [String: String]) -> [String] { config.route.match(LabelSet(labels)).map(\.receiver) }
        #expect(receivers(["service": "payments", "severity": "critical", "job": "node", "instance": "db-1"]) == ["pager", "db"])
        #expect(receivers(["service": "payments"]) == ["payments"])
        #expect(receivers(["service": "checkout", "severity": "info"]) == ["default"])
        #expect(receivers(["service": "checkout", "severity": "warning"]) == ["checkout"])
        let db = config.route.routes[1].routes[0]
        #expect(db.groupWait == 10_000_000 && db.groupInterval == 60_000_000 && db.repeatInterval == AlertingConfig.defaultRepeatInterval)
        #expect(db.groupBy == ["alertname"])
        #expect(config.route.routes[0].groupByAll)
        // Alertmanager's route keys: parents' keys, then the node's sorted matchers.
        #expect(config.route.key == "{}")
        #expect(db.key == #"{}/{service=~"pay.*"}/{instance=~"db-.*",job="node"}"#)
        #expect(config.route.routes[2].key == #"{}/{service="checkout",severity!="info"}"#)
    }

    @Test func groupLabelsKeepOnlyTheGroupByLabelsPresent() throws {
        let config = try AlertingConfig.parse(Self.config)
        let labels = LabelSet(["alertname": "X", "service": "s", "instance": "i"])
        #expect(config.route.groupLabels(labels) == LabelSet(["alertname": "X"]))
        #expect(config.route.routes[0].groupLabels(labels) == labels)
        #expect(config.route.groupLabels(LabelSet(["service": "s"])) == .empty)
    }

    @Test func inhibitionNeedsAFiringSourceWithEqualLabels() throws {
        let config = try AlertingConfig.parse(Self.config)
        let t = WireTime(micros: 1_000_000)
        func alert(_ labels: [String: String], ends: Int64 = 100_000_000) -> Alert {
            Alert(labels: LabelSet(labels), startsAt: t, endsAt: WireTime(micros: ends), updatedAt: t)
        }
        let source = alert(["alertname": "Down", "service": "pay", "severity": "critical"])
        let inhibitor = Inhibitor(rules: config.inhibitRules, alerts: [source], now: 2_000_000)
        #expect(inhibitor.inhibitor(of: LabelSet(["service": "pay", "severity": "warning"])) == source.fingerprint)
        #expect(inhibitor.inhibitor(of: LabelSet(["service": "other", "severity": "warning"])) == nil)
        #expect(inhibitor.inhibitor(of: LabelSet(["service": "pay", "severity": "critical"])) == nil)
        let resolved = Inhibitor(rules: config.inhibitRules, alerts: [alert(["service": "pay", "severity": "critical"], ends: 1_500_000)], now: 2_000_000)
        #expect(resolved.inhibitor(of: LabelSet(["service": "pay", "severity": "warning"])) == nil)
    }

    @Test func anAlertMatchingBothSidesIsNotInhibitedByAnotherSuch() throws {
        let rules = [InhibitRule(sourceMatchers: [try MatcherParser.parse("a=~.+")], targetMatchers: [try MatcherParser.parse("a=~.+")], equal: [])]
        let t = WireTime(micros: 0)
        let one = Alert(labels: LabelSet(["a": "1"]), startsAt: t, endsAt: WireTime(micros: 10_000_000), updatedAt: t)
        let two = Alert(labels: LabelSet(["a": "2"]), startsAt: t, endsAt: WireTime(micros: 10_000_000), updatedAt: t)
        let inhibitor = Inhibitor(rules: rules, alerts: [one, two], now: 1)
        #expect(inhibitor.inhibitor(of: one.labels) == nil)
    }

    @Test func configErrorsNameThePlace() {
        func error(_ text: String) -> DocumentError? {
            do { _ = try AlertingConfig.parse(text); return nil } catch { return error }
        }
        let undefined = error("route:\n  receiver: nobody\nreceivers:\n  - name: someone\n")
        #expect(undefined?.message == #"undefined receiver "nobody" used in route"#)
        #expect(undefined?.line == 2)
        #expect(error("route:\n  receiver: a\n  matchers: ['x=1']\nreceivers:\n  - name: a\n")?.message == "root route must not have any matchers")
        #expect(error("receivers:\n  - name: a\n")?.message == "no route provided in config")
        #expect(error("route:\n  receiver: a\n  group_wait: soon\nreceivers:\n  - name: a\n")?.line == 3)
        #expect(error("route:\n  receiver: a\n  routes:\n    - matchers: ['x=~(']\nreceivers:\n  - name: a\n")?.line == 4)
        #expect(error("route:\n  receiver: a\nreceivers:\n  - name: a\n  - name: a\n")?.message == #"notification config name "a" is not unique"#)
        #expect(error("route:\n  receiver: a\n  bogus: 1\nreceivers:\n  - name: a\n")?.message.hasPrefix("unknown key 'bogus'") == true)
        #expect(error("route:\n  receiver: a\n  group_by: ['...', x]\nreceivers:\n  - name: a\n") != nil)
        #expect(error("route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: ftp://x\n") != nil)
    }

    @Test func receiversKeepWhatVaneSendsAndNameWhatItDoesNot() throws {
        let config = try AlertingConfig.parse("""
            global:
              slack_api_url: https://hooks.example/slack
            route:
              receiver: all
            receivers:
              - name: all
                webhook_configs:
                  - url: http://127.0.0.1:9/hook
                    max_alerts: 5
                slack_configs:
                  - channel: '#ops'
                pagerduty_configs:
                  - routing_key: abc
                email_configs:
                  - to: ops@example.com
            """)
        let receiver = try #require(config.receiver(named: "all"))
        #expect(receiver.webhooks == [WebhookConfig(url: "http://127.0.0.1:9/hook", sendResolved: true, maxAlerts: 5)])
        #expect(receiver.slack.first?.apiURL == "https://hooks.example/slack" && receiver.slack.first?.sendResolved == false)
        #expect(receiver.pagerduty.first?.url == "https://events.pagerduty.com/v2/enqueue")
        #expect(receiver.unsupported == ["email_configs"])
    }
}
