import Foundation
import Metrics
import NIOPosix
import ServiceLifecycle
import Synchronization
import VaneCore

/// One request in the index.
public struct PredictionIndexEntry: Sendable, Equatable {
    public var deployment: String
    public var requestID: String
    public var variant: String
    public var time: EpochMillis
    /// The first row's predicted class (or value), for deployments with an experiment: what a
    /// label sent as feedback is compared with.
    public var prediction: String?

    public init(deployment: String, requestID: String, variant: String, time: EpochMillis, prediction: String? = nil) {
        self.deployment = deployment
        self.requestID = requestID
        self.variant = variant
        self.time = time
        self.prediction = prediction
    }
}

/// The prediction log: every request to a deployment, written off the request path in batches.
///
/// The request path turns its ``PredictionRecord`` into a JSON line and appends the line to a
/// bounded buffer (so nothing it decoded or answered outlives the request). Once a second, or
/// sooner when ``Settings/batchSize`` records wait, the writer appends the lines to the
/// deployment's segment for the hour (`predictions/<deployment>/<yyyyMMddHH UTC>/<writer>.jsonl`, one `write` and one
/// `fsync` per batch), and adds every request's id, variant and time to the segment's
/// ``PredictionIndex`` (no database row per request). Segments are append-only and partitioned by hour, so retention deletes whole
/// directories and a read touches only the hours it asks for. Payloads (inputs and outputs) are
/// kept for a share ``Settings/sample`` of the requests; every request is logged and indexed.
/// When the buffer is full a record is dropped and counted (``Figures/dropped``).
public final class PredictionLog: Service, Sendable {
    /// How the log samples, batches and keeps.
    public struct Settings: Sendable, Equatable {
        /// The share of requests whose inputs and outputs are kept, 0 to 1.
        public var sample: Double
        /// How long records are kept, milliseconds.
        public var retentionMilliseconds: Int64
        /// The records that wake the writer before its interval.
        public var batchSize: Int
        /// The most records waiting; beyond, records are dropped and counted.
        public var maxBuffered: Int
        /// How often a batch is written.
        public var flushInterval: Duration
        /// The most bytes of lines waiting; beyond, a record is kept without its inputs and
        /// outputs (so a flood of large requests cannot pile up in memory).
        public var maxBufferedBytes: Int
        /// The index entries kept in memory before they are written as a block of the index.
        public var indexMemoryEntries: Int

        public init(sample: Double = 1, retentionMilliseconds: Int64 = 7 * 86_400_000, batchSize: Int = 10_000,
                    maxBuffered: Int = 200_000, flushInterval: Duration = .seconds(1), maxBufferedBytes: Int = 128 << 20,
                    indexMemoryEntries: Int = 1 << 20) {
            self.maxBufferedBytes = max(0, maxBufferedBytes)
            self.indexMemoryEntries = max(1, indexMemoryEntries)
            self.sample = min(max(sample, 0), 1)
            self.retentionMilliseconds = retentionMilliseconds
            self.batchSize = max(1, batchSize)
            self.maxBuffered = max(1, maxBuffered)
            self.flushInterval = flushInterval
        }
    }

    /// What the log has done.
    public struct Figures: Sendable, Equatable {
        public var written = 0
        public var dropped = 0
        public var writeErrors = 0
        /// Records written without their inputs and outputs because the buffer held too many bytes.
        public var payloadsDropped = 0
    }

    public let directory: String
    public let settings: Settings
    let index: PredictionIndex
    let clock: any VaneClock
    /// This writer's segment file name in each partition.
    let segmentName: String
    private let state = Mutex((pending: Pending(), figures: Figures()))

    /// A segment file: a deployment's hour.
    struct Partition: Hashable {
        let deployment: String
        /// Hours since the Unix epoch.
        let hour: Int64
        let hourStart: EpochMillis

