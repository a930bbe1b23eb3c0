import Foundation
import Testing
@testable import VaneModels

/// Every ONNX entry of the fixture manifest: load, score the inputs, match onnxruntime's outputs.
@Suite("ONNX fixtures")
struct ONNXFixtureTests {
    /// The manifest entries converted by skl2onnx / written by onnx.
    static func entries() throws -> [ModelFixtures.Entry] {
        try ModelFixtures.manifest().models.filter { entry in
            let library = entry.library.lowercased()
            return entry.files["onnx"] != nil || library.contains("skl2onnx") || library.contains("onnx")
        }
    }

    /// The entry's `.onnx` file.
    static func file(_ entry: ModelFixtures.Entry) -> String? {
        entry.files["onnx"] ?? entry.files.values.sorted().first { $0.hasSuffix(".onnx") }
    }

    /// An expected field holding strings (string class labels), `nil` otherwise.
    static func expectedStrings(_ name: String, field: String) throws -> [String]? {
        let url = ModelFixtures.directory.appendingPathComponent("\(name).expected.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return object?[field] as? [String]
    }

    /// The `FIELD__zipmap_keys` list of an expected file, as label keys (`nil` when the field is a tensor).
    static func zipMapKeys(_ name: String, field: String) throws -> [String]? {
        let url = ModelFixtures.directory.appendingPathComponent("\(name).expected.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        guard let keys = object?["\(field)__zipmap_keys"] as? [Any] else { return nil }
        return keys.map { key in
            if let number = key as? NSNumber { return String(number.int64Value) }
            return "\(key)"
        }
    }

    @Test("the manifest lists the ONNX fixtures")
    func manifestHasONNXEntries() throws {
        let entries = try Self.entries()
        #expect(entries.count >= 6)
        for entry in entries { #expect(!entry.compare.isEmpty, "\(entry.name) compares nothing") }
    }

    @Test("every ONNX fixture matches onnxruntime within tolerance")
    func fixturesMatchOnnxruntime() throws {
        for entry in try Self.entries() {
            try check(entry)
        }
    }

    private func check(_ entry: ModelFixtures.Entry) throws {
        let file = try #require(Self.file(entry), "\(entry.name) has no .onnx file")
        let model = try ONNXModel(data: ModelFixtures.data(file))
        #expect(model.signature.platform == "onnx")
        #expect(model.signature.featureCount == entry.n_features, "\(entry.name) feature count")
        let inputs = try ModelFixtures.inputs(entry.name)
        let batch = try FeatureBatch(rows: inputs.rows, featureCount: entry.n_features)
        let outputs = try model.predict(batch)
        #expect(outputs.map(\.name) == model.signature.outputs.map(\.name))
        let expected = try ModelFixtures.expected(entry.name)
        for compare in entry.compare {
            guard let output = outputs.first(where: { $0.name == compare.field }) else {
                Issue.record("\(entry.name): no output '\(compare.field)'")
                continue
            }
            if let strings = try Self.expectedStrings(entry.name, field: compare.field) {
                guard case .tensor(let tensor) = output.value, case .string(let actual) = tensor.data else {
                    Issue.record("\(entry.name): '\(compare.field)' should hold strings")
                    continue
                }
                #expect(actual == strings, "\(entry.name).\(compare.field) labels differ")
                continue
            }
            guard let reference = expected[compare.field] else {
                Issue.record("\(entry.name): no expected values for '\(compare.field)'")
                continue
            }
            let actual: [[Double]]
            if let keys = try Self.zipMapKeys(entry.name, field: compare.field) {
                guard case .labelMap(let labels, let values) = output.value else {
                    Issue.record("\(entry.name): '\(compare.field)' is not a label map")
                    continue
                }
                let positions = keys.map { labels.keys.firstIndex(of: $0) }
                guard positions.allSatisfy({ $0 != nil }) else {
                    Issue.record("\(entry.name): labels \(labels.keys) lack some of \(keys)")
                    continue
                }
                actual = (0..<batch.rowCount).map { row in
                    positions.map { Double(values[row * labels.count + $0!]) }
                }
            } else {
                actual = ModelFixtures.rows(of: output, rowCount: batch.rowCount)
            }
            let mismatch = ModelFixtures.mismatch(actual: actual, expected: reference, tolerance: compare.tolerance)
            #expect(mismatch == nil, "\(entry.name).\(compare.field): \(mismatch ?? "")")
        }
    }

    @Test("scoring only some outputs returns them in signature order")
    func outputSelection() throws {
        for entry in try Self.entries() {
            let file = try #require(Self.file(entry))
            let model = try ONNXModel(data: ModelFixtures.data(file))
            let inputs = try ModelFixtures.inputs(entry.name)
            let batch = try FeatureBatch(rows: Array(inputs.rows.prefix(3)), featureCount: entry.n_features)
            let last = try #require(model.signature.outputs.last?.name)
            let outputs = try model.predict(batch, outputs: [last])
            #expect(outputs.map(\.name) == [last])
            #expect(try model.predict(batch, outputs: []).isEmpty)
            #expect(throws: ModelError.self) { try model.predict(batch, outputs: ["no-such-output"]) }
        }
    }

    @Test("an empty batch gives empty outputs")
    func emptyBatch() throws {
        for entry in try Self.entries() {
            let file = try #require(Self.file(entry))
            let model = try ONNXModel(data: ModelFixtures.data(file))
            let outputs = try model.predict(FeatureBatch(rowCount: 0, featureCount: entry.n_features, values: []))
            #expect(outputs.count == model.signature.outputs.count)
            for output in outputs {
                #expect(ModelFixtures.rows(of: output, rowCount: 0).isEmpty)
            }
        }
    }
}
