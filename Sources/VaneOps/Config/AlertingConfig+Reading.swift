import VaneText

extension AlertingConfig {
    /// The most receivers, routes (in all) and inhibition rules a file may declare.
    public static let maxItems = 10_000

    /// Reads an `alertmanager.yml` tree. Keys Alertmanager knows and Vane does not use are
    /// accepted (and left alone); unknown keys are errors, as they are for Alertmanager. Every
    /// string goes through `substitute` (`${VAR}`). Errors name the path and line.
    public static func read(_ tree: YAMLTree, original: String, substitute: @escaping (String, YAMLTree) throws(DocumentError) -> String = { text, _ in text })
        throws(DocumentError) -> AlertingConfig {
        var reader = ConfigReader(substitute: substitute)
        return try reader.read(tree, original: original)
    }

    /// Reads the text of an `alertmanager.yml`.
    public static func parse(_ text: String, limits: YAMLLimits = YAMLLimits(maxBytes: 1 << 20, maxDepth: 32, maxAliases: 64, maxNodes: 100_000))
        throws(DocumentError) -> AlertingConfig {
        guard let tree = try YAMLTree.compose(text, limits: limits) else {
            throw DocumentError(path: "", line: nil, message: "the configuration is empty; it needs at least a route and a receiver")
        }
        return try read(tree, original: text)
    }
}

private struct ConfigReader {
    let substitute: (String, YAMLTree) throws(DocumentError) -> String
    var routeCount = 0

    static let rootKeys = ["global", "route", "receivers", "inhibit_rules", "templates", "mute_time_intervals", "time_intervals"]
    static let globalKeys = ["resolve_timeout", "http_config", "smtp_from", "smtp_hello", "smtp_smarthost", "smtp_auth_username",
                             "smtp_auth_password", "smtp_auth_password_file", "smtp_auth_secret", "smtp_auth_identity", "smtp_require_tls",
                             "slack_api_url", "slack_api_url_file", "pagerduty_url", "opsgenie_api_url", "opsgenie_api_key",
                             "opsgenie_api_key_file", "wechat_api_url", "wechat_api_secret", "wechat_api_corp_id", "victorops_api_url",
                             "victorops_api_key", "victorops_api_key_file", "telegram_api_url", "webex_api_url"]
    static let routeKeys = ["receiver", "group_by", "continue", "matchers", "match", "match_re", "group_wait", "group_interval",
                            "repeat_interval", "mute_time_intervals", "active_time_intervals", "routes"]
    static let receiverKinds = ["webhook_configs", "slack_configs", "pagerduty_configs", "email_configs", "opsgenie_configs",
                                "wechat_configs", "pushover_configs", "victorops_configs", "sns_configs", "telegram_configs",
                                "webex_configs", "discord_configs", "msteams_configs"]
    static let webhookKeys = ["send_resolved", "http_config", "url", "url_file", "max_alerts"]
    static let slackKeys = ["send_resolved", "http_config", "api_url", "api_url_file", "channel", "username", "color", "title",
                            "title_link", "pretext", "text", "fields", "short_fields", "footer", "fallback", "callback_id",
                            "icon_emoji", "icon_url", "image_url", "thumb_url", "link_names", "mrkdwn_in", "actions"]
    static let pagerdutyKeys = ["send_resolved", "http_config", "routing_key", "routing_key_file", "service_key", "service_key_file",
                                "url", "client", "client_url", "description", "details", "images", "links", "source", "severity",
                                "class", "component", "group"]
    static let inhibitKeys = ["source_matchers", "target_matchers", "source_match", "source_match_re", "target_match",
                              "target_match_re", "equal"]

    struct Globals {
        var resolveTimeout = AlertingConfig.defaultResolveTimeout
        var slackURL: String?
        var pagerdutyURL = "https://events.pagerduty.com/v2/enqueue"
    }

    func string(_ tree: YAMLTree) throws(DocumentError) -> String { try substitute(try tree.string(), tree) }