        init(deployment: String, time: EpochMillis) {
            self.deployment = deployment
            hour = time >= 0 ? time / 3_600_000 : (time + 1) / 3_600_000 - 1
            hourStart = hour * 3_600_000
        }
    }

    /// What waits for the writer: each segment's lines and index entries, and their sizes.
    struct Pending {
        /// One segment's waiting lines and entries.
        struct Segment {
            /// Each line as its request made it: appending one under the lock moves a reference;
            /// the writer joins them (one growing buffer was copied over and over while the lock
            /// was held, which the request path then waited on).
            var lines: [[UInt8]] = []
            var entries: [PredictionIndexEntry] = []

            mutating func add(_ line: [UInt8], _ entry: PredictionIndexEntry?) {
                lines.append(line)
                if let entry { entries.append(entry) }
            }
        }
        var segments: [Partition: Segment] = [:]
        var records = 0
        var bytes = 0
    }
    /// `vane_prediction_log_written_total`, `…_dropped_total`, `…_write_errors_total`.
    private let counters = (written: Counter(label: "vane_prediction_log_written_total"),
                            dropped: Counter(label: "vane_prediction_log_dropped_total"),
                            writeErrors: Counter(label: "vane_prediction_log_write_errors_total"))
    private let flushes = SerialGate()
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    public init(directory: String, settings: Settings = Settings(), clock: any VaneClock = SystemClock()) {
        self.directory = directory
        self.settings = settings
        self.clock = clock
        let base = "\(clock.nowMillis())-\(Identifiers.hex32().prefix(8))"
        segmentName = base + ".jsonl"
        index = PredictionIndex(directory: directory, segmentBase: base, maxEntries: settings.indexMemoryEntries)
    }

    /// Whether the index has been recovered (once, before the first write or lookup), and when
    /// it was last tried.
    private let recovery = Mutex((done: false, tried: EpochMillis.min))

    /// Recovers the index (``PredictionIndex/recover()``) the first time; called in the write gate.
    /// A recovery that fails is tried again at a write or lookup a minute later at the soonest
    /// (it reads the segments' unindexed tails, which is not work for every second).
    private func recoverOnce() async {
        let now = clock.nowMillis()
        let go = recovery.withLock { r -> Bool in
            guard !r.done, r.tried == .min || now - r.tried >= 60_000 else { return false }
            r.tried = now
            return true
        }
        guard go else { return }
        do {
            _ = try await NIOThreadPool.singleton.runIfActive { try self.index.recover() }
            recovery.withLock { $0.done = true }
        } catch {
            counters.writeErrors.increment()
        }
    }

    /// The figures now.
    public var figures: Figures { state.withLock { $0.figures } }

    /// Queues `record` as a JSON line (its payload kept with probability ``Settings/sample``);
    /// never blocks.
    public func append(_ record: PredictionRecord) {
        var record = record
        if settings.sample < 1 {
            var g = SystemRandomNumberGenerator()
            if Double(g.next() >> 11) * 0x1p-53 >= settings.sample { record.inputs = nil; record.outputs = nil }
        }
        let partition = Partition(deployment: record.deployment, time: record.time)
        let entry = record.isShadow ? nil : PredictionIndexEntry(deployment: record.deployment, requestID: record.requestID,
                                                                 variant: record.variant, time: record.time, prediction: record.predictedLabel)
        var line = LineWriter()
        record.write(to: &line)
        var outcome = enqueue(line.bytes, partition, entry, allowShrinking: record.inputs != nil || record.outputs != nil)
        if outcome == .tooLarge {
            // Over the byte budget: the request is still logged and indexed, without its payload.
            record.inputs = nil
            record.outputs = nil
            var small = LineWriter()
            record.write(to: &small)
            outcome = enqueue(small.bytes, partition, entry, allowShrinking: false, payloadDropped: true)
        }
        switch outcome {
        case .dropped: counters.dropped.increment()
        case .full: wake.continuation.yield()
        case .queued, .tooLarge: break
        }
    }

