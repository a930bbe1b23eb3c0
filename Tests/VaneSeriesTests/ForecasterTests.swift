import Foundation
import Testing
@testable import VaneSeries

struct ForecasterTests {
    /// Deterministic noise in [-1, 1].
    static func noise(_ i: Int, seed: UInt64 = 1) -> Double {
        var z = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 &+ seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 52) - 1
    }

    @Test func linearGrowthCrossesTheLimitWhenTheLineDoes() throws {
        // a disk filling by 1 unit per hour from 10, observed hourly for 500 hours
        let t = (0..<500).map { Double($0) * 3600 }
        let y = (0..<500).map { 10 + Double($0) + 0.2 * Self.noise($0) }
        let f = try Forecaster.forecast(timestamps: t, values: y, horizon: 200 * 3600, limit: 600)
        #expect(f.model == "holt-linear")
        let c = try #require(f.crossing)
        // the line reaches 600 at hour 590, 91 hours after the last observation
        let likely = try #require(c.likely)
        #expect(abs(likely - 590 * 3600) <= 2 * 3600)
        let earliest = try #require(c.earliest), latest = try #require(c.latest)
        #expect(earliest <= likely && likely <= latest)
        #expect(c.direction == "up" && !c.alreadyCrossed)
    }

    @Test func dailySeasonalityIsFoundAndForecast() throws {
        let step = 300.0, perDay = 288
        let t = (0..<(perDay * 14)).map { Double($0) * step }
        let y = (0..<(perDay * 14)).map { 50 + 20 * sin(2 * Double.pi * Double($0) / Double(perDay)) + Self.noise($0) }
        let f = try Forecaster.forecast(timestamps: t, values: y, horizon: 86_400)
        #expect(f.model == "holt-winters-additive")
        #expect(f.fit.period == perDay)
        #expect(f.points.count == perDay)
        // the forecast follows the sine: error far below its amplitude
        var worst = 0.0
        for (k, p) in f.points.enumerated() {
            let i = perDay * 14 + k
            worst = max(worst, abs(p.value - (50 + 20 * sin(2 * Double.pi * Double(i) / Double(perDay)))))
        }
        #expect(worst < 4)
    }

    @Test func intervalsWidenAndCoverHeldOutPoints() throws {
        let n = 3000
        let t = (0..<n).map { Double($0) * 60 }
        let y = (0..<n).map { 100 + 5 * Self.noise($0, seed: 7) }
        let train = 2900
        let f = try Forecaster.forecast(timestamps: Array(t[..<train]), values: Array(y[..<train]), horizon: 100 * 60)
        let widths = f.points.map { $0.upper - $0.lower }
        #expect(widths.first! <= widths.last!)
        let inside = zip(f.points, y[train...]).filter { $0.0.lower <= $0.1 && $0.1 <= $0.0.upper }.count
        #expect(inside >= 85)   // 95 % nominal coverage of 100 held-out points
    }

    @Test func irregularRepeatedAndUnsortedTimestamps() throws {
        var t: [Double] = [], y: [Double] = []
        for i in 0..<400 where i % 7 != 3 {   // gaps
            t.append(Double(i) * 10 + (i % 5 == 0 ? 2 : 0)); y.append(Double(i))
            if i % 11 == 0 { t.append(Double(i) * 10); y.append(Double(i)) }   // repeats
        }
        t.swapAt(5, 50); y.swapAt(5, 50)
        let f = try Forecaster.forecast(timestamps: t, values: y, horizon: 100)
        #expect(f.step == 10)
        #expect(f.points.allSatisfy { $0.value.isFinite && $0.lower <= $0.upper })
        #expect(abs(f.points.last!.value - 409) < 3)
    }

    @Test func constantAndHugeSeriesStayFinite() throws {
        let t = (0..<100).map { Double($0) }
        let flat = try Forecaster.forecast(timestamps: t, values: [Double](repeating: 7, count: 100), horizon: 10, limit: 8)
        #expect(flat.points.allSatisfy { $0.value == 7 && $0.lower == 7 && $0.upper == 7 })
        #expect(flat.crossing?.likely == nil)
        let huge = try Forecaster.forecast(timestamps: t, values: t.map { 1e300 + $0 * 1e285 }, horizon: 10)
        #expect(huge.points.allSatisfy { $0.value.isFinite && $0.upper.isFinite })
    }

    @Test func tooLittleDataOrHorizonIsAnError() {
        #expect(throws: Forecaster.Failure.self) { try Forecaster.forecast(timestamps: [1, 2], values: [1, 2], horizon: 10) }
        #expect(throws: Forecaster.Failure.self) { try Forecaster.forecast(timestamps: [1, 1, 1], values: [1, 2, 3], horizon: 10) }
        #expect(throws: Forecaster.Failure.self) { try Forecaster.forecast(timestamps: [1, 2, 3], values: [1, 2, 3], horizon: 0) }
        #expect(throws: Forecaster.Failure.self) { try Forecaster.forecast(timestamps: [1, 2, 3], values: [1, 2, 3], horizon: 1e12) }
        #expect(throws: Forecaster.Failure.self) {
            try Forecaster.forecast(timestamps: [1, 2, 3, 4], values: [.nan, .infinity, 1, .nan], horizon: 1)
        }
    }

    @Test func normalQuantileMatchesKnownValues() {
        #expect(abs(SpecialFunctionsSeries.normalQuantile(0.975) - 1.959963984540054) < 1e-12)
        #expect(abs(SpecialFunctionsSeries.normalQuantile(0.5)) < 1e-15)
        #expect(abs(SpecialFunctionsSeries.normalQuantile(0.001) + 3.090232306167813) < 1e-10)
    }
}

