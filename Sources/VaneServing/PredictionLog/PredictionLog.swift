import Foundation
import Metrics
import NIOPosix
import ServiceLifecycle
import Synchronization
import VaneCore

/// Where each request's deployment, variant and request id are found again: for joining feedback
/// to the variant that answered.
public protocol PredictionIndexStore: Sendable {
    /// Adds entries, replacing an earlier entry with the same deployment and request id; one transaction.
    func insert(_ entries: [PredictionIndexEntry]) async throws
    /// The entries of `deployment` for `requestIDs` (those that exist).
    func entries(deployment: String, requestIDs: [String]) async throws -> [String: PredictionIndexEntry]
    /// Removes entries older than `time`.
    func deleteOlder(than time: EpochMillis) async throws
}

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
/// The request path only appends a ``PredictionRecord`` (holding references to what it decoded
/// and answered) to a bounded buffer. Once a second, or sooner when ``Settings/batchSize`` records
/// wait, the writer turns the batch into JSON lines, appends them to the deployment's segment
/// for the hour (`predictions/<deployment>/<yyyyMMddHH UTC>/<writer>.jsonl`, one `write` and one
/// `fsync` per batch), and adds every request's id, variant and time to the index in one
/// transaction. Segments are append-only and partitioned by hour, so retention deletes whole
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
        /// The most records a batch holds.
        public var batchSize: Int
        /// The most records waiting; beyond, records are dropped and counted.
        public var maxBuffered: Int
        /// How often a batch is written.
        public var flushInterval: Duration
        /// The most input and output values the waiting records may hold; beyond, a record is
        /// kept without its payload (so a flood of large requests cannot pile up in memory).
        public var maxBufferedValues: Int

        public init(sample: Double = 1, retentionMilliseconds: Int64 = 7 * 86_400_000, batchSize: Int = 10_000,
                    maxBuffered: Int = 200_000, flushInterval: Duration = .seconds(1), maxBufferedValues: Int = 16 << 20) {
            self.maxBufferedValues = max(0, maxBufferedValues)
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
        /// Records written without their inputs and outputs because the buffer held too many values.
        public var payloadsDropped = 0
    }

    public let directory: String
    public let settings: Settings
    let index: any PredictionIndexStore
    let clock: any VaneClock
    /// This writer's segment file name in each partition.
    let segmentName: String
    private let state = Mutex((buffer: [PredictionRecord](), figures: Figures(), values: 0))
    /// `vane_prediction_log_written_total`, `…_dropped_total`, `…_write_errors_total`.
    private let counters = (written: Counter(label: "vane_prediction_log_written_total"),
                            dropped: Counter(label: "vane_prediction_log_dropped_total"),
                            writeErrors: Counter(label: "vane_prediction_log_write_errors_total"))
    private let flushes = SerialGate()
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    public init(directory: String, index: any PredictionIndexStore, settings: Settings = Settings(), clock: any VaneClock = SystemClock()) {
        self.directory = directory
        self.index = index
        self.settings = settings
        self.clock = clock
        segmentName = "\(clock.nowMillis())-\(Identifiers.hex32().prefix(8)).jsonl"
    }

    /// The figures now.
    public var figures: Figures { state.withLock { $0.figures } }

    /// Queues `record` (its payload kept with probability ``Settings/sample``); never blocks.
    public func append(_ record: PredictionRecord) {
        var record = record
        if settings.sample < 1 {
            var g = SystemRandomNumberGenerator()
            if Double(g.next() >> 11) * 0x1p-53 >= settings.sample { record.inputs = nil; record.outputs = nil }
        }
        let size = record.payloadValues
        let full = state.withLock { s -> Bool? in
            guard s.buffer.count < settings.maxBuffered else { s.figures.dropped += 1; return nil }
            if size > 0, s.values + size > settings.maxBufferedValues {
                record.inputs = nil
                record.outputs = nil
                s.figures.payloadsDropped += 1
            } else {
                s.values += size
            }
            s.buffer.append(record)
            return s.buffer.count >= settings.batchSize
        }
        guard let full else { counters.dropped.increment(); return }
        if full { wake.continuation.yield() }
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
    }

    /// Ends ``run()`` after a last write.
    public func finish() { wake.continuation.finish() }

    /// Writes everything buffered now (after any write already under way, so that what was
    /// appended before the call is on disk when it returns).
    public func flush() async {
        _ = try? await flushes.run { await self.flushNow() }
    }

    private func flushNow() async {
        while true {
            let batch = state.withLock { s -> [PredictionRecord] in
                guard s.buffer.count > settings.batchSize else {
                    // The usual case: take the whole buffer without copying it under the lock.
                    var all: [PredictionRecord] = []
                    all.reserveCapacity(min(s.buffer.count, settings.batchSize))
                    swap(&all, &s.buffer)
                    return all
                }
                let batch = Array(s.buffer.prefix(settings.batchSize))
                s.buffer.removeFirst(settings.batchSize)
                return batch
            }
            guard !batch.isEmpty else { return }
            let values = batch.reduce(0) { $0 + $1.payloadValues }
            state.withLock { $0.values = max(0, $0.values - values) }
            do {
                // Encoding, writing and fsync block: on NIO's thread pool, not the concurrency pool.
                try await NIOThreadPool.singleton.runIfActive { try self.write(batch) }
                try await index.insert(batch.filter { !$0.isShadow }.map {
                    PredictionIndexEntry(deployment: $0.deployment, requestID: $0.requestID, variant: $0.variant, time: $0.time, prediction: $0.predictedLabel)
                })
                state.withLock { $0.figures.written += batch.count }
                counters.written.increment(by: batch.count)
            } catch {
                state.withLock { $0.figures.writeErrors += 1; $0.figures.dropped += batch.count }
                counters.writeErrors.increment()
                counters.dropped.increment(by: batch.count)
            }
        }
    }

    /// `yyyyMMddHH` in UTC.
    static func hourName(_ time: EpochMillis) -> String {
        var t = time_t(time / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour))
    }

    /// Appends the batch's lines to each partition's segment, with one fsync per file.
    func write(_ batch: [PredictionRecord]) throws {
        // Grouped by deployment and hour; each hour's name is made once per batch.
        struct Partition: Hashable { let deployment: String; let hour: Int64 }
        var groups: [Partition: LineWriter] = [:]
        var hourNames: [Int64: String] = [:]
        for record in batch {
            let hour = record.time >= 0 ? record.time / 3_600_000 : (record.time + 1) / 3_600_000 - 1
            record.write(to: &groups[Partition(deployment: record.deployment, hour: hour), default: LineWriter()])
            if hourNames[hour] == nil { hourNames[hour] = Self.hourName(record.time) }
        }
        for (partition, lines) in groups {
            let path = "\(directory)/\(partition.deployment)/\(hourNames[partition.hour]!)"
            let bytes = lines.bytes
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let fd = open(path + "/" + segmentName, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw VaneError(.internalError, "cannot open the prediction log segment in \(path)") }
            defer { close(fd) }
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw VaneError(.internalError, "cannot write the prediction log in \(path)") }
                offset += n
            }
            fsync(fd)
        }
    }

    /// Removes partitions and index entries older than the retention.
    func prune(now: EpochMillis) async {
        let cutoff = now - settings.retentionMilliseconds
        let oldest = Self.hourName(cutoff)
        let fm = FileManager.default
        for deployment in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] {
            for hour in (try? fm.contentsOfDirectory(atPath: "\(directory)/\(deployment)")) ?? [] where hour < oldest {
                try? fm.removeItem(atPath: "\(directory)/\(deployment)/\(hour)")
            }
        }
        try? await index.deleteOlder(than: cutoff)
    }

    /// The variant and time of each of `requestIDs` that `deployment` answered (and logged).
    public func lookup(deployment: String, requestIDs: [String]) async throws -> [String: PredictionIndexEntry] {
        try await index.entries(deployment: deployment, requestIDs: requestIDs)
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