    private enum Outcome { case queued, full, dropped, tooLarge }

    private func enqueue(_ bytes: [UInt8], _ partition: Partition, _ entry: PredictionIndexEntry?,
                         allowShrinking: Bool, payloadDropped: Bool = false) -> Outcome {
        // What the line holds in memory: its buffer and the array's header.
        let held = bytes.capacity + 32
        return state.withLock { s -> Outcome in
            guard s.pending.records < settings.maxBuffered else { s.figures.dropped += 1; return .dropped }
            if allowShrinking, s.pending.bytes + held > settings.maxBufferedBytes { return .tooLarge }
            if payloadDropped { s.figures.payloadsDropped += 1 }
            s.pending.segments[partition, default: Pending.Segment()].add(bytes, entry)
            s.pending.records += 1
            s.pending.bytes += held
            return s.pending.records >= settings.batchSize ? .full : .queued
        }
    }

    /// Writes batches until shutdown, then writes what is left.
    public func run() async throws {
        var lastPrune: EpochMillis = 0
        let ticker = Task { [wake, settings] in
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.flushInterval)
                wake.continuation.yield()
            }
        }
        defer { ticker.cancel() }
        await withGracefulShutdownHandler {
            for await _ in wake.stream {
                await flush()
                let now = clock.nowMillis()
                if now - lastPrune > 60_000 {
                    lastPrune = now
                    await prune(now: now)
                }
            }
        } onGracefulShutdown: {
            self.wake.continuation.finish()
        }
        await flush()
        // Shutting down: what the index holds in memory is written too.
        _ = try? await flushes.run { try await NIOThreadPool.singleton.runIfActive { try self.index.seal() } }
    }

    /// Ends ``run()`` after a last write.
    public func finish() { wake.continuation.finish() }

    /// Writes everything buffered now (after any write already under way, so that what was
    /// appended before the call is on disk when it returns).
    public func flush() async {
        _ = try? await flushes.run { await self.flushNow() }
    }

    private func flushNow() async {
        await recoverOnce()
        let batch = state.withLock { s -> Pending in
            var taken = Pending()
            swap(&taken, &s.pending)
            return taken
        }
        guard batch.records > 0 else { return }
        do {
            // Writing and fsync block: on NIO's thread pool, not the concurrency pool.
            let currentHour = Partition(deployment: "", time: clock.nowMillis()).hour
            let sealed = try await NIOThreadPool.singleton.runIfActive { () throws -> Bool in
                let sizes = try self.write(batch.segments.mapValues(\.lines))
                var full = false
                for (partition, segment) in batch.segments where !segment.entries.isEmpty {
                    if self.index.add(segment.entries, partition: partition, covered: sizes[partition] ?? 0) { full = true }
                }
                // A full memory writes every partition's entries; otherwise the hours that ended.
                do {
                    try self.index.seal { full || $0.hour < currentHour }
                    return true
                } catch {
                    // The lines are written; their entries stay in memory for the next try. If
                    // writing keeps failing they are let go beyond twice the limit: the next
                    // start indexes them again from the segments.
                    if self.index.waiting > 2 * self.settings.indexMemoryEntries { self.index.forget(before: .max) }
                    return false
                }
            }
            state.withLock {
                $0.figures.written += batch.records
                if !sealed { $0.figures.writeErrors += 1 }
            }
            counters.written.increment(by: batch.records)
            if !sealed { counters.writeErrors.increment() }
        } catch {
            state.withLock { $0.figures.writeErrors += 1; $0.figures.dropped += batch.records }
            counters.writeErrors.increment()
            counters.dropped.increment(by: batch.records)
        }
    }

    /// `yyyyMMddHH` in UTC.
    static func hourName(_ time: EpochMillis) -> String {
        var t = time_t(time / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour))
    }

    /// Appends each partition's lines to its segment, with one fsync per file; returns each
    /// segment's size after the write.
    func write(_ lines: [Partition: [[UInt8]]]) throws -> [Partition: UInt64] {
        var sizes: [Partition: UInt64] = [:]
        for (partition, parts) in lines {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for part in parts { bytes.append(contentsOf: part) }
            let path = "\(directory)/\(partition.deployment)/\(Self.hourName(partition.hourStart))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            sizes[partition] = try AppendOnlyFile.append(bytes, to: path + "/" + segmentName, what: "the prediction log segment")
        }
        return sizes
    }

    /// Removes partitions (lines and index) older than the retention.
    func prune(now: EpochMillis) async {
        let cutoff = now - settings.retentionMilliseconds
        let oldest = Self.hourName(cutoff)
        let fm = FileManager.default
        for deployment in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] {
            for hour in (try? fm.contentsOfDirectory(atPath: "\(directory)/\(deployment)")) ?? [] where hour < oldest {
                try? fm.removeItem(atPath: "\(directory)/\(deployment)/\(hour)")
            }
        }
        index.forget(before: Partition(deployment: "", time: cutoff).hour)
    }

    /// The variant and time of each of `requestIDs` that `deployment` answered (and logged).
    public func lookup(deployment: String, requestIDs: [String]) async throws -> [String: PredictionIndexEntry] {
        _ = try? await flushes.run { await self.recoverOnce() }
        return try await NIOThreadPool.singleton.runIfActive { try self.index.lookup(deployment: deployment, requestIDs: requestIDs) }
    }

    /// The logged lines of `deployment` with `since <= time < until`, of `variant` when given,
    /// in time order of the hours and write order within an hour; read in 64 KiB chunks.
    public func lines(deployment: String, since: EpochMillis, until: EpochMillis, variant: String?) -> AsyncThrowingStream<[UInt8], any Error> {
        let root = "\(directory)/\(deployment)"
        let first = Self.hourName(since), last = Self.hourName(max(since, until - 1))
        return AsyncThrowingStream { continuation in
            let task = Task {
                let fm = FileManager.default
                let hours = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { $0 >= first && $0 <= last }.sorted()
                for hour in hours {
                    for file in ((try? fm.contentsOfDirectory(atPath: "\(root)/\(hour)")) ?? []).sorted() where file.hasSuffix(".jsonl") {
                        guard let handle = FileHandle(forReadingAtPath: "\(root)/\(hour)/\(file)") else { continue }
                        defer { try? handle.close() }
                        var carry: [UInt8] = []
                        while !Task.isCancelled, let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                            carry.append(contentsOf: chunk)
                            var out: [UInt8] = []
                            var start = 0
                            while let newline = carry[start...].firstIndex(of: 0x0A) {
                                let line = carry[start...newline]
                                if Self.matches(line, since: since, until: until, variant: variant) { out.append(contentsOf: line) }
                                start = newline + 1
                            }
                            carry.removeFirst(start)
                            if !out.isEmpty { continuation.yield(out) }
                        }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Whether a line (written by ``PredictionRecord/jsonLine()``) is in the window and of the variant.
    static func matches(_ line: ArraySlice<UInt8>, since: EpochMillis, until: EpochMillis, variant: String?) -> Bool {
        let prefix = Array("{\"time\":".utf8)
        guard line.count > prefix.count, line.prefix(prefix.count).elementsEqual(prefix) else { return false }
        var i = line.startIndex + prefix.count
        var time: Int64 = 0
        while i < line.endIndex, line[i] >= 0x30, line[i] <= 0x39 { time = time &* 10 &+ Int64(line[i] - 0x30); i += 1 }
        guard time >= since, time < until else { return false }
        guard let variant else { return true }
        let key = Array(",\"variant\":\"".utf8)
        let window = line[i..<min(line.endIndex, i + 400)]
        guard let at = window.firstRange(of: key) else { return false }
        let valueStart = at.upperBound
        guard let quote = line[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return false }
        return line[valueStart..<quote].elementsEqual(variant.utf8)
    }
}