struct SeasonalityDetectorTests {
    @Test func calendarPeriods() {
        let perDay = 288
        let daily = (0..<(perDay * 10)).map { 10 * sin(2 * Double.pi * Double($0) / Double(perDay)) + ForecasterTests.noise($0) }
        #expect(SeasonalityDetector.period(of: daily, step: 300) == perDay)
        // weekdays high, weekends low, on top of the daily shape: weekly
        let weekly = (0..<(perDay * 28)).map { i -> Double in
            let weekend = (i / perDay) % 7 >= 5
            return (weekend ? 0 : 30) + 10 * sin(2 * Double.pi * Double(i) / Double(perDay)) + ForecasterTests.noise(i)
        }
        #expect(SeasonalityDetector.period(of: weekly, step: 300) == perDay * 7)
    }

    @Test func noPeriodInNoiseOrATrendOrAWalk() {
        #expect(SeasonalityDetector.period(of: (0..<2000).map { ForecasterTests.noise($0) }, step: 60) == nil)
        #expect(SeasonalityDetector.period(of: (0..<2000).map { Double($0) }, step: 60) == nil)
        var walk = 0.0
        let w = (0..<3000).map { i -> Double in walk += ForecasterTests.noise(i, seed: 3); return walk }
        #expect(SeasonalityDetector.period(of: w, step: 60) == nil)
    }

    @Test func uncalendarPeriodIsFoundByItsPeak() {
        let v = (0..<3000).map { 5 * sin(2 * Double.pi * Double($0) / 37) + 0.3 * ForecasterTests.noise($0) }
        #expect(SeasonalityDetector.period(of: v, step: 1) == 37)
    }
}

struct ForecasterInitialisationTests {
    @Test func noiseDoesNotStartASpuriousTrend() throws {
        // level 100 with noise ±5: the forecast a day ahead stays near the level
        let t = (0..<3000).map { Double($0) * 300 }
        let y = (0..<3000).map { 100 + 5 * ForecasterTests.noise($0, seed: 42) }
        let f = try Forecaster.forecast(timestamps: t, values: y, horizon: 86_400)
        #expect(f.model == "holt-linear")
        #expect(abs(f.points.last!.value - 100) < 1.5)
        #expect(abs(f.fit.trend) * 288 < 1.5)
    }

    @Test func faintDailySeasonInNoisyCountsIsKeptWhenItForecastsBetter() throws {
        // the harness's first accuracy series: daily counts whose season hides under Poisson noise
        let s = SeriesGenerator(seed: 20_251_203, seriesCount: 1, lengthRange: 3_000...6_000, noAnomalyShare: 1.0, irregularShare: 0.0).series(index: 0)
        #expect(s.tags.contains("count") && s.tags.contains("daily"))
        let n = s.values.count - 288
        let f = try Forecaster.forecast(timestamps: Array(s.timestamps[..<n]), values: Array(s.values[..<n]), horizon: 288 * 300)
        #expect(f.fit.period == 288)
        let smape = try #require(ForecastAccuracy.sMAPE(actual: Array(s.values[n...]), forecast: f.points.map(\.value)))
        #expect(smape < 26)   // 28.0 without the season
    }
}
