import Foundation
import Testing
@testable import VaneMonitoring

struct DataQualityTests {
    func table(_ columns: [(String, DataTable.Column)]) throws -> DataTable {
        try DataTable(columns: columns.map { (name: $0.0, values: $0.1) })
    }

    func strings(_ values: [String?]) -> DataTable.Column { .categorical(CategoricalColumn(values)) }

    func violations(_ r: QualityReport, _ check: QualityCheck) -> [QualityViolation] { r.violations.filter { $0.check == check } }

    /// Parses JSON and fails the test on NaN/Infinity anywhere.
    func jsonObject(_ r: QualityReport) throws -> [String: Any] {
        let data = try r.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("NaN") && !text.contains("Infinity"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func infersSchemaFromTheReference() throws {
        let ref = try CSVReader.parse(text: """
            x,n,city,id
            1.5,1,paris,a1
            2.5,2,rome,a2
            ,3,paris,a3
            4,1,,a4
            inf,2,rome,a5
            """)
        let s = try DataSchema.infer(from: ref)
        #expect(s.rowCount == 5)
        #expect(s.columns.map(\.name) == ["x", "n", "city", "id"])
        let x = try #require(s.column(named: "x"))
        #expect(x.kind == .numerical && x.valueType == .number)
        #expect(x.minimum == 1.5 && x.maximum == 4)
        #expect(x.reference.missingCount == 2 && x.missingShare == 0.4)   // empty field and inf
        #expect(x.reference.infiniteCount == 1)
        #expect(x.reference.mean == 8.0 / 3.0)
        #expect(!x.integerOnly && !x.constant && x.allowedCategories == nil)
        let n = try #require(s.column(named: "n"))
        #expect(n.kind == .categorical && n.valueType == .number && n.integerOnly)   // int literals, ≤ 10 distinct
        #expect(n.allowedCategories == ["1", "2", "3"] && n.allowedCategoryCounts == [2, 2, 1])
        let city = try #require(s.column(named: "city"))
        #expect(city.kind == .categorical && city.valueType == .string)
        #expect(city.allowedCategories == ["paris", "rome"] && city.allowedCategoryCounts == [2, 2])
        #expect(city.missingShare == 0.2 && city.minimum == nil)
        let id = try #require(s.column(named: "id"))
        #expect(id.kind == .text && id.allowedCategories == nil && id.reference.distinctCount == 5)
    }

    @Test func optionsForceKindsAndSelectColumns() throws {
        let ref = try table([("a", .numeric([1, 2, 3, 4])), ("b", strings(["1", "2.5", nil, "4"])), ("c", .numeric([1, 1, 1, 1]))])
        let s = try DataSchema.infer(from: ref, options: .init(numericalColumns: ["b"], categoricalColumns: ["a"], columns: ["b", "a"]))
        #expect(s.columns.map(\.name) == ["b", "a"])
        #expect(s.columns[0].kind == .numerical && s.columns[0].valueType == .number && s.columns[0].maximum == 4)
        #expect(s.columns[1].kind == .categorical && s.columns[1].allowedCategories == ["1", "2", "3", "4"])
        #expect(throws: QualityError.notNumeric(column: "b")) {
            try DataSchema.infer(from: try table([("b", strings(["1", "x"]))]), options: .init(numericalColumns: ["b"]))
        }
        #expect(throws: QualityError.missingColumn(column: "zz")) { try DataSchema.infer(from: ref, options: .init(columns: ["zz"])) }
        #expect(throws: QualityError.conflictingTypes(column: "a")) {
            try DataSchema.infer(from: ref, options: .init(numericalColumns: ["a"], categoricalColumns: ["a"]))
        }
        #expect(throws: QualityError.emptyReference) { try DataSchema.infer(from: try table([("a", .numeric([]))])) }
        #expect(throws: QualityError.self) { try DataSchema.infer(from: ref, options: .init(maxOutOfRangeShare: .nan)) }
        #expect(throws: QualityError.self) { try DataSchema.infer(from: ref, options: .init(missingShareRelativeTolerance: -1)) }
    }

