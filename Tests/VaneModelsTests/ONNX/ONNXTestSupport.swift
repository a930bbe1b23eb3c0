import Foundation
import SwiftProtobuf
import Testing
@testable import VaneModels

/// Builders for small ONNX models made with the generated protobuf types.
enum ONNXBuild {
    static func node(_ op: String, domain: String = "", _ inputs: [String], _ outputs: [String],
                     _ attributes: [Onnx_AttributeProto] = [], name: String = "") -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.domain = domain
        node.input = inputs
        node.output = outputs
        node.attribute = attributes
        node.name = name
        return node
    }

    /// A tensor value info; `nil` dims are symbolic.
    static func tensorInfo(_ name: String, _ elemType: Int32, _ dims: [Int64?]?) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = elemType
        if let dims {
            var shape = Onnx_TensorShapeProto()
            shape.dim = dims.map { value in
                var dim = Onnx_TensorShapeProto.Dimension()
                if let value { dim.dimValue = value } else { dim.dimParam = "N" }
                return dim
            }
            tensor.shape = shape
        }
        info.type.tensorType = tensor
        return info
    }

    /// A `seq(map(int64, float))` value info (a ZipMap output).
    static func zipMapInfo(_ name: String, keyType: Int32 = 7) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var valueType = Onnx_TypeProto()
        var valueTensor = Onnx_TypeProto.Tensor()
        valueTensor.elemType = 1
        valueType.tensorType = valueTensor
        var map = Onnx_TypeProto.Map()
        map.keyType = keyType
        map.valueType = valueType
        var element = Onnx_TypeProto()
        element.mapType = map
        var sequence = Onnx_TypeProto.Sequence()
        sequence.elemType = element
        info.type.sequenceType = sequence
        return info
    }

    static func floatTensor(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = 1
        tensor.dims = dims
        tensor.floatData = values
        return tensor
    }

    static func int64Tensor(_ name: String, _ dims: [Int64], _ values: [Int64]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = 7
        tensor.dims = dims
        tensor.int64Data = values
        return tensor
    }

    static func attribute(_ name: String, ints: [Int64]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .ints; a.ints = ints; return a
    }
    static func attribute(_ name: String, floats: [Float]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .floats; a.floats = floats; return a
    }
    static func attribute(_ name: String, int: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .int; a.i = int; return a
    }
    static func attribute(_ name: String, float: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .float; a.f = float; return a
    }
    static func attribute(_ name: String, string: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .string; a.s = Data(string.utf8); return a
    }
    static func attribute(_ name: String, strings: [String]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .strings; a.strings = strings.map { Data($0.utf8) }; return a
    }

    static func model(_ nodes: [Onnx_NodeProto], inputs: [Onnx_ValueInfoProto], outputs: [Onnx_ValueInfoProto],
                      initializers: [Onnx_TensorProto] = [], opsets: [(String, Int64)] = [("", 13), ("ai.onnx.ml", 1)],
                      irVersion: Int64 = 8) -> Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.name = "test"
        graph.node = nodes
        graph.input = inputs
        graph.output = outputs
        graph.initializer = initializers
        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        model.graph = graph
        model.opsetImport = opsets.map { domain, version in
            var opset = Onnx_OperatorSetIdProto()
            opset.domain = domain
            opset.version = version
            return opset
        }
        return model
    }

    static func data(_ model: Onnx_ModelProto) throws -> Data {
        try model.serializedBytes()
    }

    /// A one-tree regressor on 2 features: `x0 <= 0.5 ? 1 : 2` (node ids 0, 1, 2).
    static func stumpRegressor(trueID: Int64 = 1, falseID: Int64 = 2, nodeIDs: [Int64] = [0, 1, 2],
                               modes: [String] = ["BRANCH_LEQ", "LEAF", "LEAF"],
                               targetNodes: [Int64] = [1, 2]) -> Onnx_ModelProto {
        let attributes = [
            attribute("nodes_treeids", ints: [0, 0, 0]),
            attribute("nodes_nodeids", ints: nodeIDs),
            attribute("nodes_featureids", ints: [0, 0, 0]),
            attribute("nodes_modes", strings: modes),
            attribute("nodes_values", floats: [0.5, 0, 0]),
            attribute("nodes_truenodeids", ints: [trueID, 0, 0]),
            attribute("nodes_falsenodeids", ints: [falseID, 0, 0]),
            attribute("target_treeids", ints: targetNodes.map { _ in 0 }),
            attribute("target_nodeids", ints: targetNodes),
            attribute("target_ids", ints: targetNodes.map { _ in 0 }),
            attribute("target_weights", floats: targetNodes.map { Float($0) }),
            attribute("n_targets", int: 1),
        ]
        return model([node("TreeEnsembleRegressor", domain: "ai.onnx.ml", ["X"], ["Y"], attributes)],
                     inputs: [tensorInfo("X", 1, [nil, 2])], outputs: [tensorInfo("Y", 1, [nil, 1])])
    }
}

extension ModelError {
    /// The message inside the error, whatever its kind.
    var onnxMessage: String {
        switch self {
        case .invalidModel(let m), .unsupported(let m), .badInput(let m): m
        }
    }

    var onnxIsInvalidModel: Bool { if case .invalidModel = self { true } else { false } }
    var onnxIsUnsupported: Bool { if case .unsupported = self { true } else { false } }
    var onnxIsBadInput: Bool { if case .badInput = self { true } else { false } }
}

/// Loads `data`, returning the error (or `nil` when it loads).
func onnxLoadError(_ data: Data) -> ModelError? {
    do {
        _ = try ONNXModel(data: data)
        return nil
    } catch {
        return error
    }
}

/// Loads `model`, returning the error (or `nil` when it loads).
func onnxLoadError(_ model: Onnx_ModelProto) throws -> ModelError? {
    onnxLoadError(try ONNXBuild.data(model))
}
