import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import VaneAuth
import VaneCore
import VaneOps
import VaneText

/// The operations side in Vane's API: incidents (list, show, acknowledge, resolve), change events
/// from CI/CD, the on-call summary, and an intake for an existing Alertmanager's webhook.
extension VaneAPIRoutes {
    var opsRoutes: [Route] {
        guard let incidents, let alerting else { return [] }
        return [
            Route(method: .get, path: "incidents") { request, _ in try Self.listIncidents(request, incidents) },
            Route(method: .get, path: "incidents/:id") { _, context in
                let id = try context.parameters.require("id")
                guard let found = incidents.incident(id) else { throw VaneError.notFound("Incident '\(id.prefix(64))' does not exist.") }
                var w = JSONWriter(capacity: 2048)
                Self.write(found.incident, causes: found.rootCauses, alerts: found.alerts, to: &w)
                return w.response()
            },
            Route(method: .post, path: "incidents/:id/ack") { request, context in
                try await Self.act(request, context, incidents, resolve: false)
            },
            Route(method: .post, path: "incidents/:id/resolve") { request, context in
                try await Self.act(request, context, incidents, resolve: true)
            },
            Route(method: .get, path: "changes") { _, _ in Self.listChanges(incidents) },
            Route(method: .post, path: "changes") { request, _ in try await Self.recordChanges(request, incidents, changes) },
            Route(method: .get, path: "ops/summary") { _, _ in Self.summary(incidents) },
            Route(method: .post, path: "alertmanager/webhook") { request, _ in try await Self.webhook(request, alerting) },
            Route(method: .post, path: "silences/until-resolved") { request, _ in try await Self.silenceUntilResolved(request, alerting) },
        ] + (history.map { history in
            [Route(method: .get, path: "alerts/history") { request, _ in try Self.alertHistory(request, history) }]
        } ?? [])
    }

