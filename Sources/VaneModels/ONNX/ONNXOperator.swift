import Foundation

/// A compiled node: validated attributes captured at load time, run once per `predict`.
protocol ONNXKernel: Sendable {
    /// Computes the node's outputs (in the node's output order) from its inputs.
    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue]
    /// The class labels of a `ZipMap` output (used to describe the output in the signature).
    var zipMapLabels: ClassLabels? { get }
}

extension ONNXKernel {
    var zipMapLabels: ClassLabels? { nil }
}

/// The operator sets this runtime knows.
enum ONNXDomain: Sendable {
    /// The default domain (`""` or `ai.onnx`).
    case onnx
    /// `ai.onnx.ml`.
    case ml

    /// The domain as written in error messages.
    var name: String {
        switch self {
        case .onnx: "ai.onnx"
        case .ml: "ai.onnx.ml"
        }
    }

    /// Supported opset versions.
    var versions: ClosedRange<Int> {
        switch self {
        case .onnx: 1...23
        case .ml: 1...5
        }
    }

    /// The domain of a node or opset import, `nil` for any other domain.
    init?(_ string: String) {
        switch string {
        case "", "ai.onnx": self = .onnx
        case "ai.onnx.ml": self = .ml
        default: return nil
        }
    }
}

/// The node's inputs at run time (`nil` for an omitted optional input).
struct ONNXInputs {
    let values: [ONNXValue?]

    var count: Int { values.count }

    /// The tensor at `index`; an omitted input or a non-tensor value is an error.
    func tensor(_ index: Int) throws(ModelError) -> Tensor {
        guard let tensor = try optionalTensor(index) else {
            throw .invalidModel("required input \(index) is missing")
        }
        return tensor
    }

    /// The tensor at `index`, `nil` when the input is omitted.
    func optionalTensor(_ index: Int) throws(ModelError) -> Tensor? {
        guard index < values.count, let value = values[index] else { return nil }
        guard case .tensor(let tensor) = value else {
            throw .invalidModel("input \(index) is \(value.typeName), expected a tensor")
        }
        return tensor
    }

    /// The numeric tensor at `index` converted to `Float` (the ai.onnx.ml operators' input rule).
    func floats(_ index: Int) throws(ModelError) -> (values: [Float], shape: [Int]) {
        let tensor = try tensor(index)
        guard let values = tensor.onnxFloatValues else {
            throw .invalidModel("input \(index) is tensor(\(tensor.onnxTypeName)), expected a numeric tensor")
        }
        return (values, tensor.shape)
    }
}

/// What an operator's builder sees: the node, its opset and its attributes.
struct ONNXNodeContext {
    let node: Onnx_NodeProto
    let domain: ONNXDomain
    let opset: Int
    let attributes: ONNXAttributes
    /// How the node is named in error messages: `node 'name' (OpType)`.
    let label: String

    /// Checks the number of declared inputs (trailing empty names count as omitted) and outputs.
    func requireArity(inputs: ClosedRange<Int>, outputs: ClosedRange<Int>,
                      required: Int? = nil) throws(ModelError) {
        var declared = node.input.count
        while declared > 0, node.input[declared - 1].isEmpty { declared -= 1 }
        guard inputs.contains(declared) else {
            throw .invalidModel("\(label) has \(declared) inputs, expected \(Self.describe(inputs))")
        }
        let mandatory = required ?? inputs.lowerBound
        for index in 0..<min(mandatory, node.input.count) where node.input[index].isEmpty {
            throw .invalidModel("\(label): required input \(index) is empty")
        }
        guard outputs.contains(node.output.count) else {
            throw .invalidModel("\(label) has \(node.output.count) outputs, expected \(Self.describe(outputs))")
        }
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)...\(range.upperBound)"
    }

    /// An `invalidModel` error about this node.
    func invalid(_ message: String) -> ModelError { .invalidModel("\(label): \(message)") }
}

/// The operator catalogue: which operators exist and how each is compiled.
enum ONNXOperators {
    /// Default-domain operators this runtime implements.
    static let defaultDomain: Set<String> = [
        "Identity", "Constant", "Reshape", "Flatten", "Cast", "ArgMax", "ArgMin", "Gemm", "MatMul",
        "Add", "Sub", "Mul", "Div", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Abs", "Neg", "Exp", "Log",
        "Sqrt", "Reciprocal", "Floor", "Ceil", "Not", "Pow", "Softmax", "Concat", "Squeeze", "Unsqueeze", "Shape",
        "Gather", "Transpose", "Clip", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
        "ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSumExp", "Equal", "Greater", "Less", "GreaterOrEqual",
        "LessOrEqual", "And", "Or", "Xor",
    ]

    /// `ai.onnx.ml` operators this runtime implements.
    static let mlDomain: Set<String> = [
        "TreeEnsembleClassifier", "TreeEnsembleRegressor", "LinearClassifier", "LinearRegressor", "Scaler",
        "Normalizer", "ZipMap", "ArrayFeatureExtractor", "Binarizer", "Imputer", "LabelEncoder",
    ]

    /// Whether `opType` in `domain` is implemented.
    static func isSupported(_ opType: String, domain: ONNXDomain) -> Bool {
        switch domain {
        case .onnx: defaultDomain.contains(opType)
        case .ml: mlDomain.contains(opType)
        }
    }

