import Foundation

/// Hard limits for untrusted ONNX files and requests: every size read from a model or computed
/// while scoring is checked against them before anything is allocated.
enum ONNXLimits {
    /// Largest element count of any tensor (initializer, attribute or intermediate value).
    static let maxElements = 1 << 27
    /// Largest tensor rank.
    static let maxRank = 16
    /// Protobuf message nesting limit used when decoding.
    static let messageDepthLimit = 64
    /// Largest number of nodes in a graph.
    static let maxNodes = 1 << 20
}

/// A value flowing along a graph edge: a tensor, or the `seq(map(label, float))` that `ZipMap` makes.
enum ONNXValue: Sendable {
    case tensor(Tensor)
    case labelMaps(ONNXLabelMaps)

    /// A short type name for error messages (`tensor(float)`, `seq(map(int64,float))`).
    var typeName: String {
        switch self {
        case .tensor(let tensor): "tensor(\(tensor.onnxTypeName))"
        case .labelMaps(let maps): "seq(map(\(maps.labels.onnxTypeName),float))"
        }
    }
}

/// One map from class label to probability per row, stored densely: `values` is `[rowCount, labels.count]`.
struct ONNXLabelMaps: Sendable {
    var labels: ClassLabels
    var values: [Float]
    var rowCount: Int
}

extension ClassLabels {
    /// The ONNX element type name of the labels.
    var onnxTypeName: String {
        switch self {
        case .int64: "int64"
        case .string: "string"
        }
    }
}

/// Shape arithmetic with overflow and size checks.
enum ONNXShape {
    /// The element count of `shape`, or `nil` when a dimension is negative, the product overflows
    /// or it exceeds ``ONNXLimits/maxElements``.
    static func elementCount(_ shape: [Int]) -> Int? {
        guard shape.count <= ONNXLimits.maxRank else { return nil }
        var count = 1
        for dim in shape {
            guard dim >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= ONNXLimits.maxElements else { return nil }
            count = product
        }
        return count
    }

    /// The element count of `shape` for a value computed while scoring; throws `badInput` when too large.
    static func checkedCount(_ shape: [Int], _ context: @autoclosure () -> String) throws(ModelError) -> Int {
        guard let count = elementCount(shape) else {
            throw .badInput("\(context()): shape \(shape) is negative or larger than \(ONNXLimits.maxElements) elements")
        }
        return count
    }

    /// The product of `shape[range]` (assumes the whole shape was already checked).
    static func product(_ shape: [Int], _ range: Range<Int>) -> Int {
        var count = 1
        for index in range { count &*= shape[index] }
        return count
    }

    /// Normalises a possibly negative `axis` for a tensor of rank `rank`; `nil` when out of range.
    static func axis(_ axis: Int, rank: Int) -> Int? {
        let normalised = axis < 0 ? axis + rank : axis
        return (0..<max(rank, 0)).contains(normalised) ? normalised : nil
    }
}

extension Tensor {
    /// The element type as ONNX spells it (`float`, `double`, `int64`, …).
    var onnxTypeName: String {
        switch data {
        case .float32: "float"
        case .float64: "double"
        case .int32: "int32"
        case .int64: "int64"
        case .bool: "bool"
        case .string: "string"
        }
    }

    /// Number of elements actually stored.
    var onnxStoredCount: Int {
        switch data {
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .bool(let v): v.count
        case .string(let v): v.count
        }
    }

    /// The same elements under another shape of equal element count.
    func onnxReshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    /// The numeric elements converted to `Float` as C++ `static_cast<float>` would
    /// (`nil` for strings and booleans).
    var onnxFloatValues: [Float]? {
        switch data {
        case .float32(let v): v
        case .float64(let v): v.map { Float($0) }
        case .int32(let v): v.map { Float($0) }
        case .int64(let v): v.map { Float($0) }
        case .bool, .string: nil
        }
    }

    /// The integer elements as `Int64` (`nil` for any non-integer type).
    var onnxIntegerValues: [Int64]? {
        switch data {
        case .int64(let v): v
        case .int32(let v): v.map { Int64($0) }
        default: nil
        }
    }

    /// A tensor of the same element type holding the elements at `indices` (in order) under `shape`.
    func onnxGathering(_ indices: [Int], shape newShape: [Int]) -> Tensor {
        switch data {
        case .float32(let v): Tensor(shape: newShape, data: .float32(indices.map { v[$0] }))
        case .float64(let v): Tensor(shape: newShape, data: .float64(indices.map { v[$0] }))
        case .int32(let v): Tensor(shape: newShape, data: .int32(indices.map { v[$0] }))
        case .int64(let v): Tensor(shape: newShape, data: .int64(indices.map { v[$0] }))
        case .bool(let v): Tensor(shape: newShape, data: .bool(indices.map { v[$0] }))
        case .string(let v): Tensor(shape: newShape, data: .string(indices.map { v[$0] }))
        }
    }

    /// Copies contiguous blocks: for each `(start, length)` appends `length` elements from `start`.
    func onnxCopyingBlocks(_ blocks: [(start: Int, length: Int)], shape newShape: [Int]) -> Tensor {
        func copy<T>(_ v: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(blocks.reduce(0) { $0 + $1.length })
            for block in blocks { out.append(contentsOf: v[block.start..<(block.start + block.length)]) }
            return out
        }
        switch data {
        case .float32(let v): return Tensor(shape: newShape, data: .float32(copy(v)))
        case .float64(let v): return Tensor(shape: newShape, data: .float64(copy(v)))
        case .int32(let v): return Tensor(shape: newShape, data: .int32(copy(v)))
        case .int64(let v): return Tensor(shape: newShape, data: .int64(copy(v)))
        case .bool(let v): return Tensor(shape: newShape, data: .bool(copy(v)))
        case .string(let v): return Tensor(shape: newShape, data: .string(copy(v)))
        }
    }

    /// Whether both tensors hold the same element type.
    func onnxHasSameType(as other: Tensor) -> Bool { onnxTypeName == other.onnxTypeName }
}

/// ONNX `TensorProto.DataType` codes and their mapping to the runtime's element types.
enum ONNXElementType {
    static let float: Int32 = 1
    static let int32: Int32 = 6
    static let int64: Int32 = 7
    static let string: Int32 = 8
    static let bool: Int32 = 9
    static let double: Int32 = 11

    /// The protocol datatype for an ONNX element type code, `nil` when this runtime cannot hold it.
    static func datatype(_ code: Int32) -> TensorDatatype? {
        switch code {
        case float: .fp32
        case double: .fp64
        case int32: .int32
        case int64: .int64
        case bool: .bool
        case string: .bytes
        default: nil
        }
    }

    /// A readable name for an element type code.
    static func name(_ code: Int32) -> String {
        switch code {
        case 1: "float"
        case 2: "uint8"
        case 3: "int8"
        case 4: "uint16"
        case 5: "int16"
        case 6: "int32"
        case 7: "int64"
        case 8: "string"
        case 9: "bool"
        case 10: "float16"
        case 11: "double"
        case 12: "uint32"
        case 13: "uint64"
        case 14: "complex64"
        case 15: "complex128"
        case 16: "bfloat16"
        default: "type \(code)"
        }
    }
}
