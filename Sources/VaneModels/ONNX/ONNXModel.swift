import Foundation
import SwiftProtobuf

/// A model in ONNX format, scored natively (no onnxruntime): the subset of ONNX and ONNX-ML that
/// scikit-learn models converted with skl2onnx use — tree ensembles, linear models, scalers,
/// small dense networks, `ZipMap`, … — computed in float32 as onnxruntime does.
///
/// The file is fully validated when loaded: protobuf structure, opset imports, initializers,
/// graph topology and every node's attributes. Operators outside the supported subset are
/// rejected with ``ModelError/unsupported(_:)`` naming the operator.
///
/// The graph must take exactly one tensor input of shape `[rows, features]` (float, double, int32
/// or int64). ``ModelSignature/featureCount`` is the input's declared second dimension, or `-1`
/// when that dimension is symbolic: any feature count is then accepted and a wrong one surfaces
/// as an error from the first node that checks it. Tensor outputs keep their ONNX element type;
/// a `ZipMap` output (`seq(map(label, float))`) is returned as ``ModelOutput/Value/labelMap(labels:values:)``
/// and described in the signature as FP32 with one value per label.
public struct ONNXModel: InferenceModel {
    /// Platform `onnx`, the graph input's name and type, and the graph outputs in graph order.
    public let signature: ModelSignature
    /// The producer recorded in the file (`skl2onnx 1.20.0`, …), for information.
    public let producer: String

    private enum OutputKind: Sendable {
        case tensor(TensorDatatype)
        case labelMap
    }

    private let graph: ONNXGraph
    private let outputKinds: [OutputKind]
    /// The input's declared first dimension when it is a fixed number.
    private let fixedRowCount: Int?

    /// Highest IR version accepted.
    static let maxIRVersion: Int64 = 12

