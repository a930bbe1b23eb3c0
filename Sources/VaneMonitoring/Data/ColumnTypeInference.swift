import Foundation

/// Infers column kinds the way Evidently's `infer_column_type` does on a pandas frame read from
/// the same file, and cleans columns as `get_one_column_drift` does.
public enum ColumnTypeInference {
    /// Integer columns with at most this many distinct values are categorical
    /// (Evidently `INTEGER_CARDINALITY_LIMIT`).
    public static let integerCardinalityLimit = 10

    /// Kind of one column of one dataset.
    ///
    /// - float (numbers, or integers with a missing value, which pandas reads as float) → numerical;
    /// - integer literals without missing values → categorical if ≤ 10 distinct values, else numerical;
    /// - booleans → categorical;
    /// - strings → text if distinct values > 0.5 × non-missing count, else categorical.
    public static func infer(_ column: DataTable.Column, hints: DataTable.SourceHints) -> ColumnKind {
        switch column {
        case .numeric(let values):
            if hints.integerLiteralsOnly {
                var seen = Set<Double>()
                for v in values {
                    seen.insert(v)
                    if seen.count > integerCardinalityLimit { return .numerical }
                }
                return .categorical
            }
            return .numerical
        case .categorical(let c):
            if hints.booleanLiteralsOnly { return .categorical }
            var used = Set<Int32>()
            var nonNull = 0
            for code in c.codes where code >= 0 { used.insert(code); nonNull += 1 }
            return Double(used.count) > 0.5 * Double(nonNull) ? .text : .categorical
        }
    }

    /// Kind of a column present in both datasets: inferred on each; equal kinds are kept, text on
    /// either side gives text, numerical on one side and categorical on the other gives categorical.
    public static func infer(reference: DataTable.Column, referenceHints: DataTable.SourceHints,
                             current: DataTable.Column, currentHints: DataTable.SourceHints) -> ColumnKind {
        let r = infer(reference, hints: referenceHints)
        let c = infer(current, hints: currentHints)
        if r == c { return r }
        if r == .text || c == .text { return .text }
        return .categorical
    }

    /// Result of cleaning one numeric window.
    public struct CleanedNumbers: Sendable {
        /// Values kept, in their original order.
        public var values: [Double]
        /// Number of missing (NaN) values.
        public var missing: Int
        /// Number of ±inf values.
        public var infinite: Int
    }

    /// Drops NaN and ±inf (`replace([-inf, inf], nan).dropna()`); with `keepInfinities` only NaN
    /// is dropped, and only if present (the dataset-level path when the window has no NaN).
    public static func clean(_ values: [Double], keepInfinities: Bool = false) -> CleanedNumbers {
        var missing = 0, infinite = 0
        for v in values {
            if v.isNaN { missing += 1 } else if v.isInfinite { infinite += 1 }
        }
        let drop = missing + (keepInfinities ? 0 : infinite)
        if drop == 0 { return CleanedNumbers(values: values, missing: missing, infinite: infinite) }
        var out = [Double]()
        out.reserveCapacity(values.count - drop)
        for v in values where !(v.isNaN || (!keepInfinities && v.isInfinite)) { out.append(v) }
        return CleanedNumbers(values: out, missing: missing, infinite: infinite)
    }
}
