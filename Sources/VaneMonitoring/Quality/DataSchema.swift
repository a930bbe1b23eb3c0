import Foundation

/// How the values of a column are stored.
public enum ValueType: String, Sendable, Codable, Equatable, CaseIterable {
    /// Numbers (in a file: every non-missing field parsed as a number).
    case number
    /// Text.
    case string
}

/// Statistics of one column of one table, as shown side by side in a ``QualityReport``.
///
/// Missing values are empty fields, missing tokens (`NA`, `null`, `NaN`, …) and ±inf, as in
/// Evidently's default missing values `["", inf, -inf, None]`. Shares are 0 when the table has no
/// rows; `minimum`/`maximum`/`mean` are nil (JSON `null`) when the column has no finite number.
public struct ColumnStatistics: Sendable, Equatable, Codable {
    /// Rows of the table.
    public var rows: Int
    /// Missing values (including ±inf).
    public var missingCount: Int
    /// missingCount / rows (0 without rows).
    public var missingShare: Double
    /// ±inf values (counted as missing).
    public var infiniteCount: Int
    /// Non-missing values of the expected type.
    public var valueCount: Int
    /// Distinct non-missing values of the expected type.
    public var distinctCount: Int
    /// Smallest finite value (number columns only).
    public var minimum: Double?
    /// Largest finite value (number columns only).
    public var maximum: Double?
    /// Mean of the finite values (number columns only; nil if the sum overflows).
    public var mean: Double?
    /// Sample standard deviation (ddof 1, pandas `std`) of the finite values (number columns
    /// with at least 2 finite values only).
    public var standardDeviation: Double?
    /// Values of the wrong type (always 0 for the reference).
    public var typeViolationCount: Int
    /// 1-based data row (the header is not counted) of the first type violation.
    public var firstTypeViolationRow: Int?
    /// Up to 5 distinct offending values, in order of appearance.
    public var typeViolationExamples: [String]

    enum CodingKeys: String, CodingKey {
        case rows, missingCount = "missing_count", missingShare = "missing_share", infiniteCount = "infinite_count"
        case valueCount = "value_count", distinctCount = "distinct_count", minimum, maximum, mean
        case standardDeviation = "standard_deviation"
        case typeViolationCount = "type_violation_count", firstTypeViolationRow = "first_type_violation_row"
        case typeViolationExamples = "type_violation_examples"
    }

    /// Creates statistics.
    public init(rows: Int, missingCount: Int, missingShare: Double, infiniteCount: Int, valueCount: Int, distinctCount: Int,
                minimum: Double?, maximum: Double?, mean: Double?, standardDeviation: Double? = nil, typeViolationCount: Int = 0,
                firstTypeViolationRow: Int? = nil, typeViolationExamples: [String] = []) {
        self.rows = rows
        self.missingCount = missingCount
        self.missingShare = missingShare
        self.infiniteCount = infiniteCount
        self.valueCount = valueCount
        self.distinctCount = distinctCount
        self.minimum = minimum
        self.maximum = maximum
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.typeViolationCount = typeViolationCount
        self.firstTypeViolationRow = firstTypeViolationRow
        self.typeViolationExamples = typeViolationExamples
    }

    init(_ p: ColumnProfile) {
        rows = p.rows
        missingCount = p.missing
        missingShare = p.rows == 0 ? 0 : Double(p.missing) / Double(p.rows)
        infiniteCount = p.infinite
        valueCount = p.values
        distinctCount = p.distinct
        minimum = p.minimum
        maximum = p.maximum
        mean = p.mean
        standardDeviation = p.standardDeviation
        typeViolationCount = p.typeViolations
        firstTypeViolationRow = p.firstTypeViolationRow
        typeViolationExamples = p.typeViolationExamples
    }

    /// Writes every key; absent optionals as `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(missingCount, forKey: .missingCount)
        try c.encode(missingShare, forKey: .missingShare)
        try c.encode(infiniteCount, forKey: .infiniteCount)
        try c.encode(valueCount, forKey: .valueCount)
        try c.encode(distinctCount, forKey: .distinctCount)
        try c.encode(minimum, forKey: .minimum)
        try c.encode(maximum, forKey: .maximum)
        try c.encode(mean, forKey: .mean)
        try c.encode(standardDeviation, forKey: .standardDeviation)
        try c.encode(typeViolationCount, forKey: .typeViolationCount)
        try c.encode(firstTypeViolationRow, forKey: .firstTypeViolationRow)
        try c.encode(typeViolationExamples, forKey: .typeViolationExamples)
    }
}

/// What the reference says about one column.
public struct ColumnSchema: Sendable, Equatable, Codable {
    /// Column name.
    public var name: String
    /// Kind (explicit in the options, else ``ColumnTypeInference/infer(_:hints:)`` on the reference).
    public var kind: ColumnKind
    /// How the reference stored the values.
    public var valueType: ValueType
    /// Every finite reference value is an integer (number columns with at least one value).
    public var integerOnly: Bool
    /// The reference holds at most one distinct non-missing value (pandas `nunique() <= 1`).
    public var constant: Bool
    /// Categories seen in the reference, ascending by code point (categorical columns only; numbers
    /// written as by ``FieldParser/categoryText(_:)``, e.g. `3`, `2.5`).
    public var allowedCategories: [String]?
    /// Reference count of each of ``allowedCategories`` (same order).
    public var allowedCategoryCounts: [Int]?
    /// Reference statistics: rows, missing share, min/max/mean, distinct count.
    public var reference: ColumnStatistics

