import Foundation
import VaneCore

/// Folds alerts into incidents as they arrive, on whatever clock feeds it (the server's, or a
/// recorded stream's in `vane ops replay`).
///
/// - An alert counts once it has fired without a break for ``Settings/qualifyAfter`` (default
///   5 minutes): alerts that fire and resolve within minutes, again and again, are noise and stay
///   out of incidents (a flapping alert never opens one incident per flap).
/// - A counting alert joins an incident that is open (or resolved less than
///   ``Settings/cooldown`` ago) when its episode started within ``Settings/window`` (5 minutes)
///   of the incident's latest alert and it is related: the same service as a member, a service
///   that calls or is called by a member's service, or a host that the incident already
///   implicates (a host alert, or two member alerts on it) — unless its own service changed after
///   the incident began and shortly before the alert (that change explains it better). Otherwise
///   it opens a new incident. An alert related to several incidents merges them.
/// - An incident resolves when all its alerts have; one of them firing again within the cooldown
///   reopens it.
public struct IncidentCorrelator: Sendable {
    public struct Settings: Sendable, Equatable {
        /// How long an alert must fire without a break before it counts (microseconds).
        public var qualifyAfter: Int64 = 300_000_000
        /// How far after an incident's latest alert a related alert may start and still join it.
        public var window: Int64 = 300_000_000
        /// How long a resolved incident may take alerts back (and reopen).
        public var cooldown: Int64 = 900_000_000
        /// The label naming an alert's service.
        public var serviceLabel = "service"
        /// The label naming an alert's host: its host part (before `:port`) is used.
        public var hostLabel = "instance"
        /// How far back from an incident's first alert changes are suspects.
        public var changeLookback: Int64 = 3_600_000_000
        /// The decay of a change's suspicion with its lead over the first alert (microseconds):
        /// a change ranks above its service when it came less than `decay × ln 2` before.
        public var changeDecay: Int64 = 240_000_000

        public init() {}
    }

    /// What the engine keeps of an alert: 80 bytes and the labels' buffer, which the alert
    /// store shares.
    struct Track: Sendable, Codable {
        var text: AlertText
        var service: String?
        var host: String?
        var episodeStart: Int64
        var endsAt: Int64
        var resolvedAtRaw = Int64.min
        var episodes: Int32 = 1
        var incidentRaw: Int32 = -1
        var deliveries: Int32 = 1
        var firing: Bool
        var qualified = false

        init(text: AlertText, service: String?, host: String?, episodeStart: Int64, endsAt: Int64, firing: Bool, resolvedAt: Int64?) {
            self.text = text
            self.service = service
            self.host = host
            self.episodeStart = episodeStart
            self.endsAt = endsAt
            self.firing = firing
            self.resolvedAt = resolvedAt
        }

        var resolvedAt: Int64? {
            get { resolvedAtRaw == .min ? nil : resolvedAtRaw }
            set { resolvedAtRaw = newValue ?? .min }
        }

        var incident: Int? {
            get { incidentRaw < 0 ? nil : Int(incidentRaw) }
            set { incidentRaw = newValue.map(Int32.init) ?? -1 }
        }

        // Written as before this form (labels as a map, times and counts by name).
        enum CodingKeys: String, CodingKey {
            case labels, service, host, episodeStart, endsAt, firing, resolvedAt, episodes, qualified, incident, deliveries
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let labels = try c.decode(LabelSet.self, forKey: .labels)
            self.init(text: AlertText(labels: labels),
                      service: try c.decodeIfPresent(String.self, forKey: .service), host: try c.decodeIfPresent(String.self, forKey: .host),
                      episodeStart: try c.decode(Int64.self, forKey: .episodeStart), endsAt: try c.decode(Int64.self, forKey: .endsAt),
                      firing: try c.decode(Bool.self, forKey: .firing), resolvedAt: try c.decodeIfPresent(Int64.self, forKey: .resolvedAt))
            episodes = Int32(clamping: try c.decode(Int.self, forKey: .episodes))
            qualified = try c.decodeIfPresent(Bool.self, forKey: .qualified) ?? false
            incident = try c.decodeIfPresent(Int.self, forKey: .incident)
            deliveries = Int32(clamping: try c.decodeIfPresent(Int.self, forKey: .deliveries) ?? 0)
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            // The fingerprint is not written (the labels are a map); any will do to read them.
            try c.encode(text.labels(Fingerprint(0)), forKey: .labels)
            try c.encodeIfPresent(service, forKey: .service)
            try c.encodeIfPresent(host, forKey: .host)
            try c.encode(episodeStart, forKey: .episodeStart)
            try c.encode(endsAt, forKey: .endsAt)
            try c.encode(firing, forKey: .firing)
            try c.encodeIfPresent(resolvedAt, forKey: .resolvedAt)
            try c.encode(Int(episodes), forKey: .episodes)
            try c.encode(qualified, forKey: .qualified)
            try c.encodeIfPresent(incident, forKey: .incident)
            try c.encode(Int(deliveries), forKey: .deliveries)
        }
    }

