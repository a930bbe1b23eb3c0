import Testing
@testable import VaneMonitoring

// Reference values: SciPy 1.17.1 `stats.chi2.sf`, `special.ndtr`, `stats.t.sf`, `special.kv`.
struct SpecialFunctionsTests {
    @Test("chi-square survival", arguments: [
        (3.5, 2.0, 0.1737739434504451), (50.0, 3.0, 7.989179244951495e-11), (500.0, 400.0, 0.00048221275959343273),
        (0.3, 1.0, 0.583882420770365), (1e-3, 5.0, 0.9999999983185123),
    ])
    func chiSquared(x: Double, df: Double, want: Double) {
        #expect(close(SpecialFunctions.chiSquaredSurvival(x, degreesOfFreedom: df), want))
    }

    @Test func chiSquaredWithZeroDegreesOfFreedom() {
        #expect(SpecialFunctions.chiSquaredSurvival(0, degreesOfFreedom: 0).isNaN)
        #expect(SpecialFunctions.chiSquaredSurvival(1e-20, degreesOfFreedom: 0) == 0)
        #expect(SpecialFunctions.chiSquaredSurvival(.infinity, degreesOfFreedom: 3) == 0)
    }

    @Test("normal CDF", arguments: [
        (0.3, 0.6179114221889526), (1.96, 0.9750021048517795), (5.0, 0.9999997133484281),
        (-2.0, 0.022750131948179195), (9.0, 1.0),
    ])
    func normal(z: Double, want: Double) {
        #expect(close(SpecialFunctions.normalCDF(z), want, rel: 1e-15))
    }

    @Test("Student t survival", arguments: [
        (2.5, 10.0, 0.01572342211830441), (30.0, 39998.0, 7.276288891132177e-196),
        (0.1, 3.0, 0.46332617440040297), (8.0, 100.0, 1.1364324038640347e-12),
    ])
    func studentT(t: Double, df: Double, want: Double) {
        #expect(close(SpecialFunctions.studentTSurvival(t, degreesOfFreedom: df), want))
    }

    @Test("Bessel K_1/4", arguments: [
        (0.001, 11.756476271934451), (0.1, 2.6851568718760555), (1.0, 0.4307397744485814),
        (5.0, 0.0037123027320318403), (50.0, 3.412278887574886e-23),
    ])
    func besselK(x: Double, want: Double) {
        #expect(close(SpecialFunctions.besselK(order: 0.25, x), want, rel: 1e-13))
    }

    @Test func incompleteBetaEndpoints() {
        #expect(SpecialFunctions.regularizedIncompleteBeta(a: 2, b: 3, x: 0, y: 1) == 0)
        #expect(SpecialFunctions.regularizedIncompleteBeta(a: 2, b: 3, x: 1, y: 0) == 1)
        // I_x(1, 1) = x
        #expect(close(SpecialFunctions.regularizedIncompleteBeta(a: 1, b: 1, x: 0.3, y: 0.7), 0.3, rel: 1e-14))
    }
}