    func strings(_ tree: YAMLTree) throws(DocumentError) -> [String] {
        var result: [String] = []
        for item in try tree.sequence(maximum: AlertingConfig.maxItems) { result.append(try string(item)) }
        return result
    }

    func duration(_ tree: YAMLTree) throws(DocumentError) -> Int64 {
        let text = try string(tree)
        guard let ms = DurationText.milliseconds(text) else { throw tree.error("not a duration: '\(text.prefix(64))' (write 30s, 5m, 4h)") }
        return ms * 1000
    }

    func labelMap(_ tree: YAMLTree) throws(DocumentError) -> [(String, String, YAMLTree)] {
        guard case .mapping(let mapping) = tree.node else { throw tree.error("must be a mapping of label names to values") }
        var result: [(String, String, YAMLTree)] = []
        for (key, value) in mapping {
            let keyTree = YAMLTree(key, path: tree.path)
            let name = try keyTree.string()
            let item = YAMLTree(value, path: tree.path + "." + name)
            result.append((name, try string(item), item))
        }
        return result
    }

    /// `matchers` lists (each item one or more matchers) plus the legacy `match` and `match_re` maps.
    func matchers(list: YAMLTree?, match: YAMLTree?, matchRE: YAMLTree?) throws(DocumentError) -> [Matcher] {
        var result: [Matcher] = []
        if let match, !match.isNull {
            for (name, value, item) in try labelMap(match) {
                guard LabelName.isValid(name) else { throw item.error("\"\(name)\" is not a valid label name") }
                do { result.append(try Matcher(name: name, kind: .equal, value: value)) } catch { throw item.error(error.message) }
            }
        }
        if let matchRE, !matchRE.isNull {
            for (name, value, item) in try labelMap(matchRE) {
                guard LabelName.isValid(name) else { throw item.error("\"\(name)\" is not a valid label name") }
                do { result.append(try Matcher(name: name, kind: .regex, value: value)) } catch { throw item.error(error.message) }
            }
        }
        if let list, !list.isNull {
            for item in try list.sequence(maximum: AlertingConfig.maxItems) {
                let text = try string(item)
                do { result.append(contentsOf: try MatcherParser.parseList(text)) } catch { throw item.error(error.message) }
            }
        }
        return result
    }

    mutating func read(_ tree: YAMLTree, original: String) throws(DocumentError) -> AlertingConfig {
        let root = try tree.mapping(known: Self.rootKeys)
        var globals = Globals()
        if let global = root["global"], !global.isNull {
            let g = try global.mapping(known: Self.globalKeys)
            if let t = g["resolve_timeout"] { globals.resolveTimeout = try duration(t) }
            if let s = g["slack_api_url"] { globals.slackURL = try string(s) }
            if let p = g["pagerduty_url"] { globals.pagerdutyURL = try string(p) }
        }
        var receivers: [Receiver] = []
        if let list = root["receivers"], !list.isNull {
            for item in try list.sequence(maximum: AlertingConfig.maxItems) {
                let receiver = try readReceiver(item, globals: globals)
                if receivers.contains(where: { $0.name == receiver.name }) {
                    throw item.error("notification config name \"\(receiver.name)\" is not unique")
                }
                receivers.append(receiver)
            }
        }
        var intervals: [String: [TimeInterval]] = [:]
        for key in ["time_intervals", "mute_time_intervals"] {
            guard let list = root[key], !list.isNull else { continue }
            for item in try list.sequence(maximum: AlertingConfig.maxItems) {
                let fields = try item.mapping(known: ["name", "time_intervals"])
                guard let nameTree = fields["name"] else { throw item.error("a time interval needs a name") }
                let name = try string(nameTree)
                guard intervals[name] == nil else { throw nameTree.error("time interval \"\(name)\" is not unique") }
                var entries: [TimeInterval] = []
                if let list = fields["time_intervals"], !list.isNull {
                    for entry in try list.sequence(maximum: AlertingConfig.maxItems) { entries.append(try TimeInterval.read(entry)) }
                }
                intervals[name] = entries
            }
        }
        guard let routeTree = root["route"], !routeTree.isNull else { throw tree.error("no route provided in config") }
        let routeFields = try routeTree.mapping(known: Self.routeKeys)
        if routeFields["matchers"] != nil || routeFields["match"] != nil || routeFields["match_re"] != nil {
            throw routeTree.error("root route must not have any matchers")
        }
        if let c = routeFields["continue"], try c.bool() { throw c.error("cannot have continue in root route") }
        guard routeFields["receiver"] != nil else { throw routeTree.error("root route must specify a default receiver") }
        let route = try readRoute(routeTree, parent: nil, receivers: receivers, intervals: intervals)
        var rules: [InhibitRule] = []
        if let list = root["inhibit_rules"], !list.isNull {
            for item in try list.sequence(maximum: AlertingConfig.maxItems) {
                let f = try item.mapping(known: Self.inhibitKeys)
                let source = try matchers(list: f["source_matchers"], match: f["source_match"], matchRE: f["source_match_re"])
                let target = try matchers(list: f["target_matchers"], match: f["target_match"], matchRE: f["target_match_re"])
                var equal: [String] = []
                if let e = f["equal"], !e.isNull {
                    equal = try strings(e)
                    if let bad = equal.first(where: { !LabelName.isValid($0) }) { throw e.error("invalid label name \"\(bad)\" in equal") }
                }
                rules.append(InhibitRule(sourceMatchers: source, targetMatchers: target, equal: equal))
            }
        }
        return AlertingConfig(resolveTimeout: globals.resolveTimeout, route: route, receivers: receivers, inhibitRules: rules,
                              timeIntervals: intervals, original: original)
    }

