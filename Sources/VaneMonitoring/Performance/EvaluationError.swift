import Foundation

/// Why an evaluation could not run. Every message is one line naming the column and the data
/// (``EvaluationOptions/currentName`` or ``EvaluationOptions/referenceName``, e.g. a file path).
public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A target or prediction column is absent from a table.
    case missingColumn(column: String, data: String)
    /// No row has both a target and a prediction.
    case noRowsLeft(data: String, dropped: Int)
    /// A regression target/prediction or a probability column holds non-numeric values.
    case notNumeric(column: String, data: String, example: String)
    /// A probability is below 0 or above 1.
    case probabilityOutOfRange(column: String, data: String, value: Double)
    /// The target holds a class with no probability column.
    case unknownClass(column: String, data: String, label: String)
    /// Probabilities were given but the target has a single class, so the other class is unknown.
    case singleClass(column: String, label: String)
    /// An option is invalid (empty column name, unknown metric in a bound, bad tolerance…).
    case invalidOption(String)

    /// One-line message.
    public var description: String {
        switch self {
        case .missingColumn(let c, let d): "column '\(c)' is missing in \(d)"
        case .noRowsLeft(let d, let n):
            "no rows left in \(d) after dropping \(n) row(s) with a missing target or prediction"
        case .notNumeric(let c, let d, let e): "column '\(c)' must hold numbers but holds '\(e)' in \(d)"
        case .probabilityOutOfRange(let c, let d, let v):
            "column '\(c)' holds probabilities but has the value \(pythonRepr(v)) outside [0, 1] in \(d)"
        case .unknownClass(let c, let d, let l):
            "target column '\(c)' holds the class '\(l)' in \(d), but no prediction column is named after it"
        case .singleClass(let c, let l):
            "target column '\(c)' holds only the class '\(l)', so the other class is unknown (give the positive label)"
        case .invalidOption(let m): m
        }
    }
}
