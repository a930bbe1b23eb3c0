import Foundation
import Logging
import ServiceLifecycle
import VaneCore

/// The operations side's state in a directory (`<data>/ops`): silences and the alert journal
/// are written as they change (see ``SilenceFile`` and ``AlertJournal``); the notification log
/// and the incidents are written every ``interval`` and at shutdown, as Alertmanager writes its
/// notification log and silences (its `--data.maintenance-interval`, 15 minutes; here a minute),
/// and the incidents also right after a person acknowledges or resolves one.
public final class OpsSnapshots: Service, Sendable {
    public let directory: String
    let incidents: IncidentService
    let notificationLog: NotificationLog
    let journal: AlertJournal?
    let silences: SilenceBook
    let interval: Duration
    let clock: any VaneClock
    let logger: Logger

    public static func notificationLogPath(_ directory: String) -> String { directory + "/nflog.json" }
    public static func incidentsPath(_ directory: String) -> String { directory + "/incidents.json" }
    public static func silencesPath(_ directory: String) -> String { directory + "/silences.jsonl" }

    public init(directory: String, incidents: IncidentService, notificationLog: NotificationLog, journal: AlertJournal?, silences: SilenceBook,
                interval: Duration = .seconds(60), clock: any VaneClock = SystemClock(), logger: Logger = Logger(label: "vane.ops")) {
        self.directory = directory
        self.incidents = incidents
        self.notificationLog = notificationLog
        self.journal = journal
        self.silences = silences
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Reads what a directory holds (nothing yet is fine; a damaged snapshot is logged and left
    /// aside): the silences, the alerts, the notification log and the incidents.
    public static func load(directory: String, clock: any VaneClock = SystemClock(), logger: Logger = Logger(label: "vane.ops"))
        throws -> (alerting: Alerting, notificationLog: NotificationLog, incidents: IncidentService) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let now = clock.nowMillis() * 1000
        let silenceFile = SilenceFile(path: silencesPath(directory))
        let book = SilenceBook(silences: try silenceFile.load(now: now, retention: 120 * 3_600_000_000), journal: silenceFile)
        let store = AlertStore()
        let journal = try AlertJournal(directory: directory, store: store)
        store.restore(from: journal, now: now)
        let alerting = Alerting(store: store, silences: book, journal: journal, clock: clock)
        var log = NotificationLog()
        if let data = FileManager.default.contents(atPath: notificationLogPath(directory)) {
            do { log = try NotificationLog.restore(Array(data), now: now) } catch {
                logger.error("cannot read the notification log; starting without it", metadata: ["error": "\(error)"])
            }
        }
        let incidents = IncidentService(alerting: alerting, graph: .empty, clock: clock, snapshotPath: incidentsPath(directory))
        if let bytes = DurableFile.read(incidentsPath(directory)) {
            do { try incidents.restore(bytes) } catch {
                logger.error("cannot read the incidents; starting without them", metadata: ["error": "\(error)"])
            }
        }
        // The buffers the files were read through go back to the system, not kept as free heap.
        HeapTrim.releaseFreeMemory()
        return (alerting, log, incidents)
    }

    /// Writes the notification log and the incidents now.
    public func save() {
        do {
            try DurableFile.replace(Self.notificationLogPath(directory), with: try notificationLog.snapshot(), what: "the notification log")
            try incidents.saveSnapshot()
        } catch {
            logger.error("cannot write the operations state", metadata: ["error": "\(error)"])
        }
        let now = clock.nowMillis() * 1000
        notificationLog.collectGarbage(now: now)
        silences.collectGarbage(now: now)
    }

    public func run() async throws {
        var lastSave = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            // A graceful shutdown ends the wait at once; the state is then written one last time.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            await journal?.sync()
            if ContinuousClock.now - lastSave >= interval {
                save()
                lastSave = .now
            }
        }
        save()
        await journal?.compactNow()
    }
}
