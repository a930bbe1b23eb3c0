// vane-anomaly-bench: in-process timing of Vane's anomaly detectors and forecaster (VaneSeries),
// for Benchmarks/anomaly/run.sh. Every subcommand prints one JSON object on standard output.
//
//   data --out DIR [--points 1000000] [--fit-points 10000] [--accuracy-series 40] [--holdout 288]
//       writes the benchmark's series as CSV for the Python side and `vane anomaly score`:
//       series-1m.csv (timestamp,value), fit-10k.csv (timestamp,value) and accuracy.csv
//       (series,row,timestamp,value,heldout). The same generators feed the subcommands below,
//       so the Swift timings and the CSV files hold identical values (written shortest-round-trip).
//   detectors [--points 1000000] [--rounds 3] [--detector a,b]
//       each detector over the one seasonal series, one thread: points/s (best and median round).
//   fleet [--series 100000] [--points 1000]
//       the default detector over `series` series of `points` points, every state alive at once,
//       fed time-major (at each timestamp one point of every series, as a monitoring server
//       receives them): points/s, stateBytes, and RSS growth per series from /proc/self/status.
//   forecast [--fit-points 10000] [--repeat 20]
//       Forecaster.forecast (grid, period detection, Holt-Winters fit, 288 steps with intervals)
//       on the 10,000-point seasonal series: median and min milliseconds per call.
//   accuracy [--accuracy-series 40] [--holdout 288]
//       for each accuracy series: fit on all but the last `holdout` points, forecast `holdout`
//       steps, sMAPE, 95 % interval coverage and mean interval width against the held-out points.
import Foundation
import VaneSeries

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("vane-anomaly-bench: \(message)\n".utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { fail("usage: vane-anomaly-bench data|detectors|fleet|forecast|accuracy [--option value]...") }
let options: [String: String] = {
    var parsed: [String: String] = [:]
    var rest = arguments.dropFirst()
    while let key = rest.popFirst() {
        guard key.hasPrefix("--"), let value = rest.popFirst() else { fail("options are --name value pairs") }
        parsed[String(key.dropFirst(2))] = value
    }
    return parsed
}()
func intOption(_ name: String, _ fallback: Int) -> Int {
    guard let text = options[name] else { return fallback }
    guard let v = Int(text), v > 0 else { fail("--\(name) takes a positive integer") }
    return v
}

let step = 300.0
let start = 1_700_006_400.0  // a UTC midnight (2023-11-15)
let holdout = intOption("holdout", 288)

/// The benchmark's seasonal series: level 100, a daily shape (two harmonics, amplitude about
/// 35), a weekly swing of 10, Gaussian noise of sd 3, and a spike or dip of 8–15 sd on about one
/// row in 5,000; `slope` adds a linear trend per row. Depends only on `seed`.
func seasonalSeries(n: Int, seed: UInt64, slope: Double = 0) -> (timestamps: [Double], values: [Double]) {
    var rng = SplitMix64(seed: seed)
    var ts = [Double](repeating: 0, count: n), vs = [Double](repeating: 0, count: n)
    for i in 0..<n {
        let t = start + Double(i) * step
        let day = 2 * Double.pi * t / 86_400, week = 2 * Double.pi * t / 604_800
        var v = 100 + 30 * sin(day) + 9 * sin(2 * day + 1) + 10 * sin(week) + slope * Double(i) + 3 * rng.gaussian()
        if rng.chance(1.0 / 5_000) { v += (rng.chance(0.5) ? 1 : -1) * 3 * rng.uniform(8, 15) }
        ts[i] = t
        vs[i] = (v * 1e4).rounded() / 1e4   // 4 decimals: the CSV holds exactly these values
    }
    return (ts, vs)
}

func oneMillion() -> (timestamps: [Double], values: [Double]) { seasonalSeries(n: intOption("points", 1_000_000), seed: 1) }
func fitSeries() -> (timestamps: [Double], values: [Double]) { seasonalSeries(n: intOption("fit-points", 10_000), seed: 2, slope: 0.002) }
/// Anomaly-free generator series (daily/weekly shapes or none, trends, Gaussian, heavy-tailed,
/// AR(1) and Poisson-count noise), regular 5-minute sampling, 3,000–6,000 rows.
func accuracySet() -> [LabelledSeries] {
    SeriesGenerator(seed: 20_251_203, seriesCount: intOption("accuracy-series", 40), lengthRange: 3_000...6_000,
                    noAnomalyShare: 1.0, irregularShare: 0.0).corpus()
}

func now(_ clock: clockid_t = CLOCK_MONOTONIC) -> UInt64 {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// kB fields of /proc/self/status (VmRSS, VmHWM).
func status(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
    }
    return -1
}

func median(_ x: [Double]) -> Double {
    let s = x.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func emit(_ object: [String: Any]) {
    do {
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    } catch { fail("\(error)") }
}

func writeCSV(_ path: String, header: String, rows: Int, _ row: (Int, inout String) -> Void) {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    guard let handle = FileHandle(forWritingAtPath: path) else { fail("cannot write \(path)") }
    var chunk = header + "\n"
    for i in 0..<rows {
        row(i, &chunk)
        chunk += "\n"
        if chunk.utf8.count > 1 << 20 { handle.write(Data(chunk.utf8)); chunk = "" }
    }
    handle.write(Data(chunk.utf8))
    try? handle.close()
}

switch command {
case "data":
    guard let dir = options["out"] else { fail("data --out DIR") }
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, series) in [("series-1m.csv", oneMillion()), ("fit-10k.csv", fitSeries())] {
        writeCSV(dir + "/" + name, header: "timestamp,value", rows: series.values.count) { i, s in
            s += "\(Int(series.timestamps[i])),\(series.values[i])"
        }
    }
    let set = accuracySet()
    var lines = "series,row,timestamp,value,heldout\n"
    for (k, series) in set.enumerated() {
        for i in 0..<series.count {
            lines += "\(k),\(i),\(Int(series.timestamps[i])),\(series.values[i]),\(i >= series.count - holdout ? 1 : 0)\n"
        }
    }
    try? Data(lines.utf8).write(to: URL(fileURLWithPath: dir + "/accuracy.csv"))
    let names = set.map { ["name": $0.name, "rows": $0.count, "tags": $0.tags] as [String: Any] }
    emit(["files": ["series-1m.csv", "fit-10k.csv", "accuracy.csv"], "accuracy_series": names,
          "sum_1m": oneMillion().values.reduce(0, +), "sum_fit": fitSeries().values.reduce(0, +)])

case "detectors":
    let series = oneMillion()
    let rounds = intOption("rounds", 3)
    let wanted = options["detector"].map { $0.split(separator: ",").map(String.init) } ?? DetectorName.allCases.map(\.rawValue)
    var results: [[String: Any]] = []
    let n = series.values.count
    func time(_ label: String, bytes: Int, _ run: () -> Double) {
        var rates: [Double] = [], cpu: [Double] = []
        var checksum = 0.0
        for _ in 0..<rounds {
            let c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now()
            checksum = run()
            let w1 = now(), c1 = now(CLOCK_PROCESS_CPUTIME_ID)
            rates.append(Double(n) / (Double(w1 - w0) / 1e9))
            cpu.append(Double(c1 - c0) / Double(w1 - w0))
        }
        results.append(["detector": label, "points": n, "rounds": rounds, "best_points_per_s": rates.max()!,
                        "median_points_per_s": median(rates), "all_points_per_s": rates,
                        "cpu_per_wall": median(cpu), "state_bytes": bytes, "score_sum": checksum])
        FileHandle.standardError.write(Data("vane-anomaly-bench: \(label): \(Int(rates.max()!)) points/s\n".utf8))
    }
    for name in wanted {
        guard let d = DetectorName(rawValue: name) else { fail("unknown detector \(name)") }
        // Through the registry, as `vane anomaly score` does: `any AnomalyDetector`.
        time(name, bytes: d.makeDetector().stateBytes) {
            var detector = d.makeDetector()
            var sum = 0.0
            for i in 0..<n { sum += detector.score(timestamp: series.timestamps[i], value: series.values[i]) }
            return sum
        }
        if d == .default {
            // The concrete type, statically dispatched (what a library user holding many states gets).
            time("default (concrete DefaultDetector)", bytes: DefaultDetector().stateBytes) {
                var detector = DefaultDetector()
                var sum = 0.0
                for i in 0..<n { sum += detector.score(timestamp: series.timestamps[i], value: series.values[i]) }
                return sum
            }
        }
    }
    emit(["detectors": results])

case "fleet":
    let seriesCount = intOption("series", 100_000), points = intOption("points", 1_000)
    // 1,000 distinct base series of `points` rows; series s is base s % 1000, scaled and shifted.
    let bases = 1_000
    var pool = [Double](repeating: 0, count: bases * points)
    for b in 0..<bases {
        let s = seasonalSeries(n: points, seed: 1_000 + UInt64(b))
        for t in 0..<points { pool[b * points + t] = s.values[t] }
    }
    let scales = (0..<seriesCount).map { 1 + Double($0 % 7) * 0.1 }
    let offsets = (0..<seriesCount).map { Double($0 % 13) * 5 }
    let rss0 = status("VmRSS"), hwm0 = status("VmHWM")
    var states = (0..<seriesCount).map { _ in DefaultDetector() }
    let rss1 = status("VmRSS")
    var sum = 0.0
    let c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now()
    states.withUnsafeMutableBufferPointer { st in
        pool.withUnsafeBufferPointer { p in
            for t in 0..<points {
                let ts = start + Double(t) * step
                for s in 0..<seriesCount {
                    let v = p[(s % bases) * points + t] * scales[s] + offsets[s]
                    sum += st[s].score(timestamp: ts, value: v)
                }
            }
        }
    }
    let w1 = now(), c1 = now(CLOCK_PROCESS_CPUTIME_ID)
    let rss2 = status("VmRSS"), hwm2 = status("VmHWM")
    let seconds = Double(w1 - w0) / 1e9
    emit(["series": seriesCount, "points_per_series": points, "seconds": seconds,
          "points_per_s": Double(seriesCount * points) / seconds, "cpu_per_wall": Double(c1 - c0) / Double(w1 - w0),
          "state_bytes": states[0].stateBytes, "inline_bytes": MemoryLayout<DefaultDetector>.stride,
          "rss_kb_before": rss0, "rss_kb_after_create": rss1, "rss_kb_after_scoring": rss2,
          "hwm_kb_before": hwm0, "hwm_kb_after": hwm2,
          "rss_bytes_per_series": Double(rss2 - rss0) * 1024 / Double(seriesCount),
          "hwm_bytes_per_series": Double(hwm2 - hwm0) * 1024 / Double(seriesCount),
          "score_sum": sum])
    withExtendedLifetime(states) {}

case "forecast":
    let series = fitSeries()
    let repeatCount = intOption("repeat", 20)
    var times: [Double] = [], fitTimes: [Double] = []
    var last: Forecast?
    for _ in 0..<(repeatCount + 2) {   // 2 untimed warm-up calls
        let w0 = now()
        do { last = try Forecaster.forecast(timestamps: series.timestamps, values: series.values, horizon: Double(holdout) * step) }
        catch { fail("\(error)") }
        let w1 = now()
        let h0 = now()
        let hw = HoltWinters.fit(series.values, period: last!.fit.period)
        let h1 = now()
        precondition(hw.count == series.values.count)
        times.append(Double(w1 - w0) / 1e6)
        fitTimes.append(Double(h1 - h0) / 1e6)
    }
    times.removeFirst(2); fitTimes.removeFirst(2)
    let f = last!
    emit(["points": series.values.count, "repeat": repeatCount, "median_ms": median(times), "min_ms": times.min()!,
          "all_ms": times, "hw_fit_median_ms": median(fitTimes), "hw_fit_min_ms": fitTimes.min()!,
          "model": f.model, "period": f.fit.period ?? 0, "alpha": f.fit.alpha, "beta": f.fit.beta, "gamma": f.fit.gamma,
          "sigma": f.fit.sigma, "steps": f.points.count, "first_forecast": f.points.first?.value ?? 0])

case "accuracy":
    let set = accuracySet()
    var rows: [[String: Any]] = []
    for (k, series) in set.enumerated() {
        let n = series.count - holdout
        let actual = Array(series.values[n...])
        let w0 = now()
        let f: Forecast
        do { f = try Forecaster.forecast(timestamps: Array(series.timestamps[..<n]), values: Array(series.values[..<n]), horizon: Double(holdout) * step) }
        catch { fail("series \(k): \(error)") }
        let ms = Double(now() - w0) / 1e6
        let points = Array(f.points.prefix(holdout))
        guard points.count == holdout else { fail("series \(k): \(points.count) forecast steps") }
        let value = points.map(\.value), lower = points.map(\.lower), upper = points.map(\.upper)
        rows.append(["series": k, "name": series.name, "train": n, "model": f.model, "period": f.fit.period ?? 0,
                     "smape": ForecastAccuracy.sMAPE(actual: actual, forecast: value) ?? -1,
                     "coverage": ForecastAccuracy.intervalCoverage(actual: actual, lower: lower, upper: upper) ?? -1,
                     "width": ForecastAccuracy.meanIntervalWidth(lower: lower, upper: upper) ?? -1,
                     "ms": ms, "tags": series.tags])
    }
    emit(["holdout": holdout, "series": rows])

default:
    fail("unknown command \(command)")
}
