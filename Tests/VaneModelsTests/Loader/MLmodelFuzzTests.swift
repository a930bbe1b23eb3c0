import Foundation
import Testing
@testable import VaneModels
import VaneText

/// Seeded mutations of a real `MLmodel` through the bounded YAML reader and the model loader:
/// brackets, anchors and aliases, indentation, tabs, control bytes and truncation. Whatever
/// arrives, the loader either loads the model or throws a `ModelError`, quickly; it never
/// crashes or grows without bound.
@Suite("MLmodel fuzzing")
struct MLmodelFuzzTests {
    static let mlmodel = BoundedYAMLTests.mlflowMLmodel + "\n"

    static let inserts: [String] = [
        "[", "]", "{", "}", "&a ", "*a", "&b [*a, *a, *a, *a]", "<<: *a\n", "- ", "\n  ", "\n\t", ": ", "? ",
        "!!binary ", "!!python/object:os.system ", "%YAML 1.1\n", "---\n", "...\n", "'", "\"", "\\", "#", "|\n", ">\n",
        "\u{0}", "\u{7}", "\u{FEFF}", "ÿ", String(repeating: "[", count: 70), String(repeating: "- ", count: 70),
        "x: &r [&s [&t [1,2,3]]]\ny: [*r, *r, *r, *r, *r, *r, *r, *r, *r, *r]\n",
    ]

    static func mutate(_ text: String, _ rng: inout XGBoostSeededGenerator) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(5) {
            case 0: bytes.insert(contentsOf: Array(rng.pick(inserts).utf8), at: rng.below(bytes.count + 1))
            case 1 where !bytes.isEmpty: bytes.removeSubrange(rng.below(bytes.count)..<bytes.count)
            case 2 where !bytes.isEmpty: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 3 where bytes.count > 2:
                let at = rng.below(bytes.count - 1)
                bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + rng.below(200))], at: rng.below(bytes.count))
            default: bytes.insert(contentsOf: Array(repeating: UInt8(ascii: " "), count: rng.below(8)), at: rng.below(bytes.count + 1))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("mutated MLmodel files load or are refused, quickly", arguments: [UInt64(11), 12, 13])
    func mutatedMLmodels(seed: UInt64) throws {
        let dir = try BoundedYAMLTests.modelDirectory(Self.mlmodel)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The unmutated file loads: the fuzzer starts from something real.
        _ = try ModelLoader.load(path: dir.path)
        var rng = XGBoostSeededGenerator(seed: seed)
        var loaded = 0, refused = 0
        for round in 0..<300 {
            let text = Self.mutate(Self.mlmodel, &rng)
            try Data(text.utf8).write(to: dir.appendingPathComponent("MLmodel"))
            let start = ContinuousClock.now
            do {
                _ = try ModelLoader.load(path: dir.path)
                loaded += 1
            } catch {
                refused += 1
                #expect(!"\(error)".isEmpty)
            }
            #expect(ContinuousClock.now - start < .seconds(2), "seed \(seed) round \(round) was slow: \(text.prefix(200))")
            // The reader's own check agrees with the loader on what is YAML within the limits.
            if (try? BoundedYAML.check(text, limits: .mlmodel)) == nil {
                #expect(throws: (any Error).self, "seed \(seed) round \(round)") { try ModelLoader.load(path: dir.path) }
            }
        }
        #expect(loaded > 10 && refused > 10, "loaded \(loaded), refused \(refused)")
    }
}

extension RandomNumberGenerator {
    /// A number in `0..<n` (0 when `n` is 0).
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int.random(in: 0..<n, using: &self) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
