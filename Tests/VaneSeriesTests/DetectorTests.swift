import Foundation
import Testing
@testable import VaneSeries

/// A seeded generator for the private synthetic series of these tests.
private struct TestRandom {
    var state: UInt64
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
    }
}

/// A labelled synthetic series: daily seasonality at a 5-minute step with noise.
private struct TestSeries {
    var timestamps: [Double]
    var values: [Double]

    static func seasonal(rows: Int = 4000, seed: UInt64 = 1) -> TestSeries {
        var rng = TestRandom(state: seed)
        let t = (0..<rows).map { 1_400_000_000 + Double($0) * 300 }
        let v = t.map { 50 + 10 * sin(2 * .pi * $0 / 86_400) + rng.normal() }
        return TestSeries(timestamps: t, values: v)
    }
}

private func run(_ name: DetectorName, _ t: [Double], _ v: [Double]) -> [Double] {
    var d = name.makeDetector()
    return d.scores(timestamps: t, values: v)
}

/// The 99.9th percentile of `scores` outside the given row ranges.
private func quietPercentile(_ scores: [Double], excluding ranges: [ClosedRange<Int>], from start: Int) -> Double {
    let quiet = (start..<scores.count).filter { i in !ranges.contains { $0.contains(i) } }.map { scores[$0] }.sorted()
    return quiet[min(quiet.count - 1, Int(0.999 * Double(quiet.count)))]
}

@Suite("Streaming anomaly detectors")
struct DetectorTests {
    @Test("the registry makes every detector and names the default", arguments: DetectorName.allCases)
    func registry(name: DetectorName) {
        var d = name.makeDetector()
        let s = d.score(timestamp: 0, value: 1)
        #expect(s.isFinite && s >= 0 && s <= 1)
        #expect(DetectorName(rawValue: name.rawValue) == name)
        #expect(DetectorName(rawValue: "default") == .default)
    }

