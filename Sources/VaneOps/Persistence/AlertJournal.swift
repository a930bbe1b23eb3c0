import Foundation
import NIOPosix
import Synchronization
import VaneCore
import VaneText

/// The alerts on disk, without a database row per re-sent alert: every stored alert is appended
/// to a journal file, and a post is acknowledged once its lines are synced. Posts that arrive
/// while a sync runs wait for the next one, which takes them all (group commit). When the journal
/// passes ``compactionBytes``, a new journal starts, a snapshot of the store is written beside
/// it, and the old journals go; at start the snapshot and then the newer journals are read.
public final class AlertJournal: Sendable {
    struct State {
        var pending: [UInt8] = []
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var writing = false
        var generation: Int
        var size: UInt64 = 0
    }

    let directory: String
    let state: Mutex<State>
    /// A journal past this size is compacted into a snapshot.
    public let compactionBytes: UInt64
    /// What the snapshot holds: the store, taken after the journal moved on.
    let snapshotSource: @Sendable () -> [Alert]

    public init(directory: String, compactionBytes: UInt64 = 64 << 20, snapshotSource: @escaping @Sendable () -> [Alert]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.compactionBytes = compactionBytes
        self.snapshotSource = snapshotSource
        let generation = (Self.generations(in: directory).max() ?? 0) + 1
        self.state = Mutex(State(generation: generation))
    }

    static func generations(in directory: String) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).compactMap { name in
            guard name.hasPrefix("alerts-"), name.hasSuffix(".log") else { return nil }
            return Int(name.dropFirst(7).dropLast(4))
        }
    }

    func journalPath(_ generation: Int) -> String { "\(directory)/alerts-\(generation).log" }
    var snapshotPath: String { "\(directory)/alerts.snapshot" }

    /// The alerts on disk: the snapshot's, then every journal's in order; the last record of a
    /// fingerprint wins.
    public func load() -> [Alert] {
        var latest: [Fingerprint: Alert] = [:]
        var covered = 0
        if let data = FileManager.default.contents(atPath: snapshotPath),
           let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
            covered = (object["covers"] as? NSNumber)?.intValue ?? 0
            for item in object["alerts"] as? [[String: Any]] ?? [] {
                if let alert = OpsRecords.alert(item) { latest[alert.fingerprint] = alert }
            }
        }
        for generation in Self.generations(in: directory).sorted() where generation > covered {
            for object in OpsRecords.objects(inFile: journalPath(generation)) {
                if let alert = OpsRecords.alert(object) { latest[alert.fingerprint] = alert }
            }
        }
        return Array(latest.values)
    }

    /// Appends `alerts` and returns once they are synced.
    public func append(_ alerts: [Alert]) async throws {
        guard !alerts.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 * alerts.count)
        for alert in alerts {
            var w = JSONWriter(capacity: 256)
            OpsRecords.line(alert, into: &w)
            w.rawByte(0x0A)
            bytes.append(contentsOf: w.bytes)
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = state.withLock { state -> Bool in
                state.pending.append(contentsOf: bytes)
                state.waiters.append(continuation)
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Writes and syncs what waits, again and again, until nothing does.
    func drain() async {
        while true {
            let (bytes, waiters, generation) = state.withLock { state -> ([UInt8], [CheckedContinuation<Void, any Error>], Int) in
                let taken = (state.pending, state.waiters, state.generation)
                state.pending = []
                state.waiters = []
                if taken.0.isEmpty { state.writing = false }
                return taken
            }
            if bytes.isEmpty { return }
            let path = journalPath(generation)
            do {
                let size = try await NIOThreadPool.singleton.runIfActive {
                    try DurableFile.append(bytes, to: path, what: "the alert journal")
                }
                for waiter in waiters { waiter.resume() }
                let compact = state.withLock { state -> Bool in
                    state.size = size
                    guard size >= compactionBytes, state.generation == generation else { return false }
                    state.generation += 1
                    state.size = 0
                    return true
                }
                if compact { await self.compact(upTo: generation) }
            } catch {
                for waiter in waiters { waiter.resume(throwing: error) }
            }
        }
    }

    /// Writes a snapshot of the store covering journals up to `generation` (new posts already
    /// go to the next one), then removes them.
    func compact(upTo generation: Int) async {
        let alerts = snapshotSource()
        var w = JSONWriter(capacity: 256 * alerts.count + 64)
        w.beginObject()
        w.field("covers", Int64(generation))
        w.beginArray("alerts")
        for alert in alerts { OpsRecords.line(alert, into: &w) }
        w.endArray()
        w.endObject()
        let bytes = w.bytes
        let path = snapshotPath
        let directory = self.directory
        do {
            try await NIOThreadPool.singleton.runIfActive {
                try DurableFile.replace(path, with: bytes, what: "the alert snapshot")
                for old in Self.generations(in: directory) where old <= generation {
                    try? FileManager.default.removeItem(atPath: "\(directory)/alerts-\(old).log")
                }
            }
        } catch {
            // The journals stay; the next compaction tries again.
        }
    }

    /// Compacts now, whatever the journal's size (at shutdown, and in tests).
    public func compactNow() async {
        let generation = state.withLock { state -> Int in
            state.generation += 1
            state.size = 0
            return state.generation - 1
        }
        await compact(upTo: generation)
    }
}
