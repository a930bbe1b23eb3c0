import Foundation
import NIOPosix
import Synchronization
import VaneCore
import VaneText

/// The alerts on disk, without a database row per re-sent alert: every stored alert is appended
/// to a journal file, and a post is acknowledged once its lines are written (in the kernel's
/// cache: they survive `kill -9`); ``sync()`` puts them on the disk, every second from
/// ``OpsSnapshots`` and at shutdown (as Redis' `appendfsync everysec`). A write is one `write`
/// call on a file kept open, under a lock, on the posting task: no thread hop per post. When the
/// journal passes ``compactionBytes``, a new journal starts, a snapshot of the store is written
/// beside it (off the posting path), and the old journals go; at start the snapshot and then the
/// newer journals are read.
public final class AlertJournal: Sendable {
    struct State {
        var generation: Int
        var fd: Int32 = -1
        var size: UInt64 = 0
        /// Compactions: the newest generation asked to be folded into the snapshot, the newest
        /// folded, and whether the one worker that does it runs.
        var requested = 0
        var compacted = 0
        var compacting = false
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

    deinit {
        state.withLock { if $0.fd >= 0 { close($0.fd) } }
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

    /// Appends `alerts`; returns once they are written.
    public func append(_ alerts: [Alert]) throws {
        guard !alerts.isEmpty else { return }
        var w = JSONWriter(capacity: 256 * alerts.count)
        for alert in alerts {
            OpsRecords.line(alert, into: &w)
            w.rawByte(0x0A)
            w.startNextValue()
        }
        let bytes = w.bytes
        let compactUpTo = try state.withLock { (state: inout State) throws(VaneError) -> Int? in
            if state.fd < 0 {
                let path = journalPath(state.generation)
                state.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                guard state.fd >= 0 else { throw VaneError(.internalError, "cannot open the alert journal \(path)") }
                DurableFile.syncDirectory(of: path)
            }
            try DurableFile.writeAll(bytes, fd: state.fd, path: journalPath(state.generation), what: "the alert journal")
            state.size += UInt64(bytes.count)
            guard state.size >= compactionBytes else { return nil }
            // The next posts go to a new journal; this one is folded into a snapshot.
            let full = state.generation
            _ = fsync(state.fd)
            close(state.fd)
            state.fd = -1
            state.generation += 1
            state.size = 0
            return full
        }
        if let compactUpTo { requestCompaction(upTo: compactUpTo) }
    }

    /// Syncs the journal being written to disk.
    public func sync() async {
        let fd = state.withLock { $0.fd >= 0 ? dup($0.fd) : -1 }
        guard fd >= 0 else { return }
        _ = try? await NIOThreadPool.singleton.runIfActive {
            _ = fsync(fd)
            close(fd)
        }
    }

    /// Asks for the journals up to `generation` to be folded into the snapshot; one worker does
    /// it, one compaction at a time, the newest request first.
    func requestCompaction(upTo generation: Int) {
        let start = state.withLock { state -> Bool in
            state.requested = max(state.requested, generation)
            guard !state.compacting else { return false }
            state.compacting = true
            return true
        }
        if start { Task { await self.compactionWorker() } }
    }

    func compactionWorker() async {
        while true {
            let next = state.withLock { state -> Int? in
                guard state.requested > state.compacted else {
                    state.compacting = false
                    return nil
                }
                return state.requested
            }
            guard let generation = next else { return }
            await compact(upTo: generation)
            state.withLock { $0.compacted = max($0.compacted, generation) }
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

    /// Compacts now, whatever the journal's size, and returns when it is done (at shutdown, and
    /// in tests); waits at most 60 seconds.
    public func compactNow() async {
        let generation = state.withLock { state -> Int in
            if state.fd >= 0 {
                _ = fsync(state.fd)
                close(state.fd)
                state.fd = -1
            }
            state.generation += 1
            state.size = 0
            return state.generation - 1
        }
        requestCompaction(upTo: generation)
        for _ in 0..<6000 {
            if state.withLock({ $0.compacted >= generation }) { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
