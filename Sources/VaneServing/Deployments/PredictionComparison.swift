import VaneModels

/// How far two models' predictions for the same rows agree, from their first outputs.
///
/// - Classifiers (either model's ``ModelSignature/PredictionKind`` other than `value`) agree on a
///   row when they predict the same class: a probability is class 1 at 0.5 and above, class
///   probabilities give the most probable class, a label is taken as it is.
/// - Numeric outputs agree on a row when they are within ``absoluteTolerance`` of each other or
///   within ``relativeTolerance`` of the larger magnitude; the mean absolute difference is kept
///   besides.
public struct PredictionComparison: Sendable, Equatable {
    /// Two values closer than this agree.
    public static let absoluteTolerance = 1e-6
    /// Two values whose difference is at most this share of the larger magnitude agree.
    public static let relativeTolerance = 1e-3

    /// Rows compared.
    public var rows: Int = 0
    /// Rows on which the two agree.
    public var agreeing: Int = 0
    /// Sum of |a − b| over the rows with numeric values on both sides (first value per row).
    public var absoluteDifferenceSum: Double = 0
    /// Rows counted in ``absoluteDifferenceSum``.
    public var numericRows: Int = 0

    public init() {}

    /// The share of rows that agree; nil before any row.
    public var agreement: Double? { rows > 0 ? Double(agreeing) / Double(rows) : nil }
    /// The mean absolute difference; nil without numeric rows.
    public var meanAbsoluteDifference: Double? { numericRows > 0 ? absoluteDifferenceSum / Double(numericRows) : nil }

    /// Adds `other`'s rows.
    public mutating func add(_ other: PredictionComparison) {
        rows += other.rows
        agreeing += other.agreeing
        absoluteDifferenceSum += other.absoluteDifferenceSum
        numericRows += other.numericRows
    }

    /// What one row holds: a class, or a number.
    enum RowValue: Equatable {
        case label(String)
        case number(Double)
    }

    /// Compares `a` (from a model of kind `aKind`) with `b` over `rowCount` rows; nil when either
    /// has no first output of that many rows.
    public static func compare(_ a: [ModelOutput], kind aKind: ModelSignature.PredictionKind,
                               with b: [ModelOutput], kind bKind: ModelSignature.PredictionKind,
                               rowCount: Int) -> PredictionComparison? {
        let byClass = aKind != .value || bKind != .value
        guard let left = a.first.flatMap({ rows(of: $0, kind: aKind, rowCount: rowCount, asClasses: byClass) }),
              let right = b.first.flatMap({ rows(of: $0, kind: bKind, rowCount: rowCount, asClasses: byClass) }) else { return nil }
        let leftNumbers = a.first.flatMap { firstNumbers(of: $0, rowCount: rowCount) }
        let rightNumbers = b.first.flatMap { firstNumbers(of: $0, rowCount: rowCount) }
        var result = PredictionComparison()
        for r in 0..<rowCount {
            result.rows += 1
            if agree(left[r], right[r]) { result.agreeing += 1 }
            if let leftNumbers, let rightNumbers, leftNumbers[r].isFinite, rightNumbers[r].isFinite {
                result.absoluteDifferenceSum += abs(leftNumbers[r] - rightNumbers[r])
                result.numericRows += 1
            }
        }
        return result
    }

    static func agree(_ x: RowValue, _ y: RowValue) -> Bool {
        switch (x, y) {
        case (.label(let p), .label(let q)): return p == q
        case (.number(let p), .number(let q)):
            if p == q || (p.isNaN && q.isNaN) { return true }
            let d = abs(p - q)
            return d <= absoluteTolerance || d <= relativeTolerance * max(abs(p), abs(q))
        default: return false
        }
    }

    /// Each row's class (when `asClasses`) or first number.
    static func rows(of output: ModelOutput, kind: ModelSignature.PredictionKind, rowCount: Int, asClasses: Bool) -> [RowValue]? {
        switch output.value {
        case .labelMap(let labels, let values):
            guard labels.count > 0, values.count == rowCount * labels.count else { return nil }
            return (0..<rowCount).map { r in
                var best = 0
                for c in 1..<labels.count where values[r * labels.count + c] > values[r * labels.count + best] { best = c }
                return .label(labels.text(at: best))
            }
        case .tensor(let tensor):
            guard rowCount > 0, tensor.shape.first == rowCount || (tensor.shape.isEmpty && rowCount == 1) else { return rowCount == 0 ? [] : nil }
            let width = tensor.shape.dropFirst().reduce(1, *)
            if case .string(let strings) = tensor.data {
                guard strings.count == rowCount * width else { return nil }
                return (0..<rowCount).map { .label(strings[$0 * width]) }
            }
            let values = tensor.doubles
            guard values.count == rowCount * width, width > 0 else { return nil }
            return (0..<rowCount).map { r in
                let row = values[(r * width)..<((r + 1) * width)]
                guard asClasses else { return .number(row.first ?? .nan) }
                switch kind {
                case .classProbabilities where width > 1:
                    var best = row.startIndex
                    for i in row.indices where row[i] > row[best] { best = i }
                    return .label(String(best - row.startIndex))
                case .probability:
                    let p = row.first ?? .nan
                    return .label(p.isNaN ? "nan" : (p >= 0.5 ? "1" : "0"))
                default:
                    let v = row.first ?? .nan
                    return .label(v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)")
                }
            }
        }
    }

    /// Each row's first number, for the mean absolute difference; nil for labels.
    static func firstNumbers(of output: ModelOutput, rowCount: Int) -> [Double]? {
        guard case .tensor(let tensor) = output.value, rowCount > 0 else { return nil }
        if case .string = tensor.data { return nil }
        let width = tensor.shape.dropFirst().reduce(1, *)
        let values = tensor.doubles
        guard width > 0, values.count == rowCount * width else { return nil }
        return (0..<rowCount).map { values[$0 * width] }
    }
}

extension ClassLabels {
    /// The label at `index` as text.
    func text(at index: Int) -> String {
        switch self {
        case .int64(let v): String(v[index])
        case .string(let v): v[index]
        }
    }
}
