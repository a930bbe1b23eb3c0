import Foundation
import Testing
@testable import VaneOps

/// Folding alerts into incidents: what counts, what joins, what splits, what resolves.
@Suite struct IncidentCorrelatorTests {
    static let minute: Int64 = 60_000_000
    static let t0: Int64 = 1_800_000_000_000_000

    static let graph = ServiceGraph(services: [
        .init(name: "web", hosts: ["h1"], dependsOn: ["api"]),
        .init(name: "api", hosts: ["h2"], dependsOn: ["db", "cache"]),
        .init(name: "db", hosts: ["h3"]),
        .init(name: "cache", hosts: ["h3"]),
        .init(name: "mail", hosts: ["h4"]),
    ])

    func alert(_ name: String, service: String?, host: String, start: Int64, end: Int64) -> Alert {
        var labels = ["alertname": name, "instance": "\(host):8080"]
        if let service { labels["service"] = service }
        return Alert(labels: LabelSet(labels), startsAt: WireTime(micros: start), endsAt: WireTime(micros: end), updatedAt: WireTime(micros: start))
    }

    /// Delivers `alerts` every minute from their start (endsAt 4 minutes ahead) until `until`,
    /// then once resolved, advancing the correlator as a stream would.
    func run(_ correlator: inout IncidentCorrelator, _ episodes: [(Alert, Int64)], until: Int64) {
        var t = Self.t0
        while t <= until {
            correlator.advance(to: t)
            for (alert, end) in episodes where alert.startsAt.micros <= t {
                if t < end {
                    var a = alert
                    a.endsAt = WireTime(micros: t + 4 * Self.minute)
                    correlator.observe(a, at: t)
                } else if t < end + Self.minute {
                    var a = alert
                    a.endsAt = WireTime(micros: end)
                    correlator.observe(a, at: t)
                }
            }
            t += Self.minute / 4
        }
        correlator.advance(to: until)
    }

    @Test func aCascadeBecomesOneIncidentAndFlappingNoiseStaysOut() {
        var c = IncidentCorrelator(graph: Self.graph)
        let m = Self.minute, t0 = Self.t0
        var episodes: [(Alert, Int64)] = [
            (alert("DBDown", service: "db", host: "h3", start: t0, end: t0), t0 + 30 * m),
            (alert("Errors", service: "api", host: "h2", start: t0 + m, end: t0 + m), t0 + 30 * m),
            (alert("Latency", service: "web", host: "h1", start: t0 + 2 * m, end: t0 + 2 * m), t0 + 30 * m),
        ]
        // A warning on an unrelated service that fires two minutes at a time, five times.
        for k in 0..<5 {
            let start = t0 + Int64(k) * 5 * m
            episodes.append((alert("CertExpiring", service: "mail", host: "h4", start: start, end: start), start + 2 * m))
        }
        run(&c, episodes, until: t0 + 60 * m)
        let incidents = c.liveIncidents
        #expect(incidents.count == 1)
        let incident = incidents[0]
        #expect(incident.alerts.count == 3)
        #expect(incident.services == ["db", "api", "web"])
        #expect(incident.state == .resolved)
        // Opened once the first alert had fired for five minutes.
        #expect(incident.openedAt == t0 + 5 * m)
        #expect(incident.timeline.first?.kind == "opened")
        let causes = c.rootCauses(of: incident)
        #expect(causes.first?.kind == .service && causes.first?.name == "db")
        #expect(causes.first?.evidence.contains { $0.contains("3 of 3") } == true)
    }

