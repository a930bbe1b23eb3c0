import Synchronization

/// The alerts Vane holds, by fingerprint, in memory: re-sent alerts merge the way Alertmanager's
/// memory provider merges them, resolved alerts are collected after ``gcInterval``.
public final class AlertStore: Sendable {
    struct State {
        var alerts: [Fingerprint: Alert] = [:]
        var lastCollection: Int64 = 0
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
    /// fingerprint in time merges with it, any other replaces it. Returns what was stored, in
    /// order, and the alerts refused because the store is full.
    @discardableResult
    public func put(_ alerts: [Alert], now: Int64) -> (stored: [Alert], refused: Int) {
        state.withLock { state in
            if now - state.lastCollection >= gcInterval {
                state.alerts = state.alerts.filter { !$0.value.isResolved(at: now) }
                state.lastCollection = now
            }
            var stored: [Alert] = []
            stored.reserveCapacity(alerts.count)
            var refused = 0
            for var alert in alerts {
                let fingerprint = alert.fingerprint
                if let old = state.alerts[fingerprint] {
                    if (alert.endsAt > old.startsAt && alert.endsAt < old.endsAt)
                        || (alert.startsAt > old.startsAt && alert.startsAt < old.endsAt) {
                        alert = old.merged(with: alert, now: now)
                    }
                } else if state.alerts.count >= limit {
                    refused += 1
                    continue
                }
                state.alerts[fingerprint] = alert
                stored.append(alert)
            }
            return (stored, refused)
        }
    }

    /// Takes back alerts read from disk at start (as they were stored), leaving out those resolved
    /// for longer than ``gcInterval``.
    public func restore(_ alerts: [Alert], now: Int64) {
        state.withLock { state in
            for alert in alerts where now - alert.endsAt.micros < gcInterval {
                state.alerts[alert.fingerprint] = alert
            }
            state.lastCollection = now
        }
    }

    /// The alert with `fingerprint`, resolved or not.
    public func alert(_ fingerprint: Fingerprint) -> Alert? { state.withLock { $0.alerts[fingerprint] } }

    /// Every alert not resolved at `now`.
    public func unresolved(at now: Int64) -> [Alert] {
        state.withLock { state in state.alerts.values.filter { !$0.isResolved(at: now) } }
    }

    /// Every alert held, resolved or not.
    public func all() -> [Alert] { state.withLock { Array($0.alerts.values) } }

    /// How many alerts are held.
    public var count: Int { state.withLock { $0.alerts.count } }
}
