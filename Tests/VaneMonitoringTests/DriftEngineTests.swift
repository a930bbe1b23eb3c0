import Foundation
import Testing
@testable import VaneMonitoring

struct DriftEngineTests {
    func table(_ columns: [(String, DataTable.Column)]) throws -> DataTable {
        try DataTable(columns: columns.map { (name: $0.0, values: $0.1) })
    }

    /// n values cycling through `distinct` evenly spaced numbers.
    func cycle(_ n: Int, distinct: Int, offset: Double = 0) -> [Double] {
        (0..<n).map { Double($0 % distinct) + offset + 0.5 }
    }

    @Test("default method follows the reference size and the distinct count", arguments: [
        (1000, 2, DriftMethod.z), (1000, 4, .chisquare), (1000, 6, .ks),
        (1001, 5, .jensenshannon), (1001, 6, .wasserstein),
    ])
    func defaultNumericalMethod(n: Int, distinct: Int, want: DriftMethod) throws {
        let r = DriftEngine.column(name: "x", kind: .numerical, reference: .numeric(cycle(n, distinct: distinct)),
                                   current: .numeric(cycle(300, distinct: distinct)), method: nil, threshold: nil)
        #expect(r.method == want)
        #expect(r.threshold == want.defaultThreshold)
        #expect(r.score != nil)
    }

    @Test func defaultCategoricalMethod() {
        #expect(DriftMethod.defaultMethod(kind: .categorical, referenceCount: 1000, uniqueCombined: 2) == .z)
        #expect(DriftMethod.defaultMethod(kind: .categorical, referenceCount: 1000, uniqueCombined: 3) == .chisquare)
        #expect(DriftMethod.defaultMethod(kind: .categorical, referenceCount: 1001, uniqueCombined: 2) == .jensenshannon)
        #expect(DriftMethod.defaultMethod(kind: .text, referenceCount: 10, uniqueCombined: 2) == nil)
    }

    @Test func missingValuesDoNotCountTowardsTheReferenceSize() {
        // 1100 rows, 200 missing → 900 used → statistical test regime (KS), not Wasserstein
        var ref = cycle(1100, distinct: 50)
        for i in stride(from: 0, to: 1100, by: 11) { ref[i] = .nan }
        for i in stride(from: 1, to: 1100, by: 11) { ref[i] = .infinity }
        let r = DriftEngine.column(name: "x", kind: .numerical, reference: .numeric(ref),
                                   current: .numeric(cycle(500, distinct: 50)), method: nil, threshold: nil)
        #expect(r.method == .ks)
        #expect(r.referenceRowsUsed == 900)
        #expect(r.referenceMissing == 100)
        #expect(r.referenceInfinite == 100)
        #expect(r.datasetPath == nil)   // the window holds a NaN, so both paths clean it
    }

    @Test func infinitiesWithoutNaNDifferOnTheDatasetPath() {
        var ref = cycle(1100, distinct: 50)
        ref[3] = .infinity
        let r = DriftEngine.column(name: "x", kind: .numerical, reference: .numeric(ref),
                                   current: .numeric(cycle(1100, distinct: 50)), method: nil, threshold: nil)
        #expect(r.method == .wasserstein)
        #expect(r.score.map { $0.isFinite } == true)
        #expect(r.datasetPath?.score?.isNaN == true)    // Wasserstein with inf is NaN there
        #expect(r.datasetPath?.driftDetected == false)
        let js = DriftEngine.column(name: "x", kind: .numerical, reference: .numeric(ref),
                                    current: .numeric(cycle(1100, distinct: 50)), method: .jensenshannon, threshold: nil)
        #expect(js.datasetPath?.error?.contains("not finite") == true)
    }

    @Test func forcedMethodOfTheWrongKindIsNotApplicable() {
        let r = DriftEngine.column(name: "c", kind: .categorical, reference: .categorical(CategoricalColumn(["a", "b"])),
                                   current: .categorical(CategoricalColumn(["a", "a"])), method: .ks, threshold: nil)
        #expect(r.score == nil)
        #expect(r.driftDetected == false)
        #expect(r.outcome.error?.contains("isn't applicable") == true)
    }

    @Test func emptyColumnIsAnErrorNotNaN() {
        let r = DriftEngine.column(name: "e", kind: .numerical, reference: .numeric([.nan, .nan]),
                                   current: .numeric([1, 2]), method: nil, threshold: nil)
        #expect(r.score == nil)
        #expect(r.outcome.error == "ValueError: An empty column 'e' was provided for drift calculation in the reference dataset.")
    }

    @Test func forcedThresholdChangesTheVerdictSide() throws {
        let ref = try table([("x", .numeric(cycle(500, distinct: 40)))])
        let cur = try table([("x", .numeric(cycle(500, distinct: 40, offset: 5)))])   // D = 1/8, KS p ≈ 1e-3
        let strict = try DriftEngine.run(reference: ref, current: cur, options: .init(thresholdPerColumn: ["x": 1e-12]))
        let loose = try DriftEngine.run(reference: ref, current: cur, options: .init(thresholdPerColumn: ["x": 0.99]))
        #expect(strict.columns[0].threshold == 1e-12)
        #expect(strict.columns[0].driftDetected == false)
        #expect(loose.columns[0].driftDetected == true)
    }