    /// Reference share of missing values.
    public var missingShare: Double { reference.missingShare }
    /// Smallest finite reference value (nil for text or when there is none).
    public var minimum: Double? { reference.minimum }
    /// Largest finite reference value.
    public var maximum: Double? { reference.maximum }

    enum CodingKeys: String, CodingKey {
        case name, kind, valueType = "value_type", integerOnly = "integer_only", constant
        case allowedCategories = "allowed_categories", allowedCategoryCounts = "allowed_category_counts", reference
    }

    /// Creates a column schema.
    public init(name: String, kind: ColumnKind, valueType: ValueType, integerOnly: Bool, constant: Bool,
                allowedCategories: [String]?, allowedCategoryCounts: [Int]?, reference: ColumnStatistics) {
        self.name = name
        self.kind = kind
        self.valueType = valueType
        self.integerOnly = integerOnly
        self.constant = constant
        self.allowedCategories = allowedCategories
        self.allowedCategoryCounts = allowedCategoryCounts
        self.reference = reference
    }

    /// Writes every key; `allowed_categories`/`allowed_category_counts` are `null` unless categorical.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        try c.encode(valueType, forKey: .valueType)
        try c.encode(integerOnly, forKey: .integerOnly)
        try c.encode(constant, forKey: .constant)
        try c.encode(allowedCategories, forKey: .allowedCategories)
        try c.encode(allowedCategoryCounts, forKey: .allowedCategoryCounts)
        try c.encode(reference, forKey: .reference)
    }
}

/// The expectations a reference table sets for later windows: per column its kind, value type,
/// range, categories and missing share.
public struct DataSchema: Sendable, Equatable, Codable {
    /// Rows of the reference.
    public var rowCount: Int
    /// Columns in reference order (or in the order of ``QualityOptions/columns``).
    public var columns: [ColumnSchema]

    enum CodingKeys: String, CodingKey {
        case rowCount = "row_count", columns
    }

    /// Creates a schema.
    public init(rowCount: Int, columns: [ColumnSchema]) {
        self.rowCount = rowCount
        self.columns = columns
    }

    /// The schema of the column with this name, if any.
    public func column(named name: String) -> ColumnSchema? { columns.first { $0.name == name } }

    /// Infers the schema of `reference`.
    ///
    /// Kinds come from ``QualityOptions/numericalColumns``/``QualityOptions/categoricalColumns``,
    /// else from ``ColumnTypeInference/infer(_:hints:)`` on the reference alone (so the schema is a
    /// property of the reference and can be stored). A number column forced categorical keeps
    /// number values; a text column forced numerical must hold only numbers.
    ///
    /// - Throws: ``QualityError/emptyReference`` without rows; ``QualityError/missingColumn(column:)``
    ///   for an option naming an absent column; ``QualityError/notNumeric(column:)``; option errors.
    public static func infer(from reference: DataTable, options: QualityOptions = .init()) throws(QualityError) -> DataSchema {
        try options.validate()
        guard reference.rowCount > 0 else { throw .emptyReference }
        let forcedNumerical = Set(options.numericalColumns ?? []), forcedCategorical = Set(options.categoricalColumns ?? [])
        for name in (options.numericalColumns ?? []) + (options.categoricalColumns ?? []) + (options.columns ?? [])
        where reference.column(named: name) == nil {
            throw .missingColumn(column: name)
        }
        var seen = Set<String>()
        let names = (options.columns ?? reference.columnNames).filter { seen.insert($0).inserted }
        // columns are profiled concurrently; results keep the column order
        let slots = ResultSlots<Result<ColumnSchema, QualityError>>(count: names.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, names.count))
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment()
                if i >= names.count { break }
                let name = names[i]
                let forced: ColumnKind? = forcedNumerical.contains(name) ? .numerical : forcedCategorical.contains(name) ? .categorical : nil
                slots.set(i, Result { () throws(QualityError) -> ColumnSchema in
                    try inferColumn(name: name, column: reference.column(named: name)!, hints: reference.hints(named: name)!, forcedKind: forced)
                })
            }
        }
        var columns: [ColumnSchema] = []
        for r in slots.values() { columns.append(try r.get()) }
        return DataSchema(rowCount: reference.rowCount, columns: columns)
    }

    /// Schema of one reference column.
    static func inferColumn(name: String, column: DataTable.Column, hints: DataTable.SourceHints,
                            forcedKind: ColumnKind?) throws(QualityError) -> ColumnSchema {
        let kind = forcedKind ?? ColumnTypeInference.infer(column, hints: hints)
        var valueType: ValueType
        if case .numeric = column { valueType = .number } else { valueType = .string }
        if kind == .numerical && valueType == .string {
            valueType = .number
            let p = ColumnProfile(column, valueType: .number, categories: false, maxExamples: 1)
            if p.typeViolations > 0 { throw .notNumeric(column: name) }
        }
        let profile = ColumnProfile(column, valueType: valueType, categories: kind == .categorical)
        let categorical = kind == .categorical
        return ColumnSchema(name: name, kind: kind, valueType: valueType,
                            integerOnly: valueType == .number && profile.integerOnly,
                            constant: profile.distinct <= 1,
                            allowedCategories: categorical ? profile.categories.map(\.value) : nil,
                            allowedCategoryCounts: categorical ? profile.categories.map(\.count) : nil,
                            reference: ColumnStatistics(profile))
    }
}
