/// A batch of rows to score: `rowCount × featureCount` values, row-major, `NaN` = missing.
///
/// Every runtime accepts this shape; XGBoost and ONNX read the values as `Float`, LightGBM as
/// `Double`, exactly as the libraries themselves do.
public struct FeatureBatch: Sendable, Equatable {
    public let rowCount: Int
    public let featureCount: Int
    public var values: [Double]

    public init(rowCount: Int, featureCount: Int, values: [Double]) {
        precondition(values.count == rowCount * featureCount, "values must hold rowCount × featureCount elements")
        self.rowCount = rowCount
        self.featureCount = featureCount
        self.values = values
    }

    /// Builds a batch from rows of equal length (`nil` = missing).
    public init(rows: [[Double?]], featureCount: Int) throws(ModelError) {
        var values: [Double] = []
        values.reserveCapacity(rows.count * featureCount)
        for (index, row) in rows.enumerated() {
            guard row.count == featureCount else {
                throw ModelError.badInput("row \(index) has \(row.count) values, the model takes \(featureCount)")
            }
            for value in row { values.append(value ?? .nan) }
        }
        self.init(rowCount: rows.count, featureCount: featureCount, values: values)
    }

    /// The values of row `row`.
    public func row(_ row: Int) -> ArraySlice<Double> {
        values[(row * featureCount)..<((row + 1) * featureCount)]
    }
}
