import Foundation
import Testing
@testable import VaneModels

/// Small generated models scored against onnxruntime's own outputs (``ONNXReferenceCases``):
/// tree ensembles with every mode / base-value / post-transform combination, linear models,
/// the other ai.onnx.ml operators and the default-domain operators.
@Suite("ONNX onnxruntime reference cases")
struct ONNXReferenceTests {
    struct Case: Decodable {
        struct Output: Decodable {
            let name: String
            let kind: String
            let shape: [Int]?
            let values: String?
            let strings: [String]?
            let labels: [String]?
        }
        let name: String
        let model: String
        let rows: Int
        let features: Int
        let input: String
        let outputs: [Output]?
        let error: Bool?
    }

    static func numbers(_ text: String) -> [Double] {
        text.split(separator: " ").map { Double(String($0)) ?? .nan }
    }

    static func close(_ actual: Double, _ expected: Double) -> Bool {
        if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
        if actual.isInfinite || expected.isInfinite { return actual == expected }
        return abs(actual - expected) <= 1e-5 + 1e-5 * abs(expected)
    }

    @Test("onnxruntime reference cases")
    func referenceCases() throws {
        let decoder = JSONDecoder()
        #expect(ONNXReferenceCases.all.count > 150)
        var compared = 0
        for text in ONNXReferenceCases.all {
            let reference = try decoder.decode(Case.self, from: Data(text.utf8))
            compared += try check(reference)
        }
        #expect(compared > 300, "only \(compared) outputs were compared")
    }

    @Test("skl2onnx conversions of more scikit-learn estimators")
    func sklearnCases() throws {
        let decoder = JSONDecoder()
        #expect(ONNXSklearnCases.all.count >= 30)
        var compared = 0
        for text in ONNXSklearnCases.all {
            compared += try check(try decoder.decode(Case.self, from: Data(text.utf8)))
        }
        #expect(compared >= 60, "only \(compared) outputs were compared")
    }

    /// Checks one case; returns the number of outputs compared.
    private func check(_ reference: Case) throws -> Int {
        let data = try #require(Data(base64Encoded: reference.model), "\(reference.name)")
        let batch = FeatureBatch(rowCount: reference.rows, featureCount: reference.features,
                                 values: Self.numbers(reference.input))
        if reference.error == true {
            var failed = false
            do { _ = try ONNXModel(data: data).predict(batch) } catch { failed = true }
            #expect(failed, "\(reference.name): onnxruntime rejects this model, Vane accepted it")
            return 1
        }
        let model: ONNXModel
        let outputs: [ModelOutput]
        do {
            model = try ONNXModel(data: data)
            outputs = try model.predict(batch)
        } catch {
            Issue.record("\(reference.name): \(error)")
            return 0
        }
        var compared = 0
        for expected in reference.outputs ?? [] {
            guard let output = outputs.first(where: { $0.name == expected.name }) else {
                Issue.record("\(reference.name): missing output \(expected.name)")
                continue
            }
            compare(output, expected, reference.name)
            compared += 1
        }
        #expect(model.signature.outputs.count == reference.outputs?.count, "\(reference.name) output count")
        return compared
    }

    private func compare(_ output: ModelOutput, _ expected: Case.Output, _ name: String) {
        let label = "\(name).\(expected.name)"
        switch output.value {
        case .labelMap(let labels, let values):
            // A map is unordered: onnxruntime lists int64 keys sorted, Vane keeps the declared order.
            #expect(expected.kind == "map", "\(label) is a label map")
            let keys = expected.labels ?? []
            #expect(Set(labels.keys) == Set(keys) && labels.count == keys.count, "\(label) labels \(labels.keys) vs \(keys)")
            let reference = Self.numbers(expected.values ?? "")
            let positions = keys.compactMap { labels.keys.firstIndex(of: $0) }
            guard positions.count == keys.count, !keys.isEmpty, reference.count % keys.count == 0 else { return }
            let rows = reference.count / keys.count
            #expect(values.count == rows * labels.count, "\(label) value count")
            guard values.count == rows * labels.count else { return }
            for row in 0..<rows {
                for (k, position) in positions.enumerated() {
                    let actual = Double(values[row * labels.count + position]), wanted = reference[row * keys.count + k]
                    if !Self.close(actual, wanted) {
                        Issue.record("\(label) row \(row) key \(keys[k]): \(actual) vs \(wanted)")
                        return
                    }
                }
            }
        case .tensor(let tensor):
            #expect(tensor.shape == expected.shape ?? [], "\(label) shape \(tensor.shape) vs \(expected.shape ?? [])")
            let kinds: [String: String] = ["FP32": "float", "FP64": "double", "INT64": "int64", "INT32": "int32",
                                           "BOOL": "bool", "BYTES": "string"]
            #expect(kinds[tensor.datatype.rawValue] == expected.kind, "\(label) type \(tensor.datatype)")
            if case .string(let strings) = tensor.data {
                #expect(strings == expected.strings ?? [], "\(label) strings")
                return
            }
            let actual = tensor.doubles
            let reference = Self.numbers(expected.values ?? "")
            #expect(actual.count == reference.count, "\(label) count")
            let exact = expected.kind == "int64" || expected.kind == "int32"
            if let index = (0..<min(actual.count, reference.count)).first(where: { exact ? actual[$0] != reference[$0] : !Self.close(actual[$0], reference[$0]) }) {
                Issue.record("\(label)[\(index)]: \(actual[index]) vs \(reference[index])")
            }
        }
    }
}
