import Foundation
import Testing
@testable import VaneModels

/// What `ONNXModel.signature` reports, and how `predict` shapes its outputs.
@Suite("ONNX signature")
struct ONNXSignatureTests {
    private func load(_ file: String) throws -> ONNXModel {
        try ONNXModel(data: ModelFixtures.data(file))
    }

    @Test("classifier with ZipMap: int64 label and one probability per class")
    func zipMapClassifier() throws {
        let model = try load("onnx_rf_classifier.onnx")
        let signature = model.signature
        #expect(signature.platform == "onnx")
        #expect(signature.inputName == "X")
        #expect(signature.inputDatatype == .fp32)
        #expect(signature.featureCount == 8)
        #expect(signature.featureNames == nil)
        #expect(signature.outputs == [
            .init(name: "output_label", datatype: .int64, shapePerRow: []),
            .init(name: "output_probability", datatype: .fp32, shapePerRow: [3]),
        ])
        #expect(model.producer.hasPrefix("skl2onnx"))
        let outputs = try model.predict(FeatureBatch(rowCount: 2, featureCount: 8, values: Array(repeating: 0.25, count: 16)))
        guard case .tensor(let label) = outputs[0].value, case .labelMap(let labels, let values) = outputs[1].value else {
            Issue.record("unexpected output kinds \(outputs)")
            return
        }
        #expect(label.shape == [2] && label.datatype == .int64)
        #expect(labels == .int64([0, 1, 2]))
        #expect(values.count == 6)
    }

    @Test("dense classifier and regressor outputs")
    func denseOutputs() throws {
        #expect(try load("onnx_mlp_classifier.onnx").signature.outputs == [
            .init(name: "label", datatype: .int64, shapePerRow: []),
            .init(name: "probabilities", datatype: .fp32, shapePerRow: [3]),
        ])
        #expect(try load("onnx_gbr_regressor.onnx").signature.outputs == [
            .init(name: "variable", datatype: .fp32, shapePerRow: [1]),
        ])
        #expect(try load("onnx_logreg_binary.onnx").signature.outputs.last == .init(name: "output_probability", datatype: .fp32, shapePerRow: [2]))
    }

    @Test("double and int64 graph inputs")
    func inputTypes() throws {
        let double = ONNXBuild.model([ONNXBuild.node("Identity", ["X"], ["Y"])],
                                     inputs: [ONNXBuild.tensorInfo("X", 11, [nil, 2])], outputs: [ONNXBuild.tensorInfo("Y", 11, [nil, 2])])
        let model = try ONNXModel(data: ONNXBuild.data(double))
        #expect(model.signature.inputDatatype == .fp64)
        let precise = 0.1 + 0.2
        let outputs = try model.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [precise, -1]))
        #expect(outputs.first?.value == .tensor(Tensor(shape: [1, 2], data: .float64([precise, -1]))))

        let integers = ONNXBuild.model([ONNXBuild.node("Identity", ["X"], ["Y"])],
                                       inputs: [ONNXBuild.tensorInfo("X", 7, [nil, 2])], outputs: [ONNXBuild.tensorInfo("Y", 7, nil)])
        let intModel = try ONNXModel(data: ONNXBuild.data(integers))
        #expect(intModel.signature.inputDatatype == .int64)
        #expect(try intModel.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [3, -4])).first?.value
                == .tensor(Tensor(shape: [1, 2], data: .int64([3, -4]))))
        for bad in [0.5, .nan, 1e30] {
            #expect(throws: ModelError.self) { try intModel.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [bad, 1])) }
        }
    }

    @Test("a fixed first dimension fixes the row count; a symbolic width gives feature count -1")
    func fixedDimensions() throws {
        let fixed = ONNXBuild.model([ONNXBuild.node("Relu", ["X"], ["Y"])],
                                    inputs: [ONNXBuild.tensorInfo("X", 1, [1, 3])], outputs: [ONNXBuild.tensorInfo("Y", 1, [1, 3])])
        let model = try ONNXModel(data: ONNXBuild.data(fixed))
        #expect(model.signature.featureCount == 3)
        #expect(model.signature.outputs.first?.shapePerRow == [3])
        #expect(try model.predict(FeatureBatch(rowCount: 1, featureCount: 3, values: [-1, 0, 2])).first?.value
                == .tensor(Tensor(shape: [1, 3], data: .float32([0, 0, 2]))))
        #expect(throws: ModelError.self) { try model.predict(FeatureBatch(rowCount: 2, featureCount: 3, values: [1, 2, 3, 4, 5, 6])) }

        let symbolic = ONNXBuild.model([ONNXBuild.node("Relu", ["X"], ["Y"])],
                                       inputs: [ONNXBuild.tensorInfo("X", 1, [nil, nil])], outputs: [ONNXBuild.tensorInfo("Y", 1, [nil, nil])])
        let open = try ONNXModel(data: ONNXBuild.data(symbolic))
        #expect(open.signature.featureCount == -1)
        #expect(open.signature.outputs.first?.shapePerRow == [-1])
        #expect(try open.predict(FeatureBatch(rowCount: 1, featureCount: 5, values: [1, 2, 3, 4, 5])).count == 1)
    }

    @Test("initializers listed as graph inputs (IR < 4) and the ai.onnx domain spelling")
    func legacyLayout() throws {
        var model = ONNXBuild.model([ONNXBuild.node("Add", domain: "ai.onnx", ["X", "b"], ["Y"])],
                                    inputs: [ONNXBuild.tensorInfo("X", 1, [nil, 2]), ONNXBuild.tensorInfo("b", 1, [2])],
                                    outputs: [ONNXBuild.tensorInfo("Y", 1, nil)],
                                    initializers: [ONNXBuild.floatTensor("b", [2], [1, 2])], opsets: [("ai.onnx", 9)], irVersion: 3)
        let loaded = try ONNXModel(data: ONNXBuild.data(model))
        #expect(loaded.signature.inputName == "X")
        #expect(try loaded.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [1, 1])).first?.value
                == .tensor(Tensor(shape: [1, 2], data: .float32([2, 3]))))
        model.opsetImport = []
        model.irVersion = 2
        #expect(throws: Never.self) { try ONNXModel(data: ONNXBuild.data(model)) }
    }

    @Test("only the nodes needed for the requested outputs run")
    func pruning() throws {
        // Output A is fine; output B multiplies by a matrix of the wrong size.
        let model = ONNXBuild.model([ONNXBuild.node("Relu", ["X"], ["A"]), ONNXBuild.node("MatMul", ["X", "W"], ["B"])],
                                    inputs: [ONNXBuild.tensorInfo("X", 1, [nil, 2])],
                                    outputs: [ONNXBuild.tensorInfo("A", 1, nil), ONNXBuild.tensorInfo("B", 1, nil)],
                                    initializers: [ONNXBuild.floatTensor("W", [3, 1], [1, 1, 1])])
        let loaded = try ONNXModel(data: ONNXBuild.data(model))
        let batch = FeatureBatch(rowCount: 1, featureCount: 2, values: [-1, 1])
        #expect(try loaded.predict(batch, outputs: ["A"]).map(\.name) == ["A"])
        #expect(throws: ModelError.self) { try loaded.predict(batch) }
    }

    @Test("graph outputs may be the input itself; outputs without a row dimension are refused")
    func passThroughOutputs() throws {
        let model = ONNXBuild.model([ONNXBuild.node("Relu", ["X"], ["Y"])], inputs: [ONNXBuild.tensorInfo("X", 1, [nil, 2])],
                                    outputs: [ONNXBuild.tensorInfo("X", 1, nil), ONNXBuild.tensorInfo("W", 1, nil)],
                                    initializers: [ONNXBuild.floatTensor("W", [3], [1, 2, 3])])
        let loaded = try ONNXModel(data: ONNXBuild.data(model))
        let batch = FeatureBatch(rowCount: 2, featureCount: 2, values: [1, 2, 3, 4])
        #expect(try loaded.predict(batch, outputs: ["X"]).first?.value == .tensor(Tensor(shape: [2, 2], data: .float32([1, 2, 3, 4]))))
        #expect(throws: ModelError.self) { try loaded.predict(batch, outputs: ["W"]) }
    }

    @Test("one model scores from many tasks at once")
    func concurrentScoring() async throws {
        let model = try load("onnx_gbr_regressor.onnx")
        let inputs = try ModelFixtures.inputs("onnx_gbr_regressor")
        let batch = try FeatureBatch(rows: inputs.rows, featureCount: 8)
        let serial = try model.predict(batch)
        try await withThrowingTaskGroup(of: [ModelOutput].self) { group in
            for _ in 0..<8 { group.addTask { try model.predict(batch) } }
            for try await result in group { #expect(result == serial) }
        }
    }
}
