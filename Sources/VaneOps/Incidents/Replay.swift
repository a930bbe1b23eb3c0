import Foundation
import VaneCore
import VaneText

/// `vane ops replay`: runs the incident engine over a recorded stream on the stream's own clock.
/// Each line of the events file is `{"at", "kind": "alerts", "alerts": [alerts as Prometheus
/// posts them]}` or `{"at", "kind": "change", "change": {"id", "type", "service", "description"}}`,
/// in time order. Alerts go through the same intake as `POST /api/v2/alerts` (merging re-sends,
/// filling in times) before the correlator sees them.
public struct Replay {
    public let graph: ServiceGraph
    public let settings: IncidentCorrelator.Settings
    public let alerting: AlertingConfig

    public init(graph: ServiceGraph, settings: IncidentCorrelator.Settings = .init(), alerting: AlertingConfig = .standard) {
        self.graph = graph
        self.settings = settings
        self.alerting = alerting
    }

    /// A line that could not be read: its number and why.
    public struct LineError: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The result: the incidents with their alerts and ranked suspects.
    public struct Result: Sendable {
        public var incidents: [(incident: Incident, rootCauses: [RootCause])]
        public var alertsReceived: Int
        public var events: Int
    }

    final class StreamClock: VaneClock, @unchecked Sendable {
        var millis: Int64 = 0
        func nowMillis() -> Int64 { millis }
    }

    /// Runs `lines` (the events file's lines); `progress` is called every 10,000 lines.
    public func run(lines: some Sequence<Substring>, progress: (Int) -> Void = { _ in }) throws -> Result {
        let clock = StreamClock()
        let intake = Alerting(config: alerting, store: AlertStore(limit: 10_000_000), clock: clock)
        var correlator = IncidentCorrelator(graph: graph, settings: settings)
        var count = 0
        var lastAt: Int64 = .min
        for raw in lines {
            count += 1
            if count % 10_000 == 0 { progress(count) }
            let line = raw.trimmingSpaces()
            if line.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw LineError(line: count, message: "not a JSON object")
            }
            guard let atText = object["at"] as? String, let at = WireTime(rfc3339: atText) else {
                throw LineError(line: count, message: "\"at\" must be an RFC 3339 time")
            }
            guard at.micros >= lastAt else { throw LineError(line: count, message: "events must be in time order (\(atText) is earlier than the line before)") }
            lastAt = at.micros
            clock.millis = at.micros / 1000
            correlator.advance(to: at.micros)
            switch object["kind"] as? String {
            case "alerts":
                guard let list = object["alerts"] as? [[String: Any]] else { throw LineError(line: count, message: "\"alerts\" must be a list of alerts") }
                var posted: [PostedAlert] = []
                for item in list {
                    guard let labels = item["labels"] as? [String: String] else { throw LineError(line: count, message: "an alert needs labels (strings)") }
                    let annotations = item["annotations"] as? [String: String] ?? [:]
                    posted.append(PostedAlert(labels: labels.map { Label($0.key, $0.value) }, annotations: annotations.map { Label($0.key, $0.value) },
                                              startsAt: (item["startsAt"] as? String).flatMap { WireTime(rfc3339: $0) },
                                              endsAt: (item["endsAt"] as? String).flatMap { WireTime(rfc3339: $0) },
                                              generatorURL: item["generatorURL"] as? String))
                }
                let accepted = posted.compactMap { try? $0.accepted(now: at, resolveTimeout: alerting.resolveTimeout).get() }
                intake.store.put(accepted, now: at.micros)
                for alert in accepted { correlator.observe(alert, at: at.micros) }
            case "change":
                guard let change = object["change"] as? [String: Any], let id = change["id"] as? String else {
                    throw LineError(line: count, message: "a change needs an id")
                }
                let when = (change["at"] as? String).flatMap { WireTime(rfc3339: $0) }?.micros ?? at.micros
                correlator.record(OpsChange(id: id, type: change["type"] as? String ?? "change", service: change["service"] as? String ?? "",
                                            at: when, description: change["description"] as? String ?? ""))
            default:
                throw LineError(line: count, message: "\"kind\" must be alerts or change")
            }
        }
        if lastAt > .min { correlator.advance(to: lastAt) }
        let incidents = correlator.liveIncidents.filter { !$0.alerts.isEmpty }.map { ($0, correlator.rootCauses(of: $0)) }
        return Result(incidents: incidents, alertsReceived: correlator.alertsReceived, events: count)
    }

    /// `{"incidents": [{"id", "alerts": [fingerprints], "root_causes": [{"kind", "name", "score", "evidence"}]}]}`.
    public static func json(_ result: Result) -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.beginArray("incidents")
        for (incident, causes) in result.incidents {
            w.beginObject()
            w.field("id", incident.id)
            w.field("state", incident.state.rawValue)
            w.field("opened_at", WireTime(micros: incident.openedAt).description)
            if let resolved = incident.resolvedAt { w.field("resolved_at", WireTime(micros: resolved).description) }
            w.beginArray("alerts")
            for fingerprint in incident.alerts { w.element(fingerprint.description) }
            w.endArray()
            w.beginArray("services")
            for service in incident.services.sorted() { w.element(service) }
            w.endArray()
            RootCause.write(causes, to: &w)
            w.endObject()
        }
        w.endArray()
        w.field("alerts_received", Int64(result.alertsReceived))
        w.endObject()
        return w.bytes
    }
}
