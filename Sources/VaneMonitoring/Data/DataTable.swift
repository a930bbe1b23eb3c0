import Foundation

/// Strings of one column stored as codes into a list of distinct levels (`-1` = missing).
public struct CategoricalColumn: Sendable, Equatable {
    /// Code per row: an index into ``levels`` or `-1` for a missing value.
    public var codes: [Int32]
    /// Distinct non-missing values, in order of first appearance.
    public var levels: [String]

    /// Builds a column from optional strings (`nil` = missing).
    public init(_ values: [String?]) {
        var index: [String: Int32] = [:]
        var levels: [String] = []
        var codes = [Int32]()
        codes.reserveCapacity(values.count)
        for v in values {
            guard let v else { codes.append(-1); continue }
            if let c = index[v] { codes.append(c) } else {
                let c = Int32(levels.count)
                index[v] = c
                levels.append(v)
                codes.append(c)
            }
        }
        self.codes = codes
        self.levels = levels
    }

    /// Builds a column from codes and levels (codes must be `-1` or valid level indices).
    public init(codes: [Int32], levels: [String]) {
        self.codes = codes
        self.levels = levels
    }

    /// The values as optional strings.
    public var values: [String?] { codes.map { $0 < 0 ? nil : levels[Int($0)] } }
    /// Number of rows.
    public var count: Int { codes.count }
    /// Number of missing rows.
    public var missingCount: Int { codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// The values as numbers (NaN for missing) when every level is a number, else nil.
    public var numericValues: [Double]? {
        var levelValues = [Double]()
        levelValues.reserveCapacity(levels.count)
        for l in levels {
            guard case .number(let v, _) = FieldParser.parse(l) else { return nil }
            levelValues.append(v)
        }
        return codes.map { $0 < 0 ? .nan : levelValues[Int($0)] }
    }
}

/// A column-oriented table: named columns holding either numbers (NaN = missing, ±inf allowed)
/// or strings.
public struct DataTable: Sendable, Equatable {
    /// The values of one column.
    public enum Column: Sendable, Equatable {
        /// Numbers; NaN marks a missing value.
        case numeric([Double])
        /// Strings (categories or free text).
        case categorical(CategoricalColumn)

        /// Number of rows.
        public var count: Int {
            switch self {
            case .numeric(let v): v.count
            case .categorical(let c): c.count
            }
        }
    }

    /// How a column's text looked in the source file; used to infer column types as pandas
    /// would have typed the column (see ``ColumnTypeInference``).
    public struct SourceHints: Sendable, Equatable {
        /// Every non-missing value was an integer literal and no value was missing
        /// (pandas reads such a column as int64).
        public var integerLiteralsOnly: Bool
        /// Every value was a boolean literal (`True`/`False`, any case) and none was missing.
        public var booleanLiteralsOnly: Bool

        /// Creates hints.
        public init(integerLiteralsOnly: Bool = false, booleanLiteralsOnly: Bool = false) {
            self.integerLiteralsOnly = integerLiteralsOnly
            self.booleanLiteralsOnly = booleanLiteralsOnly
        }
    }

    /// Raised by ``init(columns:)`` for inconsistent columns.
    public enum ShapeError: Error, Sendable, Equatable {
        /// Two columns have the same name.
        case duplicateColumn(String)
        /// A column's length differs from the first column's.
        case lengthMismatch(column: String, expected: Int, actual: Int)
    }

    /// Column names in order.
    public private(set) var columnNames: [String]
    /// Columns in the order of ``columnNames``.
    public private(set) var columns: [Column]
    /// Per-column source hints (same order), when the table was read from a file.
    public private(set) var hints: [SourceHints]
    /// Number of rows.
    public private(set) var rowCount: Int
    private var positions: [String: Int]

    /// Builds a table from named columns of equal length. Without `hints`, numeric columns count as
    /// float columns (never integer-typed) for ``ColumnTypeInference``.
    public init(columns: [(name: String, values: Column)], hints: [SourceHints]? = nil) throws(ShapeError) {
        var positions: [String: Int] = [:]
        let rows = columns.first?.values.count ?? 0
        for (i, c) in columns.enumerated() {
            if positions[c.name] != nil { throw .duplicateColumn(c.name) }
            positions[c.name] = i
            if c.values.count != rows { throw .lengthMismatch(column: c.name, expected: rows, actual: c.values.count) }
        }
        self.columnNames = columns.map(\.name)
        self.columns = columns.map(\.values)
        // without hints a [Double] column is a float column (pandas float64), strings are plain strings
        self.hints = hints ?? columns.map { _ in SourceHints() }
        self.rowCount = rows
        self.positions = positions
    }

    /// The column with this name, if any.
    public func column(named name: String) -> Column? {
        positions[name].map { columns[$0] }
    }

    /// Source hints of the column with this name, if any.
    public func hints(named name: String) -> SourceHints? {
        positions[name].map { hints[$0] }
    }
}
