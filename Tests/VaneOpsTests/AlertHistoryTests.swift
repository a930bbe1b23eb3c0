import Foundation
import Testing
@testable import VaneOps

/// The alert history and the silence watcher (notice on expiry, mute until resolved).
@Suite struct AlertHistoryTests {
    @Test(arguments: [false, true])
    func episodesAreKeptAfterTheyResolve(onDisk: Bool) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-history-\(UUID().uuidString)").path
        if onDisk { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = MovingClock()
        let alerting = Alerting(clock: clock)
        let history = AlertHistory(directory: onDisk ? dir : nil, store: alerting.store)
        alerting.subscribe(history)
        let start = WireTime(millis: clock.nowMillis())
        // Fires, is re-sent twice (no new lines), resolves, fires again.
        for _ in 0..<3 { alerting.post([PostedAlert(labels: [Label("alertname", "Disk")], startsAt: start, endsAt: start.adding(micros: 600_000_000))]) }
        clock.advance(seconds: 120)
        alerting.post([PostedAlert(labels: [Label("alertname", "Disk")], startsAt: start, endsAt: WireTime(millis: clock.nowMillis()))])
        clock.advance(seconds: 60)
        let again = WireTime(millis: clock.nowMillis())
        alerting.post([PostedAlert(labels: [Label("alertname", "Disk")], startsAt: again)])
        alerting.post([PostedAlert(labels: [Label("alertname", "Other")], startsAt: again)])
        let now = clock.nowMillis() * 1000
        let episodes = history.episodes(since: now - 3_600_000_000, until: now + 1, matchers: [try MatcherParser.parse("alertname=Disk")], limit: 10)
        #expect(episodes.count == 2)
        #expect(episodes[0].startsAt == start)
        #expect(episodes[0].endsAt.map { $0.micros - start.micros } == 120_000_000)
        #expect(episodes[1].startsAt == again && episodes[1].endsAt == nil)
        #expect(history.episodes(since: now - 3_600_000_000, until: now + 1, matchers: [], limit: 10).count == 3)
        #expect(history.episodes(since: now - 3_600_000_000, until: now + 1, matchers: [], limit: 1).count == 1)
    }

    @Test func aSilenceThatExpiresOverFiringAlertsNotifiesAndMuteUntilResolvedEndsItself() throws {
        let clock = MovingClock()
        let alerting = Alerting(clock: clock)
        alerting.post([PostedAlert(labels: [Label("alertname", "Down")], startsAt: WireTime(millis: clock.nowMillis()),
                                   endsAt: WireTime(millis: clock.nowMillis() + 3_600_000))])
        let now = alerting.now()
        let short = try alerting.silences.post(PostedSilence(matchers: [.init(name: "alertname", value: "Down", isRegex: false)], startsAt: now,
                                                             endsAt: now.adding(micros: 30_000_000), createdBy: "bob", comment: "brief"), now: now)
        let until = try alerting.silences.post(PostedSilence(matchers: [.init(name: "alertname", value: "Down", isRegex: false)], startsAt: now,
                                                             endsAt: now.adding(micros: 86_400_000_000), createdBy: "amy",
                                                             comment: SilenceWatcher.untilResolvedMarker + "fixing"), now: now)
        var watcher = SilenceWatcher()
        #expect(watcher.check(alerting, now: clock.nowMillis() * 1000).isEmpty)
        clock.advance(seconds: 90)
        let notices = watcher.check(alerting, now: clock.nowMillis() * 1000)
        #expect(notices.count == 1)
        #expect(notices.first?.labels.contains(Label("silence_id", short)) == true)
        #expect(alerting.silences.silence(until)?.state(at: clock.nowMillis() * 1000) == .active)
        // The alert resolves: the until-resolved silence expires by itself, without a notice.
        alerting.post([PostedAlert(labels: [Label("alertname", "Down")], startsAt: WireTime(millis: clock.nowMillis() - 200_000),
                                   endsAt: WireTime(millis: clock.nowMillis()))])
        clock.advance(seconds: 1)
        #expect(watcher.check(alerting, now: clock.nowMillis() * 1000).isEmpty)
        #expect(alerting.silences.silence(until)?.state(at: clock.nowMillis() * 1000) == .expired)
    }
}
