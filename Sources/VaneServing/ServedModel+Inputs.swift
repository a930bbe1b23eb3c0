import VaneCore
import VaneModels

/// One input tensor of a request, its elements widened to `Double` (NaN = missing).
public struct InputTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Double]

    public init(name: String, shape: [Int], values: [Double]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

extension ServedModel {
    /// The number of features a row must have, or nil when the model leaves it open (a symbolic ONNX dimension).
    public var fixedFeatureCount: Int? { signature.featureCount > 0 ? signature.featureCount : nil }

    /// Builds the batch a request's inputs describe.
    ///
    /// One input is the feature matrix: shape `[rows, features]`, or `[features]` for one row
    /// (`[rows]` when the model takes a single feature). Several inputs are columns, each of
    /// shape `[rows]` or `[rows, 1]`, matched to the model's feature names when every feature is
    /// present among them, otherwise taken in order.
    public func batch(from inputs: [InputTensor]) throws(VaneError) -> FeatureBatch {
        guard let first = inputs.first else { throw VaneError.invalid("The request has no inputs; model \(name) takes \(inputDescription).") }
        for input in inputs where input.values.count != input.shape.reduce(1, *) {
            throw VaneError.invalid("Input '\(input.name)' has \(input.values.count) elements but its shape \(input.shape) holds \(input.shape.reduce(1, *)).")
        }
        if inputs.count == 1 { return try matrix(first) }
        var columns: [(name: String, values: [Double])] = []
        let rows = first.shape.first ?? 1
        for input in inputs {
            guard (input.shape.count == 1 || (input.shape.count == 2 && input.shape[1] == 1)), input.shape[0] == rows else {
                throw VaneError.invalid("With several inputs each one is a column of shape [\(rows)] or [\(rows), 1]; input '\(input.name)' has shape \(input.shape).")
            }
            columns.append((input.name, input.values))
        }
        return try batch(columns: columns, rowCount: rows)
    }

    /// Builds a batch from named columns of equal length (a data frame's columns).
    public func batch(columns: [(name: String, values: [Double])], rowCount: Int) throws(VaneError) -> FeatureBatch {
        let order = try columnOrder(columns.map(\.name))
        let width = order.count
        var values = [Double](repeating: .nan, count: rowCount * width)
        for (feature, column) in order.enumerated() {
            let source = columns[column].values
            guard source.count == rowCount else {
                throw VaneError.invalid("Column '\(columns[column].name)' has \(source.count) values; the other columns have \(rowCount).")
            }
            for row in 0..<rowCount { values[row * width + feature] = source[row] }
        }
        return FeatureBatch(rowCount: rowCount, featureCount: width, values: values)
    }

    /// Builds a batch from row-major values whose columns carry `names` (a data frame's split form).
    public func batch(rowMajor values: [Double], rowCount: Int, columnNames names: [String]) throws(VaneError) -> FeatureBatch {
        let order = try columnOrder(names)
        let width = names.count
        if order == Array(0..<width) { return FeatureBatch(rowCount: rowCount, featureCount: width, values: values) }
        var out = [Double](repeating: .nan, count: rowCount * order.count)
        for row in 0..<rowCount {
            for (feature, column) in order.enumerated() { out[row * order.count + feature] = values[row * width + column] }
        }
        return FeatureBatch(rowCount: rowCount, featureCount: order.count, values: out)
    }

    /// For each model feature, the index of the column that feeds it.
    func columnOrder(_ names: [String]) throws(VaneError) -> [Int] {
        if let features = signature.featureNames, features.count == fixedFeatureCount ?? features.count {
            var position: [String: Int] = [:]
            for (i, name) in names.enumerated() where position[name] == nil { position[name] = i }
            let mapped = features.compactMap { position[$0] }
            if mapped.count == features.count { return mapped }
            if names.count != features.count {
                let missing = features.filter { position[$0] == nil }.prefix(5).joined(separator: ", ")
                throw VaneError.invalid("Model \(name) takes \(features.count) features; the input has \(names.count) columns and lacks: \(missing).")
            }
        }
        if let count = fixedFeatureCount, names.count != count {
            throw VaneError.invalid("Model \(name) takes \(count) features; the input has \(names.count) columns.")
        }
        return Array(0..<names.count)
    }

    private func matrix(_ input: InputTensor) throws(VaneError) -> FeatureBatch {
        let shape = input.shape
        let expected = fixedFeatureCount
        let rows: Int, width: Int
        switch shape.count {
        case 2:
            (rows, width) = (shape[0], shape[1])
        case 1 where expected == 1:
            (rows, width) = (shape[0], 1)
        case 1:
            (rows, width) = (1, shape[0])
        default:
            throw VaneError.invalid("Input '\(input.name)' has shape \(shape); model \(name) takes \(inputDescription).")
        }
        if let expected, width != expected {
            throw VaneError.invalid("Feature shape mismatch for model \(name): expected \(expected) features per row, got \(width) (input shape \(shape)).")
        }
        return FeatureBatch(rowCount: rows, featureCount: width, values: input.values)
    }

    var inputDescription: String {
        "'\(signature.inputName)' of shape [-1, \(fixedFeatureCount.map(String.init) ?? "-1")]"
    }
}
