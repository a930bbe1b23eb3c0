import Foundation
import Testing
@testable import VaneModels

/// Operators and features outside the supported subset are refused at load time, by name.
@Suite("ONNX unsupported operators")
struct ONNXUnsupportedOperatorTests {
    private func singleNode(_ op: String, domain: String = "", opsets: [(String, Int64)] = [("", 13), ("ai.onnx.ml", 1)],
                            attributes: [Onnx_AttributeProto] = []) -> Onnx_ModelProto {
        ONNXBuild.model([ONNXBuild.node(op, domain: domain, ["X"], ["Y"], attributes)],
                        inputs: [ONNXBuild.tensorInfo("X", 1, [nil, 4])], outputs: [ONNXBuild.tensorInfo("Y", 1, nil)],
                        opsets: opsets)
    }

    @Test("an unsupported default-domain operator is named in the error")
    func convIsUnsupported() throws {
        let error = try #require(try onnxLoadError(singleNode("Conv")))
        #expect(error == .unsupported("ONNX operator 'Conv' (domain ai.onnx) is not supported"))
    }

    @Test("an unsupported operator deep in a graph of supported ones is still refused")
    func unsupportedAmongSupported() throws {
        let nodes = [
            ONNXBuild.node("Relu", ["X"], ["a"]),
            ONNXBuild.node("Sigmoid", ["a"], ["b"]),
            ONNXBuild.node("LSTM", ["b"], ["Y"], name: "recurrent"),
        ]
        let model = ONNXBuild.model(nodes, inputs: [ONNXBuild.tensorInfo("X", 1, [nil, 4])],
                                    outputs: [ONNXBuild.tensorInfo("Y", 1, nil)])
        let error = try #require(try onnxLoadError(model))
        #expect(error.onnxIsUnsupported)
        #expect(error.onnxMessage.contains("'LSTM'"))
    }

    @Test("unsupported ai.onnx.ml and custom-domain operators are named with their domain")
    func otherDomains() throws {
        let svm = try #require(try onnxLoadError(singleNode("SVMClassifier", domain: "ai.onnx.ml")))
        #expect(svm == .unsupported("ONNX operator 'SVMClassifier' (domain ai.onnx.ml) is not supported"))
        let custom = try #require(try onnxLoadError(singleNode("FusedGemm", domain: "com.microsoft",
                                                                opsets: [("", 13), ("com.microsoft", 1)])))
        #expect(custom == .unsupported("ONNX operator 'FusedGemm' (domain com.microsoft) is not supported"))
    }

    @Test("the operator check happens before other validation")
    func reportedBeforeGraphErrors() throws {
        // Conv reads an undefined value; the operator is still what the error names.
        let model = ONNXBuild.model([ONNXBuild.node("Conv", ["X", "undefined"], ["Y"])],
                                    inputs: [ONNXBuild.tensorInfo("X", 1, [nil, 4])], outputs: [ONNXBuild.tensorInfo("Y", 1, nil)])
        let error = try #require(try onnxLoadError(model))
        #expect(error.onnxIsUnsupported && error.onnxMessage.contains("'Conv'"))
    }

    @Test("unsupported opset versions, IR versions and element types")
    func unsupportedVersionsAndTypes() throws {
        let opset = try #require(try onnxLoadError(singleNode("Relu", opsets: [("", 99)])))
        #expect(opset.onnxIsUnsupported && opset.onnxMessage.contains("opset 99"))

        var ir = singleNode("Relu")
        ir.irVersion = 99
        #expect(try onnxLoadError(ir)?.onnxIsUnsupported == true)

        let cast = try #require(try onnxLoadError(singleNode("Cast", attributes: [ONNXBuild.attribute("to", int: 10)])))
        #expect(cast.onnxIsUnsupported && cast.onnxMessage.contains("float16"))

        var sparse = singleNode("Relu")
        sparse.graph.sparseInitializer = [Onnx_SparseTensorProto()]
        #expect(try onnxLoadError(sparse)?.onnxIsUnsupported == true)
    }

    @Test("graph inputs other than one [rows, features] numeric tensor are refused")
    func unsupportedInputs() throws {
        var twoInputs = singleNode("Add")
        twoInputs.graph.node[0].input = ["X", "Z"]
        twoInputs.graph.input.append(ONNXBuild.tensorInfo("Z", 1, [nil, 4]))
        #expect(try onnxLoadError(twoInputs)?.onnxIsUnsupported == true)

        var strings = singleNode("Identity")
        strings.graph.input = [ONNXBuild.tensorInfo("X", 8, [nil, 4])]
        #expect(try onnxLoadError(strings)?.onnxIsUnsupported == true)

        var rank3 = singleNode("Identity")
        rank3.graph.input = [ONNXBuild.tensorInfo("X", 1, [nil, 4, 2])]
        #expect(try onnxLoadError(rank3)?.onnxIsUnsupported == true)
    }

    @Test("legacy Add broadcasting with an axis is refused")
    func legacyBroadcast() throws {
        let model = ONNXBuild.model(
            [ONNXBuild.node("Add", ["X", "b"], ["Y"], [ONNXBuild.attribute("broadcast", int: 1), ONNXBuild.attribute("axis", int: 1)])],
            inputs: [ONNXBuild.tensorInfo("X", 1, [nil, 4])], outputs: [ONNXBuild.tensorInfo("Y", 1, nil)],
            initializers: [ONNXBuild.floatTensor("b", [4], [1, 2, 3, 4])], opsets: [("", 6)])
        #expect(try onnxLoadError(model)?.onnxIsUnsupported == true)
    }
}
