import Logging
import ServiceLifecycle
import Synchronization
import VaneCore

/// Alertmanager's dispatcher: alerts go to the groups of the routes they match; a new group
/// waits `group_wait`, then flushes every `group_interval`; a flush sends each integration of the
/// group's receiver what changed (or everything again after `repeat_interval`), leaving out
/// inhibited and silenced alerts, and retries until the next flush is due. Intake never waits
/// for a notification: ``alertsReceived(posted:stored:now:)`` only files alerts into groups.
public final class Dispatcher: Service, AlertObserver, Sendable {
    struct GroupID: Hashable {
        var route: Int
        var labels: LabelSet
    }

    struct Group {
        var route: Route
        var labels: LabelSet
        /// Alertmanager's group key: `<route key>:<group labels>`.
        var key: String
        /// The group's alerts, by fingerprint; the alerts themselves are the store's (read at
        /// each flush), so that an alert is held once.
        var alerts: Set<Fingerprint> = []
        /// When the next flush is due, microseconds.
        var next: Int64
        var hasFlushed = false
        var flushing = false
    }

    struct State {
        var groups: [GroupID: Group] = [:]
        var config: AlertingConfig
        var running = 0
    }

    /// How notifications are retried and bounded.
    public struct Settings: Sendable {
        /// How often due groups are looked for.
        public var tick: Duration = .milliseconds(50)
        /// The first retry's delay; each next one is 1.5 times longer, up to `maxBackoff`.
        public var initialBackoff: Duration = .milliseconds(500)
        public var maxBackoff: Duration = .seconds(60)
        /// The shortest time a flush may spend retrying (Alertmanager: 10 s); otherwise `group_interval`.
        public var minFlushTimeout: Duration = .seconds(10)
        /// One request's timeout.
        public var requestTimeout: Duration = .seconds(10)
        /// The most flushes in flight at once.
        public var maxConcurrentFlushes = 32

        public init() {}
    }

    /// What was sent: counts per integration kind and outcome.
    public struct Counts: Sendable, Equatable {
        public var sent: [String: Int] = [:]
        public var failed: [String: Int] = [:]
    }

    let state: Mutex<State>
    let counts = Mutex(Counts())
    let alerting: Alerting
    let transport: any NotificationTransport
    public let log: NotificationLog
    let clock: any VaneClock
    /// The URL notifications link back to (Alertmanager's `--web.external-url`).
    public let externalURL: String
    let settings: Settings
    let logger: Logger

    public init(alerting: Alerting, transport: any NotificationTransport, log: NotificationLog = NotificationLog(),
                externalURL: String, settings: Settings = Settings(), clock: any VaneClock = SystemClock(),
                logger: Logger = Logger(label: "vane.notify")) {
        self.alerting = alerting
        self.transport = transport
        self.log = log
        self.externalURL = externalURL
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.state = Mutex(State(config: alerting.config))
        alerting.subscribe(self)
        // Alerts read back from disk at start go to their groups (the notification log says
        // what was already sent).
        configurationChanged(alerting.config)
    }

    func nowMicros() -> Int64 { clock.nowMillis() * 1000 }

    /// What has been sent and what failed, so far.
    public var sent: Counts { counts.withLock { $0 } }

    // MARK: intake

    public func alertsReceived(posted: [Alert], stored: AlertStore.Put, now: Int64) {
        state.withLock { state in
            for alert in stored.stored { Self.insert(alert, into: &state, now: now) }
        }
    }

    public func configurationChanged(_ config: AlertingConfig) {
        let now = nowMicros()
        state.withLock { state in
            state.config = config
            state.groups = [:]
        }
        // The store's alerts go to their groups again a chunk at a time (a million alerts are not
        // read into memory at once); one posted meanwhile is inserted twice, which changes nothing.
        alerting.store.forEachChunk { alerts in
            state.withLock { state in
                for alert in alerts { Self.insert(alert, into: &state, now: now) }
            }
        }
    }

