import Foundation
import Testing
@testable import VaneModels

/// Seeded mutation fuzzing of the fixture model files: every mutant either loads (and then
/// predicts without trouble) or is refused with a `ModelError`; truncations are always refused.
@Suite struct XGBoostFuzzTests {
    /// Every xgboost fixture file of the manifest.
    static func files() throws -> [String] {
        try ModelFixtures.manifest().models.filter { $0.library == "xgboost" }.flatMap(\.files.values).sorted()
    }

    /// Mutants per fixture file: about 1.5 MB of mutated input each (at least 20), so a debug run
    /// stays within seconds; the tiny synthetic models get 300 each.
    static func mutationCount(size: Int) -> Int { max(20, min(300, 1_500_000 / max(size, 1))) }

    /// Small hand-built models covering every feature (categorical, multiclass, DART, missing),
    /// in JSON and UBJSON.
    static let syntheticNames = ["regression", "categorical", "multiclass", "dart"].flatMap { [$0 + ".json", $0 + ".ubj"] }

    static func synthetic(_ name: String) -> [UInt8] {
        typealias Tree = XGBoostTestModel.Tree
        let deep = Tree(left: [1, 3, -1, -1, -1], right: [2, 4, -1, -1, -1], indices: [0, 1, 0, 0, 0],
                        conditions: [0.5, 0.5, 1, 2, 3], defaultLeft: [1, 0, 0, 0, 0])
        var spec = XGBoostTestModel(trees: [deep, .stump(feature: 1, threshold: -1, left: 0.5, right: -0.5)])
        if name.hasPrefix("categorical") {
            spec.objective = "binary:logistic"
            spec.baseScore = "[5E-1]"
            spec.trees.append(.categorical(feature: 1, categories: [0, 3, 70], left: 0.25, right: -0.25))
        } else if name.hasPrefix("multiclass") {
            spec.objective = "multi:softprob"
            spec.numClass = 3
            spec.baseScore = "[1E-1,2E-1,3E-1]"
            spec.trees += [.leaf(1), .stump(threshold: 0, left: 1, right: 2), .leaf(-1), .leaf(0.5)]
        } else if name.hasPrefix("dart") {
            spec.booster = "dart"
            spec.weightDrop = [0.5, 0.75]
        }
        return [UInt8](name.hasSuffix(".json") ? spec.json : spec.ubjson)
    }

    /// A stable seed per file name (FNV-1a).
    static func seed(_ name: String) -> UInt64 {
        name.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    enum Mutation: CaseIterable {
        case truncate, overwrite, insert, delete, digit, duplicate
    }

    static func mutate(_ original: [UInt8], _ mutation: Mutation, using rng: inout XGBoostSeededGenerator) -> [UInt8] {
        var bytes = original
        let count = bytes.count
        switch mutation {
        case .truncate:
            // Cut before the last non-whitespace byte, so the document is always incomplete.
            var end = count
            while end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
            bytes.removeSubrange(Int.random(in: 0..<max(end, 1), using: &rng)...)
        case .overwrite:
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                bytes[Int.random(in: 0..<count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case .insert:
            let junk = (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes.insert(contentsOf: junk, at: Int.random(in: 0...count, using: &rng))
        case .delete:
            let start = Int.random(in: 0..<count, using: &rng)
            bytes.removeSubrange(start..<min(count, start + Int.random(in: 1...64, using: &rng)))
        case .digit:
            // Change a few digits (JSON) or payload bytes (UBJSON): mutants that often still load.
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<count, using: &rng)
                if bytes[at] >= 0x30 && bytes[at] <= 0x39 {
                    bytes[at] = UInt8.random(in: 0x30...0x39, using: &rng)
                } else if bytes.first == UInt8(ascii: "{") && bytes.dropFirst().first == UInt8(ascii: "L") {
                    bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                }
            }
        case .duplicate:
            let start = Int.random(in: 0..<count, using: &rng)
            let chunk = bytes[start..<min(count, start + Int.random(in: 1...200, using: &rng))]
            bytes.insert(contentsOf: chunk, at: Int.random(in: 0...count, using: &rng))
        }
        return bytes
    }

    /// Rows that reach many paths: zeros, missing, negative, large and category-like values.
    static func probeBatch(featureCount: Int, using rng: inout XGBoostSeededGenerator) -> FeatureBatch {
        var values: [Double] = []
        for row in 0..<5 {
            for _ in 0..<featureCount {
                switch row {
                case 0: values.append(0)
                case 1: values.append(.nan)
                case 2: values.append(Double.random(in: -3...3, using: &rng))
                case 3: values.append(Double(Int.random(in: -2...70, using: &rng)))
                default: values.append([Double.infinity, -1e30, 1e30, 16_777_216][Int.random(in: 0...3, using: &rng)])
                }
            }
        }
        return FeatureBatch(rowCount: 5, featureCount: featureCount, values: values)
    }

    @Test(.timeLimit(.minutes(2)), arguments: try files())
    func fixtureMutantsNeverCrash(file: String) throws {
        let original = [UInt8](try ModelFixtures.data(file))
        _ = Self.fuzz(original, name: file, mutants: Self.mutationCount(size: original.count))
    }

    @Test(.timeLimit(.minutes(1)), arguments: syntheticNames)
    func syntheticMutantsNeverCrash(name: String) {
        let loaded = Self.fuzz(Self.synthetic(name), name: name, mutants: 300)
        #expect(loaded > 0, "\(name): no mutant loaded, the prediction path went unexercised")
    }

    /// Loads `mutants` mutants of `original` (and scores probe rows with those that load);
    /// returns how many loaded.
    static func fuzz(_ original: [UInt8], name file: String, mutants: Int) -> Int {
        #expect(throws: Never.self) { try XGBoostModel(data: Data(original)) }
        var rng = XGBoostSeededGenerator(seed: Self.seed(file))
        var truncations = 0
        var refusedTruncations = 0
        var loaded = 0
        for index in 0..<mutants {
            let mutation = Mutation.allCases[index % Mutation.allCases.count]
            let bytes = Self.mutate(original, mutation, using: &rng)
            if mutation == .truncate { truncations += 1 }
            do {
                let model = try XGBoostModel(data: Data(bytes))
                loaded += 1
                guard model.signature.featureCount <= 256 else { continue }
                let batch = Self.probeBatch(featureCount: model.signature.featureCount, using: &rng)
                let outputs = try model.predict(batch)
                #expect(outputs.count == model.signature.outputs.count, "\(file)")
            } catch {
                if mutation == .truncate { refusedTruncations += 1 }
            }
        }
        #expect(truncations > 0)
        #expect(refusedTruncations == truncations, "\(file): a truncated file loaded")
        return loaded
    }
}
