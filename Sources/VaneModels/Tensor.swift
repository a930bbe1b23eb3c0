/// A dense, row-major tensor: the value every runtime reads and writes.
///
/// `shape` lists the extent of each dimension; `data` holds `shape.reduce(1, *)` elements
/// of one element type, the last dimension varying fastest.
public struct Tensor: Sendable, Equatable {
    /// The element storage, one case per supported element type.
    public enum Storage: Sendable, Equatable {
        case float32([Float])
        case float64([Double])
        case int32([Int32])
        case int64([Int64])
        case bool([Bool])
        case string([String])
    }

    public var shape: [Int]
    public var data: Storage

    public init(shape: [Int], data: Storage) {
        self.shape = shape
        self.data = data
    }

    /// Number of elements the shape describes.
    public var elementCount: Int { shape.reduce(1, *) }

    /// The element type's name as the Open Inference Protocol spells it (`FP32`, `INT64`, …).
    public var datatype: TensorDatatype {
        switch data {
        case .float32: .fp32
        case .float64: .fp64
        case .int32: .int32
        case .int64: .int64
        case .bool: .bool
        case .string: .bytes
        }
    }

    /// The elements widened to `Double` (strings become NaN, booleans 0/1).
    public var doubles: [Double] {
        switch data {
        case .float32(let v): v.map(Double.init)
        case .float64(let v): v
        case .int32(let v): v.map(Double.init)
        case .int64(let v): v.map(Double.init)
        case .bool(let v): v.map { $0 ? 1 : 0 }
        case .string(let v): v.map { Double($0) ?? .nan }
        }
    }
}

/// Element types, named as the Open Inference Protocol names them.
public enum TensorDatatype: String, Sendable, Equatable, CaseIterable {
    case bool = "BOOL"
    case int32 = "INT32"
    case int64 = "INT64"
    case fp32 = "FP32"
    case fp64 = "FP64"
    case bytes = "BYTES"
}
