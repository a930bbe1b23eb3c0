/// One named output of a prediction.
public struct ModelOutput: Sendable, Equatable {
    /// What the output holds.
    public enum Value: Sendable, Equatable {
        /// A tensor whose first dimension is the row.
        case tensor(Tensor)
        /// One map per row from class label to value (ONNX `ZipMap`): `values` is `[rows, labels.count]`.
        case labelMap(labels: ClassLabels, values: [Float])
    }

    public var name: String
    public var value: Value

    public init(name: String, value: Value) {
        self.name = name
        self.value = value
    }
}

/// Class labels of a classifier: integers or strings, as the model declares them.
public enum ClassLabels: Sendable, Equatable {
    case int64([Int64])
    case string([String])

    public var count: Int {
        switch self {
        case .int64(let v): v.count
        case .string(let v): v.count
        }
    }

    /// The labels as JSON object keys.
    public var keys: [String] {
        switch self {
        case .int64(let v): v.map(String.init)
        case .string(let v): v
        }
    }
}
