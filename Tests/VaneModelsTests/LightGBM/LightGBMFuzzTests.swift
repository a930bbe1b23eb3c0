import Foundation
import Testing
@testable import VaneModels

/// Seeded mutation fuzzing of the LightGBM loader over the fixture models and the hand-written
/// test model: byte flips, token swaps, number replacements, line deletions and duplications,
/// truncations. Every mutant must load or throw a `ModelError`; one that loads must score rows
/// without trapping; a truncation that cuts the tree section must be rejected.
@Suite struct LightGBMFuzzTests {
    /// SplitMix64: a small deterministic generator, so every run tries the same mutants.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let hostileNumbers = [
        "-1", "0", "-0", "1", "2147483647", "-2147483648", "2147483648", "4294967295", "99999999999999999999",
        "1e308", "-1e308", "1e-320", "nan", "inf", "-inf", "65536", "1000000000", "0x1p3", "+7", "1.5", "",
    ]

    /// The model files to mutate: the hand-written model (a categorical split and all missing
    /// types on a few lines, so mutations hit them often) and every LightGBM fixture.
    static let corpus: [String] = ["test model"] + LightGBMFixtureTests.entries.map(\.name)

    static func load(_ name: String) throws -> (bytes: [UInt8], featureCount: Int) {
        guard let entry = LightGBMFixtureTests.entries.first(where: { $0.name == name }),
              let file = LightGBMFixtureTests.modelFile(entry) else {
            return (Array(LightGBMTestModel.text.utf8), 3)
        }
        return (Array(try ModelFixtures.data(file)), entry.n_features)
    }

    /// Rows to score with mutants that load: zeros, NaN, large, negative, fractional codes.
    static func probeRows(featureCount: Int) -> [Double] {
        let patterns: [Double] = [0, .nan, 1e300, -3.5, 0.7, 2, -0.0, 1e-36, .infinity, 17]
        var values: [Double] = []
        for row in 0..<6 {
            for column in 0..<featureCount { values.append(patterns[(row * 3 + column) % patterns.count]) }
        }
        return values
    }

    @Test(arguments: corpus)
    func mutantsNeverCrash(name: String) throws {
        let (original, featureCount) = try Self.load(name)
        var random = Generator(state: 0x5EED_1234 ^ UInt64(original.count))
        var loaded = 0, rejected = 0
        do {
            let endOfTrees = try #require(Self.range(of: "end of trees", in: original), "\(name) has no end of trees")
            let source = Source(bytes: original)
            let mutantsPerFile = 200
            for round in 0..<mutantsPerFile {
                let (mutant, description) = Self.mutate(source, round: round, using: &random)
                let mustReject = mutant.count < endOfTrees.upperBound && Array(original.prefix(mutant.count)) == mutant
                do {
                    let model = try LightGBMModel(data: Data(mutant))
                    #expect(!mustReject, "\(name): truncation to \(mutant.count) bytes loaded")
                    loaded += 1
                    let width = model.signature.featureCount
                    // Feature counts may be mutated too; only score what fits in a small batch.
                    guard width <= 4096 else { continue }
                    let values = width == featureCount
                        ? Self.probeRows(featureCount: width)
                        : [Double](repeating: 0.5, count: 2 * width)
                    let outputs = try model.predict(FeatureBatch(rowCount: values.count / max(width, 1), featureCount: width, values: values))
                    #expect(outputs.count == 2, "\(name) \(description)")
                } catch {
                    rejected += 1
                    if case .badInput = error { Issue.record("\(name) \(description): unexpected \(error)") }
                }
            }
        }
        #expect(loaded > 0)
        #expect(rejected > 0)
    }

    @Test func everyTruncationOfTheTreeSectionIsRejected() throws {
        let original = Array(LightGBMTestModel.text.utf8)
        let end = try #require(Self.range(of: "end of trees", in: original)).upperBound
        for length in 0..<end {
            #expect(throws: ModelError.self, "truncated to \(length) bytes") {
                try LightGBMModel(data: Data(original.prefix(length)))
            }
        }
        #expect(throws: Never.self) { try LightGBMModel(data: Data(original.prefix(end))) }
    }

    // MARK: - Mutations

    /// A file to mutate, with its tokens and lines located once.
    struct Source {
        let bytes: [UInt8]
        let tokens: [Range<Int>]
        let numbers: [Range<Int>]
        let lines: [ArraySlice<UInt8>]

        init(bytes: [UInt8]) {
            self.bytes = bytes
            tokens = LightGBMFuzzTests.tokenRanges(bytes)
            numbers = tokens.filter { range in
                bytes[range].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E || $0 == 0x65 }
            }
            lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        }
    }

    static func mutate(_ source: Source, round: Int, using random: inout Generator) -> ([UInt8], String) {
        var result = source.bytes
        switch round % 7 {
        case 0:
            let flips = Int.random(in: 1...4, using: &random)
            for _ in 0..<flips {
                let position = Int.random(in: 0..<result.count, using: &random)
                result[position] = UInt8.random(in: 0...255, using: &random)
            }
            return (result, "\(flips) byte flip(s)")
        case 1:
            let tokens = source.tokens
            guard tokens.count > 1 else { return (result, "nothing") }
            let a = tokens[Int.random(in: 0..<tokens.count, using: &random)]
            let b = tokens[Int.random(in: 0..<tokens.count, using: &random)]
            let (first, second) = a.lowerBound < b.lowerBound ? (a, b) : (b, a)
            guard first.upperBound <= second.lowerBound else { return (result, "same token") }
            let left = Array(result[first]), right = Array(result[second])
            result.replaceSubrange(second, with: left)
            result.replaceSubrange(first, with: right)
            return (result, "token swap")
        case 2, 3:
            guard let target = source.numbers.randomElement(using: &random) else { return (result, "nothing") }
            let replacement = hostileNumbers.randomElement(using: &random) ?? "0"
            result.replaceSubrange(target, with: Array(replacement.utf8))
            return (result, "number → '\(replacement)'")
        case 4:
            var lines = source.lines
            let index = Int.random(in: 0..<lines.count, using: &random)
            if Bool.random(using: &random) { lines.remove(at: index) } else { lines.insert(lines[index], at: index) }
            return (Array(lines.joined(separator: [0x0A])), "line \(index) removed or duplicated")
        case 5:
            let length = Int.random(in: 0..<result.count, using: &random)
            return (Array(result.prefix(length)), "truncated to \(length)")
        default:
            let position = Int.random(in: 0...result.count, using: &random)
            let junk = (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            result.insert(contentsOf: junk, at: position)
            return (result, "junk inserted at \(position)")
        }
    }

    /// Byte ranges of the tokens separated by spaces, `=` and newlines.
    static func tokenRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            let separator = byte == 0x20 || byte == 0x0A || byte == 0x3D || byte == 0x0D
            if separator {
                if let begin = start { ranges.append(begin..<index) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let begin = start { ranges.append(begin..<bytes.count) }
        return ranges
    }

    static func range(of needle: String, in bytes: [UInt8]) -> Range<Int>? {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start..<(start + pattern.count)
        }
        return nil
    }
}
