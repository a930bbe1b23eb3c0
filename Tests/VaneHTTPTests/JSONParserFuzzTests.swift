import Foundation
import Testing
import VaneCore
@testable import VaneHTTP

/// Seeded mutations of JSON documents through Vane's parser: building a tree and stepping over
/// a value must agree on what is valid JSON, neither may crash on any input, and both stop at
/// the nesting limit without recursing past it.
@Suite("JSON parser fuzzing")
struct JSONParserFuzzTests {
    static let seeds: [String] = [
        #"{"run_id": "abc", "metrics": [{"key": "m", "value": 1.5e-3, "timestamp": 1700000000000, "step": -2}], "tags": []}"#,
        #"{"a": [true, false, null, NaN, Infinity, -Infinity, "s\u00e9\n\"", {"b": {}}], "c": -0.0, "d": 12345678901234567890}"#,
        #"[[1, 2, 3], [4, 5, 6], ["NaN", "inf", null]]"#,
        #"{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]}], "parameters": {"k": [{"z": "\ud83d\ude00"}]}}"#,
    ]
    static let inserts: [String] = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "1e", "-", ".", "tru", "nul", "\u{0}", "\n", " ", "ÿ",
                                    String(repeating: "[", count: 70), String(repeating: "{\"a\":", count: 70)]

    /// Parse and skip on one input: both succeed or both fail, and a success consumes the same bytes.
    static func agree(_ bytes: [UInt8]) -> (parsed: Bool, skipped: Bool) {
        var tree = JSONParser(bytes: bytes)
        tree.skipSpace()
        let parsed = (try? tree.value(depth: 0)) != nil
        var skip = JSONParser(bytes: bytes)
        skip.skipSpace()
        let skipped = (try? skip.skipValue(depth: 0)) != nil
        if parsed && skipped { #expect(tree.index == skip.index, "\(String(decoding: bytes.prefix(120), as: UTF8.self))") }
        return (parsed, skipped)
    }

    @Test("parse and skip agree on mutated JSON", arguments: [UInt64(31), 32, 33])
    func parseAndSkipAgree(seed: UInt64) {
        var rng = FuzzRandom(seed: seed)
        var valid = 0, invalid = 0
        for round in 0..<2_000 {
            var bytes = Array(rng.pick(Self.seeds).utf8)
            for _ in 0..<(rng.below(4)) {
                switch rng.below(4) {
                case 0: bytes.insert(contentsOf: Array(rng.pick(Self.inserts).utf8), at: rng.below(bytes.count + 1))
                case 1 where !bytes.isEmpty: bytes.remove(at: rng.below(bytes.count))
                case 2 where !bytes.isEmpty: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
                default: bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
                }
            }
            let (parsed, skipped) = Self.agree(bytes)
            #expect(parsed == skipped, "seed \(seed) round \(round): parse \(parsed), skip \(skipped): \(String(decoding: bytes.prefix(160), as: UTF8.self))")
            if parsed { valid += 1 } else { invalid += 1 }
        }
        #expect(valid > 100 && invalid > 100, "valid \(valid), invalid \(invalid)")
    }

    /// Invalid UTF-8 is malformed JSON (RFC 8259 §8.1), refused rather than stored as U+FFFD.
    @Test func invalidUTF8IsRefusedInBothModes() {
        for bad: [UInt8] in [[0xFF, 0xFE], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            let doc = Array(#"{"name": "a"#.utf8) + bad + Array(#"b"}"#.utf8)
            #expect(Self.agree(doc) == (false, false), "\(bad)")
        }
        #expect(Self.agree(Array(#"{"name": "aé€😀b"}"#.utf8)) == (true, true))
    }

    @Test func nestingStopsAtTheLimitInBothModes() {
        // Containers may sit at depths 0 through maxDepth: 65 levels.
        for depth in [64, 65, 66, 100_000] {
            let doc = Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
            let (parsed, skipped) = Self.agree(doc)
            #expect(parsed == (depth <= JSONValue.maxDepth + 1), "depth \(depth)")
            #expect(skipped == parsed, "depth \(depth)")
        }
    }
}
