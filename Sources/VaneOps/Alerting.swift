import Synchronization
import VaneCore

/// The alert side of Vane as Alertmanager's API sees it: intake, the state of each alert
/// (silenced, inhibited), groups, silences and the configuration they are judged by.
public final class Alerting: Sendable {
    private let configuration: Mutex<AlertingConfig>
    public let store: AlertStore
    public let silences: SilenceBook
    let clock: any VaneClock
    /// When the server started, for `GET /api/v2/status`.
    public let started: WireTime
    private let observers = Mutex<[any AlertObserver]>([])

    /// Where stored alerts are written before a post is acknowledged; nil keeps them in memory only.
    public let journal: AlertJournal?

    public init(config: AlertingConfig = .standard, store: AlertStore = AlertStore(), silences: SilenceBook = SilenceBook(),
                journal: AlertJournal? = nil, clock: any VaneClock = SystemClock()) {
        self.journal = journal
        self.configuration = Mutex(config)
        self.store = store
        self.silences = silences
        self.clock = clock
        self.started = WireTime(millis: clock.nowMillis())
    }

    /// The configuration in force.
    public var config: AlertingConfig { configuration.withLock { $0 } }

    /// Replaces the configuration (a reload) and tells the observers.
    public func apply(_ config: AlertingConfig) {
        configuration.withLock { $0 = config }
        for observer in observers.withLock({ $0 }) { observer.configurationChanged(config) }
    }

    /// Adds `observer`, told of every alert stored from now on and of every configuration applied.
    public func subscribe(_ observer: any AlertObserver) { observers.withLock { $0.append(observer) } }

    /// Now, as the API writes times.
    public func now() -> WireTime { WireTime(millis: clock.nowMillis()) }

    /// The outcome of a post: how many alerts were stored, and the errors of the others in
    /// Alertmanager's words (the valid ones are stored even when some are not).
    public struct PostOutcome: Sendable, Equatable {
        public var stored: Int
        public var errors: [String]
    }

    /// Takes posted alerts the way `POST /api/v2/alerts` does and returns once what was stored
    /// is on disk (with a ``journal``).
    public func postDurably(_ posted: [PostedAlert]) async throws -> PostOutcome {
        let (outcome, stored) = take(posted)
        if let journal { try journal.append(stored) }
        return outcome
    }

    /// Takes posted alerts the way `POST /api/v2/alerts` does, in memory.
    @discardableResult
    public func post(_ posted: [PostedAlert]) -> PostOutcome { take(posted).0 }

    func take(_ posted: [PostedAlert]) -> (PostOutcome, [Alert]) {
        let now = now()
        let timeout = config.resolveTimeout
        var valid: [Alert] = []
        valid.reserveCapacity(posted.count)
        var errors: [String] = []
        for alert in posted {
            switch alert.accepted(now: now, resolveTimeout: timeout) {
            case .success(let accepted): valid.append(accepted)
            case .failure(let rejection): errors.append(rejection.message)
            }
        }
        let put = store.put(valid, now: now.micros)
        if !put.stored.isEmpty {
            for observer in observers.withLock({ $0 }) { observer.alertsReceived(posted: valid, stored: put, now: now.micros) }
        }
        if put.refused > 0 { errors.append("\(put.refused) alerts refused: Vane holds at most \(store.limit) alerts") }
        return (PostOutcome(stored: put.stored.count, errors: errors), put.stored)
    }

    /// An alert's state as the API reports it.
    public struct Status: Sendable, Equatable {
        public var silencedBy: [String]
        public var inhibitedBy: [String]
        /// `active`, or `suppressed` when silenced or inhibited.
        public var state: String { silencedBy.isEmpty && inhibitedBy.isEmpty ? "active" : "suppressed" }
    }

    /// An alert with its state and receivers, as `GET /api/v2/alerts` lists it.
    public struct AlertView: Sendable {
        public var alert: Alert
        public var status: Status
        public var receivers: [String]
    }

    /// A group of alerts as `GET /api/v2/alerts/groups` lists it.
    public struct GroupView: Sendable {
        public var labels: LabelSet
        public var receiver: String
        public var alerts: [AlertView]
    }

    /// The filters of `GET /api/v2/alerts` and `…/groups`.
    public struct Query: Sendable {
        public var active = true
        public var silenced = true
        public var inhibited = true
        public var unprocessed = true
        public var filter: [Matcher] = []
        /// Matches a receiver's whole name.
        public var receiver: Matcher?

        public init() {}

        func admits(_ status: Status) -> Bool {
            if !active, status.state == "active" { return false }
            if !silenced, !status.silencedBy.isEmpty { return false }
            if !inhibited, !status.inhibitedBy.isEmpty { return false }
            return true
        }
    }

    /// What judging an alert needs (the active silences, the inhibitions of the firing alerts),
    /// built once per read or flush.
    public struct Judge: Sendable {
        let now: Int64
        let silences: [Silence]
        let inhibitor: Inhibitor

        public func status(of alert: Alert) -> Status {
            let silenced = silences.filter { $0.matches(alert.labels) }.map(\.id).sorted()
            let inhibited = inhibitor.inhibitor(of: alert.labels).map { [$0.description] } ?? []
            return Status(silencedBy: silenced, inhibitedBy: inhibited)
        }
    }

    /// The judge of every alert at `now`.
    public func judge(now: Int64) -> Judge { judge(config: config, now: now) }

    /// Inhibition needs the firing alerts; without rules they are not read.
    func judge(config: AlertingConfig, now: Int64) -> Judge {
        judge(alerts: config.inhibitRules.isEmpty ? [] : store.unresolved(at: now), config: config, now: now)
    }

