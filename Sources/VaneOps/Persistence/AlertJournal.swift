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
/// journal passes ``compactionBytes`` (or the last snapshot's size, whichever is larger, so that
/// a large store is not rewritten for every few alerts), a new journal starts, a snapshot of the
/// store is written beside it (off the posting path, a chunk of alerts at a time), and the old
/// journals go; at start the snapshot and then the newer journals are read, a line at a time.
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
        /// The size of the last snapshot written.
        var snapshotBytes: UInt64 = 0
    }

    let directory: String
    let state: Mutex<State>
    /// A journal past this size is compacted into a snapshot.
    public let compactionBytes: UInt64
    /// What the snapshot holds: the store, read after the journal moved on.
    let store: AlertStore

    public init(directory: String, compactionBytes: UInt64 = 64 << 20, store: AlertStore) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.compactionBytes = compactionBytes
        self.store = store
        let generation = (Self.generations(in: directory).max() ?? 0) + 1
        let snapshotBytes = ((try? FileManager.default.attributesOfItem(atPath: "\(directory)/alerts.snapshot"))?[.size] as? NSNumber)?.uint64Value ?? 0
        self.state = Mutex(State(generation: generation, snapshotBytes: snapshotBytes))
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

    /// Calls `body` with every alert on disk in the order written: the snapshot's, then every
    /// newer journal's; of two records of a fingerprint the later is the one that counts. The
    /// snapshot is a line `{"covers": generation}` and then a line per alert (an earlier form,
    /// one object `{"covers", "alerts": [...]}`, is read too).
    public func forEachRecord(_ body: (Alert) -> Void) {
        var covered = 0
        var first = true
        OpsRecords.forEachLine(inFile: snapshotPath) { lexer in
            if first {
                first = false
                covered = OpsRecords.snapshotHeader(&lexer, alert: body) ?? 0
            } else if let alert = OpsRecords.alert(&lexer) {
                body(alert)
            }
        }
        for generation in Self.generations(in: directory).sorted() where generation > covered {
            OpsRecords.forEachLine(inFile: journalPath(generation)) { lexer in
                if let alert = OpsRecords.alert(&lexer) { body(alert) }
            }
        }
    }

    /// The alerts on disk, the last record of each fingerprint.
    public func load() -> [Alert] {
        var latest: [Fingerprint: Alert] = [:]
        forEachRecord { latest[$0.fingerprint] = $0 }
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
            guard state.size >= max(compactionBytes, state.snapshotBytes) else { return nil }
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
        let path = snapshotPath
        let directory = self.directory
        let store = self.store
        do {
            let size = try await NIOThreadPool.singleton.runIfActive {
                let size = try Self.writeSnapshot(of: store, covering: generation, to: path)
                for old in Self.generations(in: directory) where old <= generation {
                    try? FileManager.default.removeItem(atPath: "\(directory)/alerts-\(old).log")
                }
                return size
            }
            state.withLock { $0.snapshotBytes = size }
        } catch {
            // The journals stay; the next compaction tries again.
        }
    }

    /// Writes the store beside `path` a chunk at a time and renames it over `path`; returns its size.
    static func writeSnapshot(of store: AlertStore, covering generation: Int, to path: String) throws -> UInt64 {
        try DurableFile.replace(path, what: "the alert snapshot") { emit in
            var w = JSONWriter(capacity: 1 << 20)
            w.beginObject()
            w.field("covers", Int64(generation))
            w.endObject()
            w.rawByte(0x0A)
            try store.forEachChunk { alerts in
                for alert in alerts {
                    w.startNextValue()
                    OpsRecords.line(alert, into: &w)
                    w.rawByte(0x0A)
                }
                try emit(w.bytes)
                w.dropWritten()
            }
            try emit(w.bytes)
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