    static func listIncidents(_ request: Request, _ incidents: IncidentService) throws -> Response {
        let parameters = request.uri.queryParameters
        var state: Incident.State?
        if let text = parameters["state"] {
            guard let parsed = Incident.State(rawValue: String(text)) else {
                throw VaneError.invalid("state must be open, acknowledged or resolved, not '\(text.prefix(32))'.")
            }
            state = parsed
        }
        var limit = 100
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...10_000).contains(value) else { throw VaneError.invalid("limit must be an integer from 1 to 10000.") }
            limit = value
        }
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.beginArray("incidents")
        for incident in incidents.incidents(state: state, limit: limit) {
            write(incident, causes: nil, alerts: nil, to: &w)
        }
        w.endArray()
        w.endObject()
        return w.response()
    }

    static func write(_ incident: Incident, causes: [RootCause]?, alerts: [(Fingerprint, LabelSet)]?, to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", incident.id)
        w.field("state", incident.state.rawValue)
        w.field("opened_at", WireTime(micros: incident.openedAt).description)
        if let resolved = incident.resolvedAt { w.field("resolved_at", WireTime(micros: resolved).description) }
        w.field("first_alert_at", WireTime(micros: incident.firstAlertAt).description)
        w.field("noise", incident.noise)
        w.beginArray("alerts")
        if let alerts {
            for (fingerprint, labels) in alerts {
                w.beginObject()
                w.field("fingerprint", fingerprint.description)
                w.beginObject("labels")
                for label in labels { w.field(label.name, label.value) }
                w.endObject()
                w.endObject()
            }
        } else {
            for fingerprint in incident.alerts {
                w.beginObject()
                w.field("fingerprint", fingerprint.description)
                w.endObject()
            }
        }
        w.endArray()
        w.beginArray("services")
        for service in incident.services.sorted() { w.element(service) }
        w.endArray()
        w.beginArray("hosts")
        for host in incident.hosts.sorted() { w.element(host) }
        w.endArray()
        if let causes {
            RootCause.write(causes, to: &w)
            w.beginArray("timeline")
            for event in incident.timeline {
                w.beginObject()
                w.field("at", WireTime(micros: event.at).description)
                w.field("kind", event.kind)
                w.field("detail", event.detail)
                w.field("by", event.by)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
    }

    static func act(_ request: Request, _ context: Context, _ incidents: IncidentService, resolve: Bool) async throws -> Response {
        let id = try context.parameters.require("id")
        let bytes = try await BodyReader.collect(request, limit: 64 * 1024)
        var by = context.identity?.name ?? "anonymous"
        var comment = ""
        var noise = false
        if !bytes.isEmpty {
            guard case .object(let fields) = try JSONValue.parse(bytes, maxValues: 100) else { throw VaneError.invalid("The body must be a JSON object.") }
            // With authentication on, the caller is who acted; without, the body may say.
            let anonymous = context.identity == nil || context.identity?.method == Principal.anonymous.method
            if anonymous, case .string(let name)? = fields["by"], !name.isEmpty { by = String(name.prefix(200)) }
            if case .string(let text)? = fields["comment"] { comment = String(text.prefix(2000)) }
            if case .bool(let flag)? = fields["noise"] { noise = flag }
        }
        let action: IncidentCorrelator.Action = resolve ? (noise ? .resolveAsNoise : .resolve) : .acknowledge
        let incident = try incidents.act(on: id, action: action, by: by, comment: comment)
        guard let found = incidents.incident(incident.id) else { throw VaneError.notFound("Incident '\(id.prefix(64))' does not exist.") }
        var w = JSONWriter(capacity: 2048)
        write(found.incident, causes: found.rootCauses, alerts: found.alerts, to: &w)
        return w.response()
    }

    static func listChanges(_ incidents: IncidentService) -> Response {
        var w = JSONWriter(capacity: 2048)
        w.beginObject()
        w.beginArray("changes")
        for change in incidents.changes {
            w.beginObject()
            w.field("id", change.id)
            w.field("type", change.type)
            w.field("service", change.service)
            w.field("at", WireTime(micros: change.at).description)
            w.field("description", change.description)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.response()
    }

    /// The most change events one request records.
    static var maxChanges: Int { 10_000 }

    static func recordChanges(_ request: Request, _ incidents: IncidentService, _ log: (any ChangeRecorder)?) async throws -> Response {
        let bytes = try await BodyReader.collect(request, limit: 8 * 1024 * 1024)
        let root = try JSONValue.parse(bytes, maxValues: maxChanges * 8)
        let items: [JSONValue]
        switch root {
        case .array(let list): items = list
        case .object: items = [root]
        default: throw VaneError.invalid("The body must be a change object or an array of them.")
        }
        guard items.count <= maxChanges else { throw VaneError.invalid("At most \(maxChanges) changes per request; got \(items.count).") }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var changes: [ChangeEvent] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item else { throw VaneError.invalid("Change \(index) is not an object.") }
            func text(_ key: String, required: Bool, max: Int = 256) throws -> String? {
                guard let value = fields[key], value != .null else {
                    if required { throw VaneError.invalid("Change \(index) needs '\(key)'.") }
                    return nil
                }
                guard case .string(let s) = value, !s.isEmpty, s.utf8.count <= max else {
                    throw VaneError.invalid("Change \(index): '\(key)' must be a non-empty string of at most \(max) bytes.")
                }
                return s
            }
            let type = try text("type", required: true)!
            let service = try text("service", required: true)!
            let id = try text("id", required: false) ?? Identifiers.hex32()
            let description = try text("description", required: false, max: 4096) ?? "\(type) on \(service)"
            var at = now
            if let when = try text("at", required: false) {
                guard let time = WireTime(rfc3339: when) else { throw VaneError.invalid("Change \(index): 'at' must be an RFC 3339 time.") }
                at = time.micros / 1000
            }
            changes.append(ChangeEvent(id: id, time: at, kind: type, subject: service, action: type, summary: description, details: ["source": "api"]))
        }
        for change in changes {
            await log?.record(change)
            await incidents.record(change)
        }
        var w = JSONWriter()
        w.beginObject()
        w.field("recorded", Int64(changes.count))
        w.endObject()
        return w.response()
    }

    static func summary(_ incidents: IncidentService) -> Response {
        let s = incidents.summary
        var w = JSONWriter()
        w.beginObject()
        w.field("alerts_received", Int64(s.alertsReceived))
        w.field("incidents", Int64(s.incidents))
        w.field("incidents_open", Int64(s.open))
        w.field("alerts_per_incident", s.alertsPerIncident)
        w.field("mttd_seconds", s.mttdSeconds)
        w.field("mttr_seconds", s.mttrSeconds)
        w.field("noise_share", s.noiseShare)
        w.endObject()
        return w.response()
    }

    /// An Alertmanager webhook message: each alert as Alertmanager last saw it. A firing one
    /// (`endsAt` the zero time) enters without an end, a resolved one with its end.
    static func webhook(_ request: Request, _ alerting: Alerting) async throws -> Response {
        let bytes = try await BodyReader.collect(request, limit: 16 * 1024 * 1024)
        guard case .object(let fields) = try JSONValue.parse(bytes, maxValues: 1_000_000), case .array(let items)? = fields["alerts"] else {
            throw VaneError.invalid("An Alertmanager webhook message is an object with an 'alerts' array.")
        }
        var posted: [PostedAlert] = []
        for (index, item) in items.enumerated() {
            guard case .object(let alert) = item, case .object(let labels)? = alert["labels"] else {
                throw VaneError.invalid("Alert \(index) of the message has no labels.")
            }
            func pairs(_ map: [String: JSONValue]) -> [Label] {
                map.compactMap { key, value in if case .string(let s) = value { Label(key, s) } else { nil } }
            }
            var annotations: [Label] = []
            if case .object(let map)? = alert["annotations"] { annotations = pairs(map) }
            func time(_ key: String) -> WireTime? {
                guard case .string(let s)? = alert[key], s != WireTime.zeroText, let t = WireTime(rfc3339: s), t.micros > 0 else { return nil }
                return t
            }
            let resolved: Bool = { if case .string("resolved")? = alert["status"] { true } else { false } }()
            var generator: String?
            if case .string(let url)? = alert["generatorURL"], !url.isEmpty { generator = url }
            posted.append(PostedAlert(labels: pairs(labels), annotations: annotations, startsAt: time("startsAt"),
                                      endsAt: resolved ? time("endsAt") : nil, generatorURL: generator))
        }
        let outcome = try await alerting.postDurably(posted)
        guard outcome.errors.isEmpty else { throw VaneError.invalid(outcome.errors.joined(separator: "; ")) }
        var w = JSONWriter()
        w.beginObject()
        w.field("received", Int64(outcome.stored))
        w.endObject()
        return w.response()
    }

    /// `GET alerts/history?since=&until=&filter=&limit=`: alert episodes that overlap the window
    /// (default the last 24 hours), by start.
    static func alertHistory(_ request: Request, _ history: AlertHistory) throws -> Response {
        let parameters = request.uri.queryParameters
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        func time(_ key: String, _ fallback: Int64) throws -> Int64 {
            guard let text = parameters[key[...]] else { return fallback }
            if let t = WireTime(rfc3339: String(text)) { return t.micros }
            if let ms = DurationText.milliseconds(String(text)) { return now - ms * 1000 }
            throw VaneError.invalid("\(key) must be an RFC 3339 time or a duration back from now (24h), not '\(text.prefix(64))'.")
        }
        let since = try time("since", now - 86_400_000_000)
        let until = try time("until", now)
        guard since <= until else { throw VaneError.invalid("since must not be after until.") }
        var limit = 1000
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...100_000).contains(value) else { throw VaneError.invalid("limit must be an integer from 1 to 100000.") }
            limit = value
        }
        var matchers: [Matcher] = []
        for text in parameters.getAll("filter").prefix(100) {
            do { matchers.append(try MatcherParser.parse(String(text))) } catch { throw VaneError.invalid(error.message) }
        }
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.beginArray("episodes")
        for episode in history.episodes(since: since, until: until, matchers: matchers, limit: limit) {
            w.beginObject()
            w.field("fingerprint", episode.fingerprint.description)
            w.beginObject("labels")
            for label in episode.labels { w.field(label.name, label.value) }
            w.endObject()
            w.field("starts_at", episode.startsAt.description)
            if let end = episode.endsAt {
                w.field("ends_at", end.description)
                w.field("duration_seconds", Double(end.micros - episode.startsAt.micros) / 1_000_000)
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.response()
    }

    /// `POST silences/until-resolved`: `{"matchers": [Alertmanager matchers], "createdBy", "comment"}`;
    /// a silence that expires by itself once no alert it matches fires.
    static func silenceUntilResolved(_ request: Request, _ alerting: Alerting) async throws -> Response {
        let bytes = try await BodyReader.collect(request, limit: 1 << 20)
        guard case .object(var fields) = try JSONValue.parse(bytes, maxValues: 10_000) else { throw VaneError.invalid("The body must be an object.") }
        let now = alerting.now()
        fields["startsAt"] = .string(now.description)
        fields["endsAt"] = .string(now.adding(micros: 30 * 86_400_000_000).description)
        let comment: String = { if case .string(let c)? = fields["comment"] { c } else { "" } }()
        fields["comment"] = .string(SilenceWatcher.untilResolvedMarker + comment)
        if fields["createdBy"] == nil { fields["createdBy"] = .string("vane") }
        var w = JSONWriter()
        Self.write(.object(fields), into: &w)
        let posted: PostedSilence
        do { posted = try AlertmanagerWire.postedSilence(w.bytes) } catch let error as AlertmanagerError {
            if case .text(let message) = error.body { throw VaneError.invalid(message) }
            if case .coded(_, let message) = error.body { throw VaneError.invalid(message) }
            throw VaneError.invalid("invalid silence")
        }
        let id: String
        do { id = try alerting.silences.post(posted, now: now) } catch { throw VaneError.invalid(error.message) }
        var out = JSONWriter()
        out.beginObject()
        out.field("silenceID", id)
        out.endObject()
        return out.response()
    }

    /// A parsed JSON value written back.
    static func write(_ value: JSONValue, into w: inout JSONWriter) {
        switch value {
        case .null: w.raw(Array("null".utf8))
        case .bool(let b): w.raw(Array((b ? "true" : "false").utf8))
        case .int(let i): w.rawNumber(i)
        case .double(let d): w.rawNumber(d)
        case .string(let s): w.writeString(s)
        case .array(let items):
            w.rawByte(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { w.rawByte(UInt8(ascii: ",")) }
                write(item, into: &w)
            }
            w.rawByte(UInt8(ascii: "]"))
        case .object(let fields):
            w.rawByte(UInt8(ascii: "{"))
            for (index, (key, item)) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { w.rawByte(UInt8(ascii: ",")) }
                w.writeString(key)
                w.rawByte(UInt8(ascii: ":"))
                write(item, into: &w)
            }
            w.rawByte(UInt8(ascii: "}"))
        }
    }
}
