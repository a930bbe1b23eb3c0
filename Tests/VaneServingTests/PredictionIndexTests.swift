import Foundation
import Testing
import VaneCore
import VaneModels
@testable import VaneServing

/// The prediction log's request index: blocks beside the segments, found again from memory,
/// from files and after a crash.
@Suite("Prediction index")
struct PredictionIndexTests {
    static let hour: EpochMillis = 3_600_000
    static let now: EpochMillis = 1_800_000_000_000

    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vane-index-\(UUID().uuidString)").path
    }

    static func record(_ id: String, variant: String = "a", deployment: String = "d", time: EpochMillis = now, label: String? = nil) -> PredictionRecord {
        PredictionRecord(time: time, requestID: id, deployment: deployment, variant: variant, latencyMicroseconds: 10, rowCount: 1, failed: false,
                         inputs: .batch(FeatureBatch(rowCount: 1, featureCount: 2, values: [1, 2])), outputs: nil, predictedLabel: label)
    }

    static func files(_ dir: String, suffix: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(suffix) }.map { dir + "/" + $0 }
    }

    @Test("entries are found in memory, then in blocks written when memory is full; a repeated id finds its newest use")
    func memoryAndBlocks() async throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = PredictionLog(directory: dir, settings: .init(indexMemoryEntries: 100), clock: FixedClock(Self.now))
        for i in 0..<50 { log.append(Self.record("r\(i)", variant: i % 2 == 0 ? "a" : "b")) }
        log.append(Self.record("other", deployment: "e"))
        log.append(Self.record("r0", variant: "again"))  // an id used twice: its newest use is found
        await log.flush()
        // 52 entries wait in memory: no index file yet.
        #expect(Self.files(dir, suffix: ".idx").isEmpty)
        #expect(try await log.lookup(deployment: "d", requestIDs: ["r0", "r1", "r49", "missing"]).mapValues(\.variant) == ["r0": "again", "r1": "b", "r49": "b"])
        // Past 100 entries every partition is written as a block; then more blocks follow.
        for round in 0..<3 {
            for i in 0..<60 { log.append(Self.record("s\(round)-\(i)", variant: "c")) }
            await log.flush()
        }
        log.append(Self.record("r7", variant: "z", time: Self.now + 5, label: "1"))
        await log.flush()
        let indexFiles = Self.files(dir, suffix: ".idx")
        #expect(indexFiles.count == 2)  // deployments d and e
        let found = try await log.lookup(deployment: "d", requestIDs: (0..<50).map { "r\($0)" } + (0..<60).map { "s2-\($0)" } + ["other"])
        #expect(found.count == 110)
        #expect(found["other"] == nil)  // deployment e's
        #expect(found["r7"] == PredictionIndexEntry(deployment: "d", requestID: "r7", variant: "z", time: Self.now + 5, prediction: "1"))
        #expect(found["r8"]?.variant == "a" && found["s2-59"]?.variant == "c" && found["r0"]?.variant == "again")
        #expect(try await log.lookup(deployment: "e", requestIDs: ["other", "r1"]).keys.sorted() == ["other"])
    }

    @Test("entries still in memory when a process stops are indexed again from the segment; a torn block is cut off")
    func recovery() async throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let first = PredictionLog(directory: dir, settings: .init(indexMemoryEntries: 10), clock: FixedClock(Self.now))
            for i in 0..<25 { first.append(Self.record("x\(i)", label: i == 3 ? "cat \"3\"" : nil)) }
            var shadow = Self.record("x0", variant: "shadow-model")
            shadow.isShadow = true
            first.append(shadow)
            await first.flush()
            // One block (the first 25 were past 10); then 5 more stay in memory and are lost with the process.
            for i in 25..<30 { first.append(Self.record("x\(i)", variant: "late")) }
            await first.flush()
        }
        let index = try #require(Self.files(dir, suffix: ".idx").first)
        let sizeBefore = try #require(try FileManager.default.attributesOfItem(atPath: index)[.size] as? Int)
        // A write cut short: half a block's header.
        let handle = try #require(FileHandle(forWritingAtPath: index))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x56, 0x50, 0x58, 0x31, 1, 0, 0, 0, 0xFF]))
        try handle.close()
        // A line cut short at the end of the segment.
        let segment = try #require(Self.files(dir, suffix: ".jsonl").first)
        let line = try #require(FileHandle(forWritingAtPath: segment))
        try line.seekToEnd()
        try line.write(contentsOf: Data("{\"time\":1,\"deployment\":\"d\",\"variant\":\"a\",\"request_id\":\"cut".utf8))
        try line.close()

        let second = PredictionLog(directory: dir, clock: FixedClock(Self.now))
        let found = try await second.lookup(deployment: "d", requestIDs: (0..<30).map { "x\($0)" } + ["cut"])
        #expect(found.count == 30)
        #expect(found["cut"] == nil)
        #expect(found["x27"]?.variant == "late")
        #expect(found["x0"]?.variant == "a")  // the shadow's line is not the answer
        #expect(found["x3"]?.prediction == "cat \"3\"")
        let sizeAfter = try #require(try FileManager.default.attributesOfItem(atPath: index)[.size] as? Int)
        #expect(sizeAfter > sizeBefore)  // the torn bytes cut, the recovered block appended
        let mapped = try #require(MappedFile(path: index))
        withExtendedLifetime(mapped) { #expect(PredictionIndexBlock.blocks(in: mapped.bytes).validEnd == sizeAfter) }
    }

    @Test("an index that cannot be written keeps its entries in memory and costs no line")
    func unwritableIndex() async throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = PredictionLog(directory: dir, settings: .init(indexMemoryEntries: 2), clock: FixedClock(Self.now))
        // A folder where the index file would go: opening it for writing fails.
        try FileManager.default.createDirectory(atPath: log.index.indexPath(.init(deployment: "d", time: Self.now)),
                                                withIntermediateDirectories: true)
        for i in 0..<3 { log.append(Self.record("u\(i)")) }
        await log.flush()
        #expect(log.figures.written == 3 && log.figures.dropped == 0 && log.figures.writeErrors == 1)
        #expect(try await log.lookup(deployment: "d", requestIDs: ["u0", "u1", "u2"]).count == 3)
        // Past twice the limit they are let go; a new start finds them again in the segment.
        for i in 3..<6 { log.append(Self.record("u\(i)")) }
        await log.flush()
        #expect(log.index.waiting == 0)
        try FileManager.default.removeItem(atPath: log.index.indexPath(.init(deployment: "d", time: Self.now)))
        let restarted = PredictionLog(directory: dir, clock: FixedClock(Self.now))
        #expect(try await restarted.lookup(deployment: "d", requestIDs: (0..<6).map { "u\($0)" }).count == 6)
    }

    @Test("index files are read defensively: any damage ends the valid part, nothing is read out of bounds")
    func damagedBlocks() throws {
        let entries = (0..<40).map { i in
            PredictionIndexBlock.Entry(hash: PredictionIndexBlock.hash("id\(i)".utf8), time: Int64(i), idStart: UInt32(i * 4),
                                       idLength: 4, variant: 0, label: PredictionIndexBlock.noLabel)
        }
        let ids = Array((0..<40).map { String(format: "id%02d", $0) }.joined().utf8)
        let block = PredictionIndexBlock.encode(entries: entries, ids: ids, table: ["a"], covered: 99)
        block.withUnsafeBytes { #expect(PredictionIndexBlock.blocks(in: $0).blocks.count == 1) }
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<2_000 {
            var damaged = block + block
            if trial % 2 == 0 {
                for _ in 0..<(1 + trial % 7) { damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            } else {
                damaged = Array(damaged.prefix(Int.random(in: 0..<damaged.count, using: &generator)))
            }
            damaged.withUnsafeBytes { bytes in
                let (views, end) = PredictionIndexBlock.blocks(in: bytes)
                #expect(end <= bytes.count)
                for view in views {
                    for i in 0..<min(view.entryCount, 40) { _ = view.find(Array("id\(i)".utf8), hash: view.entry(i).hash) }
                    _ = view.find(Array("id07".utf8), hash: PredictionIndexBlock.hash("id07".utf8))
                }
            }
        }
    }
}

/// A clock that stays at one time.
struct FixedClock: VaneClock {
    let millis: EpochMillis
    init(_ millis: EpochMillis) { self.millis = millis }
    func nowMillis() -> EpochMillis { millis }
}
