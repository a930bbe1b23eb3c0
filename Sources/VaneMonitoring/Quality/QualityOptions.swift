import Foundation

/// Settings of a data quality check. Every default reproduces the condition Evidently 0.7's legacy
/// tests derive from a reference dataset (`DataStabilityTestPreset` / `DataQualityTestPreset`).
public struct QualityOptions: Sendable, Equatable, Codable {
    /// Columns to treat as numerical; nil = kinds inferred from the reference.
    public var numericalColumns: [String]?
    /// Columns to treat as categorical; nil = kinds inferred from the reference.
    public var categoricalColumns: [String]?
    /// Columns to check (in this order); nil = every reference column. Evidently's presets take
    /// the same `columns` argument. Columns of the current table outside this list are ignored.
    public var columns: [String]?
    /// Relative tolerance of the missing-share check: the current share may exceed the reference
    /// share by `reference × this` (Evidently `TestColumnShareOfMissingValues`:
    /// `lte=approx(reference_share, relative=0.1)`). Default 0.1.
    public var missingShareRelativeTolerance: Double
    /// Absolute tolerance of the missing-share check, used when larger than the relative one
    /// (Evidently `ApproxValue.DEFAULT_ABSOLUTE`). Default 1e-12, so a reference without missing
    /// values allows none.
    public var missingShareAbsoluteTolerance: Double
    /// Largest allowed share of current rows holding a category absent from the reference
    /// (Evidently `TestShareOfOutListValues`: `eq=approx(0)`). Default 0.
    public var maxNewCategoryShare: Double
    /// Largest allowed share of current values outside the reference `[min, max]`
    /// (Evidently `TestShareOfOutRangeValues`: `eq=approx(0)`). Default 0.
    public var maxOutOfRangeShare: Double
    /// Largest allowed share of current rows whose value has the wrong type: not a number in a
    /// column the reference held as numbers, or a fraction in an integer-only column
    /// (Evidently `TestColumnsType`, which fails on any dtype change). Default 0.
    public var maxTypeViolationShare: Double
    /// Whether a fractional value in a column whose reference values were all integers is a type
    /// violation (pandas would read the column as float64 instead of int64). Default true.
    public var checkIntegerValues: Bool
    /// Whether a column that is constant in the current window but not in the reference is a
    /// violation (Evidently `TestNumberOfConstantColumns`: `lte=reference count`). Default true.
    public var checkConstantColumns: Bool
    /// A current column with fewer non-missing values than this is not judged constant (one value
    /// is trivially constant; Evidently would flag it). Set 0 for Evidently's exact rule. Default 2.
    public var minimumValuesForConstantCheck: Int
    /// Opt-in `mean_shift` check (Evidently `TestMeanInNSigmas`, run by `DataStabilityTestPreset`
    /// with `n_sigmas=2`): a numerical column fails when |current mean − reference mean| exceeds
    /// this many reference standard deviations. nil (default) = not checked.
    public var meanShiftSigmas: Double?
    /// Opt-in `row_count` check (Evidently `TestNumberOfRows`: `eq=approx(reference rows,
    /// relative=0.1)` in `DataStabilityTestPreset`): fails when the current row count differs from
    /// the reference's by more than this fraction. nil (default) = not checked, as monitoring
    /// windows rarely match the reference size.
    public var rowCountRelativeTolerance: Double?
    /// Whether a current table without rows is a violation (`empty_table`). Default true.
    public var failOnEmptyCurrent: Bool
    /// How many categories the report lists per column (top by count; the rest are summed into
    /// "other"). Default 20.
    public var maxListedCategories: Int

    /// Creates options; all defaults follow Evidently's reference-derived conditions.
    public init(numericalColumns: [String]? = nil, categoricalColumns: [String]? = nil, columns: [String]? = nil,
                missingShareRelativeTolerance: Double = 0.1, missingShareAbsoluteTolerance: Double = 1e-12,
                maxNewCategoryShare: Double = 0, maxOutOfRangeShare: Double = 0, maxTypeViolationShare: Double = 0,
                checkIntegerValues: Bool = true, checkConstantColumns: Bool = true, minimumValuesForConstantCheck: Int = 2,
                meanShiftSigmas: Double? = nil, rowCountRelativeTolerance: Double? = nil,
                failOnEmptyCurrent: Bool = true, maxListedCategories: Int = 20) {
        self.numericalColumns = numericalColumns
        self.categoricalColumns = categoricalColumns
        self.columns = columns
        self.missingShareRelativeTolerance = missingShareRelativeTolerance
        self.missingShareAbsoluteTolerance = missingShareAbsoluteTolerance
        self.maxNewCategoryShare = maxNewCategoryShare
        self.maxOutOfRangeShare = maxOutOfRangeShare
        self.maxTypeViolationShare = maxTypeViolationShare
        self.checkIntegerValues = checkIntegerValues
        self.checkConstantColumns = checkConstantColumns
        self.minimumValuesForConstantCheck = minimumValuesForConstantCheck
        self.meanShiftSigmas = meanShiftSigmas
        self.rowCountRelativeTolerance = rowCountRelativeTolerance
        self.failOnEmptyCurrent = failOnEmptyCurrent
        self.maxListedCategories = maxListedCategories
    }

