import Foundation
import Testing
@testable import VaneMonitoring

// Reference values: SciPy 1.17.1 `spatial.distance.jensenshannon`, `stats.entropy`,
// `stats.chisquare`, computed once by hand; PSI/Z/Hellinger from their closed forms.
struct CountStatisticsTests {
    @Test func jensenShannonNaturalLog() {
        #expect(close(CountStatistics.jensenShannonDistance([0.1, 0.4, 0.5], [0.3, 0.3, 0.4]), 0.18035965602712561))
        // disjoint supports: sqrt(ln 2)
        #expect(close(CountStatistics.jensenShannonDistance(CategoryCounts(reference: [10, 0], current: [0, 5])), log(2.0).squareRoot(), rel: 1e-15))
    }

    @Test func kullbackLeibler() {
        #expect(close(CountStatistics.kullbackLeiblerDivergence([0.1, 0.4, 0.5], [0.3, 0.3, 0.4]), 0.11678337577100631))
    }

    @Test func chiSquareGoodnessOfFit() {
        // f_exp = reference counts × (n_cur / n_ref): [50, 90, 60] × 0.5 = [25, 45, 30]
        let counts = CategoryCounts(reference: [50, 90, 60], current: [30, 50, 20])
        #expect(close(CountStatistics.chiSquarePValue(counts), 0.08677432947392921))
        // a key absent from the reference → infinite statistic → p = 0
        #expect(CountStatistics.chiSquarePValue(CategoryCounts(reference: [10, 0], current: [5, 5])) == 0)
    }

    @Test func psiWithZeroFilling() {
        // current lacks key 2: its zero becomes 0.0001 (smallest non-zero 0.5 > 0.0001)
        let counts = CategoryCounts(reference: [5, 5], current: [10, 0])
        let want = (0.5 - 1.0) * log(0.5 / 1.0) + (0.5 - 0.0001) * log(0.5 / 0.0001)
        #expect(close(CountStatistics.populationStabilityIndex(counts), want, rel: 1e-15))
    }

    @Test func zeroFillUsesMillionthOfTinyMinimum() {
        var v = [0.00005, 0, 0.99995]
        CategoryCounts.fillZeros(&v)
        #expect(v[1] == 0.00005 / 1e6)
    }

    @Test func zTest() {
        // 30 of 100 vs 45 of 100 are "not the first key"
        let counts = CategoryCounts(reference: [70, 30], current: [55, 45])
        let p1 = 0.3, p2 = 0.45, pooled = 0.375
        let z = (p1 - p2) / (pooled * (1 - pooled) * (0.01 + 0.01)).squareRoot()
        let want = erfc(abs(z) / 2.0.squareRoot())   // 2 (1 − Φ(|z|))
        #expect(close(CountStatistics.zTestPValue(counts, firstKey: 0), want, rel: 1e-12))
        // same single value on both sides
        #expect(CountStatistics.zTestPValue(CategoryCounts(reference: [4], current: [9]), firstKey: 0) == 1)
    }

    @Test func hellingerCategorical() {
        let counts = CategoryCounts(reference: [1, 1], current: [1, 0])
        let want = (1 - (0.5).squareRoot()).squareRoot()
        #expect(close(CountStatistics.hellingerDistance(counts), want, rel: 1e-15))
    }

    @Test func countsFromStrings() {
        let c = CategoryCounts(reference: ["a", "b", nil, "a"], current: ["b", "c"])
        #expect(c.referenceTotal == 3)
        #expect(c.currentTotal == 2)
        #expect(c.observedKeyCount == 3)
    }
}
