import Foundation
import Testing
@testable import VaneOps

/// What survives a restart: alerts (journal, then snapshot), silences (synced per change), the
/// notification log and the incidents (snapshots).
@Suite struct OpsPersistenceTests {
    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vane-ops-\(UUID().uuidString)").path
    }

    func posted(_ name: String, startedMinutesAgo: Double, clock: MovingClock) -> PostedAlert {
        PostedAlert(labels: [Label("alertname", name), Label("service", "db")],
                    startsAt: WireTime(millis: clock.nowMillis() - Int64(startedMinutesAgo * 60_000)))
    }

    @Test func alertsSilencesLogAndIncidentsComeBack() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = MovingClock()
        do {
            let (alerting, log, incidents) = try OpsSnapshots.load(directory: dir, clock: clock)
            let outcome = try await alerting.postDurably([posted("A", startedMinutesAgo: 6, clock: clock), posted("B", startedMinutesAgo: 3, clock: clock)])
            #expect(outcome.stored == 2)
            _ = try alerting.silences.post(PostedSilence(matchers: [.init(name: "alertname", value: "B", isRegex: false)], startsAt: alerting.now(),
                                                         endsAt: alerting.now().adding(micros: 3_600_000_000), createdBy: "me", comment: "c"),
                                           now: alerting.now())
            log.log("group/hook/webhook/0", firing: [LabelSet(["alertname": "A"]).fingerprint], resolved: [], now: clock.nowMillis() * 1000)
            incidents.step()
            let id = try #require(incidents.incidents().first?.id)
            _ = try incidents.act(on: id, action: .acknowledge, by: "alice")
            let snapshots = OpsSnapshots(directory: dir, incidents: incidents, notificationLog: log, journal: alerting.journal,
                                         silences: alerting.silences, clock: clock)
            snapshots.save()
        }
        let (alerting, log, incidents) = try OpsSnapshots.load(directory: dir, clock: clock)
        // A and B (the incident's own alert is posted again by the engine, not kept).
        #expect(alerting.store.count == 2)
        #expect(alerting.silences.all(now: clock.nowMillis() * 1000).count == 1)
        #expect(log.entry("group/hook/webhook/0")?.firing.count == 1)
        let incident = try #require(incidents.incidents().first)
        #expect(incident.state == .acknowledged)
        #expect(incident.timeline.contains { $0.kind == "acknowledged" && $0.by == "alice" })
        // B still fires and counts once it has for five minutes: it joins the same incident.
        clock.advance(seconds: 300)
        _ = alerting.post([posted("B", startedMinutesAgo: 8, clock: clock)])
        incidents.step()
        #expect(incidents.incidents().count == 1)
        #expect(incidents.incidents().first?.alerts.count == 2)
    }

    @Test func theJournalCompactsIntoASnapshotAndLosesNothing() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = AlertStore()
        let journal = try AlertJournal(directory: dir, compactionBytes: 4096, store: store)
        let now = WireTime(millis: 1_800_000_000_000)
        for batch in 0..<20 {
            let alerts = (0..<10).map { i in
                Alert(labels: LabelSet(["alertname": "A\(batch)", "i": "\(i)"]), startsAt: now, endsAt: now.adding(micros: 600_000_000), updatedAt: now)
            }
            store.put(alerts, now: now.micros)
            try journal.append(alerts)
        }
        // The journal passed its size several times: what was compacted is gone, the rest is read.
        await journal.compactNow()
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(files.contains("alerts.snapshot"))
        #expect(!files.contains("alerts.snapshot.tmp"))
        #expect(files.filter { $0.hasSuffix(".log") }.count <= 1)
        let reread = try AlertJournal(directory: dir, store: AlertStore()).load()
        #expect(reread.count == 200)
        #expect(Set(reread.map(\.fingerprint)) == Set(store.all().map(\.fingerprint)))
    }

    @Test func everyFieldOfAnAlertSurvivesTheSnapshotAndTheJournal() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = AlertStore()
        let journal = try AlertJournal(directory: dir, store: store)
        let full = Alert(labels: LabelSet(["alertname": "Disk \"full\"", "instance": "höst-1:9100", "path": "/var/lib/ünïcode/with\nnewline"]),
                         annotations: LabelSet(["summary": "a long annotation that does not fit in a small string"]),
                         startsAt: WireTime(micros: 1_800_000_000_123_456, offsetSeconds: 7200),
                         endsAt: WireTime(micros: 1_800_000_600_000_000, offsetSeconds: -19800),
                         updatedAt: WireTime(micros: 1_800_000_000_500_000), generatorURL: "http://prom:9090/graph?g0.expr=up", timeout: true)
        let bare = Alert(labels: LabelSet(["alertname": "Bare"]), startsAt: WireTime(millis: 1_800_000_000_000),
                         endsAt: WireTime(millis: 1_800_000_300_000), updatedAt: WireTime(millis: 1_800_000_000_000))
        store.put([full], now: full.updatedAt.micros)
        try journal.append([full])
        await journal.compactNow()
        store.put([bare], now: bare.updatedAt.micros)
        try journal.append([bare])
        // The stored form gives back what was put, field for field.
        #expect(store.alert(full.fingerprint) == full)
        let reread = try AlertJournal(directory: dir, store: AlertStore()).load()
        #expect(reread.first { $0.fingerprint == full.fingerprint } == full)
        #expect(reread.first { $0.fingerprint == full.fingerprint }?.startsAt.offsetSeconds == 7200)
        #expect(reread.first { $0.fingerprint == bare.fingerprint } == bare)
        #expect(reread.count == 2)
    }

    @Test func theEarlierOneObjectSnapshotAndDamagedLinesAreRead() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let old = #"{"covers":3,"alerts":[{"l":{"alertname":"Old"},"a":{},"s":[1800000000000000,0],"e":[1800000300000000,0],"u":[1800000000000000,0]},"#
            + #"{"l":{"alertname":"Older","x":"y"},"a":{"summary":"s"},"s":[1800000000000000,3600],"e":[1800000300000000,0],"u":[1800000000000000,0],"g":"http://a/b","t":true}]}"#
        try Data(old.utf8).write(to: URL(fileURLWithPath: dir + "/alerts.snapshot"))
        // A journal the snapshot covers is not read again; a newer one is, a damaged line skipped.
        try Data(#"{"l":{"alertname":"Covered"},"a":{},"s":[1,0],"e":[2,0],"u":[1,0]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/alerts-3.log"))
        let newer = #"{"l":{"alertname":"New"},"a":{},"s":[1800000000000000,0],"e":[1800000300000000,0],"u":[1800000000000000,0]}"# + "\n"
            + #"{"l":{"alertname":"Damaged"},"a":{},"s":[18000"# + "\n" + #"{"l":{"alertname":"Cut"#
        try Data(newer.utf8).write(to: URL(fileURLWithPath: dir + "/alerts-4.log"))
        let alerts = try AlertJournal(directory: dir, store: AlertStore()).load()
        #expect(Set(alerts.compactMap { $0.labels["alertname"] }) == ["Old", "Older", "New"])
        let older = try #require(alerts.first { $0.labels["alertname"] == "Older" })
        #expect(older.startsAt.offsetSeconds == 3600 && older.timeout && older.generatorURL == "http://a/b")
        #expect(older.annotations["summary"] == "s")
    }

    @Test func aLineCutShortByACrashIsSkipped() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let silence = Silence(id: "0b8e6b3c-1111-4111-8111-111111111111", matchers: [try Matcher(name: "a", kind: .equal, value: "b")],
                              startsAt: WireTime(millis: 0), endsAt: WireTime(millis: 9_000_000_000_000), updatedAt: WireTime(millis: 0), createdBy: "x", comment: "y")
        let file = SilenceFile(path: dir + "/silences.jsonl")
        try file.save(silence)
        let handle = try #require(FileHandle(forWritingAtPath: dir + "/silences.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"id": "cut-sh"#.utf8))
        handle.closeFile()
        let loaded = try file.load(now: 1, retention: 1)
        #expect(loaded.map(\.id) == [silence.id])
        #expect(loaded.first?.matchers == silence.matchers)
    }
}