    func readReceiver(_ item: YAMLTree, globals: Globals) throws(DocumentError) -> Receiver {
        let f = try item.mapping(known: ["name"] + Self.receiverKinds)
        guard let nameTree = f["name"] else { throw item.error("missing name in receiver") }
        var receiver = Receiver(name: try string(nameTree))
        for kind in Self.receiverKinds {
            guard let list = f[kind], !list.isNull else { continue }
            let items = try list.sequence(maximum: 100)
            switch kind {
            case "webhook_configs":
                for w in items {
                    let c = try w.mapping(known: Self.webhookKeys)
                    guard let url = c["url"] else { throw w.error("one of url or url_file must be configured") }
                    let text = try string(url)
                    guard text.hasPrefix("http://") || text.hasPrefix("https://") else { throw url.error("unsupported scheme in webhook URL \"\(text.prefix(200))\"") }
                    let maxAlerts = try c["max_alerts"].map { t throws(DocumentError) in try t.integer() } ?? 0
                    guard maxAlerts >= 0 else { throw w.error("max_alerts must not be negative") }
                    receiver.webhooks.append(WebhookConfig(url: text, sendResolved: try c["send_resolved"]?.bool() ?? true, maxAlerts: maxAlerts))
                }
            case "slack_configs":
                for s in items {
                    let c = try s.mapping(known: Self.slackKeys)
                    guard let url = try c["api_url"].map({ t throws(DocumentError) in try string(t) }) ?? globals.slackURL else {
                        throw s.error("no global Slack API URL set either inline or in a file")
                    }
                    receiver.slack.append(SlackConfig(apiURL: url, channel: try c["channel"].map { t throws(DocumentError) in try string(t) },
                                                      username: try c["username"].map { t throws(DocumentError) in try string(t) },
                                                      title: try c["title"].map { t throws(DocumentError) in try string(t) },
                                                      text: try c["text"].map { t throws(DocumentError) in try string(t) },
                                                      sendResolved: try c["send_resolved"]?.bool() ?? false))
                }
            case "pagerduty_configs":
                for p in items {
                    let c = try p.mapping(known: Self.pagerdutyKeys)
                    guard let key = c["routing_key"] ?? c["service_key"] else {
                        throw p.error("missing service or routing key in PagerDuty config")
                    }
                    receiver.pagerduty.append(PagerDutyConfig(routingKey: try string(key),
                                                              url: try c["url"].map { t throws(DocumentError) in try string(t) } ?? globals.pagerdutyURL,
                                                              severity: try c["severity"].map { t throws(DocumentError) in try string(t) },
                                                              description: try c["description"].map { t throws(DocumentError) in try string(t) },
                                                              sendResolved: try c["send_resolved"]?.bool() ?? true))
                }
            default:
                receiver.unsupported.append(kind)
            }
        }
        return receiver
    }

