// vane-batch-bench: times Vane's in-process batch scoring, one thread, the way
// Benchmarks/serving/batch_native.py times the libraries' own predict.
//
// Usage: vane-batch-bench --model FILE --inputs FILE.inputs.json [--rows 10000] [--repeat 50] [--warmup 3]
//
// Builds a `rows`-row batch by cycling the fixture's rows (null = missing), scores it
// `warmup` times untimed, then `repeat` times timed, each call `model.predict(batch,
// outputs: ["predict"])` (the probabilities / values, as `inplace_predict` and LightGBM's
// `predict` return). Prints one JSON line: median and min milliseconds per call, the first
// predictions (to compare with the library's), a checksum of every output (so no call can be
// optimised away) and the process's CPU time over wall time in the timed loop (≈ 1.0: one thread).
import Foundation
import VaneModels

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("vane-batch-bench: \(message)\n".utf8))
    exit(2)
}

var options: [String: String] = [:]
var argv = CommandLine.arguments.dropFirst()
while let key = argv.popFirst() {
    guard key.hasPrefix("--"), let value = argv.popFirst() else { fail("usage: --model FILE --inputs FILE [--rows N] [--repeat N] [--warmup N]") }
    options[String(key.dropFirst(2))] = value
}
guard let modelPath = options["model"], let inputsPath = options["inputs"] else {
    fail("usage: --model FILE --inputs FILE [--rows N] [--repeat N] [--warmup N]")
}
let rowCount = Int(options["rows"] ?? "10000") ?? 10000
let repeatCount = max(1, Int(options["repeat"] ?? "50") ?? 50)
let warmupCount = max(0, Int(options["warmup"] ?? "3") ?? 3)

// Rows of the fixture, cycled to `rowCount`.
guard let inputsData = FileManager.default.contents(atPath: inputsPath),
      let inputs = try? JSONSerialization.jsonObject(with: inputsData) as? [String: Any],
      let rows = inputs["rows"] as? [[Any]], !rows.isEmpty else {
    fail("cannot read rows from \(inputsPath)")
}
let model: any InferenceModel
do { model = try ModelLoader.load(path: modelPath) } catch { fail("\(error)") }
let featureCount = model.signature.featureCount
var values: [Double] = []
values.reserveCapacity(rowCount * featureCount)
for r in 0..<rowCount {
    let row = rows[r % rows.count]
    guard row.count == featureCount else { fail("row \(r % rows.count) has \(row.count) values, the model takes \(featureCount)") }
    for v in row { values.append((v as? NSNumber)?.doubleValue ?? .nan) }
}
let batch = FeatureBatch(rowCount: rowCount, featureCount: featureCount, values: values)
let wanted: Set<String> = ["predict"]

func floats(_ outputs: [ModelOutput]) -> [Double] {
    guard let first = outputs.first, case .tensor(let tensor) = first.value else { return [] }
    return tensor.doubles
}

func now(_ clock: clockid_t = CLOCK_MONOTONIC) -> UInt64 {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

var checksum = 0.0
var firstValues: [Double] = []
do {
    for _ in 0..<warmupCount {
        let out = try model.predict(batch, outputs: wanted)
        checksum += floats(out).reduce(0, +)
    }
    var times: [Double] = []
    times.reserveCapacity(repeatCount)
    checksum = 0
    let cpu0 = now(CLOCK_PROCESS_CPUTIME_ID), wall0 = now()
    for i in 0..<repeatCount {
        let start = now()
        let out = try model.predict(batch, outputs: wanted)
        let end = now()
        times.append(Double(end - start) / 1e6)
        let flat = floats(out)
        if i == 0 { firstValues = Array(flat.prefix(6)) }
        checksum += flat.reduce(0, +)
    }
    let cpuPerWall = Double(now(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / Double(now() - wall0)
    times.sort()
    let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    let record: [String: Any] = [
        "impl": "vane", "model": (modelPath as NSString).lastPathComponent, "rows": rowCount,
        "repeat": repeatCount, "median_ms": median, "min_ms": times[0],
        "first": firstValues, "checksum": checksum / Double(repeatCount),
        "cpu_per_wall": (cpuPerWall * 1000).rounded() / 1000,
    ]
    let json = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    fail("\(error)")
}
