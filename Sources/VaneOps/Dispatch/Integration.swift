import Crypto
import VaneText

/// One way a receiver is notified: a webhook, Slack or PagerDuty configuration, with the body it
/// sends for a notification.
public enum Integration: Sendable {
    case webhook(WebhookConfig)
    case slack(SlackConfig)
    case pagerduty(PagerDutyConfig)

    /// The integrations of `receiver`, each with its name and index (for the notification log).
    public static func all(of receiver: Receiver) -> [(name: String, index: Int, integration: Integration)] {
        receiver.webhooks.enumerated().map { ("webhook", $0.offset, .webhook($0.element)) }
            + receiver.slack.enumerated().map { ("slack", $0.offset, .slack($0.element)) }
            + receiver.pagerduty.enumerated().map { ("pagerduty", $0.offset, .pagerduty($0.element)) }
    }

    public var sendResolved: Bool {
        switch self {
        case .webhook(let c): c.sendResolved
        case .slack(let c): c.sendResolved
        case .pagerduty(let c): c.sendResolved
        }
    }

    /// The request for `notification` (already without resolved alerts where the integration
    /// does not send them).
    public func request(for notification: Notification) -> OutgoingRequest {
        switch self {
        case .webhook(let c):
            var n = notification
            if c.maxAlerts > 0, n.items.count > c.maxAlerts {
                n.truncated = n.items.count - c.maxAlerts
                n.items = Array(n.items.prefix(c.maxAlerts))
            }
            return OutgoingRequest(url: c.url, body: Integration.webhookBody(n))
        case .slack(let c):
            return OutgoingRequest(url: c.apiURL, body: Integration.slackBody(notification, config: c))
        case .pagerduty(let c):
            return OutgoingRequest(url: c.url, body: Integration.pagerdutyBody(notification, config: c))
        }
    }

    static func writeLabels(_ key: String, _ labels: LabelSet, to w: inout JSONWriter) {
        w.beginObject(key)
        for label in labels { w.field(label.name, label.value) }
        w.endObject()
    }

    /// Alertmanager's webhook message, version 4, with its keys in its order.
    static func webhookBody(_ n: Notification) -> [UInt8] {
        var w = JSONWriter(capacity: 512 + 384 * n.items.count)
        w.beginObject()
        w.field("receiver", n.receiver)
        w.field("status", n.status)
        w.beginArray("alerts")
        for item in n.items {
            w.beginObject()
            w.field("status", item.resolved ? "resolved" : "firing")
            writeLabels("labels", item.alert.labels, to: &w)
            writeLabels("annotations", item.alert.annotations, to: &w)
            w.field("startsAt", item.alert.startsAt.rfc3339Nano)
            w.field("endsAt", item.resolved ? item.alert.endsAt.rfc3339Nano : WireTime.zeroText)
            w.field("generatorURL", item.alert.generatorURL)
            w.field("fingerprint", item.alert.fingerprint.description)
            w.endObject()
        }
        w.endArray()
        writeLabels("groupLabels", n.groupLabels, to: &w)
        writeLabels("commonLabels", n.commonLabels, to: &w)
        writeLabels("commonAnnotations", n.commonAnnotations, to: &w)
        w.field("externalURL", n.externalURL)
        w.field("version", "4")
        w.field("groupKey", n.groupKey)
        w.field("truncatedAlerts", Int64(n.truncated))
        w.endObject()
        return w.bytes
    }

    /// Alertmanager's default subject: `[FIRING:2] group label values (other common labels)`.
    public static func subject(_ n: Notification) -> String {
        var text = "[\(n.status.uppercased())"
        if n.status == "firing" { text += ":\(n.firing.count)" }
        text += "] " + n.groupLabels.labels.map(\.value).joined(separator: " ")
        let common = n.commonLabels
        if common.count > n.groupLabels.count {
            let rest = common.labels.filter { n.groupLabels[$0.name] == nil }.map(\.value)
            text += " (" + rest.joined(separator: " ") + ")"
        }
        return text
    }

    static func alertmanagerURL(_ n: Notification) -> String {
        let receiver = n.receiver.addingPercentEncodingForQuery()
        return "\(n.externalURL)/#/alerts?receiver=\(receiver)"
    }

    /// A Slack-compatible incoming-webhook message with Alertmanager's default attachment.
    static func slackBody(_ n: Notification, config: SlackConfig) -> [UInt8] {
        let title = config.title.map { GoTemplate.render($0, n) } ?? subject(n)
        let link = alertmanagerURL(n)
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        if let channel = config.channel { w.field("channel", GoTemplate.render(channel, n)) }
        w.field("username", config.username.map { GoTemplate.render($0, n) } ?? "Vane")
        w.beginArray("attachments")
        w.beginObject()
        w.field("title", title)
        w.field("title_link", link)
        let text = config.text.map { GoTemplate.render($0, n) } ?? ""
        if !text.isEmpty { w.field("text", text) }
        w.field("fallback", "\(title) | \(link)")
        w.field("color", n.status == "firing" ? "danger" : "good")
        w.beginArray("mrkdwn_in")
        for field in ["fallback", "pretext", "text"] { w.element(field) }
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// PagerDuty Events API v2: trigger while anything fires, resolve after; the dedup key is the
    /// SHA-256 of the group key, as Alertmanager makes it.
    static func pagerdutyBody(_ n: Notification, config: PagerDutyConfig) -> [UInt8] {
        let digest = SHA256.hash(data: Array(n.groupKey.utf8)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        var summary = config.description.map { GoTemplate.render($0, n) } ?? subject(n)
        if summary.count > 1024 { summary = String(summary.prefix(1023)) + "…" }
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.field("routing_key", config.routingKey)
        w.field("dedup_key", digest)
        w.field("event_action", n.status == "firing" ? "trigger" : "resolve")
        w.beginObject("payload")
        w.field("summary", summary)
        w.field("source", "Vane")
        w.field("severity", config.severity.map { GoTemplate.render($0, n) } ?? "error")
        w.beginObject("custom_details")
        w.field("firing", instances(n.firing))
        w.field("num_firing", String(n.firing.count))
        w.field("num_resolved", String(n.resolvedItems.count))
        w.field("resolved", instances(n.resolvedItems))
        w.endObject()
        w.endObject()
        w.field("client", "Vane")
        w.field("client_url", alertmanagerURL(n))
        w.endObject()
        return w.bytes
    }

    /// Alertmanager's `pagerduty.default.instances`: each alert's labels, annotations and source.
    static func instances(_ items: [Notification.Item]) -> String {
        var text = ""
        for item in items {
            text += "Labels:\n"
            for label in item.alert.labels { text += " - \(label.name) = \(label.value)\n" }
            text += "Annotations:\n"
            for annotation in item.alert.annotations { text += " - \(annotation.name) = \(annotation.value)\n" }
            text += "Source: \(item.alert.generatorURL)\n"
        }
        return text
    }
}

extension String {
    /// Go's `url.QueryEscape`.
    func addingPercentEncodingForQuery() -> String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): out += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