    /// Compiles a node whose operator ``isSupported(_:domain:)``.
    static func kernel(for context: ONNXNodeContext) throws(ModelError) -> any ONNXKernel {
        switch context.domain {
        case .onnx: try defaultKernel(context)
        case .ml: try mlKernel(context)
        }
    }

    private static func defaultKernel(_ c: ONNXNodeContext) throws(ModelError) -> any ONNXKernel {
        switch c.node.opType {
        case "Identity": try ONNXIdentityKernel(c)
        case "Constant": try ONNXConstantKernel(c)
        case "Reshape": try ONNXReshapeKernel(c)
        case "Flatten": try ONNXFlattenKernel(c)
        case "Cast": try ONNXCastKernel(c)
        case "ArgMax": try ONNXArgExtremumKernel(c, max: true)
        case "ArgMin": try ONNXArgExtremumKernel(c, max: false)
        case "Gemm": try ONNXGemmKernel(c)
        case "MatMul": try ONNXMatMulKernel(c)
        case "Add": try ONNXBinaryKernel(c, .add)
        case "Sub": try ONNXBinaryKernel(c, .sub)
        case "Mul": try ONNXBinaryKernel(c, .mul)
        case "Div": try ONNXBinaryKernel(c, .div)
        case "Relu": try ONNXUnaryKernel(c, .relu)
        case "Sigmoid": try ONNXUnaryKernel(c, .sigmoid)
        case "Tanh": try ONNXUnaryKernel(c, .tanh)
        case "LeakyRelu": try ONNXUnaryKernel(c, .leakyRelu(try c.attributes.float("alpha", default: 0.01)))
        case "Abs": try ONNXUnaryKernel(c, .abs)
        case "Neg": try ONNXUnaryKernel(c, .neg)
        case "Exp": try ONNXUnaryKernel(c, .exp)
        case "Log": try ONNXUnaryKernel(c, .log)
        case "Sqrt": try ONNXUnaryKernel(c, .sqrt)
        case "Reciprocal": try ONNXUnaryKernel(c, .reciprocal)
        case "Floor": try ONNXUnaryKernel(c, .floor)
        case "Ceil": try ONNXUnaryKernel(c, .ceil)
        case "Not": try ONNXUnaryKernel(c, .not)
        case "Pow": try ONNXBinaryKernel(c, .pow)
        case "Transpose": try ONNXTransposeKernel(c)
        case "Clip": try ONNXClipKernel(c)
        case "ReduceSum": try ONNXReduceKernel(c, .sum)
        case "ReduceMean": try ONNXReduceKernel(c, .mean)
        case "ReduceMax": try ONNXReduceKernel(c, .max)
        case "ReduceMin": try ONNXReduceKernel(c, .min)
        case "ReduceProd": try ONNXReduceKernel(c, .prod)
        case "ReduceSumSquare": try ONNXReduceKernel(c, .sumSquare)
        case "ReduceL1": try ONNXReduceKernel(c, .l1)
        case "ReduceL2": try ONNXReduceKernel(c, .l2)
        case "ReduceLogSumExp": try ONNXReduceKernel(c, .logSumExp)
        case "Equal": try ONNXCompareKernel(c, .equal)
        case "Greater": try ONNXCompareKernel(c, .greater)
        case "Less": try ONNXCompareKernel(c, .less)
        case "GreaterOrEqual": try ONNXCompareKernel(c, .greaterOrEqual)
        case "LessOrEqual": try ONNXCompareKernel(c, .lessOrEqual)
        case "And": try ONNXLogicalKernel(c, .and)
        case "Or": try ONNXLogicalKernel(c, .or)
        case "Xor": try ONNXLogicalKernel(c, .xor)
        case "Softmax": try ONNXSoftmaxKernel(c)
        case "Concat": try ONNXConcatKernel(c)
        case "Squeeze": try ONNXSqueezeKernel(c)
        case "Unsqueeze": try ONNXUnsqueezeKernel(c)
        case "Shape": try ONNXShapeKernel(c)
        case "Gather": try ONNXGatherKernel(c)
        default: throw .unsupported("ONNX operator '\(c.node.opType)' (domain \(c.domain.name)) is not supported")
        }
    }

    private static func mlKernel(_ c: ONNXNodeContext) throws(ModelError) -> any ONNXKernel {
        switch c.node.opType {
        case "TreeEnsembleClassifier": try ONNXTreeEnsembleKernel(classifier: c)
        case "TreeEnsembleRegressor": try ONNXTreeEnsembleKernel(regressor: c)
        case "LinearClassifier": try ONNXLinearClassifierKernel(c)
        case "LinearRegressor": try ONNXLinearRegressorKernel(c)
        case "Scaler": try ONNXScalerKernel(c)
        case "Normalizer": try ONNXNormalizerKernel(c)
        case "ZipMap": try ONNXZipMapKernel(c)
        case "ArrayFeatureExtractor": try ONNXArrayFeatureExtractorKernel(c)
        case "Binarizer": try ONNXBinarizerKernel(c)
        case "Imputer": try ONNXImputerKernel(c)
        case "LabelEncoder": try ONNXLabelEncoderKernel(c)
        default: throw .unsupported("ONNX operator '\(c.node.opType)' (domain \(c.domain.name)) is not supported")
        }
    }
}