    struct Inherited {
        var receiver: String
        var groupBy: [String]
        var groupByAll: Bool
        var groupWait: Int64
        var groupInterval: Int64
        var repeatInterval: Int64
        var key: String
    }

    mutating func readRoute(_ tree: YAMLTree, parent: Inherited?, receivers: [Receiver], intervals: [String: [TimeInterval]])
        throws(DocumentError) -> Route {
        routeCount += 1
        guard routeCount <= AlertingConfig.maxItems else { throw tree.error("more than \(AlertingConfig.maxItems) routes") }
        let f = try tree.mapping(known: Self.routeKeys)
        var own = parent ?? Inherited(receiver: "", groupBy: [], groupByAll: false, groupWait: AlertingConfig.defaultGroupWait,
                                      groupInterval: AlertingConfig.defaultGroupInterval,
                                      repeatInterval: AlertingConfig.defaultRepeatInterval, key: "")
        if let r = f["receiver"] {
            own.receiver = try string(r)
            guard receivers.contains(where: { $0.name == own.receiver }) else { throw r.error("undefined receiver \"\(own.receiver)\" used in route") }
        }
        if let g = f["group_by"], !g.isNull {
            let names = try strings(g)
            if names.contains("...") {
                guard names.count == 1 else { throw g.error("cannot have wildcard group_by (`...`) and other other labels at the same time") }
                own.groupBy = []
                own.groupByAll = true
            } else {
                var seen = Set<String>()
                for name in names {
                    guard LabelName.isValid(name) else { throw g.error("invalid label name \"\(name)\" in group_by list") }
                    guard seen.insert(name).inserted else { throw g.error("duplicated label \"\(name)\" in group_by") }
                }
                own.groupBy = names
                own.groupByAll = false
            }
        }
        if let t = f["group_wait"] { own.groupWait = try duration(t) }
        if let t = f["group_interval"] {
            own.groupInterval = try duration(t)
            guard own.groupInterval > 0 else { throw t.error("group_interval cannot be zero") }
        }
        if let t = f["repeat_interval"] {
            own.repeatInterval = try duration(t)
            guard own.repeatInterval > 0 else { throw t.error("repeat_interval cannot be zero") }
        }
        let matchers = parent == nil ? [] : try self.matchers(list: f["matchers"], match: f["match"], matchRE: f["match_re"]).sorted(by: Matcher.ordered)
        let key = parent.map { $0.key + "/" } ?? ""
        own.key = key + matchers.description
        var mute: [String] = []
        var active: [String] = []
        for (field, target) in [("mute_time_intervals", 0), ("active_time_intervals", 1)] {
            guard let list = f[field], !list.isNull else { continue }
            let names = try strings(list)
            if let missing = names.first(where: { intervals[$0] == nil }) { throw list.error("undefined time interval \"\(missing)\" used in route") }
            if target == 0 { mute = names } else { active = names }
        }
        let index = routeCount - 1
        var children: [Route] = []
        if let list = f["routes"], !list.isNull {
            for child in try list.sequence(maximum: AlertingConfig.maxItems) {
                children.append(try readRoute(child, parent: own, receivers: receivers, intervals: intervals))
            }
        }
        return Route(matchers: matchers, receiver: own.receiver, groupBy: own.groupBy, groupByAll: own.groupByAll,
                     groupWait: own.groupWait, groupInterval: own.groupInterval, repeatInterval: own.repeatInterval,
                     continue: try f["continue"]?.bool() ?? false, muteTimeIntervals: mute, activeTimeIntervals: active,
                     routes: children, key: own.key, index: index)
    }
}
