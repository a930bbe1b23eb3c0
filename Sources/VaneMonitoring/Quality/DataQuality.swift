import Foundation

/// Checks a current table against a schema inferred from a reference table, with the conditions
/// Evidently 0.7's legacy test suites derive from a reference:
///
/// | check id | Evidently test (preset) | default condition |
/// |---|---|---|
/// | `missing_share` | `TestColumnShareOfMissingValues` (`TestAllColumnsShareOfMissingValues` in both presets) | current share ≤ `approx(reference share, relative=0.1)`, i.e. ≤ ref + max(ref × 0.1, 1e-12) |
/// | `new_categories` | `TestShareOfOutListValues` (`TestCatColumnsOutOfListValues`, DataStability) | share of current rows outside the reference values `eq approx(0)` |
/// | `out_of_range` | `TestShareOfOutRangeValues` (`TestNumColumnsOutOfRangeValues`, DataStability) | share outside [reference min, max] (inclusive) `eq approx(0)` |
/// | `constant_column` | `TestNumberOfConstantColumns` (DataQuality) | constant columns ≤ reference count; here per column |
/// | `type_violation` | `TestColumnsType` (DataStability) | current dtype equals the reference dtype |
/// | `missing_column` / `new_column` | `TestNumberOfColumns` (DataStability) | current columns = reference columns |
/// | `mean_shift` (opt-in) | `TestMeanInNSigmas` (`TestNumColumnsMeanInNSigmas`, DataStability) | ref mean − 2σ < current mean < ref mean + 2σ |
/// | `row_count` (opt-in) | `TestNumberOfRows` (DataStability) | current rows `eq approx(reference rows, relative=0.1)` |
///
/// Differences from Evidently, all deliberate: ±inf count as missing everywhere (Evidently's
/// default missing values are `["", inf, -inf, None]`, but its range test counts inf as out of
/// range); a missing value is never a new category (Evidently's out-of-list share counts missing
/// rows as out of list); the constant check is per column and skips windows with fewer than
/// ``QualityOptions/minimumValuesForConstantCheck`` values; a type violation is counted per value
/// (a text value where the reference held numbers, or a fraction where it held only integers)
/// rather than per column dtype; a non-number is a type violation only, not also a new category;
/// the mean-shift bounds are inclusive (Evidently's strict bounds fail every constant column).
public enum DataQuality {
    /// Infers the schema of `reference` (``DataSchema/infer(from:options:)``) and checks `current`.
    /// - Throws: ``QualityError`` when the reference or the options are unusable.
    public static func check(reference: DataTable, current: DataTable, options: QualityOptions = .init()) throws(QualityError) -> QualityReport {
        let schema = try DataSchema.infer(from: reference, options: options)
        return try check(schema: schema, current: current, options: options)
    }

