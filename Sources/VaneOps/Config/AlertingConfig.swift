import VaneText

/// What Vane takes from an `alertmanager.yml` (under `alerting:` in `vane.yaml`): the global
/// resolve timeout, the routing tree, the receivers, the inhibition rules and the names of the
/// time intervals. The file is read as Alertmanager reads it; see ``read(_:substitute:)``.
public struct AlertingConfig: Sendable, Equatable {
    /// How long an alert without `endsAt` stays firing, in microseconds (default 5m).
    public var resolveTimeout: Int64
    public var route: Route
    public var receivers: [Receiver]
    public var inhibitRules: [InhibitRule]
    /// The named time intervals (`time_intervals` and `mute_time_intervals`).
    public var timeIntervals: [String: [TimeInterval]]
    /// The section as written, for `GET /api/v2/status`.
    public var original: String

    public static func == (a: AlertingConfig, b: AlertingConfig) -> Bool {
        a.original == b.original && a.resolveTimeout == b.resolveTimeout && a.route.key == b.route.key
            && a.receivers == b.receivers && a.inhibitRules == b.inhibitRules
    }

    /// Alertmanager's defaults for what a route does not say.
    public static let defaultGroupWait: Int64 = 30_000_000
    public static let defaultGroupInterval: Int64 = 300_000_000
    public static let defaultRepeatInterval: Int64 = 4 * 3_600_000_000
    public static let defaultResolveTimeout: Int64 = 300_000_000

    /// The configuration of a server without an `alerting:` section: one receiver, `vane`, that
    /// notifies nobody; alerts are grouped by nothing.
    public static let standard: AlertingConfig = {
        let route = Route(matchers: [], receiver: "vane", groupBy: [], groupByAll: false, groupWait: defaultGroupWait,
                          groupInterval: defaultGroupInterval, repeatInterval: defaultRepeatInterval, continue: false,
                          muteTimeIntervals: [], activeTimeIntervals: [], routes: [], key: "{}", index: 0)
        return AlertingConfig(resolveTimeout: defaultResolveTimeout, route: route, receivers: [Receiver(name: "vane")],
                              inhibitRules: [], timeIntervals: [:], original: "route:\n  receiver: vane\nreceivers:\n- name: vane\n")
    }()

    public init(resolveTimeout: Int64, route: Route, receivers: [Receiver], inhibitRules: [InhibitRule],
                timeIntervals: [String: [TimeInterval]], original: String) {
        self.resolveTimeout = resolveTimeout
        self.route = route
        self.receivers = receivers
        self.inhibitRules = inhibitRules
        self.timeIntervals = timeIntervals
        self.original = original
    }

    /// The receiver named `name`.
    public func receiver(named name: String) -> Receiver? { receivers.first { $0.name == name } }
}

/// A receiver and the integrations it notifies.
public struct Receiver: Sendable, Equatable {
    public var name: String
    public var webhooks: [WebhookConfig]
    public var slack: [SlackConfig]
    public var pagerduty: [PagerDutyConfig]
    /// Integrations the file names that Vane does not send to (`email_configs`, …).
    public var unsupported: [String]

    public init(name: String, webhooks: [WebhookConfig] = [], slack: [SlackConfig] = [], pagerduty: [PagerDutyConfig] = [],
                unsupported: [String] = []) {
        self.name = name
        self.webhooks = webhooks
        self.slack = slack
        self.pagerduty = pagerduty
        self.unsupported = unsupported
    }
}

/// `webhook_configs`: Alertmanager's webhook payload (version 4) POSTed to `url`.
public struct WebhookConfig: Sendable, Equatable {
    public var url: String
    public var sendResolved: Bool
    /// At most this many alerts per message (0: all); the rest are counted in `truncatedAlerts`.
    public var maxAlerts: Int
}

/// `slack_configs`: a Slack-compatible incoming-webhook message.
public struct SlackConfig: Sendable, Equatable {
    public var apiURL: String
    public var channel: String?
    public var username: String?
    public var title: String?
    public var text: String?
    public var sendResolved: Bool
}

/// `pagerduty_configs`: a PagerDuty Events API v2 event.
public struct PagerDutyConfig: Sendable, Equatable {
    public var routingKey: String
    public var url: String
    public var severity: String?
    public var description: String?
    public var sendResolved: Bool
}

