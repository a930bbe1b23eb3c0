import Testing
@testable import VaneMonitoring

// Reference values: SciPy 1.17.1 (`wasserstein_distance`, `energy_distance`, `anderson_ksamp`,
// `cramervonmises_2samp`, `ttest_ind`) on the samples below, computed once by hand.
struct SampleStatisticsTests {
    let a = [0.1, 0.5, 1.2, 2.2, 3.1, 3.3, 4.0, 5.5]
    let b = [1.0, 2.5, 2.6, 3.9, 4.4, 6.1, 6.2, 7.0, 8.5]

    @Test func wasserstein() {
        #expect(close(NumericSampleStatistics.wassersteinDistance(sortedU: a, sortedV: b), 2.201388888888889))
        // shifting one sample by 2 moves every unit of mass by 2
        #expect(close(NumericSampleStatistics.wassersteinDistance(sortedU: a, sortedV: a.map { $0 + 2 }), 2, rel: 1e-14))
    }

    @Test func normedWassersteinUsesReferenceStdAndGuard() {
        let constant = [Double](repeating: 5, count: 10)
        let shifted = [Double](repeating: 7, count: 10)
        // std 0 → guard 0.001 → 2 / 0.001
        #expect(close(NumericSampleStatistics.normedWasserstein(reference: constant, sortedReference: constant, sortedCurrent: shifted), 2000))
    }

    @Test func energy() {
        #expect(close(NumericSampleStatistics.energyDistance(sortedU: a, sortedV: b), 1.1683684677973856))
    }

    @Test func andersonDarling() throws {
        let r = try AndersonDarlingTest.test(sortedA: a, sortedB: b)
        #expect(close(r.statistic, 1.4766912478852834))
        #expect(close(r.pValue, 0.07990422505677384))
        let c = (0..<60).map { let t = -2 + 4 * Double($0) / 59; return t * t * t }.sorted()
        let d = (0..<70).map { -1.5 + 4 * Double($0) / 69 }
        let r2 = try AndersonDarlingTest.test(sortedA: c, sortedB: d)
        #expect(close(r2.statistic, 3.8391566817525207))
        #expect(close(r2.pValue, 0.00927635992566099))
    }

    @Test func andersonDarlingCapsAndRaises() throws {
        #expect(try AndersonDarlingTest.test(sortedA: a, sortedB: a).pValue == 0.25)
        #expect(try AndersonDarlingTest.test(sortedA: a, sortedB: b.map { $0 + 100 }).pValue == 0.001)
        #expect(throws: AndersonDarlingTest.NeedsTwoDistinctValues.self) {
            try AndersonDarlingTest.test(sortedA: [1, 1, 1], sortedB: [1, 1])
        }
    }

    @Test func cramerVonMisesExactAndAsymptotic() throws {
        let r = try CramerVonMisesTest.test(sortedX: a, sortedY: b)
        #expect(r.exact)
        #expect(close(r.statistic, 0.3570261437908493))
        #expect(close(r.pValue, 0.10287947346770876))
        let c = (0..<60).map { let t = -2 + 4 * Double($0) / 59; return t * t * t }.sorted()
        let d = (0..<70).map { -1.5 + 4 * Double($0) / 69 }
        let r2 = try CramerVonMisesTest.test(sortedX: c, sortedY: d)
        #expect(!r2.exact)
        #expect(close(r2.pValue, 0.03423202702355421))
    }

    @Test func studentTTest() {
        #expect(close(NumericSampleStatistics.tTestPValue(a, b), 0.05544424429960986))
        #expect(NumericSampleStatistics.tTestPValue([5, 5, 5], [5, 5]).isNaN)
        #expect(NumericSampleStatistics.tTestPValue([5, 5, 5], [7, 7]) == 0)
    }

    @Test func hellingerOfIdenticalAndDisjointSamples() throws {
        // identical samples: BC = 1 up to rounding, so H ≈ sqrt(1e-16)
        #expect(try NumericSampleStatistics.hellingerDistance(sortedReference: a, sortedCurrent: a) < 1e-7)
        let far = b.map { $0 + 100 }
        #expect(try NumericSampleStatistics.hellingerDistance(sortedReference: a, sortedCurrent: far) == 1)
    }

    @Test func binnedMethodsRejectInfiniteRange() {
        let withInf = (0..<30).map(Double.init) + [.infinity]
        #expect(throws: Histogram.NonFiniteRange.self) {
            try NumericSampleStatistics.binnedCounts(sortedReference: withInf, sortedCurrent: [1, 2])
        }
    }
}
