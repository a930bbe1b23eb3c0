import VaneModels

extension ModelOutput {
    /// Rows `range` of this output of a `rowCount`-row prediction; nil when the output is not
    /// laid out one row after another (its first dimension is not the rows).
    func rows(_ range: Range<Int>, of rowCount: Int) -> ModelOutput? {
        guard rowCount > 0, range.lowerBound >= 0, range.upperBound <= rowCount else { return nil }
        switch value {
        case .tensor(let tensor):
            guard tensor.shape.first == rowCount else { return nil }
            let perRow = tensor.elementCount / rowCount
            let elements = (range.lowerBound * perRow)..<(range.upperBound * perRow)
            func slice<T>(_ values: [T]) -> [T]? { values.count == tensor.elementCount ? Array(values[elements]) : nil }
            let data: Tensor.Storage?
            switch tensor.data {
            case .float32(let v): data = slice(v).map { .float32($0) }
            case .float64(let v): data = slice(v).map { .float64($0) }
            case .int32(let v): data = slice(v).map { .int32($0) }
            case .int64(let v): data = slice(v).map { .int64($0) }
            case .bool(let v): data = slice(v).map { .bool($0) }
            case .string(let v): data = slice(v).map { .string($0) }
            }
            guard let data else { return nil }
            var shape = tensor.shape
            shape[0] = range.count
            return ModelOutput(name: name, value: .tensor(Tensor(shape: shape, data: data)))
        case .labelMap(let labels, let values):
            let perRow = labels.count
            guard values.count == perRow * rowCount else { return nil }
            return ModelOutput(name: name, value: .labelMap(labels: labels, values: Array(values[(range.lowerBound * perRow)..<(range.upperBound * perRow)])))
        }
    }
}
