import Synchronization

/// The alerts Vane holds, by fingerprint, in memory: re-sent alerts merge the way Alertmanager's
/// memory provider merges them, resolved alerts are collected after ``gcInterval``.
///
/// Kept compact for a million alerts: a ``FingerprintMap`` of ``StoredAlert`` (times inline,
/// strings in one ``AlertText`` buffer each).
public final class AlertStore: Sendable {
    struct State {
        var alerts = FingerprintMap<StoredAlert>()
        var lastCollection: Int64 = 0

        func alert(_ slot: Int) -> Alert { alerts.values[slot].alert(alerts.keys[slot]) }
    }

    /// What a fingerprint's stored alert was before a post: where its episode started and when
    /// it was to end (for the history, which writes a line when an episode starts or ends).
    public struct Previous: Sendable, Equatable {
        public var startsAt: Int64
        public var endsAt: Int64
        /// Whether `endsAt` was Vane's (now + resolve_timeout) rather than the sender's.
        public var timeout: Bool
    }

    /// What ``put(_:now:)`` did: the alerts stored, in order, with what each replaced (nil for
    /// a fingerprint the store did not hold); for each alert given, in its order, the text the
    /// store keeps for it (nil when refused); and how many were refused because the store is full.
    public struct Put: Sendable {
        public var stored: [Alert] = []
        public var previous: [Previous?] = []
        public var texts: [AlertText?] = []
        public var refused = 0
    }

    private let state = Mutex(State())
    /// The most alerts held at once; a new fingerprint beyond it is refused.
    public let limit: Int
    /// How often resolved alerts are dropped, in microseconds (Alertmanager: 30 minutes).
    public let gcInterval: Int64

    public init(limit: Int = 2_000_000, gcInterval: Int64 = 30 * 60 * 1_000_000) {
        self.limit = limit
        self.gcInterval = gcInterval
    }

    /// Stores `alerts` at `now` (microseconds): one that overlaps the stored alert of its
    /// fingerprint in time merges with it, any other replaces it.
    @discardableResult
    public func put(_ alerts: [Alert], now: Int64) -> Put {
        // The buffers are packed before the lock is taken.
        let packed = alerts.map(AlertText.init)
        return state.withLock { state in
            if now - state.lastCollection >= gcInterval {
                state.alerts.removeAll { $1.isResolved(at: now) }
                state.lastCollection = now
            }
            var result = Put()
            result.stored.reserveCapacity(alerts.count)
            result.previous.reserveCapacity(alerts.count)
            result.texts.reserveCapacity(alerts.count)
            for (var alert, text) in zip(alerts, packed) {
                let fingerprint = alert.fingerprint
                if let slot = state.alerts.slot(of: fingerprint) {
                    let old = state.alerts.values[slot]
                    var text = text
                    if (alert.endsAt.micros > old.startsAt && alert.endsAt.micros < old.endsAt)
                        || (alert.startsAt.micros > old.startsAt && alert.startsAt.micros < old.endsAt) {
                        let younger: Bool
                        (alert, younger) = Self.merge(old, alert, fingerprint: fingerprint, now: now)
                        if !younger { text = old.text }
                    }
                    state.alerts.values[slot] = StoredAlert(alert, text: text)
                    result.previous.append(Previous(startsAt: old.startsAt, endsAt: old.endsAt, timeout: old.timeout))
                    result.texts.append(text)
                } else {
                    guard state.alerts.count < limit else {
                        result.refused += 1
                        result.texts.append(nil)
                        continue
                    }
                    state.alerts[fingerprint] = StoredAlert(alert, text: text)
                    result.previous.append(nil)
                    result.texts.append(text)
                }
                result.stored.append(alert)
            }
            return result
        }
    }