    public internal(set) var settings: Settings
    public internal(set) var graph: ServiceGraph
    var tracks = FingerprintMap<Track>()
    public internal(set) var incidents: [Incident] = []
    public internal(set) var changes: [OpsChange] = []
    /// Incident index → the index it was merged into.
    var mergedInto: [Int: Int] = [:]
    /// The incidents that hold each service and each host, so that an alert's candidates are
    /// found without looking at every incident.
    var byService: [String: IncidentIndexes] = [:]
    var byHost: [String: IncidentIndexes] = [:]
    /// How many incidents are open or acknowledged.
    public internal(set) var openCount = 0
    /// Counting alerts that related to nothing while ``maxOpenIncidents`` were open.
    public internal(set) var overflow = 0
    /// The most incidents open at once; an alert storm past it does not open more (its alerts
    /// still join the incidents they relate to).
    public static let maxOpenIncidents = 10_000
    var nextID = 0
    let idPrefix: String
    /// The incident a fingerprint joined, for the API.
    public internal(set) var alertsReceived = 0

    public init(graph: ServiceGraph, settings: Settings = Settings(), idPrefix: String = "inc-") {
        self.graph = graph
        self.settings = settings
        self.idPrefix = idPrefix
    }

    /// How close in time two alerts on one host start for the host alone to relate them.
    static let hostCoincidence: Int64 = 120_000_000

    /// The most alerts tracked; past it, resolved alerts that joined no incident are forgotten first.
    static let maxTracks = 2_000_000

    // MARK: input

    /// An alert as stored after a delivery at `now` (microseconds); `text` is the buffer the
    /// alert store keeps for it, shared rather than copied (packed here when nil).
    public mutating func observe(_ alert: Alert, text: AlertText? = nil, at now: Int64) {
        alertsReceived += 1
        let fingerprint = alert.fingerprint
        let resolved = alert.endsAt.micros <= now
        var wasFiring = false
        if let slot = tracks.slot(of: fingerprint) {
            var track = tracks.values[slot]
            wasFiring = track.firing
            track.deliveries += 1
            if alert.startsAt.micros != track.episodeStart, !track.firing || alert.startsAt.micros > track.episodeStart {
                // A new episode: the alert resolved and fired again (or its sender restarted it).
                track.episodes += 1
                track.episodeStart = alert.startsAt.micros
                if !resolved, let index = track.incident { refire(index: resolve(index), fingerprint: fingerprint, now: now) }
            }
            track.endsAt = alert.endsAt.micros
            track.firing = !resolved
            if resolved { track.resolvedAt = track.resolvedAt.map { min($0, alert.endsAt.micros) } ?? alert.endsAt.micros } else { track.resolvedAt = nil }
            if let text { track.text = text }
            tracks.values[slot] = track
        } else {
            if tracks.count >= Self.maxTracks { forgetIdle() }
            let service = alert.labels[settings.serviceLabel].flatMap { $0.isEmpty ? nil : $0 }
            let host = alert.labels[settings.hostLabel].map(Self.hostPart).flatMap { $0.isEmpty ? nil : $0 }
            tracks[fingerprint] = Track(text: text ?? AlertText(alert), service: service, host: host, episodeStart: alert.startsAt.micros,
                                        endsAt: alert.endsAt.micros, firing: !resolved, resolvedAt: resolved ? alert.endsAt.micros : nil)
        }
        if resolved, wasFiring, let index = tracks[fingerprint]?.incident {
            add(.init(at: alert.endsAt.micros, kind: "alert_resolved", detail: fingerprint.description, by: "vane"), to: resolve(index))
        }
    }

    /// A change event (a deploy, a configuration change, a rollout).
    public mutating func record(_ change: OpsChange) {
        changes.append(change)
        if changes.count > 100_000 { changes.removeFirst(changes.count - 100_000) }
    }

