import Foundation
import Testing
@testable import VaneModels

/// Deterministic pseudo-random numbers (SplitMix64) so every run mutates the same way.
struct ONNXFuzzRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Seeded mutation fuzzing over the fixture models: mutants must load or fail with a
/// `ModelError`, and those that load must score or fail with a `ModelError` — never trap or hang.
@Suite("ONNX mutation fuzzing")
struct ONNXFuzzTests {
    struct Fixture {
        let name: String
        let data: Data
        let batch: FeatureBatch
    }

    /// Multiplies the mutation counts (`VANE_ONNX_FUZZ_SCALE=50 swift test --filter Fuzz` for a long run).
    static let scale = max(1, Int(ProcessInfo.processInfo.environment["VANE_ONNX_FUZZ_SCALE"] ?? "") ?? 1)

    static func fixtures() throws -> [Fixture] {
        try ONNXFixtureTests.entries().compactMap { entry in
            guard let file = ONNXFixtureTests.file(entry) else { return nil }
            let rows = try ModelFixtures.inputs(entry.name).rows.prefix(4)
            return Fixture(name: entry.name, data: try ModelFixtures.data(file),
                           batch: try FeatureBatch(rows: Array(rows), featureCount: entry.n_features))
        }
    }

    /// Loads `data` and, when it loads, scores `batch` (reshaped to the model's feature count).
    @discardableResult
    static func exercise(_ data: Data, _ batch: FeatureBatch) -> Bool {
        guard let model = try? ONNXModel(data: data) else { return false }
        let width = model.signature.featureCount >= 0 ? model.signature.featureCount : batch.featureCount
        let values = (0..<(batch.rowCount * width)).map { batch.values.isEmpty ? 0 : batch.values[$0 % batch.values.count] }
        _ = try? model.predict(FeatureBatch(rowCount: batch.rowCount, featureCount: width, values: values))
        return true
    }