    /// ``Alert/merged(with:now:)`` of the stored alert and a new one, and whether the new one
    /// was the younger; the stored alert's strings are read only when it is the younger of the two
    /// (a clock that went back).
    static func merge(_ old: StoredAlert, _ new: Alert, fingerprint: Fingerprint, now: Int64) -> (Alert, Bool) {
        if new.updatedAt.micros < old.updatedAt { return (old.alert(fingerprint).merged(with: new, now: now), false) }
        var result = new
        if old.startsAt < new.startsAt.micros { result.startsAt = WireTime(micros: old.startsAt, offsetSeconds: old.startsOffset) }
        let oldEnd = WireTime(micros: old.endsAt, offsetSeconds: old.endsOffset)
        if new.isResolved(at: now) {
            if old.isResolved(at: now), oldEnd > new.endsAt { result.endsAt = oldEnd }
        } else if oldEnd > new.endsAt, !old.timeout {
            result.endsAt = oldEnd
        }
        return (result, true)
    }

    /// Takes back the records of the alert journal at start, in the order written (the last
    /// record of a fingerprint wins), leaving out alerts resolved for longer than ``gcInterval``.
    public func restore(from journal: AlertJournal, now: Int64) {
        state.withLock { state in
            journal.forEachRecord { alert in
                if now - alert.endsAt.micros < gcInterval {
                    state.alerts[alert.fingerprint] = StoredAlert(alert, text: AlertText(alert))
                } else {
                    state.alerts[alert.fingerprint] = nil
                }
            }
            state.lastCollection = now
        }
    }

    /// The alert with `fingerprint`, resolved or not.
    public func alert(_ fingerprint: Fingerprint) -> Alert? {
        state.withLock { state in state.alerts.slot(of: fingerprint).map(state.alert) }
    }

    /// The buffer kept for each of `fingerprints`, nil where the store holds no such alert.
    public func texts(_ fingerprints: some Collection<Fingerprint>) -> [AlertText?] {
        state.withLock { state in fingerprints.map { state.alerts.slot(of: $0).map { state.alerts.values[$0].text } } }
    }

    /// Those of `fingerprints` the store holds (one lock for all; no alert is read).
    public func holding(_ fingerprints: Set<Fingerprint>) -> Set<Fingerprint> {
        state.withLock { state in fingerprints.filter { state.alerts.slot(of: $0) != nil } }
    }

    /// The alerts with these fingerprints that the store holds, in the same order.
    public func alerts(_ fingerprints: some Sequence<Fingerprint>) -> [Alert] {
        state.withLock { state in fingerprints.compactMap { state.alerts.slot(of: $0).map(state.alert) } }
    }

    /// Every alert not resolved at `now`.
    public func unresolved(at now: Int64) -> [Alert] {
        state.withLock { state in state.alerts.values.indices.filter { !state.alerts.values[$0].isResolved(at: now) }.map(state.alert) }
    }

    /// The fingerprints of the alerts not resolved at `now` whose labels pass `filter`. The
    /// store is read from a copy taken under the lock (the array's buffer is shared until the next
    /// post), so posts are not held up behind a large read.
    public func unresolvedFingerprints(at now: Int64, where filter: (LabelSet) -> Bool) -> [Fingerprint] {
        let alerts = state.withLock { $0.alerts }
        var result: [Fingerprint] = []
        for slot in alerts.keys.indices where !alerts.values[slot].isResolved(at: now) {
            let fingerprint = alerts.keys[slot]
            if filter(alerts.values[slot].text.labels(fingerprint)) { result.append(fingerprint) }
        }
        return result
    }

    /// Every alert held, resolved or not.
    public func all() -> [Alert] { state.withLock { state in state.alerts.keys.indices.map(state.alert) } }

    /// Calls `body` with every alert held at the call, `chunk` at a time, from a copy taken
    /// under the lock (for snapshots of a million alerts: posts go on meanwhile).
    public func forEachChunk(of chunk: Int = 10_000, _ body: ([Alert]) throws -> Void) rethrows {
        let alerts = state.withLock { $0.alerts }
        var start = 0
        while start < alerts.count {
            let end = min(start + chunk, alerts.count)
            try body((start..<end).map { alerts.values[$0].alert(alerts.keys[$0]) })
            start = end
        }
    }

    /// How many alerts are held.
    public var count: Int { state.withLock { $0.alerts.count } }
}
