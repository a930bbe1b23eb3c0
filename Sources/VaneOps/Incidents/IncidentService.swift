import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import VaneCore

extension IncidentService: ChangeRecorder {
    /// A change recorded by another part of Vane (a deployment applied, a rollout step): its
    /// subject is the service.
    public func record(_ event: ChangeEvent) async {
        record(OpsChange(id: event.id, type: event.kind == "deployment" ? "deployment.\(event.action)" : event.kind, service: event.subject,
                         at: event.time * 1000, description: event.summary))
    }
}

/// The incident engine inside `vane server`: it sees every alert Vane receives and every change
/// recorded, moves its clock every second, and reports what on-call teams are judged by.
///
/// An open incident is also an alert, `alertname="VaneIncident"` with `vane_incident="<id>"`,
/// posted to Vane's own intake every minute while the incident lasts and resolved with it: the
/// routing tree, silences and receivers of `alerting:` notify incidents as they do any alert.
public final class IncidentService: AlertObserver, Service, Sendable {
    struct State {
        var correlator: IncidentCorrelator
        var silences = SilenceWatcher()
        /// When each open incident's alert was last posted.
        var posted: [String: Int64] = [:]
        /// The incidents counted as opened (a reopened one is not counted again).
        var counted: Set<String> = []
        var opened = 0
        var resolvedByPeople = 0
    }

    let state: Mutex<State>
    let alerting: Alerting
    let clock: any VaneClock
    let tick: Duration
    let logger: Logger
    /// Where the incidents are written after a person acts on one; nil keeps them in memory.
    let snapshotPath: String?
    /// Orders snapshot writes.
    let writing = Mutex(())
    let metrics: (alerts: Counter, opened: Counter, open: Gauge, perIncident: Gauge, mttd: Gauge, mttr: Gauge, noise: Gauge)

    /// The label that marks Vane's own incident alerts (the engine does not correlate them).
    public static let incidentLabel = "vane_incident"

    public init(alerting: Alerting, graph: ServiceGraph, settings: IncidentCorrelator.Settings = .init(), clock: any VaneClock = SystemClock(),
                tick: Duration = .seconds(1), logger: Logger = Logger(label: "vane.incidents"), metricsFactory: (any MetricsFactory)? = nil,
                snapshotPath: String? = nil) {
        self.snapshotPath = snapshotPath
        self.alerting = alerting
        self.clock = clock
        self.tick = tick
        self.logger = logger
        self.state = Mutex(State(correlator: IncidentCorrelator(graph: graph, settings: settings)))
        let factory = metricsFactory ?? MetricsSystem.factory
        metrics = (Counter(label: "vane_alerts_received_total", factory: factory),
                   Counter(label: "vane_incidents_opened_total", factory: factory),
                   Gauge(label: "vane_incidents_open", factory: factory),
                   Gauge(label: "vane_alerts_per_incident", factory: factory),
                   Gauge(label: "vane_incident_mttd_seconds", factory: factory),
                   Gauge(label: "vane_incident_mttr_seconds", factory: factory),
                   Gauge(label: "vane_incidents_noise_ratio", factory: factory))
        alerting.subscribe(self)
    }

    func nowMicros() -> Int64 { clock.nowMillis() * 1000 }

    // MARK: input

    public func alertsReceived(posted: [Alert], stored: AlertStore.Put, now: Int64) {
        // `posted` is what the store was given, in order: `stored.texts` lines up with it.
        let real = posted.indices.filter { posted[$0].labels[Self.incidentLabel] == nil }
        guard !real.isEmpty else { return }
        metrics.alerts.increment(by: real.count)
        state.withLock { state in
            for i in real { state.correlator.observe(posted[i], text: i < stored.texts.count ? stored.texts[i] : nil, at: now) }
        }
    }

    public func configurationChanged(_ config: AlertingConfig) {}

    /// Replaces the service graph and the settings (a reload); incidents and alerts stay.
    public func apply(graph: ServiceGraph, settings: IncidentCorrelator.Settings) {
        state.withLock { state in
            state.correlator.graph = graph
            state.correlator.settings = settings
        }
    }

    /// The service graph in force.
    public var graph: ServiceGraph { state.withLock { $0.correlator.graph } }

    /// The changes the engine holds as suspects, oldest first.
    public var changes: [OpsChange] { state.withLock { $0.correlator.changes } }

    /// Records a change (a deploy, a configuration change, a rollout) as a suspect.
    public func record(_ change: OpsChange) {
        state.withLock { $0.correlator.record(change) }
    }

