#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thompson sampling over an experiment's feedback: each variant's share of the traffic is the
/// probability, under its posterior, that its mean reward (or accuracy) is the highest.
///
/// Each arm's mean has the normal posterior of a flat prior: centred on its sample mean, with
/// the standard error `sd / √n`, where `sd` is its own sample standard deviation once it has
/// `minimumCount` values and the pooled one of every arm before (an arm with no feedback is
/// centred on the pooled mean). The probability of being best is estimated from ``draws``
/// joint draws. Every variant keeps at least ``floor`` of the traffic, so that an arm the
/// bandit turned away from can still win back its share, and the experiment's test keeps
/// receiving data for every arm. Higher is better.
public enum ThompsonAllocation {
    /// The least share a variant keeps.
    public static let floor = 0.01
    /// Joint draws per allocation.
    public static let draws = 4_000
    /// Values an arm needs before its own spread is used.
    public static let minimumCount = 10

    /// The share of each of `variants` (summing to 1) from the feedback in `arms` (an arm
    /// missing from `arms` has none).
    public static func shares(arms: [ExperimentAnalysis.Arm], variants: [String],
                              using generator: inout some RandomNumberGenerator) -> [String: Double] {
        guard !variants.isEmpty else { return [:] }
        let byName = Dictionary(arms.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let all = variants.map { byName[$0] ?? .init(name: $0, count: 0, sum: 0, sumOfSquares: 0) }
        let total = all.reduce(into: (count: 0, sum: 0.0, squares: 0.0)) { t, arm in
            t.count += arm.count; t.sum += arm.sum; t.squares += arm.sumOfSquares
        }
        guard total.count > 0 else { return Dictionary(uniqueKeysWithValues: variants.map { ($0, 1 / Double(variants.count)) }) }
        let pooledMean = total.sum / Double(total.count)
        let pooledVariance = total.count > 1 ? max(0, (total.squares - Double(total.count) * pooledMean * pooledMean) / Double(total.count - 1)) : 0
        // A spread for the prior when the feedback so far has none (all equal): a tenth of the mean's size, or 1.
        let pooledSD = pooledVariance > 0 ? pooledVariance.squareRoot() : (pooledMean == 0 ? 1 : abs(pooledMean) / 10)
        let posteriors = all.map { arm -> (mean: Double, sd: Double) in
            guard arm.count > 0, let mean = arm.mean else { return (pooledMean, pooledSD) }
            let sd = arm.count >= minimumCount ? max((arm.variance ?? 0).squareRoot(), pooledSD / 100) : pooledSD
            return (mean, sd / Double(arm.count).squareRoot())
        }
        var wins = [Int](repeating: 0, count: all.count)
        for _ in 0..<draws {
            var best = 0
            var bestValue = -Double.infinity
            for (i, p) in posteriors.enumerated() {
                let value = p.mean + p.sd * standardNormal(&generator)
                if value > bestValue { bestValue = value; best = i }
            }
            wins[best] += 1
        }
        let k = Double(all.count)
        let free = max(0, 1 - k * floor)
        return Dictionary(uniqueKeysWithValues: variants.enumerated().map { i, name in
            (name, floor + free * Double(wins[i]) / Double(draws))
        })
    }

    /// A standard normal draw (Box–Muller).
    static func standardNormal(_ generator: inout some RandomNumberGenerator) -> Double {
        let u1 = max(Double(generator.next() >> 11) * 0x1p-53, 0x1p-60)
        let u2 = Double(generator.next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