    @Test func methodPrecedence() {
        let o = DriftOptions(method: .psi, numericalMethod: .ks, methodPerColumn: ["a": .ed], threshold: 0.2, thresholdPerColumn: ["a": 0.3])
        #expect(o.method(for: "a", kind: .numerical) == .ed)
        #expect(o.method(for: "b", kind: .numerical) == .ks)
        #expect(o.method(for: "c", kind: .categorical) == .psi)
        #expect(o.threshold(for: "a", kind: .numerical) == 0.3)
        #expect(o.threshold(for: "b", kind: .categorical) == 0.2)
    }

    @Test func datasetVerdictAtExactlyHalf() throws {
        let same = cycle(200, distinct: 30)
        let ref = try table([("a", .numeric(same)), ("b", .numeric(same))])
        let cur = try table([("a", .numeric(same.map { $0 + 10 })), ("b", .numeric(same))])
        let report = try DriftEngine.run(reference: ref, current: cur)
        #expect(report.dataset.driftedColumns == 1)
        #expect(report.dataset.share == 0.5)
        #expect(report.dataset.driftDetected)     // share ≥ drift_share
        let higher = try DriftEngine.run(reference: ref, current: cur, options: .init(driftShare: 0.6))
        #expect(!higher.dataset.driftDetected)
    }

    @Test func typeInference() throws {
        let ints = (0..<100).map { Double($0 % 4) }
        let manyInts = (0..<100).map(Double.init)
        let words = CategoricalColumn((0..<100).map { $0 % 3 == 0 ? "x" : "y" })
        let text = CategoricalColumn((0..<100).map { "sentence \($0)" })
        let intHint = DataTable.SourceHints(integerLiteralsOnly: true)
        let ref = try DataTable(columns: [(name: "i", values: .numeric(ints)), (name: "n", values: .numeric(manyInts)),
                                          (name: "f", values: .numeric(ints)),
                                          (name: "w", values: .categorical(words)), (name: "t", values: .categorical(text))],
                                hints: [intHint, intHint, .init(), .init(), .init()])
        let kinds = try DriftEngine.resolveColumnKinds(reference: ref, current: ref, options: .init())
        // int ≤ 10 distinct → categorical; int > 10 → numerical; float (same values, no int hint) → numerical
        #expect(kinds.map(\.1) == [.categorical, .numerical, .numerical, .categorical, .text])
        let report = try DriftEngine.run(reference: ref, current: ref)
        #expect(report.skippedColumns.map(\.column) == ["t"])
        #expect(report.columns.count == 4)
    }

    @Test func declaredColumnsMustExistAndNotConflict() throws {
        let t = try table([("a", .numeric([1, 2]))])
        #expect(throws: DriftError.missingColumn(column: "zz", side: "reference")) {
            try DriftEngine.run(reference: t, current: t, options: .init(numericalColumns: ["zz"]))
        }
        #expect(throws: DriftError.conflictingTypes(column: "a")) {
            try DriftEngine.run(reference: t, current: t, options: .init(numericalColumns: ["a"], categoricalColumns: ["a"]))
        }
        let s = try table([("a", .categorical(CategoricalColumn(["x", "y"])))])
        #expect(throws: DriftError.notNumeric(column: "a", side: "reference")) {
            try DriftEngine.run(reference: s, current: s, options: .init(numericalColumns: ["a"]))
        }
    }

    @Test func stringCategoriesStayStringsEvenWhenTheyLookLikeNumbers() {
        // declared categorical and read as text, as Evidently compares them: "1" and "1.0" differ
        let r = DriftEngine.column(name: "c", kind: .categorical, reference: .categorical(CategoricalColumn(["1", "1.0", "2", "inf"])),
                                   current: .categorical(CategoricalColumn(["2", "2.0", "1", "inf"])), method: nil, threshold: nil)
        #expect(r.uniqueCombined == 5)
        #expect(r.method == .chisquare)
        #expect(r.referenceRowsUsed == 4 && r.referenceInfinite == 0)
    }

    @Test func numbersUsedAsCategoriesMergeByValue() {
        // an integer column inferred categorical holds numbers, as pandas does: 1 and 1.0 are one
        let r = DriftEngine.column(name: "c", kind: .categorical, reference: .numeric([1, 1.0, 2]),
                                   current: .numeric([2, 2.0, 1]), method: nil, threshold: nil)
        #expect(r.uniqueCombined == 2)
        #expect(r.method == .z)
    }

    @Test func reportJSONNeverHoldsNaN() throws {
        let r = DriftEngine.column(name: "k", kind: .numerical, reference: .numeric([5, 5, 5]), current: .numeric([5, 5]),
                                   method: .tTest, threshold: nil)
        #expect(r.score?.isNaN == true)
        let report = DriftReport(columns: [r], dataset: DatasetDriftSummary(verdicts: [false], driftShare: 0.5),
                                 evidentlyDatasetCount: DatasetDriftSummary(verdicts: [false], driftShare: 0.5), skippedColumns: [])
        let json = String(decoding: try report.jsonData(), as: UTF8.self)
        #expect(json.contains("\"score\" : \"NaN\""))
        #expect(json.contains("\"schema_version\" : 1"))
        let back = try JSONDecoder().decode(DriftReport.self, from: try report.jsonData())
        #expect(back.columns[0].score?.isNaN == true)
        #expect(back.columns[0].method == .tTest)
    }
}
