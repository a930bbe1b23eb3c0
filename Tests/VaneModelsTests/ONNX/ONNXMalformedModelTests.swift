import Foundation
import Testing
@testable import VaneModels

/// Malformed or hostile files are refused with `invalidModel` (or `unsupported`), never a crash.
@Suite("ONNX malformed models")
struct ONNXMalformedModelTests {
    private static let x = ONNXBuild.tensorInfo("X", 1, [nil, 2])
    private static let y = ONNXBuild.tensorInfo("Y", 1, nil)

    private func graph(_ nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [],
                       outputs: [Onnx_ValueInfoProto] = [y]) -> Onnx_ModelProto {
        ONNXBuild.model(nodes, inputs: [Self.x], outputs: outputs, initializers: initializers)
    }

    private func expectInvalid(_ model: Onnx_ModelProto, _ fragment: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try onnxLoadError(model)
        #expect(error?.onnxIsInvalidModel == true, "expected invalidModel, got \(String(describing: error))",
                sourceLocation: sourceLocation)
        #expect(error?.onnxMessage.contains(fragment) == true, "'\(error?.onnxMessage ?? "")' lacks '\(fragment)'",
                sourceLocation: sourceLocation)
    }

    @Test("bytes that are not an ONNX protobuf")
    func notProtobuf() throws {
        #expect(onnxLoadError(Data())?.onnxIsInvalidModel == true)
        #expect(onnxLoadError(Data("hello, this is not a model".utf8))?.onnxIsInvalidModel == true)
        #expect(onnxLoadError(Data(repeating: 0xFF, count: 64))?.onnxIsInvalidModel == true)
        let fixture = try ModelFixtures.data("onnx_rf_classifier.onnx")
        #expect(onnxLoadError(fixture.prefix(fixture.count / 2))?.onnxIsInvalidModel == true)
        #expect(onnxLoadError(fixture.prefix(10))?.onnxIsInvalidModel == true)
    }

    @Test("deeply nested messages hit the recursion limit")
    func recursionLimit() throws {
        var inner = Onnx_GraphProto()
        for _ in 0..<80 {
            var attribute = Onnx_AttributeProto()
            attribute.name = "body"
            attribute.type = .graph
            attribute.g = inner
            var graph = Onnx_GraphProto()
            graph.node = [ONNXBuild.node("Identity", ["X"], ["Y"], [attribute])]
            inner = graph
        }
        var model = graph([])
        model.graph = inner
        model.graph.input = [Self.x]
        model.graph.output = [Self.y]
        let error = try onnxLoadError(model)
        #expect(error?.onnxIsInvalidModel == true)
        #expect(error?.onnxMessage.contains("protobuf") == true, "\(String(describing: error))")
    }

    @Test("missing graph, IR version or opset imports")
    func missingTopLevel() throws {
        var noGraph = Onnx_ModelProto()
        noGraph.irVersion = 8
        try expectInvalid(noGraph, "no graph")
        var noIR = graph([ONNXBuild.node("Relu", ["X"], ["Y"])])
        noIR.clearIrVersion()
        try expectInvalid(noIR, "ir_version")
        var noOpset = graph([ONNXBuild.node("Relu", ["X"], ["Y"])])
        noOpset.opsetImport = []
        try expectInvalid(noOpset, "opset")
        var conflicting = graph([ONNXBuild.node("Relu", ["X"], ["Y"])])
        conflicting.opsetImport.append(conflicting.opsetImport[0])
        conflicting.opsetImport[2].version = 11
        try expectInvalid(conflicting, "twice")
        var noML = graph([ONNXBuild.node("Normalizer", domain: "ai.onnx.ml", ["X"], ["Y"])])
        noML.opsetImport = [noML.opsetImport[0]]
        try expectInvalid(noML, "does not import")
    }

    @Test("graph topology: cycles, undefined values, duplicates")
    func topology() throws {
        try expectInvalid(graph([ONNXBuild.node("Relu", ["b"], ["a"]), ONNXBuild.node("Relu", ["a"], ["b"]),
                                 ONNXBuild.node("Relu", ["a"], ["Y"])]), "cycle")
        try expectInvalid(graph([ONNXBuild.node("Relu", ["Y"], ["Y"])]), "cycle")
        try expectInvalid(graph([ONNXBuild.node("Add", ["X", "nowhere"], ["Y"])]), "nowhere")
        try expectInvalid(graph([ONNXBuild.node("Relu", ["X"], ["Y"]), ONNXBuild.node("Sigmoid", ["X"], ["Y"])]), "twice")
        try expectInvalid(graph([ONNXBuild.node("Relu", ["X"], ["X"])]), "twice")
        try expectInvalid(graph([ONNXBuild.node("Relu", ["X"], ["a"])]), "'Y' is not defined")
        try expectInvalid(graph([ONNXBuild.node("Relu", ["X"], ["Y"])], outputs: []), "no outputs")
        try expectInvalid(graph([ONNXBuild.node("Relu", ["X"], ["Y"])], outputs: [Self.y, Self.y]), "twice")
        var untyped = Onnx_ValueInfoProto()
        untyped.name = "Y"
        try expectInvalid(graph([ONNXBuild.node("Relu", ["X"], ["Y"])], outputs: [untyped]), "no type")
        try expectInvalid(graph([ONNXBuild.node("Relu", ["X", "X"], ["Y"])]), "inputs")
    }

    @Test("initializers: sizes, dims, raw data, external data")
    func initializers() throws {
        let add = [ONNXBuild.node("Add", ["X", "b"], ["Y"])]
        try expectInvalid(graph(add, initializers: [ONNXBuild.floatTensor("b", [3], [1, 2])]), "float_data holds 2")
        try expectInvalid(graph(add, initializers: [ONNXBuild.floatTensor("b", [-2], [1, 2])]), "dimension -2")
        try expectInvalid(graph(add, initializers: [ONNXBuild.floatTensor("b", [1 << 40, 1 << 40], [])]), "dimension")
        try expectInvalid(graph(add, initializers: [ONNXBuild.floatTensor("b", [1 << 20, 1 << 20, 1 << 20], [])]), "elements")

        var raw = ONNXBuild.floatTensor("b", [2], [])
        raw.rawData = Data([0, 0, 128, 63, 0, 0])
        try expectInvalid(graph(add, initializers: [raw]), "raw_data")
        var both = ONNXBuild.floatTensor("b", [2], [1, 2])
        both.rawData = Data(count: 8)
        try expectInvalid(graph(add, initializers: [both]), "both")
        var wrongField = ONNXBuild.floatTensor("b", [2], [])
        wrongField.int64Data = [1, 2]
        try expectInvalid(graph(add, initializers: [wrongField]), "another type")
        try expectInvalid(graph(add, initializers: [ONNXBuild.floatTensor("b", [2], [1, 2]), ONNXBuild.floatTensor("b", [2], [1, 2])]), "twice")

        var external = ONNXBuild.floatTensor("b", [2], [])
        external.dataLocation = .external
        var entry = Onnx_StringStringEntryProto()
        entry.key = "location"
        entry.value = "weights.bin"
        external.externalData = [entry]
        let error = try onnxLoadError(graph(add, initializers: [external]))
        #expect(error?.onnxIsUnsupported == true && error?.onnxMessage.contains("external") == true)
    }

    @Test("raw little-endian initializer data is decoded")
    func rawData() throws {
        var bias = ONNXBuild.floatTensor("b", [2], [])
        bias.rawData = Data([0, 0, 128, 63, 0, 0, 0, 192])  // 1.0, -2.0
        let model = try ONNXModel(data: ONNXBuild.data(graph([ONNXBuild.node("Add", ["X", "b"], ["Y"])], initializers: [bias])))
        let output = try model.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [0.5, 0.5]))
        #expect(output.first?.value == .tensor(Tensor(shape: [1, 2], data: .float32([1.5, -1.5]))))
    }

    @Test("attributes: wrong types, missing required ones, duplicates, bad values")
    func attributes() throws {
        try expectInvalid(graph([ONNXBuild.node("Softmax", ["X"], ["Y"], [ONNXBuild.attribute("axis", float: 1)])]),
                          "attribute 'axis' is FLOAT, expected INT")
        try expectInvalid(graph([ONNXBuild.node("Cast", ["X"], ["Y"])]), "'to'")
        try expectInvalid(graph([ONNXBuild.node("LeakyRelu", ["X"], ["Y"], [ONNXBuild.attribute("alpha", float: 1),
                                                                             ONNXBuild.attribute("alpha", float: 2)])]), "twice")
        try expectInvalid(graph([ONNXBuild.node("Normalizer", domain: "ai.onnx.ml", ["X"], ["Y"],
                                                [ONNXBuild.attribute("norm", string: "L7")])]), "L7")
        try expectInvalid(graph([ONNXBuild.node("Flatten", ["X"], ["Y"], [ONNXBuild.attribute("axis", int: 1 << 40)])]), "axis")
        try expectInvalid(graph([ONNXBuild.node("LinearClassifier", domain: "ai.onnx.ml", ["X"], ["l", "Y"], [
            ONNXBuild.attribute("coefficients", floats: [1, 2, 3]), ONNXBuild.attribute("intercepts", floats: [0, 0]),
            ONNXBuild.attribute("classlabels_ints", ints: [0, 1]),
        ])]), "coefficients")
        try expectInvalid(graph([ONNXBuild.node("Scaler", domain: "ai.onnx.ml", ["X"], ["Y"], [
            ONNXBuild.attribute("scale", floats: [1, 2]), ONNXBuild.attribute("offset", floats: [1]),
        ])]), "scale")
    }

    @Test("requests that do not fit the model are bad input")
    func badInput() throws {
        let model = try ONNXModel(data: ONNXBuild.data(graph([ONNXBuild.node("Relu", ["X"], ["Y"])])))
        #expect(throws: ModelError.self) { try model.predict(FeatureBatch(rowCount: 1, featureCount: 3, values: [1, 2, 3])) }
        var batch = FeatureBatch(rowCount: 2, featureCount: 2, values: [1, 2, 3, 4])
        batch.values.removeLast()
        do {
            _ = try model.predict(batch)
            Issue.record("an inconsistent batch was accepted")
        } catch {
            #expect(error.onnxIsBadInput)
        }
        do {
            _ = try model.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [1, 2]), outputs: ["nope"])
            Issue.record("an unknown output was accepted")
        } catch {
            #expect(error.onnxIsBadInput)
        }
    }

    @Test("shape mismatches found while scoring a symbolic-width input are bad input")
    func runtimeShapeMismatch() throws {
        let model = ONNXBuild.model([ONNXBuild.node("MatMul", ["X", "W"], ["Y"])],
                                    inputs: [ONNXBuild.tensorInfo("X", 1, [nil, nil])], outputs: [Self.y],
                                    initializers: [ONNXBuild.floatTensor("W", [2, 1], [1, 1])])
        let loaded = try ONNXModel(data: ONNXBuild.data(model))
        #expect(loaded.signature.featureCount == -1)
        let ok = try loaded.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [1, 2]))
        #expect(ok.first?.value == .tensor(Tensor(shape: [1, 1], data: .float32([3]))))
        do {
            _ = try loaded.predict(FeatureBatch(rowCount: 1, featureCount: 3, values: [1, 2, 3]))
            Issue.record("a mismatched width was accepted")
        } catch {
            #expect(error.onnxIsBadInput)
            #expect(error.onnxMessage.contains("MatMul"))
        }
    }

    @Test("outputs whose computed type contradicts the declaration are refused while scoring")
    func declaredTypeMismatch() throws {
        let model = graph([ONNXBuild.node("Relu", ["X"], ["Y"])], outputs: [ONNXBuild.tensorInfo("Y", 7, nil)])
        let loaded = try ONNXModel(data: ONNXBuild.data(model))
        #expect(throws: ModelError.self) { try loaded.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [1, 2])) }
    }
}
