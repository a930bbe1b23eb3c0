import Testing
@testable import VaneOps

@Suite struct AlertStoreTests {
    static let second: Int64 = 1_000_000
    static func t(_ s: Int64) -> WireTime { WireTime(micros: 1_800_000_000 * second + s * second) }

    func posted(_ labels: [String: String], start: Int64? = nil, end: Int64? = nil) -> PostedAlert {
        PostedAlert(labels: labels.map { Label($0.key, $0.value) }, startsAt: start.map(Self.t), endsAt: end.map(Self.t))
    }

    @Test func fillsInTimesAsAlertmanagerDoes() throws {
        let now = Self.t(100)
        let noTimes = try posted(["a": "1"]).accepted(now: now, resolveTimeout: 300 * Self.second).get()
        #expect(noTimes.startsAt == now && noTimes.endsAt == Self.t(400) && noTimes.timeout)
        let endOnly = try posted(["a": "1"], end: 150).accepted(now: now, resolveTimeout: 300 * Self.second).get()
        #expect(endOnly.startsAt == Self.t(150) && !endOnly.timeout)
        let empties = try posted(["a": "1", "b": ""]).accepted(now: now, resolveTimeout: 0).get()
        #expect(empties.labels.count == 1)
    }

    @Test func refusesWithAlertmanagersMessages() {
        let now = Self.t(100)
        func message(_ p: PostedAlert) -> String? {
            if case .failure(let r) = p.accepted(now: now, resolveTimeout: 300 * Self.second) { return r.message }
            return nil
        }
        #expect(message(posted(["a": "1"], start: 50, end: 10)) == "start time must be before end time")
        #expect(message(posted([:])) == "at least one label pair required")
        #expect(message(posted(["a": ""])) == "at least one label pair required")
        #expect(message(posted(["a b": "1"])) == #"invalid label set: invalid name "a b""#)
        #expect(message(PostedAlert(labels: [Label("a", "1")], annotations: [Label("1x", "y")])) == #"invalid annotations: invalid name "1x""#)
        // A start after now + resolve timeout, with no end: the end Vane sets is before the start.
        #expect(message(posted(["a": "1"], start: 1000)) == "start time must be before end time")
    }

    @Test func overlappingResendsMergeAndOthersReplace() throws {
        let store = AlertStore()
        let labels = LabelSet(["alertname": "X"])
        let first = Alert(labels: labels, startsAt: Self.t(0), endsAt: Self.t(240), updatedAt: Self.t(1))
        store.put([first], now: Self.t(1).micros)
        // A later re-send whose start falls inside the stored range keeps the earliest start.
        let resend = Alert(labels: labels, startsAt: Self.t(60), endsAt: Self.t(300), updatedAt: Self.t(61))
        store.put([resend], now: Self.t(61).micros)
        #expect(store.alert(labels.fingerprint)?.startsAt == Self.t(0))
        #expect(store.alert(labels.fingerprint)?.endsAt == Self.t(300))
        // A firing re-send ending earlier than the stored explicit end keeps the later end.
        let shorter = Alert(labels: labels, startsAt: Self.t(30), endsAt: Self.t(200), updatedAt: Self.t(70))
        store.put([shorter], now: Self.t(70).micros)
        #expect(store.alert(labels.fingerprint)?.endsAt == Self.t(300))
        // ... unless that end was only a timeout.
        let timedOut = Alert(labels: LabelSet(["alertname": "Y"]), startsAt: Self.t(0), endsAt: Self.t(300), updatedAt: Self.t(1), timeout: true)
        store.put([timedOut], now: Self.t(1).micros)
        store.put([Alert(labels: timedOut.labels, startsAt: Self.t(10), endsAt: Self.t(100), updatedAt: Self.t(20))], now: Self.t(20).micros)
        #expect(store.alert(timedOut.fingerprint)?.endsAt == Self.t(100))
        // A resolve: the resolved re-send wins with its own end.
        store.put([Alert(labels: labels, startsAt: Self.t(0), endsAt: Self.t(90), updatedAt: Self.t(95))], now: Self.t(95).micros)
        #expect(store.alert(labels.fingerprint)?.isResolved(at: Self.t(95).micros) == true)
        // A new firing period that does not overlap replaces the resolved alert entirely.
        store.put([Alert(labels: labels, startsAt: Self.t(500), endsAt: Self.t(800), updatedAt: Self.t(500))], now: Self.t(500).micros)
        #expect(store.alert(labels.fingerprint)?.startsAt == Self.t(500))
        #expect(store.unresolved(at: Self.t(500).micros).count == 1)
    }

    @Test func theLimitRefusesNewFingerprintsButTakesResends() {
        let store = AlertStore(limit: 2)
        let alerts = (0..<3).map { Alert(labels: LabelSet(["n": "\($0)"]), startsAt: Self.t(0), endsAt: Self.t(100), updatedAt: Self.t(0)) }
        let outcome = store.put(alerts, now: Self.t(0).micros)
        #expect(outcome.stored.count == 2 && outcome.refused == 1)
        #expect(store.put([alerts[0]], now: Self.t(1).micros).refused == 0)
    }

    @Test func resolvedAlertsAreCollected() {
        let store = AlertStore(gcInterval: 10 * Self.second)
        store.put([Alert(labels: LabelSet(["a": "1"]), startsAt: Self.t(0), endsAt: Self.t(5), updatedAt: Self.t(0))], now: Self.t(0).micros)
        #expect(store.count == 1)
        store.put([], now: Self.t(20).micros)
        #expect(store.count == 0)
    }
}

@Suite struct FingerprintMapTests {
    @Test func removalsMoveTheLastEntryAndEveryKeyStillFindsItsValue() {
        var map = FingerprintMap<Int>()
        for i in 0..<1_000 { map[Fingerprint(UInt64(i) &* 0x9E37_79B9_7F4A_7C15)] = i }
        #expect(map.count == 1_000)
        map.removeAll { _, value in value % 3 == 0 }
        map[Fingerprint(UInt64(1) &* 0x9E37_79B9_7F4A_7C15)] = nil
        map[Fingerprint(UInt64(2) &* 0x9E37_79B9_7F4A_7C15)] = -2
        #expect(map.count == 1_000 - 334 - 1)
        for i in 0..<1_000 {
            let expected: Int? = i % 3 == 0 || i == 1 ? nil : (i == 2 ? -2 : i)
            #expect(map[Fingerprint(UInt64(i) &* 0x9E37_79B9_7F4A_7C15)] == expected)
        }
        // Keys and values stay aligned slot by slot.
        for slot in map.keys.indices { #expect(map.slot(of: map.keys[slot]) == slot) }
    }
}