    /// `host:port` → `host` (also `[v6]:port`).
    static func hostPart(_ instance: String) -> String {
        if instance.hasPrefix("["), let close = instance.firstIndex(of: "]") {
            return String(instance[instance.index(after: instance.startIndex)..<close])
        }
        if let colon = instance.lastIndex(of: ":"), instance.firstIndex(of: ":") == colon { return String(instance[..<colon]) }
        return instance
    }

    mutating func forgetIdle() {
        var budget = max(1, tracks.count / 10)
        tracks.removeAll { _, track in
            guard budget > 0, !track.firing, track.incident == nil else { return false }
            budget -= 1
            return true
        }
    }

    // MARK: time

    /// Moves the correlator's clock to `now`: alerts past their end resolve, alerts that have
    /// fired long enough count and join or open incidents, incidents whose alerts all resolved
    /// resolve.
    public mutating func advance(to now: Int64) {
        var due: [(at: Int64, fingerprint: Fingerprint)] = []
        for slot in tracks.values.indices {
            if tracks.values[slot].firing, tracks.values[slot].endsAt <= now {
                tracks.values[slot].firing = false
                tracks.values[slot].resolvedAt = tracks.values[slot].endsAt
            }
            let t = tracks.values[slot]
            let lasted = (t.firing ? now : (t.resolvedAt ?? now)) - t.episodeStart
            if !t.qualified, lasted >= settings.qualifyAfter { due.append((t.episodeStart + settings.qualifyAfter, tracks.keys[slot])) }
        }
        due.sort { $0.at != $1.at ? $0.at < $1.at : $0.fingerprint < $1.fingerprint }
        for (at, fingerprint) in due { qualify(fingerprint, at: at) }
        // A storm that came to count at once leaves its scratch memory to the system.
        if due.count >= 100_000 { HeapTrim.releaseFreeMemory() }
        for index in incidents.indices where incidents[index].state != .resolved && mergedInto[index] == nil {
            let members = incidents[index].alerts.compactMap { tracks[$0] }
            if !members.isEmpty, members.allSatisfy({ !$0.firing }) {
                let at = members.compactMap(\.resolvedAt).max() ?? now
                incidents[index].state = .resolved
                incidents[index].resolvedAt = at
                openCount -= 1
                add(.init(at: at, kind: "resolved", detail: "all alerts resolved", by: "vane"), to: index)
            }
        }
    }

    mutating func qualify(_ fingerprint: Fingerprint, at: Int64) {
        guard let slot = tracks.slot(of: fingerprint) else { return }
        tracks.values[slot].qualified = true
        let track = tracks.values[slot]
        var related: [Int] = []
        var candidates = Set<Int>()
        if let service = track.service {
            candidates.formUnion(byService[service] ?? IncidentIndexes())
            for neighbor in (graph.services[service]?.dependsOn ?? []) + (graph.callers[service] ?? []) {
                candidates.formUnion(byService[neighbor] ?? IncidentIndexes())
            }
        }
        if let host = track.host { candidates.formUnion(byHost[host] ?? IncidentIndexes()) }
        for index in candidates.sorted() where mergedInto[index] == nil {
            let incident = incidents[index]
            if incident.state == .resolved, let resolvedAt = incident.resolvedAt, at - resolvedAt > settings.cooldown { continue }
            guard track.episodeStart <= incident.lastAlertAt + settings.window, isRelated(track, to: incident) else { continue }
            // A change to the alert's own service after the incident began, shortly before the
            // alert, explains it better than the incident does: it starts its own.
            if let service = track.service, !incident.services.contains(service),
               changes.contains(where: { $0.service == service && $0.at > incident.firstAlertAt && $0.at <= track.episodeStart
                   && track.episodeStart - $0.at <= 2 * settings.changeDecay }) {
                continue
            }
            related.append(index)
        }
        let index: Int
        if let first = related.first {
            index = first
            for other in related.dropFirst() { merge(other, into: first, at: at) }
            if incidents[index].state == .resolved {
                incidents[index].state = .open
                incidents[index].resolvedAt = nil
                openCount += 1
                add(.init(at: at, kind: "reopened", detail: fingerprint.description, by: "vane"), to: index)
            }
        } else {
            guard openCount < Self.maxOpenIncidents else {
                overflow += 1
                return
            }
            openCount += 1
            index = incidents.count
            nextID += 1
            incidents.append(Incident(id: "\(idPrefix)\(nextID)", state: .open, alerts: [], services: [], hosts: [], openedAt: at, resolvedAt: nil,
                                      firstAlertAt: track.episodeStart, lastAlertAt: track.episodeStart, timeline: []))
            add(.init(at: at, kind: "opened", detail: fingerprint.description, by: "vane"), to: index)
        }
        join(fingerprint, track: track, index: index, at: at)
    }

