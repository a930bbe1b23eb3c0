import Foundation
import Testing
import VaneCore
import VaneModels
@testable import VaneServing

/// The prediction log's own bounds and files, without a server.
@Suite("Prediction log")
struct PredictionLogTests {
    static func record(_ id: String, values: Int, time: EpochMillis = 1_800_000_000_000) -> PredictionRecord {
        PredictionRecord(time: time, requestID: id, deployment: "d", variant: "a", latencyMicroseconds: 10, rowCount: 1, failed: false,
                         inputs: .batch(FeatureBatch(rowCount: 1, featureCount: values, values: Array(repeating: 1, count: values))),
                         outputs: nil)
    }

    @Test("waiting lines are bounded in bytes and in records; every request is still indexed")
    func bounds() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = PredictionLog(directory: dir, settings: .init(maxBuffered: 5, maxBufferedBytes: 2_500))
        // A line with 400 values takes about 950 bytes, without them about 150.
        #expect((900...1_000).contains(Self.record("r", values: 400).jsonLine().count))
        for i in 0..<7 { log.append(Self.record("r\(i)", values: 400)) }
        #expect(log.figures.dropped == 2)            // beyond 5 records
        #expect(log.figures.payloadsDropped == 3)    // the 3rd, 4th and 5th would pass 2,500 bytes
        await log.flush()
        #expect(log.figures.written == 5)
        #expect(try await log.lookup(deployment: "d", requestIDs: (0..<7).map { "r\($0)" }).count == 5)
        var lines: [String] = []
        for try await chunk in log.lines(deployment: "d", since: 0, until: .max, variant: nil) {
            lines += String(decoding: chunk, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        #expect(lines.count == 5)
        #expect(lines.filter { $0.contains("\"inputs\"") }.count == 2)
        // After the flush the budget is free again.
        log.append(Self.record("r7", values: 400))
        #expect(log.figures.payloadsDropped == 3)
    }

    @Test("retention removes whole hours and their index entries")
    func retention() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hour: EpochMillis = 3_600_000
        let now: EpochMillis = 1_800_000_000_000
        let log = PredictionLog(directory: dir, settings: .init(retentionMilliseconds: 2 * hour))
        log.append(Self.record("old", values: 1, time: now - 5 * hour))
        log.append(Self.record("new", values: 1, time: now - hour / 2))
        await log.flush()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/d").count == 2)
        await log.prune(now: now)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/d") == [PredictionLog.hourName(now - hour / 2)])
        #expect(try await log.lookup(deployment: "d", requestIDs: ["old", "new"]).keys.sorted() == ["new"])
    }

    @Test("a line is JSON that reads back the same text, whatever a client put in its request id")
    func escaping() throws {
        for id in ["plain-id", "quote\"back\\slash", "new\nline\ttab\r", "ctl\u{01}\u{1F}", "é ü 漢字 🙂", ""] {
            var record = Self.record(id, values: 2)
            record.variant = "v\"1"
            let line = record.jsonLine()
            #expect(line.last == 0x0A)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect(object["request_id"] as? String == id)
            #expect(object["variant"] as? String == "v\"1")
            #expect(object["time"] as? Int == 1_800_000_000_000)
        }
    }

    @Test("latencies and FP32 outputs are written as the answer and a double would write them, and read back exactly")
    func numbers() throws {
        // Latency: the text of Double(micros) / 1000, without formatting a double.
        for micros: Int64 in [0, 1, 7, 10, 100, 999, 1_000, 1_005, 1_050, 1_500, 123_456, 9_999_999, 86_400_000_000] {
            var w = LineWriter()
            w.milliseconds(micros)
            var reference = LineWriter()
            reference.number(Double(micros) / 1_000)
            #expect(String(decoding: w.bytes, as: UTF8.self) == String(decoding: reference.bytes, as: UTF8.self), "\(micros)")
        }
        // FP32 outputs: the Float's own shortest form, as the OIP answer writes it.
        let values: [Float] = [0.07270642, 0.1, 1, -2.5, 3.4028235e38, 1e-7, .nan]
        var record = Self.record("f", values: 1)
        record.outputs = [ModelOutput(name: "predict", value: .tensor(Tensor(shape: [values.count], data: .float32(values))))]
        let object = try #require(try JSONSerialization.jsonObject(with: Data(record.jsonLine())) as? [String: Any])
        let data = try #require(((object["outputs"] as? [String: Any])?["predict"] as? [String: Any])?["data"] as? [Any])
        #expect(data.count == values.count)
        for (logged, value) in zip(data, values) where value.isFinite {
            #expect((logged as? NSNumber).map { Float($0.doubleValue) } == value)
            #expect((logged as? NSNumber)?.doubleValue == Double(value.description))
        }
        #expect(data.last is NSNull)
    }

    @Test("the sample keeps a share of the payloads; every request is still logged and indexed")
    func sample() async throws {
        for (share, range) in [(0.0, 0...0), (0.3, 40...140), (1.0, 300...300)] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-log-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
                let log = PredictionLog(directory: dir, settings: .init(sample: share))
            for i in 0..<300 { log.append(Self.record("s\(i)", values: 3)) }
            await log.flush()
            var lines: [String] = []
            for try await chunk in log.lines(deployment: "d", since: 0, until: .max, variant: nil) {
                lines += String(decoding: chunk, as: UTF8.self).split(separator: "\n").map(String.init)
            }
            #expect(lines.count == 300)
            let withPayload = lines.filter { $0.contains("\"inputs\"") }.count
            #expect(range.contains(withPayload), "sample \(share): \(withPayload) of 300")
            #expect(try await log.lookup(deployment: "d", requestIDs: (0..<300).map { "s\($0)" }).count == 300)
        }
    }
}