    @Test func theStateSurvivesItsSnapshotInTheLineFormAndTheEarlierForm() throws {
        var c = IncidentCorrelator(graph: Self.graph)
        let m = Self.minute, t0 = Self.t0
        run(&c, [(alert("DBDown", service: "db", host: "h3", start: t0, end: t0), t0 + 30 * m),
                 (alert("Errors", service: "api", host: "h2", start: t0 + m, end: t0 + m), t0 + 30 * m),
                 (alert("Quiet", service: "mail", host: "h4", start: t0 + 2 * m, end: t0 + 2 * m), t0 + 90 * m)], until: t0 + 20 * m)
        c.record(OpsChange(id: "deploy-1", type: "deploy", service: "db", at: t0 - m, description: "v2"))
        let before = try #require(c.liveIncidents.first)
        let lines = try c.snapshot()
        // A first line, then one per alert kept (two in the incident, one still firing alone).
        #expect(lines.split(separator: 0x0A).count == 4)
        let earlier = IncidentCorrelator.Snapshot(incidents: c.incidents, tracks: c.tracks.dictionary { $0.incident != nil || $0.firing },
                                                  changes: c.changes, mergedInto: c.mergedInto, nextID: c.nextID, alertsReceived: c.alertsReceived)
        for bytes in [lines, Array(try JSONEncoder().encode(earlier))] {
            var back = IncidentCorrelator(graph: Self.graph)
            try back.restore(bytes)
            let incident = try #require(back.liveIncidents.first)
            #expect(incident.id == before.id && incident.alerts == before.alerts && incident.services == before.services)
            #expect(back.alertsReceived == c.alertsReceived && back.changes.map(\.id) == ["deploy-1"])
            #expect(back.tracks.count == 3)
            for fingerprint in before.alerts { #expect(back.labels(of: fingerprint) == c.labels(of: fingerprint)) }
            #expect(back.rootCauses(of: incident).map(\.name) == c.rootCauses(of: before).map(\.name))
            // The engine goes on from there: the incident resolves with its alerts.
            run(&back, [], until: t0 + 40 * m)
            #expect(back.liveIncidents.first?.state == .resolved)
        }
    }

    @Test func anIndexOfIncidentsHoldsEachOnceInOrder() {
        var indexes = IncidentIndexes()
        #expect(Array(indexes).isEmpty)
        for i in [3, 3, 5, 3, 0, 5] { indexes.insert(i) }
        #expect(Array(indexes) == [3, 5, 0])
    }

    @Test func unrelatedFaultsAndFaultsApartInTimeAreSeparate() {
        var c = IncidentCorrelator(graph: Self.graph)
        let m = Self.minute, t0 = Self.t0
        run(&c, [
            (alert("DBDown", service: "db", host: "h3", start: t0, end: t0), t0 + 20 * m),
            (alert("MailDown", service: "mail", host: "h4", start: t0 + m, end: t0 + m), t0 + 20 * m),
            // api fails again long after: a new incident.
            (alert("Errors", service: "api", host: "h2", start: t0 + 40 * m, end: t0 + 40 * m), t0 + 60 * m),
        ], until: t0 + 70 * m)
        #expect(c.liveIncidents.count == 3)
    }

    @Test func aHostFaultIsRankedOnTheHost() {
        var c = IncidentCorrelator(graph: Self.graph)
        let m = Self.minute, t0 = Self.t0
        run(&c, [
            (alert("NodeDiskFull", service: nil, host: "h3", start: t0, end: t0), t0 + 30 * m),
            (alert("Errors", service: "db", host: "h3", start: t0 + m / 2, end: t0), t0 + 30 * m),
            (alert("Errors", service: "cache", host: "h3", start: t0 + m / 2, end: t0), t0 + 30 * m),
            (alert("Timeouts", service: "api", host: "h2", start: t0 + 2 * m, end: t0), t0 + 30 * m),
        ], until: t0 + 40 * m)
        #expect(c.liveIncidents.count == 1)
        let causes = c.rootCauses(of: c.liveIncidents[0])
        #expect(causes.first?.kind == .host && causes.first?.name == "h3")
        #expect(causes.first?.evidence.contains("an alert about the host itself") == true)
    }

    @Test func aChangeShortlyBeforeTheFirstAlertIsTheTopSuspectAndAnOldOneIsNot() {
        let m = Self.minute, t0 = Self.t0
        for (lead, changeFirst) in [(1 * m, true), (20 * m, false)] {
            var c = IncidentCorrelator(graph: Self.graph)
            c.record(OpsChange(id: "chg-1", type: "deploy", service: "db", at: t0 - lead, description: "deploy db v2"))
            c.record(OpsChange(id: "chg-other", type: "deploy", service: "mail", at: t0 - m, description: "deploy mail"))
            run(&c, [
                (alert("DBDown", service: "db", host: "h3", start: t0, end: t0), t0 + 30 * m),
                (alert("Errors", service: "api", host: "h2", start: t0 + m, end: t0), t0 + 30 * m),
            ], until: t0 + 40 * m)
            let causes = c.rootCauses(of: c.liveIncidents[0])
            #expect((causes.first?.kind == .change) == changeFirst, "lead \(lead / m) min: \(causes.prefix(3))")
            #expect(causes.contains { $0.name == "chg-1" })
            #expect(!causes.contains { $0.name == "chg-other" })
        }
    }

    @Test func aFlappingMemberReopensItsIncidentInsteadOfOpeningAnother() {
        var c = IncidentCorrelator(graph: Self.graph)
        let m = Self.minute, t0 = Self.t0
        run(&c, [
            (alert("DBDown", service: "db", host: "h3", start: t0, end: t0), t0 + 10 * m),
            (alert("DBDown", service: "db", host: "h3", start: t0 + 14 * m, end: t0), t0 + 30 * m),
        ], until: t0 + 40 * m)
        #expect(c.liveIncidents.count == 1)
        #expect(c.liveIncidents[0].timeline.contains { $0.kind == "reopened" })
    }

    /// The three public cases (Tests/Fixtures/aiops, from ../shared/fixtures/aiops) through the
    /// replay, scored as ../shared/tools/score_incidents.py scores them.
    @Test(arguments: ["case000", "case001", "case002"])
    func publicCasesReplay(_ name: String) throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/aiops/\(name)")
        let graph = try ServiceGraph.parse(try String(contentsOf: dir.appendingPathComponent("graph.yaml"), encoding: .utf8))
        let events = try String(contentsOf: dir.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let result = try Replay(graph: graph).run(lines: events.split(separator: "\n"))
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("truth.json"))) as! [String: Any]
        let incidents = truth["incidents"] as! [String: [String: Any]]
        let noise = Set(truth["noise"] as! [String])
        let predicted = result.incidents.flatMap { entry in entry.incident.alerts.map(\.description) }
        #expect(noise.isDisjoint(with: predicted))
        for (_, incident) in incidents {
            let alerts = Set(incident["alerts"] as! [String])
            let best = result.incidents.max { a, b in
                alerts.intersection(a.incident.alerts.map(\.description)).count < alerts.intersection(b.incident.alerts.map(\.description)).count
            }
            let root = incident["root"] as! [String: String]
            #expect(best.map { Set($0.incident.alerts.map(\.description)) } == alerts)
            let top = try #require(best?.rootCauses.first)
            #expect(top.kind.rawValue == root["kind"] && top.name == root["name"])
        }
    }

    /// A storm of unrelated alerts: candidates are found through the service and host indexes
    /// (not by looking at every incident), and no more than the cap of incidents opens.
    @Test func aStormOfUnrelatedAlertsStaysBounded() {
        var c = IncidentCorrelator(graph: .empty)
        let m = Self.minute, t0 = Self.t0
        let count = IncidentCorrelator.maxOpenIncidents + 2_000
        for i in 0..<count {
            c.observe(alert("Storm", service: "svc-\(i)", host: "h\(i)", start: t0, end: t0 + 60 * m), at: t0)
        }
        c.advance(to: t0 + 6 * m)
        #expect(c.openCount == IncidentCorrelator.maxOpenIncidents)
        #expect(c.overflow == 2_000)
        #expect(c.liveIncidents.filter { !$0.alerts.isEmpty }.count == IncidentCorrelator.maxOpenIncidents)
        // An alert related to an open incident still joins it.
        c.observe(alert("More", service: "svc-3", host: "h3", start: t0 + m, end: t0 + 60 * m), at: t0 + 6 * m)
        c.advance(to: t0 + 12 * m)
        #expect(c.liveIncidents.first { $0.services.contains("svc-3") }?.alerts.count == 2)
    }

    @Test func replayRefusesBadLinesNamingThem() {
        let replay = Replay(graph: .empty)
        #expect(throws: Replay.LineError.self) { try replay.run(lines: ["not json"]) }
        #expect(throws: Replay.LineError.self) { try replay.run(lines: [#"{"at": "2026-01-01T00:00:10Z", "kind": "change", "change": {"id": "a"}}"#, #"{"at": "2026-01-01T00:00:00Z", "kind": "change", "change": {"id": "b"}}"#]) }
        #expect(throws: Replay.LineError.self) { try replay.run(lines: [#"{"at": "2026-01-01T00:00:00Z", "kind": "other"}"#]) }
    }
}