    static func insert(_ alert: Alert, into state: inout State, now: Int64) {
        for route in state.config.route.match(alert.labels) {
            let labels = route.groupLabels(alert.labels)
            let id = GroupID(route: route.index, labels: labels)
            if state.groups[id] == nil {
                state.groups[id] = Group(route: route, labels: labels, key: route.key + ":" + labels.description, next: now + route.groupWait)
            }
            state.groups[id]!.alerts.insert(alert.fingerprint)
            // An alert that has waited group_wait already (a re-send seen first) flushes at once.
            if !state.groups[id]!.hasFlushed, alert.startsAt.micros + route.groupWait < now { state.groups[id]!.next = now }
        }
    }

    /// The groups and their alerts, for tests and the API: group key → fingerprints.
    public var groupKeys: [String: [Fingerprint]] {
        state.withLock { state in
            Dictionary(state.groups.values.map { ($0.key, $0.alerts.sorted()) }, uniquingKeysWith: { $0 + $1 })
        }
    }

    // MARK: flushing

    /// A group's flush: its alerts are read from the store by the flush itself, outside the
    /// dispatcher's lock, and only when its receiver has something to send.
    struct Job: Sendable {
        var id: GroupID
        var route: Route
        var key: String
        var labels: LabelSet
        var fingerprints: [Fingerprint]
        var config: AlertingConfig
    }

    /// The groups due at `now`, marked as flushing, their next flush set one interval on.
    func takeDue(now: Int64) -> [Job] {
        state.withLock { state in
            var jobs: [Job] = []
            for (id, group) in state.groups where group.next <= now && !group.flushing {
                guard state.running < settings.maxConcurrentFlushes else { break }
                state.groups[id]!.flushing = true
                state.groups[id]!.hasFlushed = true
                state.groups[id]!.next = now + group.route.groupInterval
                state.running += 1
                jobs.append(Job(id: id, route: group.route, key: group.key, labels: group.labels,
                                fingerprints: Array(group.alerts), config: state.config))
            }
            return jobs
        }
    }

    /// After a flush: resolved alerts it notified are dropped unless they changed meanwhile; an
    /// empty group goes.
    func finish(_ job: Job, _ outcome: Flushed, now: Int64) {
        let flushed = Set(job.fingerprints)
        let held = alerting.store.holding(flushed)
        state.withLock { state in
            state.running -= 1
            guard var group = state.groups[job.id] else { return }
            group.flushing = false
            if outcome.notified {
                for alert in outcome.alerts where alert.isResolved(at: now) {
                    // Unless it changed meanwhile (fired again): then it stays for the next flush.
                    let current = alerting.store.alert(alert.fingerprint)
                    if current == nil || current == alert { group.alerts.remove(alert.fingerprint) }
                }
            }
            // Alerts the store no longer holds (collected) leave the group too.
            group.alerts = group.alerts.filter { !flushed.contains($0) || held.contains($0) }
            state.groups[job.id] = group.alerts.isEmpty ? nil : group
        }
    }

    /// Flushes every group that is due now, waits for them, and returns how many flushed (tests
    /// drive the dispatcher with this and a fixed clock).
    @discardableResult
    public func flushDue() async -> Int {
        let now = nowMicros()
        let jobs = takeDue(now: now)
        guard !jobs.isEmpty else { return 0 }
        let judge = alerting.judge(now: now)
        await withTaskGroup(of: Void.self) { tasks in
            for job in jobs {
                tasks.addTask {
                    let flushed = await self.flush(job, judge: judge, now: now)
                    self.finish(job, flushed, now: self.nowMicros())
                }
            }
        }
        return jobs.count
    }

