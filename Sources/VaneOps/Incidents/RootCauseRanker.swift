import Foundation

/// Ranks the suspects of an incident: services, hosts and recent changes, each with a score and
/// the evidence behind it.
///
/// - A **service** scores by how many of the incident's alerting services reach it through
///   their dependencies (a callee all of whose alerting callers depend on it explains them all),
///   by how early its own alerts started, and whether it alerts at all (a silent callee of every
///   alerting service is still a suspect, at half weight).
/// - A **host** scores by how many alerting services reach a service alerting on it, by how early
///   its alerts started, and by what only a host explains: an alert about the host itself (no
///   service), or two or more alerting services on it that do not depend on each other.
/// - A **change** scores as its service would, raised by how shortly before the incident's first
///   alert it happened (`0.5 + e^(-lead/decay)`: a change minutes before the first alert on a
///   service that explains the incident outranks the service itself), and lowered sharply when
///   it came after the first alert.
///
/// Other evidence (a metric anomaly score on a service or host) joins through
/// ``ExtraEvidence``: a factor and a sentence per suspect.
public struct RootCauseRanker: Sendable {
    /// More evidence about a suspect: its score is multiplied by `factor` (1 leaves it as it was).
    public struct ExtraEvidence: Sendable {
        public var kind: RootCause.Kind
        public var name: String
        public var factor: Double
        public var sentence: String

        public init(kind: RootCause.Kind, name: String, factor: Double, sentence: String) {
            self.kind = kind
            self.name = name
            self.factor = factor
            self.sentence = sentence
        }
    }

    /// One alert of the incident as the ranker reads it.
    public struct Member: Sendable {
        public var service: String?
        public var host: String?
        /// When its episode started, microseconds.
        public var start: Int64
    }

    public let graph: ServiceGraph
    public let settings: IncidentCorrelator.Settings

    public init(graph: ServiceGraph, settings: IncidentCorrelator.Settings) {
        self.graph = graph
        self.settings = settings
    }

    /// The suspects, best first (at most `limit`).
    public func rank(members: [Member], changes: [OpsChange], extra: [ExtraEvidence] = [], limit: Int = 10) -> [RootCause] {
        guard !members.isEmpty else { return [] }
        let first = members.map(\.start).min()!
        let services = Set(members.compactMap(\.service))
        let alertingStart = Dictionary(members.compactMap { m in m.service.map { ($0, m.start) } }, uniquingKeysWith: min)
        let reach = Dictionary(uniqueKeysWithValues: services.map { ($0, graph.reachable(from: $0)) })
        let spread = Double(max(60_000_000, (members.map(\.start).max()! - first)))
        func earliness(_ start: Int64?) -> Double {
            guard let start else { return 0.5 }
            return 1 - min(1, Double(start - first) / spread)
        }
        func minutes(_ micros: Int64) -> String { String(format: "%.1f min", Double(micros) / 60_000_000) }

        var results: [RootCause] = []
        // Services: the alerting ones and their direct dependencies.
        var serviceScores: [String: (score: Double, evidence: [String])] = [:]
        var candidates = services
        for service in services { candidates.formUnion(graph.services[service]?.dependsOn ?? []) }
        for candidate in candidates {
            let covered = services.filter { reach[$0]?.contains(candidate) ?? false }.count
            let coverage = services.isEmpty ? 0 : Double(covered) / Double(services.count)
            let alerting = alertingStart[candidate] != nil
            let early = earliness(alertingStart[candidate])
            let score = coverage * (0.5 + 0.5 * early) * (alerting ? 1 : 0.5)
            var evidence = ["graph: \(covered) of \(services.count) alerting services depend on it (directly or not)"]
            if let start = alertingStart[candidate] {
                evidence.append(start == first ? "timing: its alerts fired first" : "timing: its first alert came \(minutes(start - first)) after the incident's first")
            } else {
                evidence.append("it does not alert itself")
            }
            serviceScores[candidate] = (score, evidence)
            if score > 0 { results.append(RootCause(kind: .service, name: candidate, score: score, evidence: evidence)) }
        }
        // Hosts: those the alerts name.
        var hostMembers: [String: [Member]] = [:]
        for member in members { if let host = member.host { hostMembers[host, default: []].append(member) } }
        for (host, onHost) in hostMembers {
            let servicesOnHost = Set(onHost.compactMap(\.service))
            let covered = services.filter { !(reach[$0] ?? []).isDisjoint(with: servicesOnHost) }.count
            let coverage = services.isEmpty ? 1 : Double(covered) / Double(services.count)
            let hostAlert = onHost.contains { $0.service == nil }
            // Services on the host that depend on no other alerting service on it: each one an
            // independent failure that the host explains and no one service does.
            let independent = servicesOnHost.filter { s in
                !servicesOnHost.contains { other in other != s && (reach[s]?.contains(other) ?? false) }
            }.count
            let kind = hostAlert ? 1.1 : (independent >= 2 ? 0.95 : 0.6)
            let score = coverage * (0.5 + 0.5 * earliness(onHost.map(\.start).min())) * kind
            var evidence = ["breadth: \(covered) of \(services.count) alerting services run on it or depend on a service alerting on it"]
            if hostAlert { evidence.append("an alert about the host itself") }
            if independent >= 2 { evidence.append("\(independent) services alerting on it do not depend on each other") }
            evidence.append("timing: its first alert came \(minutes(onHost.map(\.start).min()! - first)) after the incident's first")
            if score > 0 { results.append(RootCause(kind: .host, name: host, score: score, evidence: evidence)) }
        }
        // Changes: before the first alert (or shortly after), on a service the incident involves.
        for change in changes where change.at >= first - settings.changeLookback && change.at <= members.map(\.start).max()! {
            let base: (score: Double, evidence: [String])
            if let known = serviceScores[change.service] {
                base = known
            } else if let onHost = hostMembers[change.service] {
                base = (0.5, ["on a host the incident's alerts name (\(onHost.count) alerts)"])
            } else {
                continue
            }
            let lead = first - change.at
            let timing = lead >= 0 ? 0.5 + exp(-Double(lead) / Double(settings.changeDecay)) : 0.2
            let score = base.score * timing
            guard score > 0 else { continue }
            let when = lead >= 0 ? "timing: \(minutes(lead)) before the first alert" : "timing: \(minutes(-lead)) after the first alert"
            results.append(RootCause(kind: .change, name: change.id, score: score,
                                     evidence: ["\(change.type) on \(change.service): \(change.description)", when] + base.evidence))
        }
        for item in extra {
            for index in results.indices where results[index].kind == item.kind && results[index].name == item.name {
                results[index].score *= item.factor
                results[index].evidence.append(item.sentence)
            }
        }
        results.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.kind != b.kind { return a.kind.order < b.kind.order }
            return a.name < b.name
        }
        return Array(results.prefix(limit)).map { var r = $0; r.score = (r.score * 10_000).rounded() / 10_000; return r }
    }
}

extension RootCause.Kind {
    var order: Int {
        switch self {
        case .change: 0
        case .service: 1
        case .host: 2
        }
    }
}

extension IncidentCorrelator {
    /// The ranked suspects of `incident`.
    public func rootCauses(of incident: Incident, extra: [RootCauseRanker.ExtraEvidence] = [], limit: Int = 10) -> [RootCause] {
        let members = incident.alerts.compactMap { tracks[$0] }.map {
            RootCauseRanker.Member(service: $0.service, host: $0.host, start: $0.episodeStart)
        }
        return RootCauseRanker(graph: graph, settings: settings).rank(members: members, changes: changes, extra: extra, limit: limit)
    }
}
