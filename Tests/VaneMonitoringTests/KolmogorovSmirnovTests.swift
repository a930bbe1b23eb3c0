import Testing
@testable import VaneMonitoring

// Reference values: SciPy 1.17.1 (`scipy.stats.ks_2samp`, `scipy.stats.kstwo.sf`,
// `scipy.special.smirnov`), computed once by hand in a Python virtualenv.
struct KolmogorovSmirnovTests {
    let a = [0.1, 0.5, 1.2, 2.2, 3.1, 3.3, 4.0, 5.5]
    let b = [1.0, 2.5, 2.6, 3.9, 4.4, 6.1, 6.2, 7.0, 8.5]

    @Test func exactUnequalSizes() {
        let r = KolmogorovSmirnovTest.test(a, b)
        #expect(r.mode == .exact)
        #expect(close(r.statistic, 0.4444444444444444))
        #expect(close(r.pValue, 0.24245166598107779))
    }

    @Test func exactEqualSizes() {
        let x = (0..<50).map { Double($0) / 49 }
        let y = (0..<50).map { 0.2 + 1.1 * Double($0) / 49 }
        let r = KolmogorovSmirnovTest.test(x, y)
        #expect(r.mode == .exact)
        #expect(close(r.pValue, 0.039194586195352224))
    }

    @Test func asymptoticAboveTenThousand() {
        let x = (0..<12000).map { Double($0) / 11999 }
        let y = (0..<300).map { 0.05 + Double($0) / 299 }
        let r = KolmogorovSmirnovTest.test(x, y)
        #expect(r.mode == .asymptotic)
        #expect(close(r.statistic, 0.05308333333333337))
        #expect(close(r.pValue, 0.3680289350630326))
    }

    @Test func identicalSamplesGiveOne() {
        #expect(KolmogorovSmirnovTest.test(a, a).pValue == 1)
    }

    @Test("kstwo.sf in every algorithm branch", arguments: [
        (100, 0.05, 0.9532159710635725),        // Durbin matrix
        (100, 0.15, 0.019839242125641813),      // Pomeranz
        (100, 0.3, 1.7719869892662917e-08),     // 2 × Smirnov, n ≤ 140
        (100, 0.6, 5.912822156396238e-35),      // x ≥ 0.5
        (10000, 0.005, 0.9628778025204304),     // Pelz–Good
        (10000, 0.0004, 1.0),                   // Durbin matrix, tiny x
        (10000, 0.02, 0.0006616848639387309),   // 2 × Smirnov, large n
        (1000, 0.0008, 1.0),                    // Ruben–Gambino
        (50000, 0.01, 9.018048811843602e-05),
    ])
    func kolmogorovSurvival(n: Int, x: Double, want: Double) {
        #expect(close(KolmogorovDistribution.survival(x, n: n), want))
    }

    @Test("one-sided Smirnov survival", arguments: [
        (100, 0.1, 0.1265906584562817), (10000, 0.03, 1.4880605975313099e-08), (20, 0.5, 1.893797620269516e-05),
    ])
    func smirnov(n: Int, x: Double, want: Double) {
        #expect(close(KolmogorovDistribution.smirnovSurvival(n, x), want))
    }
}