    @Test func cleanCurrentPasses() throws {
        let ref = try table([("x", .numeric((0..<100).map { Double($0) / 10 })), ("c", strings((0..<100).map { ["a", "b", "c"][$0 % 3] }))])
        let cur = try table([("x", .numeric((0..<50).map { Double($0) / 5 })), ("c", strings((0..<50).map { ["c", "a"][$0 % 2] }))])
        let r = try DataQuality.check(reference: ref, current: cur)
        #expect(r.passed && r.violations.isEmpty)
        #expect(r.violationCounts.count == QualityCheck.allCases.count && r.violationCounts.values.allSatisfy { $0 == 0 })
        #expect(r.columns.allSatisfy { $0.passed })
        #expect(r.columns[0].range?.outOfRangeCount == 0 && r.columns[0].current?.maximum == 9.8)
        let c = try #require(r.columns[1].categories)
        #expect(c.top.map(\.value) == ["a", "c", "b"])       // by reference + current count
        #expect(c.top.map(\.currentCount) == [25, 25, 0] && c.top.map(\.referenceCount) == [34, 33, 33])
        #expect(c.newCategoryCount == 0 && c.otherReferenceCount == 0)
    }

    @Test func missingShareFollowsTheReferenceWithTenPercentTolerance() throws {
        let ref = try table([("x", .numeric((0..<100).map { $0 < 10 ? .nan : 1 + Double($0 % 7) }))])
        func current(missing: Int) throws -> DataTable { try table([("x", .numeric((0..<100).map { $0 < missing ? .nan : 1 + Double($0 % 5) }))]) }
        #expect(try DataQuality.check(reference: ref, current: current(missing: 11)).passed)   // 0.11 ≤ 0.1 × 1.1
        let r = try DataQuality.check(reference: ref, current: current(missing: 12))
        let v = try #require(violations(r, .missingShare).first)
        #expect(v.column == "x" && v.value == 0.12 && close(v.limit, 0.11))
        #expect(r.columns[0].failedChecks == [.missingShare] && !r.passed)
        // no missing values in the reference: a single one fails (absolute tolerance 1e-12)
        let clean = try table([("x", .numeric((0..<100).map { 1 + Double($0 % 7) }))])
        let one = try DataQuality.check(reference: clean, current: current(missing: 1))
        #expect(violations(one, .missingShare).first?.limit == 1e-12)
        #expect(try DataQuality.check(reference: clean, current: current(missing: 1), options: .init(missingShareAbsoluteTolerance: 0.05)).passed)
    }

    @Test func newCategoriesAreCountedAndListed() throws {
        let ref = try table([("c", strings(["a", "b", "c", "a", "b", "c"]))])
        let cur = try table([("c", strings(["a", "b", "d", "d", "e", nil, "a", "a"]))])
        let r = try DataQuality.check(reference: ref, current: cur, options: .init(missingShareAbsoluteTolerance: 1, maxListedCategories: 2))
        let v = try #require(violations(r, .newCategories).first)
        #expect(v.value == 3.0 / 8.0 && v.limit == 0)
        #expect(v.message.contains("'d' (2)"))
        let c = try #require(r.columns[0].categories)
        #expect(c.newCategoryCount == 2 && c.newValueCount == 3 && c.newValueShare == 3.0 / 8.0)   // missing is not new
        #expect(c.newCategories.map(\.value) == ["d", "e"] && c.newCategories.map(\.currentCount) == [2, 1])
        #expect(c.top.map(\.value) == ["a", "b"] && c.top[0] == CategoryCount(value: "a", referenceCount: 2, currentCount: 3, isNew: false))
        #expect(c.otherReferenceCount == 2 && c.otherCurrentCount == 3)   // c (ref 2) and d, d, e
        #expect(r.violations.count == 1)
        #expect(try DataQuality.check(reference: ref, current: cur, options: .init(missingShareAbsoluteTolerance: 1, maxNewCategoryShare: 0.5)).passed)
    }

    @Test func numbersMatchCategoriesAcrossStorage() throws {
        // reference read as numbers (integer categories), current read as text
        let ref = try CSVReader.parse(text: "k\n1\n2\n3\n1\n")
        let cur = try CSVReader.parse(text: "k\n1\n2.0\nx\n5\n")
        let r = try DataQuality.check(reference: ref, current: cur)
        #expect(r.columns[0].categories?.newCategories.map(\.value) == ["5"])   // "2.0" is category 2
        #expect(r.columns[0].current?.typeViolationCount == 1 && r.columns[0].current?.firstTypeViolationRow == 3)
        #expect(Set(r.violations.map(\.check)) == [.newCategories, .typeViolation])
        // reference text, current numbers: 1 matches "1"
        let tref = try table([("k", strings(["a", "1", "b", "a", "1", "b"]))])
        let tr = try DataQuality.check(reference: tref, current: try table([("k", .numeric([1, 2, .nan]))]),
                                       options: .init(missingShareAbsoluteTolerance: 1))
        #expect(tr.columns[0].categories?.newCategories.map(\.value) == ["2"])
        #expect(tr.columns[0].current?.typeViolationCount == 0)
    }

