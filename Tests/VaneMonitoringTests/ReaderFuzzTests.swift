import Foundation
import Testing
@testable import VaneMonitoring

/// Seeded mutations of CSV and JSON-lines files: every mutant is either read or refused with a
/// ``DataReadError``, and whatever is read goes through drift, quality and the JSON and HTML
/// reports without a crash and without a non-finite number in the JSON.
struct ReaderFuzzTests {
    /// SplitMix64: a small deterministic generator, so a failing mutant can be reproduced.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let csv = Array(#"""
        amount,colour,code,flag
        1.5,red,3,True
        -2.25e3,"green, light",4,False
        ,blue,,True
        inf,red,7,False
        0.001,"say ""hi""",3,True
        NaN,blue,5,False

        """#.utf8)

    static let jsonLines = Array("""
        {"amount": 1.5, "colour": "red", "code": 3, "flag": true}
        {"amount": -2250, "colour": "green", "code": null, "flag": false}
        {"amount": null, "colour": "blue", "code": 4, "flag": true}
        {"amount": "inf", "colour": "red", "code": 7, "flag": false}

        """.utf8)

    static let tokens: [[UInt8]] = [",", "\"", "\n", "\r\n", "{", "}", ":", "inf", "-", "e", "NaN", "\u{00}", "1e999", "\\", "[", "null"].map { Array($0.utf8) }

    static func mutate(_ base: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var b = base
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !b.isEmpty: b[at] = UInt8.random(in: 0...255, using: &rng)            // any byte, invalid UTF-8 too
            case 1: b.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)            // structure
            case 2 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...8, using: &rng)))
            case 3: b = Array(b.prefix(at))                                                      // truncation
            default: if !b.isEmpty { b.insert(contentsOf: b[at..<min(b.count, at + 12)], at: at) } // repetition
            }
        }
        return b
    }

    /// Returns whether the mutant was read (true) or refused.
    @discardableResult
    static func exercise(_ bytes: [UInt8], ext: String, reference: DataTable, seed: Int) throws -> Bool {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vane-fuzz-\(ProcessInfo.processInfo.processIdentifier)-\(seed).\(ext)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let table: DataTable
        do { table = try TableReader.read(path: url.path) } catch { return false }   // refused cleanly: fine
        if let drift = try? DriftEngine.run(reference: reference, current: table) {
            try expectFiniteJSON(drift.jsonData())
            _ = drift.html(referenceName: "r", currentName: "c")
        }
        if let quality = try? DataQuality.check(reference: reference, current: table) {
            try expectFiniteJSON(quality.jsonData())
            _ = quality.html(referenceName: "r", currentName: "c")
        }
        if let quality = try? DataQuality.check(reference: table, current: reference) {
            try expectFiniteJSON(quality.jsonData())
        }
        return true
    }

    /// The JSON parses, and no number in it is NaN or infinite (a score's "NaN" string is allowed).
    static func expectFiniteJSON(_ data: Data) throws {
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains(": nan") && !text.contains(": inf") && !text.contains(": -inf"))
        _ = try JSONSerialization.jsonObject(with: data)
    }

    @Test("mutated CSV files are read or refused, never a crash", arguments: 0..<4)
    func csvMutants(batch: Int) throws {
        let reference = try CSVReader.parse(text: String(decoding: Self.csv, as: UTF8.self))
        var rng = SeededGenerator(state: UInt64(0xC5F + batch))
        var read = 0
        for i in 0..<100 where try Self.exercise(Self.mutate(Self.csv, &rng), ext: "csv", reference: reference, seed: batch * 1000 + i) { read += 1 }
        #expect(read >= 20, "most mutants should still be readable, so the analyses run on odd tables")
    }

    @Test("mutated JSON-lines files are read or refused, never a crash", arguments: 0..<2)
    func jsonLinesMutants(batch: Int) throws {
        let reference = try JSONLinesReader.parse(text: String(decoding: Self.jsonLines, as: UTF8.self))
        var rng = SeededGenerator(state: UInt64(0x15A + batch))
        var read = 0
        for i in 0..<100 where try Self.exercise(Self.mutate(Self.jsonLines, &rng), ext: "jsonl", reference: reference, seed: 10_000 + batch * 1000 + i) { read += 1 }
        #expect(read >= 5, "some mutants should still be readable")
    }
}