    // MARK: time

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.tick) }
            step()
        }
    }

    /// One tick: the correlator's clock moves; incident alerts are posted for what opened, is
    /// still open (every minute) or resolved; the gauges are set.
    public func step() {
        let now = nowMicros()
        var toPost: [PostedAlert] = []
        var newlyOpened = 0
        let summary: Summary = state.withLock { state in
            let before = Set(state.correlator.liveIncidents.filter { $0.state != .resolved }.map(\.id))
            state.correlator.advance(to: now)
            for incident in state.correlator.liveIncidents where !incident.alerts.isEmpty {
                let open = incident.state != .resolved
                if open, !before.contains(incident.id), state.counted.insert(incident.id).inserted {
                    state.opened += 1
                    newlyOpened += 1
                }
                if open, now - (state.posted[incident.id] ?? .min / 2) >= 60_000_000 {
                    toPost.append(incidentAlert(incident, causes: state.correlator.rootCauses(of: incident, limit: 3), now: now))
                    state.posted[incident.id] = now
                } else if !open, state.posted[incident.id] != nil {
                    toPost.append(incidentAlert(incident, causes: state.correlator.rootCauses(of: incident, limit: 3), now: now))
                    state.posted[incident.id] = nil
                }
            }
            return Self.summarize(state)
        }
        toPost += state.withLock { $0.silences.check(alerting, now: now) }
        if !toPost.isEmpty { _ = alerting.post(toPost) }
        metrics.open.record(summary.open)
        metrics.perIncident.record(summary.alertsPerIncident)
        metrics.mttd.record(summary.mttdSeconds)
        metrics.mttr.record(summary.mttrSeconds)
        metrics.noise.record(summary.noiseShare)
        if newlyOpened > 0 { metrics.opened.increment(by: newlyOpened) }
    }

    func incidentAlert(_ incident: Incident, causes: [RootCause], now: Int64) -> PostedAlert {
        let top = causes.first
        var labels = [Label("alertname", "VaneIncident"), Label(Self.incidentLabel, incident.id), Label("severity", "critical")]
        if let top { labels.append(Label("root_cause", "\(top.kind.rawValue):\(top.name)")) }
        let services = incident.services.sorted()
        let summary = "\(incident.alerts.count) alerts on \(services.prefix(5).joined(separator: ", "))\(services.count > 5 ? " and \(services.count - 5) more" : "")"
            + (top.map { "; probable cause: \($0.kind.rawValue) \($0.name)" } ?? "")
        var annotations = [Label("summary", summary), Label("state", incident.state.rawValue)]
        if !causes.isEmpty {
            annotations.append(Label("root_causes", causes.map { "\($0.kind.rawValue) \($0.name) (\(String(format: "%.2f", $0.score)))" }.joined(separator: "; ")))
        }
        let resolved = incident.state == .resolved
        return PostedAlert(labels: labels, annotations: annotations, startsAt: WireTime(micros: incident.openedAt),
                           endsAt: WireTime(micros: resolved ? max(incident.resolvedAt ?? now, incident.openedAt) : now + 5 * 60_000_000))
    }

    // MARK: queries and actions

    /// The incidents, newest first, optionally of one state.
    public func incidents(state wanted: Incident.State? = nil, limit: Int = 100) -> [Incident] {
        state.withLock { state in
            state.correlator.liveIncidents.filter { !$0.alerts.isEmpty && (wanted == nil || $0.state == wanted) }
                .sorted { $0.openedAt > $1.openedAt }.prefix(limit).map { $0 }
        }
    }

    /// One incident with its suspects and the labels of its alerts.
    public func incident(_ id: String) -> (incident: Incident, rootCauses: [RootCause], alerts: [(Fingerprint, LabelSet)])? {
        state.withLock { state in
            guard let incident = state.correlator.liveIncidents.first(where: { $0.id == id }) else { return nil }
            let alerts = incident.alerts.compactMap { f in state.correlator.labels(of: f).map { (f, $0) } }
            return (incident, state.correlator.rootCauses(of: incident), alerts)
        }
    }

    /// A person acknowledges or resolves an incident (as noise, when it was a false positive).
    public func act(on id: String, action: IncidentCorrelator.Action, by: String, comment: String = "") throws(VaneError) -> Incident {
        let now = nowMicros()
        let incident = try state.withLock { (state: inout State) throws(VaneError) -> Incident in
            let incident = try state.correlator.act(on: id, action: action, by: by, comment: comment, at: now)
            if action != .acknowledge { state.resolvedByPeople += 1 }
            return incident
        }
        do { try saveSnapshot() } catch {
            throw VaneError(.unavailable, "The incident changed but could not be written: \(error)")
        }
        return incident
    }

    /// Writes the incidents to ``snapshotPath`` now: from a copy of the engine taken under its
    /// lock (its buffers shared until the next change), written outside it, so that alerts keep
    /// arriving while a large state is written. Writes are one at a time, each from a copy taken
    /// after the last, so the file never goes back to an older state.
    public func saveSnapshot() throws {
        guard let snapshotPath else { return }
        try writing.withLock { _ in
            let correlator = state.withLock { $0.correlator }
            try DurableFile.replace(snapshotPath, what: "the incidents") { emit in try correlator.writeSnapshot(emit) }
        }
        // Encoding a large state leaves scratch memory behind; it goes back to the system.
        HeapTrim.releaseFreeMemory()
    }

    /// The engine's state as JSON (incidents, their alerts, firing alerts, changes).
    public func snapshot() throws -> [UInt8] { try state.withLock { $0.correlator }.snapshot() }

    /// Takes back a state written by ``snapshot()``; incidents open before are not posted as
    /// newly opened.
    public func restore(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            try state.correlator.restore(bytes)
            // The tracks share the store's buffers again, as they did before the restart.
            state.correlator.shareTexts(with: alerting.store)
            let now = nowMicros()
            for incident in state.correlator.liveIncidents {
                state.counted.insert(incident.id)
                if incident.state != .resolved { state.posted[incident.id] = now - 60_000_000 }
            }
        }
    }

    /// What on-call teams are judged by.
    public struct Summary: Sendable, Equatable {
        public var alertsReceived: Int
        public var incidents: Int
        public var open: Int
        public var opened: Int
        /// Alerts received per incident opened (noise reduction).
        public var alertsPerIncident: Double
        /// Mean time from an incident's first alert to its opening, seconds.
        public var mttdSeconds: Double
        /// Mean time from opening to resolution over resolved incidents, seconds.
        public var mttrSeconds: Double
        /// The share of resolved incidents closed as noise.
        public var noiseShare: Double
    }

    public var summary: Summary { state.withLock { Self.summarize($0) } }

    static func summarize(_ state: State) -> Summary {
        let incidents = state.correlator.liveIncidents.filter { !$0.alerts.isEmpty }
        let resolved = incidents.filter { $0.state == .resolved }
        let mttd = incidents.isEmpty ? 0 : Double(incidents.map { $0.openedAt - $0.firstAlertAt }.reduce(0, +)) / Double(incidents.count) / 1_000_000
        let mttr = resolved.isEmpty ? 0 : Double(resolved.map { ($0.resolvedAt ?? $0.openedAt) - $0.openedAt }.reduce(0, +)) / Double(resolved.count) / 1_000_000
        return Summary(alertsReceived: state.correlator.alertsReceived, incidents: incidents.count,
                       open: incidents.filter { $0.state != .resolved }.count, opened: incidents.count,
                       alertsPerIncident: incidents.isEmpty ? 0 : Double(state.correlator.alertsReceived) / Double(incidents.count),
                       mttdSeconds: mttd, mttrSeconds: mttr,
                       noiseShare: resolved.isEmpty ? 0 : Double(resolved.filter(\.noise).count) / Double(resolved.count))
    }
}