    /// Checks `current` against `schema`. Never fails on the current data: every problem of it is
    /// a ``QualityViolation``. Columns are checked concurrently; results are in schema order.
    /// - Throws: ``QualityError/invalidOption(_:)`` / ``QualityError/conflictingTypes(column:)`` only.
    public static func check(schema: DataSchema, current: DataTable, options: QualityOptions = .init()) throws(QualityError) -> QualityReport {
        try options.validate()
        let columns = schema.columns
        let slots = ResultSlots<(ColumnQualityResult, [QualityViolation])>(count: columns.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, columns.count))
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment()
                if i >= columns.count { break }
                slots.set(i, checkColumn(columns[i], current.column(named: columns[i].name), currentRows: current.rowCount, options: options))
            }
        }
        var results: [ColumnQualityResult] = []
        var violations: [QualityViolation] = []
        for (result, found) in slots.values() {
            results.append(result)
            violations += found
        }
        let known = Set(columns.map(\.name))
        let newColumns = options.columns == nil ? current.columnNames.filter { !known.contains($0) } : []
        for name in newColumns {
            violations.append(QualityViolation(column: name, check: .newColumn,
                                               message: "column '\(name)' is in the current data but not in the reference",
                                               value: 1, limit: 0))
        }
        if current.rowCount == 0 && options.failOnEmptyCurrent {
            violations.append(QualityViolation(column: "", check: .emptyTable, message: "the current data has no rows", value: 0, limit: 1))
        }
        // row_count (opt-in) — TestNumberOfRows: eq=approx(reference rows, relative=0.1)
        if let tolerance = options.rowCountRelativeTolerance, schema.rowCount > 0 {
            let deviation = abs(Double(current.rowCount - schema.rowCount)) / Double(schema.rowCount)
            if deviation > tolerance {
                violations.append(QualityViolation(column: "", check: .rowCount,
                    message: "the current data has \(current.rowCount) rows, the reference \(schema.rowCount) "
                        + "(relative difference \(fmt(deviation)), limit \(fmt(tolerance)))",
                    value: deviation, limit: tolerance))
            }
        }
        return QualityReport(schema: schema, currentRows: current.rowCount, columns: results, newColumns: newColumns, violations: violations)
    }

    /// All checks of one column.
    static func checkColumn(_ schema: ColumnSchema, _ column: DataTable.Column?, currentRows: Int,
                            options: QualityOptions) -> (ColumnQualityResult, [QualityViolation]) {
        let name = schema.name
        guard let column else {
            let v = QualityViolation(column: name, check: .missingColumn,
                                     message: "column '\(name)' is in the reference but missing in the current data", value: 0, limit: 1)
            return (ColumnQualityResult(column: name, kind: schema.kind, valueType: schema.valueType, reference: schema.reference,
                                        current: nil, categories: nil, range: nil, failedChecks: [.missingColumn]), [v])
        }
        var range: ColumnProfile.Range?? = nil
        if schema.kind == .numerical {
            if let lo = schema.minimum, let hi = schema.maximum { range = .some((lo, hi)) } else { range = .some(nil) }
        }
        let profile = ColumnProfile(column, valueType: schema.valueType, checkIntegers: options.checkIntegerValues && schema.integerOnly,
                                    categories: schema.kind == .categorical, range: range)
        let stats = ColumnStatistics(profile)
        let rows = Double(max(stats.rows, 1))
        var violations: [QualityViolation] = []

        // missing_share — TestColumnShareOfMissingValues: lte=approx(reference share, relative=0.1)
        let missingLimit = options.missingShareLimit(referenceShare: schema.missingShare)
        if stats.missingShare > missingLimit {
            violations.append(QualityViolation(column: name, check: .missingShare,
                message: "missing share \(fmt(stats.missingShare)) (\(stats.missingCount) of \(stats.rows) rows) exceeds the limit \(fmt(missingLimit)) "
                    + "(reference share \(fmt(schema.missingShare)))",
                value: stats.missingShare, limit: missingLimit))
        }

        // new_categories — TestShareOfOutListValues: share of values not in the reference list eq approx(0)
        var categories: CategoryComparison? = nil
        if schema.kind == .categorical {
            let c = compareCategories(schema, profile.categories, currentRows: stats.rows, maxListed: options.maxListedCategories)
            categories = c
            if c.newValueCount > 0 && c.newValueShare > options.maxNewCategoryShare {
                let listed = c.newCategories.prefix(5).map { "'\($0.value)' (\($0.currentCount))" }.joined(separator: ", ")
                violations.append(QualityViolation(column: name, check: .newCategories,
                    message: "\(c.newCategoryCount) new categor\(c.newCategoryCount == 1 ? "y" : "ies") in \(c.newValueCount) of \(stats.rows) rows "
                        + "(share \(fmt(c.newValueShare)), limit \(fmt(options.maxNewCategoryShare))): \(listed)",
                    value: c.newValueShare, limit: options.maxNewCategoryShare))
            }
        }

        // out_of_range — TestShareOfOutRangeValues: share outside [reference min, reference max] eq approx(0)
        var rangeCheck: RangeCheck? = nil
        if schema.kind == .numerical {
            let out = profile.belowRange + profile.aboveRange
            let share = profile.values == 0 ? 0 : Double(out) / Double(profile.values)
            rangeCheck = RangeCheck(minimum: schema.minimum, maximum: schema.maximum, belowCount: profile.belowRange,
                                    aboveCount: profile.aboveRange, outOfRangeCount: out, outOfRangeShare: share)
            if out > 0 && share > options.maxOutOfRangeShare {
                let bounds = schema.minimum.map { "[\(FieldParser.categoryText($0)), \(FieldParser.categoryText(schema.maximum ?? $0))]" }
                    ?? "(the reference has no values)"
                violations.append(QualityViolation(column: name, check: .outOfRange,
                    message: "\(out) of \(profile.values) values outside the reference range \(bounds) "
                        + "(\(profile.belowRange) below, \(profile.aboveRange) above; share \(fmt(share)), limit \(fmt(options.maxOutOfRangeShare)))",
                    value: share, limit: options.maxOutOfRangeShare))
            }
        }

        // type_violation — TestColumnsType: the dtype must not change
        let typeShare = Double(stats.typeViolationCount) / rows
        if stats.typeViolationCount > 0 && typeShare > options.maxTypeViolationShare {
            let expected = schema.integerOnly && options.checkIntegerValues ? "integers" : "numbers"
            let examples = stats.typeViolationExamples.map { "'\($0)'" }.joined(separator: ", ")
            violations.append(QualityViolation(column: name, check: .typeViolation,
                message: "\(stats.typeViolationCount) of \(stats.rows) values are not \(expected) as in the reference "
                    + "(first at row \(stats.firstTypeViolationRow ?? 0); e.g. \(examples))",
                value: typeShare, limit: options.maxTypeViolationShare))
        }

        // constant_column — TestNumberOfConstantColumns: lte=reference count of constant columns
        if options.checkConstantColumns && !schema.constant && profile.values >= options.minimumValuesForConstantCheck && profile.distinct <= 1 {
            violations.append(QualityViolation(column: name, check: .constantColumn,
                message: "column is constant in the current data (\(profile.distinct) distinct value\(profile.distinct == 1 ? "" : "s") in "
                    + "\(profile.values) values) but had \(schema.reference.distinctCount) in the reference",
                value: Double(profile.distinct), limit: 2))
        }

        // mean_shift (opt-in) — TestMeanInNSigmas: |current mean − reference mean| within n reference stds
        if let sigmas = options.meanShiftSigmas, schema.kind == .numerical, let refMean = schema.reference.mean,
           let refStd = schema.reference.standardDeviation, let curMean = stats.mean {
            let shift = abs(curMean - refMean), limit = sigmas * refStd
            if shift.isFinite && limit.isFinite && shift > limit {
                violations.append(QualityViolation(column: name, check: .meanShift,
                    message: "current mean \(fmt(curMean)) is \(fmt(shift)) away from the reference mean \(fmt(refMean)); "
                        + "the limit is \(fmt(sigmas)) × std \(fmt(refStd)) = \(fmt(limit))",
                    value: shift, limit: limit))
            }
        }

        let failed = QualityCheck.allCases.filter { check in violations.contains { $0.check == check } }
        return (ColumnQualityResult(column: name, kind: schema.kind, valueType: schema.valueType, reference: schema.reference,
                                    current: stats, categories: categories, range: rangeCheck, failedChecks: failed), violations)
    }

    /// Reference categories (from the schema) against the current counts.
    static func compareCategories(_ schema: ColumnSchema, _ current: [(value: String, count: Int)], currentRows: Int,
                                  maxListed: Int) -> CategoryComparison {
        let allowed = schema.allowedCategories ?? []
        let refCounts = schema.allowedCategoryCounts ?? Array(repeating: 0, count: allowed.count)
        var union: [CategoryCount] = []
        union.reserveCapacity(allowed.count + current.count)
        var index: [String: Int] = [:]
        index.reserveCapacity(allowed.count)
        for (i, value) in allowed.enumerated() {
            index[value] = union.count
            union.append(CategoryCount(value: value, referenceCount: i < refCounts.count ? refCounts[i] : 0, currentCount: 0, isNew: false))
        }
        for (value, count) in current {
            if let i = index[value] { union[i].currentCount += count } else {
                union.append(CategoryCount(value: value, referenceCount: 0, currentCount: count, isNew: true))
            }
        }
        func byValue(_ a: CategoryCount, _ b: CategoryCount) -> Bool { a.value.unicodeScalars.lexicographicallyPrecedes(b.value.unicodeScalars) }
        let top = Array(union.sorted { a, b in
            let (ta, tb) = (a.referenceCount + a.currentCount, b.referenceCount + b.currentCount)
            return ta != tb ? ta > tb : byValue(a, b)
        }.prefix(maxListed))
        let newOnes = union.filter(\.isNew)
        let newValues = newOnes.reduce(0) { $0 + $1.currentCount }
        let listedNew = Array(newOnes.sorted { $0.currentCount != $1.currentCount ? $0.currentCount > $1.currentCount : byValue($0, $1) }.prefix(maxListed))
        let refTotal = union.reduce(0) { $0 + $1.referenceCount }, curTotal = union.reduce(0) { $0 + $1.currentCount }
        return CategoryComparison(top: top,
                                  otherReferenceCount: refTotal - top.reduce(0) { $0 + $1.referenceCount },
                                  otherCurrentCount: curTotal - top.reduce(0) { $0 + $1.currentCount },
                                  newCategories: listedNew, newCategoryCount: newOnes.count, newValueCount: newValues,
                                  newValueShare: currentRows == 0 ? 0 : Double(newValues) / Double(currentRows))
    }

    /// A share or limit for messages (4 significant digits).
    static func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
}
