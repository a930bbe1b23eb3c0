import Foundation

/// A tiny, seedable SplitMix64 pseudo-random generator.
///
/// Used by ``SeriesGenerator`` so that a corpus generated from a seed is bit-for-bit
/// identical on every platform and Swift version (the standard library's
/// `SystemRandomNumberGenerator` is not seedable and its algorithms for
/// `Double.random(in:using:)` are not guaranteed stable across releases, so all
/// derived draws here are computed explicitly).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The internal 64-bit state.
    public private(set) var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 bits of precision.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in [lower, upper).
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUnit()
    }

    /// A uniform integer in the closed range, computed without platform-dependent helpers.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        nextUnit() < p
    }

    /// A standard normal draw (Box–Muller, one value per call).
    public mutating func gaussian() -> Double {
        var u1 = nextUnit()
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = nextUnit()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// A Student-t draw with `dof` degrees of freedom (heavy-tailed noise), `dof` a small integer.
    public mutating func studentT(dof: Int) -> Double {
        let z = gaussian()
        var chi2 = 0.0
        for _ in 0..<max(dof, 1) {
            let g = gaussian()
            chi2 += g * g
        }
        return z / (chi2 / Double(max(dof, 1))).squareRoot()
    }

    /// A Poisson draw (Knuth for small means, rounded normal approximation above 30).
    public mutating func poisson(mean: Double) -> Double {
        guard mean > 0 else { return 0 }
        if mean > 30 {
            return max(0, (mean + mean.squareRoot() * gaussian()).rounded())
        }
        let limit = exp(-mean)
        var k = 0.0
        var p = nextUnit()
        while p > limit {
            k += 1
            p *= nextUnit()
        }
        return k
    }
}