extension IncidentCorrelator {
    /// What a person does to an incident.
    public enum Action: String, Sendable {
        case acknowledge, resolve, resolveAsNoise
    }

    /// Acknowledges or resolves an incident by hand, recording who did.
    public mutating func act(on id: String, action: Action, by: String, comment: String, at now: Int64) throws(VaneError) -> Incident {
        guard let index = incidents.indices.first(where: { incidents[$0].id == id && mergedInto[$0] == nil }) else {
            throw VaneError.notFound("Incident '\(id)' does not exist.")
        }
        let detail = comment.isEmpty ? "" : comment
        switch action {
        case .acknowledge:
            guard incidents[index].state == .open else {
                throw VaneError(.invalidState, "Incident '\(id)' is \(incidents[index].state.rawValue); only an open incident is acknowledged.")
            }
            incidents[index].state = .acknowledged
            add(.init(at: now, kind: "acknowledged", detail: detail, by: by), to: index)
        case .resolve, .resolveAsNoise:
            guard incidents[index].state != .resolved else { throw VaneError(.invalidState, "Incident '\(id)' is already resolved.") }
            incidents[index].state = .resolved
            incidents[index].resolvedAt = now
            openCount -= 1
            incidents[index].noise = action == .resolveAsNoise
            add(.init(at: now, kind: "resolved", detail: action == .resolveAsNoise ? "closed as noise \(detail)" : detail, by: by), to: index)
        }
        return incidents[index]
    }
}