    public func run() async throws {
        await withDiscardingTaskGroup { tasks in
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: settings.tick)
                let now = nowMicros()
                let jobs = takeDue(now: now)
                guard !jobs.isEmpty else { continue }
                let judge = alerting.judge(now: now)
                for job in jobs {
                    tasks.addTask {
                        let flushed = await self.flush(job, judge: judge, now: now)
                        self.finish(job, flushed, now: self.nowMicros())
                    }
                }
            }
        }
    }

    /// What a flush did: whether every integration succeeded (or had nothing to send), and the
    /// alerts it read (none when there was nothing to send).
    struct Flushed: Sendable {
        var notified: Bool
        var alerts: [Alert] = []
    }

    /// One group's flush: each integration of its receiver, concurrently.
    func flush(_ job: Job, judge: Alerting.Judge, now: Int64) async -> Flushed {
        guard let receiver = job.config.receiver(named: job.route.receiver) else { return Flushed(notified: true) }
        let integrations = Integration.all(of: receiver)
        guard !integrations.isEmpty else { return Flushed(notified: true) }
        if Self.isMuted(job.route, config: job.config, at: now) { return Flushed(notified: true) }
        let alerts = alerting.store.alerts(job.fingerprints)
        let items = alerts.sorted(by: Alerting.listedInGroup)
            .filter { judge.status(of: $0).state == "active" }
            .map { Notification.Item(alert: $0, resolved: $0.isResolved(at: now)) }
        let firing = Set(items.filter { !$0.resolved }.map(\.alert.fingerprint))
        let resolved = Set(items.filter(\.resolved).map(\.alert.fingerprint))
        let timeout = max(settings.minFlushTimeout, .microseconds(job.route.groupInterval))
        let notified = await withTaskGroup(of: Bool.self) { tasks in
            for (name, index, integration) in integrations {
                let key = NotificationLog.key(groupKey: job.key, receiver: receiver.name, integration: name, index: index)
                guard NotificationLog.needsUpdate(log.entry(key), firing: firing, resolved: resolved, sendResolved: integration.sendResolved,
                                                  repeatInterval: job.route.repeatInterval, now: now) else { continue }
                let sendable = integration.sendResolved ? items : items.filter { !$0.resolved }
                guard !sendable.isEmpty else {
                    log.log(key, firing: firing, resolved: resolved, now: now)
                    continue
                }
                let notification = Notification(receiver: receiver.name, groupKey: job.key, groupLabels: job.labels, items: sendable,
                                                 externalURL: externalURL)
                tasks.addTask {
                    let ok = await self.send(integration.request(for: notification), kind: name, deadline: .now + timeout)
                    if ok { self.log.log(key, firing: firing, resolved: resolved, now: now) }
                    return ok
                }
            }
            var all = true
            for await ok in tasks where !ok { all = false }
            return all
        }
        return Flushed(notified: notified, alerts: alerts)
    }

    /// Sends with exponential backoff until `deadline`: 2xx is done, 5xx and no answer are
    /// retried, anything else fails at once.
    func send(_ request: OutgoingRequest, kind: String, deadline: ContinuousClock.Instant) async -> Bool {
        var delay = settings.initialBackoff
        var attempt = 0
        while true {
            attempt += 1
            var retry = true
            do {
                let status = try await transport.send(request, timeout: settings.requestTimeout)
                if (200..<300).contains(status) {
                    counts.withLock { $0.sent[kind, default: 0] += 1 }
                    return true
                }
                retry = status >= 500 || status == 429
                logger.warning("notification refused", metadata: ["integration": "\(kind)", "status": "\(status)", "attempt": "\(attempt)"])
            } catch {
                logger.warning("notification failed", metadata: ["integration": "\(kind)", "error": "\(error)", "attempt": "\(attempt)"])
            }
            guard retry, !Task.isCancelled, ContinuousClock.now + delay < deadline else { break }
            try? await Task.sleep(for: delay)
            delay = min(settings.maxBackoff, delay * 1.5)
        }
        counts.withLock { $0.failed[kind, default: 0] += 1 }
        return false
    }

    /// Whether a route's `mute_time_intervals` hold now, or its `active_time_intervals` do not.
    static func isMuted(_ route: Route, config: AlertingConfig, at now: Int64) -> Bool {
        let intervals = { (names: [String]) in names.flatMap { config.timeIntervals[$0] ?? [] } }
        if !route.muteTimeIntervals.isEmpty, intervals(route.muteTimeIntervals).contains(where: { $0.contains(now) }) { return true }
        if !route.activeTimeIntervals.isEmpty, !intervals(route.activeTimeIntervals).contains(where: { $0.contains(now) }) { return true }
        return false
    }
}

/// Told of every alert received and every configuration applied.
public protocol AlertObserver: Sendable {
    /// `posted`: the alerts as they came (times filled in); `stored`: as stored, merged with
    /// what was there (Alertmanager's merge can join two firing episodes into one), each with
    /// what it replaced.
    func alertsReceived(posted: [Alert], stored: AlertStore.Put, now: Int64)
    func configurationChanged(_ config: AlertingConfig)
}