    func judge(alerts: [Alert], config: AlertingConfig, now: Int64) -> Judge {
        Judge(now: now, silences: silences.active(now: now), inhibitor: Inhibitor(rules: config.inhibitRules, alerts: alerts, now: now))
    }

    /// The alerts not resolved, by fingerprint, and how to judge each one against `query`: for
    /// answers written as they are computed (a million alerts are not held as views, nor even
    /// as alerts, at once: they are read from the store ``chunk`` at a time).
    public struct Listing: Sendable {
        /// The fingerprints the label filter kept, in ascending order.
        public let fingerprints: [Fingerprint]
        let store: AlertStore
        let judge: Judge
        let config: AlertingConfig
        let query: Query
        let now: Int64
        /// How many alerts ``views(_:)`` reads at a time.
        public static let chunk = 2_000

        /// The views of the alerts of `fingerprints[range]` that the query keeps (an alert that
        /// resolved or went since the listing was made is left out).
        public func views(_ range: Range<Int>) -> [AlertView] {
            store.alerts(fingerprints[range]).compactMap { $0.isResolved(at: now) ? nil : view($0) }
        }

        /// The view of `alert`, or nil when the query leaves it out.
        public func view(_ alert: Alert) -> AlertView? {
            let receivers = config.route.match(alert.labels).map(\.receiver)
            if let receiver = query.receiver, !receivers.contains(where: { receiver.matches($0) }) { return nil }
            if !query.filter.matches(alert.labels) { return nil }
            let status = judge.status(of: alert)
            guard query.admits(status) else { return nil }
            return AlertView(alert: alert, status: status, receivers: receivers)
        }
    }

    /// The alerts not resolved, sorted by fingerprint, with what judges them.
    public func listing(_ query: Query) -> Listing {
        let now = now().micros
        let config = self.config
        // The label filter first, so that only what it keeps is sorted and read.
        let filter = query.filter
        let kept = store.unresolvedFingerprints(at: now) { filter.isEmpty || filter.matches($0) }.sorted()
        return Listing(fingerprints: kept, store: store, judge: judge(config: config, now: now), config: config, query: query, now: now)
    }

    /// The alerts not resolved, filtered as `query` says, by fingerprint.
    public func alerts(_ query: Query) -> [AlertView] {
        let now = now().micros
        let config = self.config
        let current = store.unresolved(at: now)
        let judge = judge(alerts: current, config: config, now: now)
        var result: [AlertView] = []
        for alert in current {
            let receivers = config.route.match(alert.labels).map(\.receiver)
            if let receiver = query.receiver, !receivers.contains(where: { receiver.matches($0) }) { continue }
            if !query.filter.matches(alert.labels) { continue }
            let status = judge.status(of: alert)
            guard query.admits(status) else { continue }
            result.append(AlertView(alert: alert, status: status, receivers: receivers))
        }
        result.sort { $0.alert.fingerprint < $1.alert.fingerprint }
        return result
    }

    /// The groups the routing tree makes of the alerts not resolved, filtered as `query` says.
    public func groups(_ query: Query) -> [GroupView] {
        let now = now().micros
        let config = self.config
        let current = store.unresolved(at: now)
        let judge = judge(alerts: current, config: config, now: now)
        struct Key: Hashable {
            var route: Int
            var labels: LabelSet
        }
        var groups: [Key: (route: Route, alerts: [Alert])] = [:]
        for alert in current {
            for route in config.route.match(alert.labels) {
                let key = Key(route: route.index, labels: route.groupLabels(alert.labels))
                groups[key, default: (route, [])].alerts.append(alert)
            }
        }
        // As Alertmanager's dispatcher: an alert's receivers are those of the groups that list it
        // after the filters, sorted by name.
        var statuses: [Fingerprint: Status] = [:]
        var receivers: [Fingerprint: [String]] = [:]
        var result: [(key: String, view: GroupView)] = []
        for (key, group) in groups {
            if let receiver = query.receiver, !receiver.matches(group.route.receiver) { continue }
            var kept: [Alert] = []
            for alert in group.alerts.sorted(by: Alerting.listedInGroup) {
                let status = statuses[alert.fingerprint] ?? judge.status(of: alert)
                statuses[alert.fingerprint] = status
                guard query.admits(status), query.filter.matches(alert.labels) else { continue }
                receivers[alert.fingerprint, default: []].append(group.route.receiver)
                kept.append(alert)
            }
            guard !kept.isEmpty else { continue }
            let views = kept.map { AlertView(alert: $0, status: statuses[$0.fingerprint]!, receivers: []) }
            result.append((group.route.key + ":" + key.labels.description, GroupView(labels: key.labels, receiver: group.route.receiver, alerts: views)))
        }
        for index in result.indices {
            for a in result[index].view.alerts.indices {
                let fingerprint = result[index].view.alerts[a].alert.fingerprint
                result[index].view.alerts[a].receivers = (receivers[fingerprint] ?? []).sorted()
            }
        }
        result.sort { a, b in
            if a.view.labels != b.view.labels { return a.view.labels.before(b.view.labels) }
            return a.view.receiver != b.view.receiver ? a.view.receiver < b.view.receiver : a.key < b.key
        }
        return result.map(\.view)
    }

    /// Alertmanager's order of alerts in a group: by `job`, then `instance` (alerts that have the
    /// label first), then by labels.
    static func listedInGroup(_ a: Alert, _ b: Alert) -> Bool {
        for name in ["job", "instance"] {
            let x = a.labels[name], y = b.labels[name]
            if x == nil, y == nil { continue }
            guard let x else { return false }
            guard let y else { return true }
            if x != y { return x < y }
        }
        return a.labels.before(b.labels)
    }
}
