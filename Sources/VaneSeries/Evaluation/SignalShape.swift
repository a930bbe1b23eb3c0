import Foundation

/// The normal behaviour of one generated series and how anomalies are rendered into it.
struct SignalShape: Sendable {
    enum Noise: String, Sendable { case gaussian, heavyTailed, ar1 }

    let n: Int
    let isCount: Bool
    let level: Double
    let dailyAmplitude: Double
    let dailyPhase: Double
    let weeklyAmplitude: Double
    let weeklyPhase: Double
    let slopePerRow: Double
    let noise: Noise
    /// Noise standard deviation (for counts, the Poisson sd at the level).
    let sigma: Double
    private(set) var tags: [String] = []

    init(rng: inout SplitMix64, n: Int, isCount: Bool, needsDaily: Bool) {
        self.n = n
        self.isCount = isCount
        level = isCount ? rng.uniform(3, 60) : rng.uniform(10, 1_000)
        let hasDaily = needsDaily || rng.chance(0.7)
        dailyAmplitude = hasDaily ? level * rng.uniform(0.1, 0.5) : 0
        dailyPhase = rng.uniform(0, 2 * Double.pi)
        let hasWeekly = rng.chance(0.35)
        weeklyAmplitude = hasWeekly ? level * rng.uniform(0.05, 0.25) : 0
        weeklyPhase = rng.uniform(0, 2 * Double.pi)
        let hasTrend = rng.chance(0.4)
        slopePerRow = hasTrend ? level * rng.uniform(-0.3, 0.5) / Double(n) : 0
        let noiseLevel = [0.01, 0.03, 0.08][rng.int(in: 0...2)]
        if isCount {
            noise = .gaussian
            sigma = level.squareRoot()
        } else {
            noise = [Noise.gaussian, .gaussian, .heavyTailed, .ar1][rng.int(in: 0...3)]
            sigma = level * noiseLevel
        }
        if hasDaily { tags.append("daily") }
        if hasWeekly { tags.append("weekly") }
        if hasTrend { tags.append("trend") }
        if isCount {
            tags.append("count")
        } else {
            tags.append(noise.rawValue)
            tags.append(noiseLevel == 0.01 ? "noiseLow" : noiseLevel == 0.03 ? "noiseMid" : "noiseHigh")
        }
    }

    /// Values for the given timestamps with the anomalies applied.
    /// Returns the values and the anomalies with their ``InjectedAnomaly/magnitude`` filled in.
    func render(timestamps: [Double], anomalies planned: [InjectedAnomaly], rng: inout SplitMix64) -> ([Double], [InjectedAnomaly]) {
        var anomalies = planned
        var base = [Double](repeating: level, count: n)
        var seasonal = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let t = timestamps[i]
            let day = 2 * Double.pi * t / 86_400 + dailyPhase
            let week = 2 * Double.pi * t / 604_800 + weeklyPhase
            seasonal[i] = dailyAmplitude * (sin(day) + 0.3 * sin(2 * day)) + weeklyAmplitude * sin(week)
            base[i] += slopePerRow * Double(i) + seasonal[i]
        }
        var noiseScale = [Double](repeating: 1, count: n)
        // Structural anomalies change the expected behaviour.
        for (k, a) in anomalies.enumerated() {
            let range = a.row..<min(a.row + a.duration, n)
            switch a.kind {
            case .levelShift:
                let shift = signedMagnitude(rng: &rng, 4, 10)
                anomalies[k].magnitude = shift
                for i in range { base[i] += shift }
            case .slowDrift:
                let total = signedMagnitude(rng: &rng, 6, 15)
                anomalies[k].magnitude = total
                for i in a.row..<n {
                    base[i] += total * min(Double(i - a.row + 1) / Double(max(a.duration, 1)), 1)
                }
            case .varianceChange:
                let factor = rng.uniform(3, 6)
                anomalies[k].magnitude = factor
                for i in range { noiseScale[i] *= factor }
            case .seasonalityBreak:
                let invert = rng.chance(0.5)
                anomalies[k].magnitude = invert ? -2 : -1
                for i in range { base[i] -= (invert ? 2 : 1) * seasonal[i] }
            case .spike, .dip, .flatLine:
                break
            }
        }
        var values = [Double](repeating: 0, count: n)
        var previousNoise = 0.0
        for i in 0..<n {
            if isCount {
                let mean = max(base[i], 0.05)
                values[i] = max(0, (mean + (rng.poisson(mean: mean) - mean) * noiseScale[i]).rounded())
                continue
            }
            let e: Double
            switch noise {
            case .gaussian: e = rng.gaussian()
            case .heavyTailed: e = rng.studentT(dof: 3) / 3.0.squareRoot()
            case .ar1:
                previousNoise = 0.7 * previousNoise + (1 - 0.49).squareRoot() * rng.gaussian()
                e = previousNoise
            }
            values[i] = base[i] + sigma * noiseScale[i] * e
        }
        // Point anomalies and stuck sensors act on the observed values.
        for (k, a) in anomalies.enumerated() {
            let range = a.row..<min(a.row + a.duration, n)
            switch a.kind {
            case .spike, .dip:
                // Half are "contextual" (hidden inside the seasonal range), half "global"
                // (6–10 times the whole series' spread).
                let size = rng.chance(0.5)
                    ? sigma * rng.uniform(6, 12) + 0.05 * abs(level)
                    : globalSpread * rng.uniform(6, 10)
                anomalies[k].magnitude = a.kind == .spike ? size : -size
                for i in range { values[i] += a.kind == .spike ? size : -size }
                if isCount { for i in range { values[i] = max(0, values[i].rounded()) } }
            case .flatLine:
                let stuck = values[max(a.row - 1, 0)]
                for i in range { values[i] = stuck }
            default:
                break
            }
        }
        return (values, anomalies)
    }

    /// Approximate standard deviation of the anomaly-free series (seasonality, trend and noise).
    var globalSpread: Double {
        let trend = slopePerRow * Double(n)
        let seasonalVariance = dailyAmplitude * dailyAmplitude * 0.545 + weeklyAmplitude * weeklyAmplitude * 0.5
        return (seasonalVariance + trend * trend / 12 + sigma * sigma).squareRoot()
    }

    private func signedMagnitude(rng: inout SplitMix64, _ lo: Double, _ hi: Double) -> Double {
        let m = sigma * rng.uniform(lo, hi)
        return rng.chance(0.5) ? m : -m
    }
}