    enum CodingKeys: String, CodingKey {
        case numericalColumns = "numerical_columns", categoricalColumns = "categorical_columns", columns
        case missingShareRelativeTolerance = "missing_share_relative_tolerance"
        case missingShareAbsoluteTolerance = "missing_share_absolute_tolerance"
        case maxNewCategoryShare = "max_new_category_share", maxOutOfRangeShare = "max_out_of_range_share"
        case maxTypeViolationShare = "max_type_violation_share", checkIntegerValues = "check_integer_values"
        case checkConstantColumns = "check_constant_columns", minimumValuesForConstantCheck = "minimum_values_for_constant_check"
        case meanShiftSigmas = "mean_shift_sigmas", rowCountRelativeTolerance = "row_count_relative_tolerance"
        case failOnEmptyCurrent = "fail_on_empty_current", maxListedCategories = "max_listed_categories"
    }

    /// Decodes options from snake_case keys; every absent key takes its default (a config file
    /// names only what it changes).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = QualityOptions()
        numericalColumns = try c.decodeIfPresent([String].self, forKey: .numericalColumns)
        categoricalColumns = try c.decodeIfPresent([String].self, forKey: .categoricalColumns)
        columns = try c.decodeIfPresent([String].self, forKey: .columns)
        missingShareRelativeTolerance = try c.decodeIfPresent(Double.self, forKey: .missingShareRelativeTolerance) ?? d.missingShareRelativeTolerance
        missingShareAbsoluteTolerance = try c.decodeIfPresent(Double.self, forKey: .missingShareAbsoluteTolerance) ?? d.missingShareAbsoluteTolerance
        maxNewCategoryShare = try c.decodeIfPresent(Double.self, forKey: .maxNewCategoryShare) ?? d.maxNewCategoryShare
        maxOutOfRangeShare = try c.decodeIfPresent(Double.self, forKey: .maxOutOfRangeShare) ?? d.maxOutOfRangeShare
        maxTypeViolationShare = try c.decodeIfPresent(Double.self, forKey: .maxTypeViolationShare) ?? d.maxTypeViolationShare
        checkIntegerValues = try c.decodeIfPresent(Bool.self, forKey: .checkIntegerValues) ?? d.checkIntegerValues
        checkConstantColumns = try c.decodeIfPresent(Bool.self, forKey: .checkConstantColumns) ?? d.checkConstantColumns
        minimumValuesForConstantCheck = try c.decodeIfPresent(Int.self, forKey: .minimumValuesForConstantCheck) ?? d.minimumValuesForConstantCheck
        meanShiftSigmas = try c.decodeIfPresent(Double.self, forKey: .meanShiftSigmas)
        rowCountRelativeTolerance = try c.decodeIfPresent(Double.self, forKey: .rowCountRelativeTolerance)
        failOnEmptyCurrent = try c.decodeIfPresent(Bool.self, forKey: .failOnEmptyCurrent) ?? d.failOnEmptyCurrent
        maxListedCategories = try c.decodeIfPresent(Int.self, forKey: .maxListedCategories) ?? d.maxListedCategories
    }

    /// Throws ``QualityError/invalidOption(_:)`` for a tolerance that is negative or not finite,
    /// and ``QualityError/conflictingTypes(column:)`` for a column listed as both kinds.
    public func validate() throws(QualityError) {
        let tolerances: [(String, Double)] = [
            ("missing share relative tolerance", missingShareRelativeTolerance),
            ("missing share absolute tolerance", missingShareAbsoluteTolerance),
            ("new category share limit", maxNewCategoryShare),
            ("out-of-range share limit", maxOutOfRangeShare),
            ("type violation share limit", maxTypeViolationShare),
            ("mean shift sigmas", meanShiftSigmas ?? 0),
            ("row count relative tolerance", rowCountRelativeTolerance ?? 0),
        ]
        for (name, v) in tolerances where !(v.isFinite && v >= 0) {
            throw .invalidOption("\(name) must be a finite number ≥ 0 (got \(pythonRepr(v)))")
        }
        if minimumValuesForConstantCheck < 0 { throw .invalidOption("minimum values for the constant check must be ≥ 0") }
        if maxListedCategories < 0 { throw .invalidOption("listed categories must be ≥ 0") }
        let cat = Set(categoricalColumns ?? [])
        for c in numericalColumns ?? [] where cat.contains(c) { throw .conflictingTypes(column: c) }
    }

    /// Largest current missing share the reference allows: `share + max(share × relative, absolute)`.
    public func missingShareLimit(referenceShare: Double) -> Double {
        referenceShare + max(abs(referenceShare) * missingShareRelativeTolerance, missingShareAbsoluteTolerance)
    }
}

/// Why a quality check could not run (the CLI maps these to exit code 2). Problems of the current
/// window are never errors: they are reported as ``QualityViolation``s.
public enum QualityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reference table has no rows, so no schema can be inferred.
    case emptyReference
    /// A column named in the options is absent from the reference.
    case missingColumn(column: String)
    /// A column forced numerical holds values in the reference that are not numbers.
    case notNumeric(column: String)
    /// A column is listed as both numerical and categorical.
    case conflictingTypes(column: String)
    /// An option value is invalid.
    case invalidOption(String)

    /// One-line message.
    public var description: String {
        switch self {
        case .emptyReference: "the reference data has no rows; a schema cannot be inferred from it"
        case .missingColumn(let c): "column '\(c)' is named in the options but is missing in the reference data"
        case .notNumeric(let c): "column '\(c)' is declared numerical but holds non-numeric values in the reference data"
        case .conflictingTypes(let c): "column '\(c)' is listed as both numerical and categorical"
        case .invalidOption(let m): m
        }
    }
}
