import Foundation

/// Stable identifiers of the quality checks (the `check` field of a violation).
public enum QualityCheck: String, Sendable, Codable, Equatable, CaseIterable {
    /// Current missing share above the reference share plus tolerance
    /// (Evidently `TestColumnShareOfMissingValues`).
    case missingShare = "missing_share"
    /// Current categories absent from the reference (Evidently `TestShareOfOutListValues`).
    case newCategories = "new_categories"
    /// Current numbers outside the reference `[min, max]` (Evidently `TestShareOfOutRangeValues`).
    case outOfRange = "out_of_range"
    /// A column constant in the current window but not in the reference
    /// (Evidently `TestNumberOfConstantColumns`, per column).
    case constantColumn = "constant_column"
    /// Values of the wrong type (Evidently `TestColumnsType`).
    case typeViolation = "type_violation"
    /// A reference column absent from the current table (Evidently `TestNumberOfColumns`).
    case missingColumn = "missing_column"
    /// A current column absent from the reference (Evidently `TestNumberOfColumns`).
    case newColumn = "new_column"
    /// The current table has no rows.
    case emptyTable = "empty_table"
    /// Opt-in: the current mean left reference mean ± n × reference std (Evidently `TestMeanInNSigmas`).
    case meanShift = "mean_shift"
    /// Opt-in: the current row count differs from the reference's by more than the tolerance
    /// (Evidently `TestNumberOfRows`).
    case rowCount = "row_count"
}

/// One failed check. `value` and `limit` are always finite numbers:
///
/// | check | value | limit (violation when value > limit, unless noted) |
/// |---|---|---|
/// | `missing_share` | current missing share | reference share + max(share × 0.1, 1e-12) |
/// | `new_categories` | share of current rows holding a new category | allowed share (0) |
/// | `out_of_range` | share of current non-missing values outside [min, max] | allowed share (0) |
/// | `type_violation` | share of current rows with a wrongly typed value | allowed share (0) |
/// | `constant_column` | current distinct count | 2 (violation when value < limit) |
/// | `missing_column` | 0 (columns found) | 1 (violation when value < limit) |
/// | `new_column` | 1 (columns found) | 0 |
/// | `empty_table` | 0 (rows) | 1 (violation when value < limit); `column` is `""` |
/// | `mean_shift` (opt-in) | \|current mean − reference mean\| | n × reference standard deviation |
/// | `row_count` (opt-in) | \|current rows − reference rows\| / reference rows | tolerance; `column` is `""` |
public struct QualityViolation: Sendable, Equatable, Codable {
    /// Column concerned (`""` for a table-level check).
    public var column: String
    /// Which check failed.
    public var check: QualityCheck
    /// Human-readable explanation with counts.
    public var message: String
    /// Measured value.
    public var value: Double
    /// Threshold the value broke.
    public var limit: Double

    /// Creates a violation (non-finite numbers are replaced by 0 so the JSON stays valid).
    public init(column: String, check: QualityCheck, message: String, value: Double, limit: Double) {
        self.column = column
        self.check = check
        self.message = message
        self.value = value.isFinite ? value : 0
        self.limit = limit.isFinite ? limit : 0
    }
}

/// Counts of one category in both tables.
public struct CategoryCount: Sendable, Equatable, Codable {
    /// The category.
    public var value: String
    /// Rows of the reference holding it.
    public var referenceCount: Int
    /// Rows of the current table holding it.
    public var currentCount: Int
    /// Absent from the reference.
    public var isNew: Bool

    enum CodingKeys: String, CodingKey {
        case value, referenceCount = "reference_count", currentCount = "current_count", isNew = "new"
    }

    /// Creates a count.
    public init(value: String, referenceCount: Int, currentCount: Int, isNew: Bool) {
        self.value = value
        self.referenceCount = referenceCount
        self.currentCount = currentCount
        self.isNew = isNew
    }
}

