import Foundation
import Synchronization
import VaneCore

/// The prediction log's request index: where feedback finds the variant that answered a request.
///
/// It lives beside the lines it indexes: each segment `<hour>/<name>.jsonl` has an index file
/// `<hour>/<name>.idx` of append-only ``PredictionIndexBlock``s, each sorted by the request id's
/// hash. The writer adds a batch's entries after writing its lines; they are kept in memory and
/// written as one block when ``maxEntries`` (or ``maxIDBytes`` of ids) wait, when their hour
/// has passed, and at shutdown. So an hour of a busy deployment has a few blocks, a quiet one
/// one, and adding an entry costs an append to an array, not a B-tree insert.
///
/// Entries in memory are not lost in a crash: every block records how much of its segment it
/// covers, and ``recover()`` indexes the lines past that again from the segment. Retention
/// deletes whole hours, index files with them.
///
/// A lookup reads memory (by a hash table), then the index files from the newest hour back, by binary search in
/// each block (files are mapped, not read), and stops once every id is found. Ids are compared
/// in full, so hash collisions are harmless. A request id that was used twice finds its newest use.
final class PredictionIndex: Sendable {
    let directory: String
    /// This writer's segment name without its extension.
    let segmentBase: String
    /// Entries kept in memory before they are written as blocks.
    let maxEntries: Int
    /// Request-id bytes kept in memory before they are written as blocks.
    let maxIDBytes: Int
    private let state = Mutex(State())

    /// The entries of one partition waiting to be written.
    struct Builder {
        var entries: [PredictionIndexBlock.Entry] = []
        var ids: [UInt8] = []
        var table: [String] = []
        var tableIndex: [String: UInt32] = [:]
        /// The newest entry of each hash, and for each entry the one before it with the same
        /// hash (-1 for none): a lookup follows a short chain instead of reading every entry.
        var newest: [UInt64: Int32] = [:]
        var previous: [Int32] = []
        /// The segment's size once the entries' lines were written.
        var covered: UInt64 = 0

        mutating func intern(_ s: String) -> UInt32 {
            if let i = tableIndex[s] { return i }
            let i = UInt32(table.count)
            table.append(s)
            tableIndex[s] = i
            return i
        }

        mutating func add(_ entry: PredictionIndexEntry) {
            var id = entry.requestID
            let start = UInt32(ids.count)
            id.withUTF8 { ids.append(contentsOf: $0) }
            let length = UInt32(ids.count) - start
            let hash = PredictionIndexBlock.hash(ids[Int(start)...])
            entries.append(.init(hash: hash, time: entry.time, idStart: start, idLength: length, variant: intern(entry.variant),
                                 label: entry.prediction.map { intern($0) } ?? PredictionIndexBlock.noLabel))
            previous.append(newest.updateValue(Int32(entries.count - 1), forKey: hash) ?? -1)
        }

        /// The newest entry for `id` (hash `hash`).
        func find(_ id: [UInt8], hash: UInt64) -> PredictionIndexBlock.Entry? {
            var i = newest[hash] ?? -1
            while i >= 0 {
                let e = entries[Int(i)]
                if Int(e.idLength) == id.count, ids[Int(e.idStart)..<(Int(e.idStart) + id.count)].elementsEqual(id) { return e }
                i = previous[Int(i)]
            }
            return nil
        }
    }

    private struct State {
        var builders: [PredictionLog.Partition: Builder] = [:]
        var entries = 0
        var idBytes = 0
    }

    init(directory: String, segmentBase: String, maxEntries: Int = 1 << 20, maxIDBytes: Int = 32 << 20) {
        self.directory = directory
        self.segmentBase = segmentBase
        self.maxEntries = max(1, maxEntries)
        self.maxIDBytes = max(1, maxIDBytes)
    }

    /// Entries waiting in memory.
    var waiting: Int { state.withLock { $0.entries } }

    func indexPath(_ partition: PredictionLog.Partition) -> String {
        "\(directory)/\(partition.deployment)/\(PredictionLog.hourName(partition.hourStart))/\(segmentBase).idx"
    }

    // MARK: Writing (the log's writer only, one call at a time)