    mutating func join(_ fingerprint: Fingerprint, track: Track, index: Int, at: Int64) {
        if let slot = tracks.slot(of: fingerprint) { tracks.values[slot].incident = index }
        incidents[index].alerts.append(fingerprint)
        if let service = track.service {
            incidents[index].services.insert(service)
            byService[service, default: IncidentIndexes()].insert(index)
        }
        if let host = track.host {
            incidents[index].hosts.insert(host)
            byHost[host, default: IncidentIndexes()].insert(index)
        }
        incidents[index].firstAlertAt = min(incidents[index].firstAlertAt, track.episodeStart)
        incidents[index].lastAlertAt = max(incidents[index].lastAlertAt, track.episodeStart)
        add(.init(at: at, kind: "alert_joined", detail: "\(fingerprint) \(track.text.label("alertname") ?? "")", by: "vane"), to: index)
    }

    mutating func merge(_ other: Int, into target: Int, at: Int64) {
        for fingerprint in incidents[other].alerts {
            guard let track = tracks[fingerprint] else { continue }
            join(fingerprint, track: track, index: target, at: at)
        }
        incidents[target].openedAt = min(incidents[target].openedAt, incidents[other].openedAt)
        if incidents[other].state != .resolved { openCount -= 1 }
        incidents[other].alerts = []
        incidents[other].state = .resolved
        incidents[other].resolvedAt = at
        mergedInto[other] = target
        add(.init(at: at, kind: "merged", detail: "\(incidents[other].id) merged in", by: "vane"), to: target)
    }

    mutating func refire(index: Int, fingerprint: Fingerprint, now: Int64) {
        add(.init(at: now, kind: "alert_fired_again", detail: fingerprint.description, by: "vane"), to: index)
        if incidents[index].state == .resolved, let resolvedAt = incidents[index].resolvedAt, now - resolvedAt <= settings.cooldown {
            incidents[index].state = .open
            incidents[index].resolvedAt = nil
            openCount += 1
            add(.init(at: now, kind: "reopened", detail: fingerprint.description, by: "vane"), to: index)
        }
    }

    func resolve(_ index: Int) -> Int {
        var index = index
        while let next = mergedInto[index] { index = next }
        return index
    }

    /// How many events an incident's timeline keeps: the first ``maxAlertEvents`` about its
    /// alerts (a storm of a million alerts is not a million lines to read, or to hold), and the
    /// changes of state up to ``maxEvents``.
    static let maxAlertEvents = 1_000
    static let maxEvents = 2_000

    mutating func add(_ event: Incident.Event, to index: Int) {
        let perAlert = event.kind.hasPrefix("alert_")
        if incidents[index].timeline.count < (perAlert ? Self.maxAlertEvents : Self.maxEvents) { incidents[index].timeline.append(event) }
    }

    /// Whether an alert belongs with an incident: its service is a member's or adjacent to one,
    /// or its host is one the incident implicates.
    func isRelated(_ track: Track, to incident: Incident) -> Bool {
        if let service = track.service {
            if incident.services.contains(service) { return true }
            for member in incident.services where graph.adjacent(service, member) { return true }
        }
        if let host = track.host, incident.hosts.contains(host) {
            let onHost = incident.alerts.compactMap { tracks[$0] }.filter { $0.host == host }
            if onHost.contains(where: { $0.service == nil }) || onHost.count >= 2 || track.service == nil { return true }
            // Services on one host failing within moments of each other: the host is the link.
            if onHost.contains(where: { abs($0.episodeStart - track.episodeStart) <= Self.hostCoincidence }) { return true }
        }
        return false
    }

    /// The incidents, merged ones left out.
    public var liveIncidents: [Incident] {
        incidents.indices.filter { mergedInto[$0] == nil }.map { incidents[$0] }
    }

    /// The labels of a tracked alert.
    public func labels(of fingerprint: Fingerprint) -> LabelSet? { tracks[fingerprint]?.text.labels(fingerprint) }
}