    @Test("scores stay finite and in [0, 1] for adversarial input", arguments: DetectorName.allCases)
    func adversarial(name: DetectorName) {
        var d = name.makeDetector()
        var out: [Double] = []
        var ts = 1_000.0
        let specials: [Double] = [.nan, .infinity, -.infinity, 1e300, -1e300, .greatestFiniteMagnitude,
                                  -.greatestFiniteMagnitude, 1e-300, 0, -0.0, .leastNonzeroMagnitude]
        for i in 0..<3000 {
            let v: Double
            switch i % 500 {
            case 100..<110: v = specials[i % specials.count]
            case 200..<260: v = 7
            case 300..<310: v = i % 2 == 0 ? 1e300 : -1e300
            default: v = sin(Double(i) / 9) + Double(i % 7) * 1e-9
            }
            // Duplicate, decreasing, huge-gap and non-finite timestamps.
            switch i % 97 {
            case 0: break
            case 1: ts -= 5_000
            case 2: ts += 1e7
            case 3: out.append(d.score(timestamp: .nan, value: v)); continue
            default: ts += 60
            }
            out.append(d.score(timestamp: ts, value: v))
        }
        #expect(out.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        // The state is not poisoned: ordinary values afterwards still give finite scores.
        let after = (0..<200).map { d.score(timestamp: ts + Double($0) * 60, value: sin(Double($0))) }
        #expect(after.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    @Test("extreme and non-finite timestamps keep scores finite", arguments: DetectorName.allCases)
    func extremeTimestamps(name: DetectorName) {
        var d = name.makeDetector()
        let stamps: [Double] = [-.greatestFiniteMagnitude, .greatestFiniteMagnitude, -1e300, 1e300, 0, .nan,
                                .infinity, -.infinity, 1e18, -1]
        var out: [Double] = []
        for i in 0..<2000 {
            let t = i % 50 < 10 ? stamps[i % stamps.count] : Double(i) * 60
            out.append(d.score(timestamp: t, value: sin(Double(i) / 5) + (i % 300 == 0 ? 9 : 0)))
        }
        #expect(out.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    @Test("non-finite values score 0", arguments: DetectorName.allCases)
    func nonFinite(name: DetectorName) {
        var d = name.makeDetector()
        #expect(d.score(timestamp: 0, value: .nan) == 0)
        #expect(d.score(timestamp: 1, value: .infinity) == 0)
        #expect(d.score(timestamp: 2, value: -.infinity) == 0)
    }

    @Test("a single point and a constant series score 0", arguments: DetectorName.allCases)
    func constant(name: DetectorName) {
        var single = name.makeDetector()
        #expect(single.score(timestamp: 5, value: 42) == 0)
        for c in [0.0, 3.25, -1e300, 1e300, 1e-300] {
            let t = (0..<2000).map { Double($0) * 60 }
            let s = run(name, t, [Double](repeating: c, count: t.count))
            #expect(s.allSatisfy { $0 == 0 }, "constant \(c)")
        }
    }

    @Test("no look-ahead: a prefix scores exactly as it does inside the full series", arguments: DetectorName.allCases)
    func noLookAhead(name: DetectorName) {
        var series = TestSeries.seasonal(rows: 3000, seed: 7)
        for i in 2000..<3000 { series.values[i] += 8 }
        let full = run(name, series.timestamps, series.values)
        for n in [1, 37, 1000, 2001] {
            let prefix = run(name, Array(series.timestamps[..<n]), Array(series.values[..<n]))
            #expect(prefix == Array(full[..<n]), "prefix \(n)")
        }
    }

    @Test("deterministic: two fresh detectors give identical scores", arguments: DetectorName.allCases)
    func determinism(name: DetectorName) {
        let s = TestSeries.seasonal(rows: 2000, seed: 3)
        #expect(run(name, s.timestamps, s.values) == run(name, s.timestamps, s.values))
    }

    @Test("state does not grow with the series; the default holds at most 2 KB", arguments: DetectorName.allCases)
    func boundedState(name: DetectorName) {
        var d = name.makeDetector()
        let before = d.stateBytes
        let s = TestSeries.seasonal(rows: 20_000, seed: 5)
        for i in s.values.indices { _ = d.score(timestamp: s.timestamps[i], value: s.values[i]) }
        #expect(d.stateBytes == before)
        #expect(before > 0 && before <= 4096)
        if name == .default { #expect(before <= 2048) }
    }

    @Test("scores do not depend on the unit of the series (1e-6 … 1e250)", arguments: DetectorName.allCases)
    func scaleInvariance(name: DetectorName) {
        var s = TestSeries.seasonal(rows: 1500, seed: 11)
        s.values[1200] += 30
        let base = run(name, s.timestamps, s.values)
        for k in [1e-6, 1e250] {
            let scaled = run(name, s.timestamps, s.values.map { $0 * k })
            let worst = zip(base, scaled).map { abs($0 - $1) }.max() ?? 0
            // Spectral residual takes logs of near-zero FFT amplitudes, where rounding differs by scale.
            #expect(worst < (name == .spectralResidual ? 0.01 : 1e-6), "scale \(k): \(worst)")
        }
    }

    @Test("the default scores a spike and a level shift in a seasonal series high and the quiet part low")
    func spikeAndShift() {
        var s = TestSeries.seasonal(rows: 4000, seed: 2)
        s.values[2500] += 12
        for i in 3200..<4000 { s.values[i] += 6 }
        let scores = run(.default, s.timestamps, s.values)
        let spike = scores[2500...2502].max()!
        let shift = scores[3200...3230].max()!
        let quiet = quietPercentile(scores, excluding: [2500...2700, 3200...3999], from: 750)
        #expect(spike >= 0.6, "spike \(spike)")
        #expect(shift >= 0.6, "shift \(shift)")
        #expect(quiet < 0.45, "quiet 99.9th percentile \(quiet)")
        #expect(spike > quiet + 0.2 && shift > quiet + 0.2, "spike \(spike) shift \(shift) quiet \(quiet)")
    }

    @Test("the default notices a flat-line after variation")
    func flatline() {
        var s = TestSeries.seasonal(rows: 3000, seed: 4)
        for i in 2400..<2700 { s.values[i] = s.values[2399] }
        let scores = run(.default, s.timestamps, s.values)
        let flat = scores[2400..<2700].max()!
        let quiet = quietPercentile(scores, excluding: [2400...2999], from: 750)
        #expect(flat > quiet, "flat \(flat) quiet \(quiet)")
        #expect(flat >= 0.4, "flat \(flat)")
    }

    @Test("irregular sampling and gaps keep the default quiet on ordinary data")
    func irregularSampling() {
        var rng = TestRandom(state: 9)
        var t = 1_400_000_000.0
        var times: [Double] = [], values: [Double] = []
        for i in 0..<4000 {
            t += i == 2000 ? 86_400 : 200 + 200 * rng.uniform()
            times.append(t)
            values.append(50 + 10 * sin(2 * .pi * t / 86_400) + rng.normal())
        }
        let scores = run(.default, times, values)
        #expect(scores.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        #expect(quietPercentile(scores, excluding: [], from: 750) < 0.4)
    }
}