    /// Loads and validates a serialized `ModelProto`.
    public init(data: Data) throws(ModelError) {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = ONNXLimits.messageDepthLimit
        options.discardUnknownFields = true
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw .invalidModel("not a valid ONNX protobuf (\(error))")
        }
        try self.init(model: model)
    }

    /// Validates and compiles a decoded model.
    init(model: Onnx_ModelProto) throws(ModelError) {
        guard model.hasGraph else { throw .invalidModel("the file holds no graph (not an ONNX model, or truncated)") }
        guard model.irVersion >= 1 else { throw .invalidModel("ir_version is missing or invalid (\(model.irVersion))") }
        guard model.irVersion <= Self.maxIRVersion else {
            throw .unsupported("IR version \(model.irVersion) is newer than supported (\(Self.maxIRVersion))")
        }
        let opsets = try ONNXOpsets(model: model)
        let proto = model.graph

        // The single runtime input: graph inputs that are not initializers (IR < 4 lists both).
        let initializerNames = Set(proto.initializer.map(\.name))
        let inputs = proto.input.filter { !initializerNames.contains($0.name) }
        guard inputs.count == 1, let input = inputs.first else {
            throw .unsupported("the graph takes \(inputs.count) inputs; only graphs with one [rows, features] input are supported")
        }
        let (inputDatatype, fixedRows, featureCount) = try Self.describeInput(input)

        graph = try ONNXGraph(graph: proto, opsets: opsets, inputName: input.name)
        fixedRowCount = fixedRows

        var specs: [ModelSignature.OutputSpec] = []
        var kinds: [OutputKind] = []
        for (index, output) in proto.output.enumerated() {
            let (kind, spec) = try Self.describeOutput(output, producer: graph.producer(ofOutput: index))
            kinds.append(kind)
            specs.append(spec)
        }
        outputKinds = kinds
        producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        signature = ModelSignature(platform: "onnx", inputName: input.name, inputDatatype: inputDatatype,
                                   featureCount: featureCount, featureNames: nil, outputs: specs,
                                   predictionKind: Self.predictionKind(specs.first))
    }

    /// Scores `batch` and returns the requested graph outputs in graph order.
    public func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput] {
        let featureCount = signature.featureCount
        if featureCount >= 0, batch.featureCount != featureCount {
            throw .badInput("the batch has \(batch.featureCount) features per row, the ONNX model takes \(featureCount)")
        }
        let (expected, overflow) = batch.rowCount.multipliedReportingOverflow(by: batch.featureCount)
        guard batch.rowCount >= 0, batch.featureCount >= 0, !overflow, batch.values.count == expected else {
            throw .badInput("the batch holds \(batch.values.count) values for \(batch.rowCount) rows of \(batch.featureCount) features")
        }
        guard expected <= ONNXLimits.maxElements else {
            throw .badInput("the batch is too large (\(expected) values, at most \(ONNXLimits.maxElements))")
        }
        if let fixedRowCount, batch.rowCount != fixedRowCount {
            throw .badInput("the ONNX model takes exactly \(fixedRowCount) rows per request, the batch has \(batch.rowCount)")
        }
        let names = signature.outputs.map(\.name)
        if let outputs, let unknown = outputs.subtracting(names).sorted().first {
            throw .badInput("the ONNX model has no output '\(unknown)' (outputs: \(names.joined(separator: ", ")))")
        }
        let wanted = names.indices.filter { outputs?.contains(names[$0]) ?? true }
        guard !wanted.isEmpty else { return [] }

        let input = try makeInput(batch)
        let values = try graph.run(input: input, wanted: wanted)
        var results: [ModelOutput] = []
        for (index, value) in zip(wanted, values) {
            results.append(try convert(value, output: index, rows: batch.rowCount))
        }
        return results
    }

    /// The batch as the graph's input tensor `[rows, features]`, converted to the input's element type.
    private func makeInput(_ batch: FeatureBatch) throws(ModelError) -> Tensor {
        let shape = [batch.rowCount, batch.featureCount]
        switch signature.inputDatatype {
        case .fp32:
            return Tensor(shape: shape, data: .float32(batch.values.map { Float($0) }))
        case .fp64:
            return Tensor(shape: shape, data: .float64(batch.values))
        case .int64, .int32:
            var integers: [Int64] = []
            integers.reserveCapacity(batch.values.count)
            for value in batch.values {
                guard let integer = Int64(exactly: value),
                      signature.inputDatatype == .int64 || Int32(exactly: integer) != nil else {
                    throw .badInput("the ONNX model takes \(signature.inputDatatype.rawValue) features; \(value) is not one")
                }
                integers.append(integer)
            }
            if signature.inputDatatype == .int64 { return Tensor(shape: shape, data: .int64(integers)) }
            return Tensor(shape: shape, data: .int32(integers.map { Int32(truncatingIfNeeded: $0) }))
        case .bool, .bytes:
            throw .unsupported("the ONNX model's input type \(signature.inputDatatype.rawValue) cannot be fed from numbers")
        }
    }

    /// Checks a computed graph output against its declaration and wraps it.
    private func convert(_ value: ONNXValue, output index: Int, rows: Int) throws(ModelError) -> ModelOutput {
        let name = signature.outputs[index].name
        switch (outputKinds[index], value) {
        case (.tensor(let datatype), .tensor(let tensor)):
            guard tensor.datatype == datatype else {
                throw .invalidModel("output '\(name)' is tensor(\(tensor.onnxTypeName)), the graph declares \(datatype.rawValue)")
            }
            guard tensor.shape.first == rows, tensor.onnxStoredCount == ONNXShape.elementCount(tensor.shape) else {
                throw .invalidModel("output '\(name)' has shape \(tensor.shape), expected one entry per row (\(rows) rows)")
            }
            return ModelOutput(name: name, value: .tensor(tensor))
        case (.labelMap, .labelMaps(let maps)):
            guard maps.rowCount == rows else {
                throw .invalidModel("output '\(name)' has \(maps.rowCount) maps for \(rows) rows")
            }
            return ModelOutput(name: name, value: .labelMap(labels: maps.labels, values: maps.values))
        default:
            throw .invalidModel("output '\(name)' is \(value.typeName), which does not match its declared type")
        }
    }

    private static func dims(_ type: Onnx_TypeProto.Tensor) throws(ModelError) -> [Int?]? {
        guard type.hasShape else { return nil }
        var dims: [Int?] = []
        for dim in type.shape.dim {
            switch dim.value {
            case .dimValue(let value)?:
                guard value >= 0, value <= Int64(ONNXLimits.maxElements) else {
                    throw .invalidModel("a declared dimension is \(value)")
                }
                dims.append(Int(value))
            default:
                dims.append(nil)
            }
        }
        return dims
    }

    private static func describeInput(_ input: Onnx_ValueInfoProto) throws(ModelError)
        -> (TensorDatatype, fixedRows: Int?, featureCount: Int) {
        guard case .tensorType(let type)? = input.type.value else {
            throw .unsupported("graph input '\(input.name)' is not a tensor")
        }
        guard let datatype = ONNXElementType.datatype(type.elemType),
              [.fp32, .fp64, .int32, .int64].contains(datatype) else {
            throw .unsupported("graph input '\(input.name)' has element type \(ONNXElementType.name(type.elemType)); supported: float, double, int32, int64")
        }
        guard let dims = try dims(type) else { return (datatype, nil, -1) }
        guard dims.count == 2 else {
            throw .unsupported("graph input '\(input.name)' has rank \(dims.count); only [rows, features] inputs are supported")
        }
        return (datatype, dims[0], dims[1] ?? -1)
    }

    private static func describeOutput(_ output: Onnx_ValueInfoProto, producer: ONNXGraph.Node?) throws(ModelError)
        -> (OutputKind, ModelSignature.OutputSpec) {
        switch output.type.value {
        case .tensorType(let type)?:
            guard let datatype = ONNXElementType.datatype(type.elemType) else {
                throw .unsupported("graph output '\(output.name)' has element type \(ONNXElementType.name(type.elemType))")
            }
            let perRow = (try dims(type) ?? []).dropFirst().map { $0 ?? -1 }
            return (.tensor(datatype), .init(name: output.name, datatype: datatype, shapePerRow: Array(perRow)))
        case .sequenceType(let sequence)?:
            guard case .mapType(let map)? = sequence.elemType.value,
                  map.keyType == ONNXElementType.int64 || map.keyType == ONNXElementType.string,
                  case .tensorType(let value)? = map.valueType.value, value.elemType == ONNXElementType.float else {
                throw .unsupported("graph output '\(output.name)' is a sequence other than seq(map(int64|string, float))")
            }
            let width = producer?.kernel.zipMapLabels?.count ?? -1
            return (.labelMap, .init(name: output.name, datatype: .fp32, shapePerRow: [width]))
        case nil:
            throw .invalidModel("graph output '\(output.name)' has no type")
        default:
            throw .unsupported("graph output '\(output.name)' is neither a tensor nor a ZipMap sequence")
        }
    }
}

extension ONNXModel {
    /// A classifier's graph answers its label first (skl2onnx's `label`, an integer or a string);
    /// anything else is read as a value.
    static func predictionKind(_ first: ModelSignature.OutputSpec?) -> ModelSignature.PredictionKind {
        guard let first else { return .value }
        switch first.datatype {
        case .int64, .int32, .bytes, .bool: return .classLabel
        default: return .value
        }
    }
}