/// Categories of a categorical column, reference against current.
public struct CategoryComparison: Sendable, Equatable, Codable {
    /// The top categories by reference + current count (ties by value), at most
    /// ``QualityOptions/maxListedCategories``.
    public var top: [CategoryCount]
    /// Reference rows holding a category not in ``top``.
    public var otherReferenceCount: Int
    /// Current rows holding a category not in ``top``.
    public var otherCurrentCount: Int
    /// New categories by current count (descending, ties by value), at most
    /// ``QualityOptions/maxListedCategories``.
    public var newCategories: [CategoryCount]
    /// Number of distinct new categories (may exceed the listed ones).
    public var newCategoryCount: Int
    /// Current rows holding a new category.
    public var newValueCount: Int
    /// newValueCount / current rows (0 without rows).
    public var newValueShare: Double

    /// Creates a comparison.
    public init(top: [CategoryCount], otherReferenceCount: Int, otherCurrentCount: Int, newCategories: [CategoryCount],
                newCategoryCount: Int, newValueCount: Int, newValueShare: Double) {
        self.top = top
        self.otherReferenceCount = otherReferenceCount
        self.otherCurrentCount = otherCurrentCount
        self.newCategories = newCategories
        self.newCategoryCount = newCategoryCount
        self.newValueCount = newValueCount
        self.newValueShare = newValueShare
    }

    enum CodingKeys: String, CodingKey {
        case top, otherReferenceCount = "other_reference_count", otherCurrentCount = "other_current_count"
        case newCategories = "new_categories", newCategoryCount = "new_category_count"
        case newValueCount = "new_value_count", newValueShare = "new_value_share"
    }
}

/// Current values against the reference range of a numerical column.
public struct RangeCheck: Sendable, Equatable, Codable {
    /// Reference minimum (nil when the reference had no finite value: every value is then out of range).
    public var minimum: Double?
    /// Reference maximum.
    public var maximum: Double?
    /// Current values below the minimum.
    public var belowCount: Int
    /// Current values above the maximum (or all values when there is no reference range).
    public var aboveCount: Int
    /// below + above.
    public var outOfRangeCount: Int
    /// outOfRangeCount / current non-missing values (0 without values).
    public var outOfRangeShare: Double

    /// Creates a range check.
    public init(minimum: Double?, maximum: Double?, belowCount: Int, aboveCount: Int, outOfRangeCount: Int, outOfRangeShare: Double) {
        self.minimum = minimum
        self.maximum = maximum
        self.belowCount = belowCount
        self.aboveCount = aboveCount
        self.outOfRangeCount = outOfRangeCount
        self.outOfRangeShare = outOfRangeShare
    }

    enum CodingKeys: String, CodingKey {
        case minimum, maximum, belowCount = "below_count", aboveCount = "above_count"
        case outOfRangeCount = "out_of_range_count", outOfRangeShare = "out_of_range_share"
    }

    /// Writes every key; a missing reference range as `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minimum, forKey: .minimum)
        try c.encode(maximum, forKey: .maximum)
        try c.encode(belowCount, forKey: .belowCount)
        try c.encode(aboveCount, forKey: .aboveCount)
        try c.encode(outOfRangeCount, forKey: .outOfRangeCount)
        try c.encode(outOfRangeShare, forKey: .outOfRangeShare)
    }
}

/// Result of the checks on one schema column.
public struct ColumnQualityResult: Sendable, Equatable, Codable {
    /// Column name.
    public var column: String
    /// Kind from the schema.
    public var kind: ColumnKind
    /// Value type from the schema.
    public var valueType: ValueType
    /// Reference statistics (from the schema).
    public var reference: ColumnStatistics
    /// Current statistics; nil when the column is missing from the current table.
    public var current: ColumnStatistics?
    /// Category counts (categorical columns present in both tables, else nil).
    public var categories: CategoryComparison?
    /// Range check (numerical columns present in both tables, else nil).
    public var range: RangeCheck?
    /// Checks that failed on this column (in ``QualityCheck`` order).
    public var failedChecks: [QualityCheck]