    @Test func outOfRangeAgainstReferenceMinAndMax() throws {
        let ref = try table([("x", .numeric((0...10).map(Double.init) + [0.5]))])
        let cur = try table([("x", .numeric([-1, 5, 11, 12, 10, 0, .nan, .infinity]))])
        let r = try DataQuality.check(reference: ref, current: cur, options: .init(missingShareAbsoluteTolerance: 1))
        let range = try #require(r.columns[0].range)
        #expect(range.minimum == 0 && range.maximum == 10)
        #expect(range.belowCount == 1 && range.aboveCount == 2 && range.outOfRangeCount == 3)
        #expect(range.outOfRangeShare == 0.5)   // 3 of 6 finite values; bounds are inclusive, inf is missing
        let v = try #require(violations(r, .outOfRange).first)
        #expect(v.value == 0.5 && v.limit == 0)
        #expect(r.violations.map(\.check) == [.outOfRange])
        #expect(try DataQuality.check(reference: ref, current: cur, options: .init(missingShareAbsoluteTolerance: 1, maxOutOfRangeShare: 0.5)).passed)
    }

    @Test func textInANumericColumnIsATypeViolation() throws {
        let ref = try CSVReader.parse(text: "v,w\n1,a\n2,b\n3,a\n")
        let cur = try CSVReader.parse(text: "v,w\n1,a\nabc,a\n2.5,a\n,a\nabc,a\n3,a\n")
        let r = try DataQuality.check(reference: ref, current: cur,
                                      options: .init(numericalColumns: ["v"], columns: ["v"], missingShareAbsoluteTolerance: 1))
        let stats = try #require(r.columns[0].current)
        #expect(stats.typeViolationCount == 3)        // abc, 2.5 (not an integer), abc
        #expect(stats.firstTypeViolationRow == 2)
        #expect(stats.typeViolationExamples == ["abc", "2.5"])
        #expect(stats.missingCount == 1 && stats.valueCount == 3 && stats.maximum == 3)   // non-numbers are not values
        let v = try #require(violations(r, .typeViolation).first)
        #expect(v.value == 0.5 && v.message.contains("row 2"))
        #expect(r.violations.map(\.check) == [.typeViolation])
        // fractions allowed when the integer check is off
        let loose = try DataQuality.check(reference: ref, current: cur,
                                          options: .init(numericalColumns: ["v"], columns: ["v"], missingShareAbsoluteTolerance: 1, checkIntegerValues: false))
        #expect(loose.columns[0].current?.typeViolationCount == 2)
    }

    @Test func constantColumns() throws {
        let ref = try table([("x", .numeric([1, 2, 3, 4])), ("k", .numeric([7, 7, 7, 7]))])
        let r = try DataQuality.check(reference: ref, current: try table([("x", .numeric([5, 5, 5])), ("k", .numeric([7, 7, 7]))]),
                                      options: .init(maxOutOfRangeShare: 1))
        #expect(r.violations.map(\.check) == [.constantColumn])   // k was constant in the reference too
        #expect(r.violations[0].column == "x" && r.violations[0].value == 1 && r.violations[0].limit == 2)
        #expect(try DataSchema.infer(from: ref).column(named: "k")?.constant == true)
        // a single row is not judged constant by default; Evidently's exact rule with 0
        let single = try table([("x", .numeric([2])), ("k", .numeric([7]))])
        #expect(try DataQuality.check(reference: ref, current: single).passed)
        let strict = try DataQuality.check(reference: ref, current: single, options: .init(minimumValuesForConstantCheck: 0))
        #expect(strict.violations.map(\.check) == [.constantColumn])
    }