    /// Adds the entries of lines just written to `partition`'s segment, which is now `covered`
    /// bytes long; true when memory is full and ``seal(_:)`` should run.
    func add(_ entries: [PredictionIndexEntry], partition: PredictionLog.Partition, covered: UInt64) -> Bool {
        state.withLock { s in
            var builder = s.builders.removeValue(forKey: partition) ?? Builder()
            let before = builder.ids.count
            for entry in entries { builder.add(entry) }
            builder.covered = covered
            s.entries += entries.count
            s.idBytes += builder.ids.count - before
            s.builders[partition] = builder
            return s.entries >= maxEntries || s.idBytes >= maxIDBytes
        }
    }

    /// Writes the waiting entries of the partitions `which` selects (all by default) as blocks,
    /// one fsync per file, and forgets them once written.
    func seal(_ which: (PredictionLog.Partition) -> Bool = { _ in true }) throws {
        let chosen = state.withLock { s in s.builders.filter { which($0.key) } }
        for (partition, builder) in chosen where !builder.entries.isEmpty {
            let block = PredictionIndexBlock.encode(entries: builder.entries, ids: builder.ids, table: builder.table, covered: builder.covered)
            try AppendOnlyFile.append(block, to: indexPath(partition), what: "the prediction index")
            state.withLock { s in
                guard let current = s.builders.removeValue(forKey: partition) else { return }
                s.entries -= current.entries.count
                s.idBytes -= current.ids.count
            }
        }
    }

    /// Forgets waiting entries of hours before `hour` (retention deletes their files).
    func forget(before hour: Int64) {
        state.withLock { s in
            for (partition, builder) in s.builders where partition.hour < hour {
                s.entries -= builder.entries.count
                s.idBytes -= builder.ids.count
                s.builders[partition] = nil
            }
        }
    }

    // MARK: Reading

    /// The newest entry of `deployment` for each of `requestIDs` that has one.
    func lookup(deployment: String, requestIDs: [String]) throws -> [String: PredictionIndexEntry] {
        var wanted: [(id: String, bytes: [UInt8], hash: UInt64)] = []
        var seen = Set<String>()
        for id in requestIDs where seen.insert(id).inserted {
            let bytes = Array(id.utf8)
            wanted.append((id, bytes, PredictionIndexBlock.hash(bytes)))
        }
        var found: [String: PredictionIndexEntry] = [:]
        // Memory first: the newest entries.
        let builders = state.withLock { s in s.builders.filter { $0.key.deployment == deployment } }.sorted { $0.key.hour > $1.key.hour }
        for (_, builder) in builders {
            wanted.removeAll { w in
                guard let e = builder.find(w.bytes, hash: w.hash) else { return false }
                found[w.id] = Self.entry(e, id: w.id, deployment: deployment) { builder.table.indices.contains(Int($0)) ? builder.table[Int($0)] : nil }
                return true
            }
            if wanted.isEmpty { return found }
        }
        let fm = FileManager.default
        let root = "\(directory)/\(deployment)"
        let hours = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted(by: >)
        for hour in hours {
            let files = ((try? fm.contentsOfDirectory(atPath: "\(root)/\(hour)")) ?? []).filter { $0.hasSuffix(".idx") }.sorted(by: >)
            for file in files {
                guard let mapped = MappedFile(path: "\(root)/\(hour)/\(file)") else { continue }
                // The blocks point into the mapping: it must outlive them.
                withExtendedLifetime(mapped) {
                    for block in PredictionIndexBlock.blocks(in: mapped.bytes).blocks.reversed() where !wanted.isEmpty {
                        wanted.removeAll { w in
                            guard let e = block.find(w.bytes, hash: w.hash) else { return false }
                            found[w.id] = Self.entry(e, id: w.id, deployment: deployment) { block.string($0) }
                            return true
                        }
                    }
                }
                if wanted.isEmpty { return found }
            }
        }
        return found
    }

    static func entry(_ e: PredictionIndexBlock.Entry, id: String, deployment: String, string: (UInt32) -> String?) -> PredictionIndexEntry {
        PredictionIndexEntry(deployment: deployment, requestID: id, variant: string(e.variant) ?? "", time: e.time,
                             prediction: e.label == PredictionIndexBlock.noLabel ? nil : string(e.label))
    }
}

/// A file mapped read-only for the life of the object (an empty file maps nothing). Keep the
/// object alive (`withExtendedLifetime`) while anything reads ``bytes``.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    private let length: Int

    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        length = Int(info.st_size)
        guard length > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: address, count: length)
    }

    deinit {
        if length > 0, let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), length) }
    }
}