    /// No check failed on this column.
    public var passed: Bool { failedChecks.isEmpty }

    enum CodingKeys: String, CodingKey {
        case column, kind, valueType = "value_type", reference, current, categories, range
        case failedChecks = "failed_checks", passed
    }

    /// Creates a result.
    public init(column: String, kind: ColumnKind, valueType: ValueType, reference: ColumnStatistics, current: ColumnStatistics?,
                categories: CategoryComparison?, range: RangeCheck?, failedChecks: [QualityCheck]) {
        self.column = column
        self.kind = kind
        self.valueType = valueType
        self.reference = reference
        self.current = current
        self.categories = categories
        self.range = range
        self.failedChecks = failedChecks
    }

    /// Decodes a result (the derived `passed` key is ignored; `null` optionals become nil).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        column = try c.decode(String.self, forKey: .column)
        kind = try c.decode(ColumnKind.self, forKey: .kind)
        valueType = try c.decode(ValueType.self, forKey: .valueType)
        reference = try c.decode(ColumnStatistics.self, forKey: .reference)
        current = try c.decodeIfPresent(ColumnStatistics.self, forKey: .current)
        categories = try c.decodeIfPresent(CategoryComparison.self, forKey: .categories)
        range = try c.decodeIfPresent(RangeCheck.self, forKey: .range)
        failedChecks = try c.decode([QualityCheck].self, forKey: .failedChecks)
    }

    /// Writes every key (absent optionals as `null`) plus the derived `passed`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(column, forKey: .column)
        try c.encode(kind, forKey: .kind)
        try c.encode(valueType, forKey: .valueType)
        try c.encode(reference, forKey: .reference)
        try c.encode(current, forKey: .current)
        try c.encode(categories, forKey: .categories)
        try c.encode(range, forKey: .range)
        try c.encode(failedChecks, forKey: .failedChecks)
        try c.encode(passed, forKey: .passed)
    }
}

/// Result of ``DataQuality/check(reference:current:options:)``. JSON keys are snake_case and
/// sorted; see the layout in the module's README section.
public struct QualityReport: Sendable, Equatable, Codable {
    /// Version of this JSON layout.
    public static let currentSchemaVersion = 1

    /// Version of the layout (``currentSchemaVersion``).
    public var schemaVersion: Int
    /// True when ``violations`` is empty (the CLI exits 0, else 1).
    public var passed: Bool
    /// Rows of the reference.
    public var referenceRows: Int
    /// Rows of the current table.
    public var currentRows: Int
    /// The schema the current table was checked against.
    public var schema: DataSchema
    /// One result per schema column, in schema order.
    public var columns: [ColumnQualityResult]
    /// Current columns absent from the schema.
    public var newColumns: [String]
    /// Every failed check, column by column in schema order, then new columns, then table checks.
    public var violations: [QualityViolation]
    /// Number of violations per check id (every id present, 0 when none).
    public var violationCounts: [String: Int]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", passed, referenceRows = "reference_rows", currentRows = "current_rows"
        case schema, columns, newColumns = "new_columns", violations, violationCounts = "violation_counts"
    }

    /// Creates a report; ``passed`` and ``violationCounts`` follow from `violations`.
    public init(schema: DataSchema, currentRows: Int, columns: [ColumnQualityResult], newColumns: [String],
                violations: [QualityViolation]) {
        schemaVersion = Self.currentSchemaVersion
        passed = violations.isEmpty
        referenceRows = schema.rowCount
        self.currentRows = currentRows
        self.schema = schema
        self.columns = columns
        self.newColumns = newColumns
        self.violations = violations
        var counts = Dictionary(uniqueKeysWithValues: QualityCheck.allCases.map { ($0.rawValue, 0) })
        for v in violations { counts[v.check.rawValue, default: 0] += 1 }
        violationCounts = counts
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}