    @Test func missingAndNewColumns() throws {
        let ref = try table([("a", .numeric([1, 2])), ("b", .numeric([1, 2]))])
        let r = try DataQuality.check(reference: ref, current: try table([("a", .numeric([1, 2])), ("z", .numeric([1, 2]))]))
        #expect(r.violations.map(\.check) == [.missingColumn, .newColumn])
        #expect(r.violations.map(\.column) == ["b", "z"] && r.newColumns == ["z"])
        #expect(r.columns[1].current == nil && r.columns[1].failedChecks == [.missingColumn])
        #expect(r.violationCounts["missing_column"] == 1 && r.violationCounts["new_column"] == 1)
        let json = try jsonObject(r)
        let cols = try #require(json["columns"] as? [[String: Any]])
        #expect(cols[1]["current"] is NSNull)
        // a column outside `columns` is neither checked nor new
        #expect(try DataQuality.check(reference: ref, current: try table([("a", .numeric([1, 2])), ("z", .numeric([1, 2]))]),
                                      options: .init(columns: ["a"])).passed)
    }

    @Test func emptyCurrentTableGivesZeroSharesAndOneViolation() throws {
        let ref = try table([("x", .numeric([1, 2, .nan, 3, 4])), ("c", strings(["a", nil, "b", "a", "b"]))])
        let cur = try CSVReader.parse(text: "x,c\n")
        let r = try DataQuality.check(reference: ref, current: cur)
        #expect(r.currentRows == 0)
        #expect(r.violations.map(\.check) == [.emptyTable])
        let x = try #require(r.columns[0].current)
        #expect(x.missingShare == 0 && x.minimum == nil && x.mean == nil && r.columns[0].range?.outOfRangeShare == 0)
        #expect(r.columns[1].categories?.newValueShare == 0)
        _ = try jsonObject(r)
        #expect(try DataQuality.check(reference: ref, current: cur, options: .init(failOnEmptyCurrent: false)).passed)
    }

    @Test func allMissingColumns() throws {
        let ref = try table([("x", .numeric([.nan, .nan, .nan])), ("c", strings([nil, nil, nil]))])
        let s = try DataSchema.infer(from: ref)
        #expect(s.columns[0].missingShare == 1 && s.columns[0].minimum == nil && s.columns[0].constant && !s.columns[0].integerOnly)
        #expect(s.columns[1].kind == .categorical && s.columns[1].allowedCategories == [])
        #expect(try DataQuality.check(reference: ref, current: ref).passed)
        // values where the reference had none: every value is out of range / a new category
        let r = try DataQuality.check(reference: ref, current: try table([("x", .numeric([1, 2])), ("c", strings(["a", nil]))]))
        #expect(r.violations.map(\.check) == [.outOfRange, .newCategories])
        #expect(r.columns[0].range?.aboveCount == 2 && r.columns[0].range?.outOfRangeShare == 1)
        let json = try jsonObject(r)
        let schemaCols = try #require((json["schema"] as? [String: Any])?["columns"] as? [[String: Any]])
        #expect((schemaCols[0]["reference"] as? [String: Any])?["minimum"] is NSNull)
    }

    @Test func singleRowReference() throws {
        let ref = try table([("x", .numeric([3])), ("c", strings(["a"]))])
        let r = try DataQuality.check(reference: ref, current: try table([("x", .numeric([3, 3])), ("c", strings(["a", "a"]))]))
        #expect(r.passed)   // constant in both
        let bad = try DataQuality.check(reference: ref, current: try table([("x", .numeric([3, 4])), ("c", strings(["a", "b"]))]))
        // one distinct string in one row is text (distinct > 0.5 × values), so only the range is checked
        #expect(bad.schema.column(named: "c")?.kind == .text)
        #expect(bad.violations.map(\.check) == [.outOfRange] && bad.violations[0].value == 0.5)
    }

    @Test func jsonLayoutRoundTrips() throws {
        let ref = try CSVReader.parse(text: "x,c,t\n1.5,a,u1\n2.5,b,u2\n,a,u3\n2,b,u4\n")
        let cur = try CSVReader.parse(text: "x,c,t\n9,z,u1\ninf,a,\n")
        let r = try DataQuality.check(reference: ref, current: cur)
        let decoded = try JSONDecoder().decode(QualityReport.self, from: try r.jsonData())
        #expect(decoded == r)
        let json = try jsonObject(r)
        #expect(Set(json.keys) == ["schema_version", "passed", "reference_rows", "current_rows", "schema", "columns",
                                   "new_columns", "violations", "violation_counts"])
        #expect(json["schema_version"] as? Int == 1 && json["passed"] as? Bool == false)
        let cols = try #require(json["columns"] as? [[String: Any]])
        #expect(Set(cols[0].keys) == ["column", "kind", "value_type", "reference", "current", "categories", "range", "failed_checks", "passed"])
        #expect(cols[0]["categories"] is NSNull && cols[1]["range"] is NSNull)
        let stats = try #require(cols[0]["current"] as? [String: Any])
        #expect(Set(stats.keys) == ["rows", "missing_count", "missing_share", "infinite_count", "value_count", "distinct_count",
                                    "minimum", "maximum", "mean", "standard_deviation", "type_violation_count", "first_type_violation_row",
                                    "type_violation_examples"])
        #expect(stats["first_type_violation_row"] is NSNull)
        let cats = try #require(cols[1]["categories"] as? [String: Any])
        #expect(Set(cats.keys) == ["top", "other_reference_count", "other_current_count", "new_categories", "new_category_count",
                                   "new_value_count", "new_value_share"])
        #expect(Set(((cats["top"] as? [[String: Any]])?.first ?? [:]).keys) == ["value", "reference_count", "current_count", "new"])
        let range = try #require(cols[0]["range"] as? [String: Any])
        #expect(range["maximum"] as? Double == 2.5 && range["above_count"] as? Int == 1)
        let v = try #require((json["violations"] as? [[String: Any]])?.first)
        #expect(Set(v.keys) == ["column", "check", "message", "value", "limit"])
        let schemaCol = try #require(((json["schema"] as? [String: Any])?["columns"] as? [[String: Any]])?.first)
        #expect(Set(schemaCol.keys) == ["name", "kind", "value_type", "integer_only", "constant", "allowed_categories",
                                        "allowed_category_counts", "reference"])
        let schema = try JSONDecoder().decode(DataSchema.self, from: try JSONEncoder().encode(r.schema))
        #expect(schema == r.schema)
        #expect(try DataQuality.check(schema: schema, current: cur) == r)
    }

    @Test func optInMeanShiftAndRowCount() throws {
        let ref = try table([("x", .numeric([0, 2, 4, 6, 8]))])   // mean 4, sample std √10
        #expect(close(try DataSchema.infer(from: ref).columns[0].reference.standardDeviation ?? 0, 10.0.squareRoot()))
        let cur = try table([("x", .numeric([7, 8, 8, 7]))])      // mean 7.5: 3.5 away, 2σ ≈ 6.32
        let opts = QualityOptions(meanShiftSigmas: 1, rowCountRelativeTolerance: 0.1)
        let r = try DataQuality.check(reference: ref, current: cur, options: opts)
        #expect(r.violations.map(\.check) == [.meanShift, .rowCount])
        #expect(r.violations[0].value == 3.5 && close(r.violations[0].limit, 10.0.squareRoot()))
        #expect(r.violations[1].column == "" && r.violations[1].value == 0.2 && r.violations[1].limit == 0.1)
        #expect(try DataQuality.check(reference: ref, current: cur, options: .init(meanShiftSigmas: 2)).passed)
        #expect(try DataQuality.check(reference: ref, current: cur).passed)   // both off by default
        // a constant reference (std 0) with the same mean passes: the bounds are inclusive
        let flat = try table([("x", .numeric([3, 3, 3]))])
        #expect(try DataQuality.check(reference: flat, current: flat, options: .init(meanShiftSigmas: 2)).passed)
    }

    @Test func optionsDecodeWithDefaults() throws {
        let json = #"{"max_out_of_range_share": 0.05, "columns": ["a"], "mean_shift_sigmas": 2}"#
        let o = try JSONDecoder().decode(QualityOptions.self, from: Data(json.utf8))
        #expect(o == QualityOptions(columns: ["a"], maxOutOfRangeShare: 0.05, meanShiftSigmas: 2))
        #expect(try JSONDecoder().decode(QualityOptions.self, from: try JSONEncoder().encode(o)) == o)
        #expect(o.missingShareLimit(referenceShare: 0.5) == 0.55 && o.missingShareLimit(referenceShare: 0) == 1e-12)
    }

    @Test func largeTablesStayLinear() throws {
        let n = 200_000
        let ref = try table([("x", .numeric((0..<n).map { Double($0 % 1000) })), ("c", strings((0..<n).map { "k\($0 % 50)" }))])
        let cur = try table([("x", .numeric((0..<n).map { Double($0 % 1001) })), ("c", strings((0..<n).map { "k\($0 % 51)" }))])
        let start = Date()
        let r = try DataQuality.check(reference: ref, current: cur)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(r.columns[0].range?.aboveCount == (0..<n).filter { $0 % 1001 == 1000 }.count)
        #expect(r.columns[1].categories?.newCategories.map(\.value) == ["k50"])
    }
}