    /// The byte offset where the top-level `graph` field (number 7) ends, read from the wire format.
    static func graphEnd(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        var offset = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0, shift: UInt64 = 0
            while offset < bytes.count, shift < 64 {
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while offset < bytes.count {
            guard let key = varint() else { return nil }
            switch key & 7 {
            case 0: guard varint() != nil else { return nil }
            case 1: offset += 8
            case 5: offset += 4
            case 2:
                guard let length = varint() else { return nil }
                offset += Int(length)
                if key >> 3 == 7 { return offset }
            default: return nil
            }
        }
        return nil
    }

    @Test("every truncation before the end of the graph is rejected")
    func truncations() throws {
        var random = ONNXFuzzRandom(state: 0x0ACE)
        for fixture in try Self.fixtures() {
            let end = try #require(Self.graphEnd(fixture.data), "\(fixture.name): no graph field found")
            var lengths = Set(0..<min(end, 64))
            for _ in 0..<150 { lengths.insert(Int.random(in: 0..<end, using: &random)) }
            lengths.insert(end - 1)
            for length in lengths.sorted() {
                #expect(onnxLoadError(fixture.data.prefix(length)) != nil, "\(fixture.name) truncated to \(length) bytes loaded")
            }
            // Cuts after the graph may or may not load; they must not crash.
            for length in end..<fixture.data.count { Self.exercise(fixture.data.prefix(length), fixture.batch) }
        }
    }

    @Test("random byte mutations never crash")
    func byteMutations() throws {
        var random = ONNXFuzzRandom(state: 20_261_123)
        var loaded = 0, total = 0
        for fixture in try Self.fixtures() {
            let original = [UInt8](fixture.data)
            for _ in 0..<(120 * Self.scale) {
                var bytes = original
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let position = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<6, using: &random) {
                    case 0: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                    case 1: bytes[position] = UInt8.random(in: 0...255, using: &random)
                    case 2: bytes[position] = [0x00, 0x7F, 0x80, 0xFF][Int.random(in: 0..<4, using: &random)]
                    case 3: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
                    case 4: bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &random)))
                    default:
                        let length = min(Int.random(in: 1...32, using: &random), bytes.count - position)
                        bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
                    }
                    if bytes.isEmpty { bytes = [0] }
                }
                total += 1
                if Self.exercise(Data(bytes), fixture.batch) { loaded += 1 }
            }
        }
        #expect(total > 0)
        #expect(loaded < total)
    }

    @Test("structured mutations of attributes and initializers never crash")
    func structuredMutations() throws {
        var random = ONNXFuzzRandom(state: 0x5EED)
        let specials: [Int64] = [-1, 0, 1, 2, 7, 1 << 31, -(1 << 31), 1 << 40, .max, .min]
        for fixture in try Self.fixtures() {
            let original = try Onnx_ModelProto(serializedBytes: fixture.data)
            for _ in 0..<(60 * Self.scale) {
                var model = original
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    mutate(&model, specials, &random)
                }
                Self.exercise(try ONNXBuild.data(model), fixture.batch)
            }
        }
    }

    @Test("structured mutations of the reference graphs never crash")
    func referenceGraphMutations() throws {
        var random = ONNXFuzzRandom(state: 0xF00D)
        let specials: [Int64] = [-1, 0, 1, 2, 3, 1 << 31, 1 << 40, .max, .min]
        let decoder = JSONDecoder()
        let cases = (ONNXReferenceCases.all + ONNXSklearnCases.all).enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
        for text in cases {
            let reference = try decoder.decode(ONNXReferenceTests.Case.self, from: Data(text.utf8))
            let data = try #require(Data(base64Encoded: reference.model))
            let rows = min(reference.rows, 3)
            let values = Array(ONNXReferenceTests.numbers(reference.input).prefix(rows * reference.features))
            let batch = FeatureBatch(rowCount: rows, featureCount: reference.features, values: values)
            let original = try Onnx_ModelProto(serializedBytes: data)
            for _ in 0..<(6 * Self.scale) {
                var model = original
                for _ in 0..<Int.random(in: 1...3, using: &random) { mutate(&model, specials, &random) }
                Self.exercise(try ONNXBuild.data(model), batch)
            }
        }
    }

    private func mutate(_ model: inout Onnx_ModelProto, _ specials: [Int64], _ random: inout ONNXFuzzRandom) {
        func special() -> Int64 {
            Bool.random(using: &random) ? specials[Int.random(in: 0..<specials.count, using: &random)]
                : Int64.random(in: -3...40, using: &random)
        }
        if !model.graph.initializer.isEmpty, Int.random(in: 0..<4, using: &random) == 0 {
            let i = Int.random(in: 0..<model.graph.initializer.count, using: &random)
            var tensor = model.graph.initializer[i]
            switch Int.random(in: 0..<4, using: &random) {
            case 0: if !tensor.dims.isEmpty { tensor.dims[Int.random(in: 0..<tensor.dims.count, using: &random)] = special() }
            case 1: if !tensor.int64Data.isEmpty { tensor.int64Data[0] = special() }
            case 2: tensor.dataType = Int32(truncatingIfNeeded: special())
            default: if !tensor.floatData.isEmpty { tensor.floatData.removeLast() }
            }
            model.graph.initializer[i] = tensor
            return
        }
        guard !model.graph.node.isEmpty else { return }
        let n = Int.random(in: 0..<model.graph.node.count, using: &random)
        var node = model.graph.node[n]
        if node.attribute.isEmpty || Int.random(in: 0..<8, using: &random) == 0 {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: if !node.input.isEmpty { node.input[0] = model.graph.node.randomElement(using: &random)?.output.first ?? "" }
            case 1: node.output.append("extra")
            default: node.input.append("X")
            }
            model.graph.node[n] = node
            return
        }
        let a = Int.random(in: 0..<node.attribute.count, using: &random)
        var attribute = node.attribute[a]
        switch Int.random(in: 0..<6, using: &random) {
        case 0: if !attribute.ints.isEmpty { attribute.ints[Int.random(in: 0..<attribute.ints.count, using: &random)] = special() }
        case 1: if !attribute.ints.isEmpty { attribute.ints.removeLast() }
        case 2: if !attribute.floats.isEmpty { attribute.floats[Int.random(in: 0..<attribute.floats.count, using: &random)] = [.nan, .infinity, -1e30, 0][Int.random(in: 0..<4, using: &random)] }
        case 3: attribute.i = special()
        case 4: if !attribute.strings.isEmpty { attribute.strings[0] = Data("BRANCH_LT".utf8) }
        default: attribute.type = [.int, .floats, .ints, .string][Int.random(in: 0..<4, using: &random)]
        }
        node.attribute[a] = attribute
        model.graph.node[n] = node
    }
}
