import Foundation
import Testing
@testable import VaneModels

/// `vane predict`'s library path: every fixture model through ModelLoader, the CSV reader and
/// the JSON lines writer, compared with the library's own outputs.
@Suite("Batch prediction")
struct BatchPredictorTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vane-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func writeCSV(_ inputs: ModelFixtures.Inputs, to url: URL) throws {
        var text = inputs.feature_names.joined(separator: ",") + "\n"
        for row in inputs.rows {
            text += row.map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") + "\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Output rows as (field → list of numbers), a label map in `keys` order when given.
    static func readJSONLines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) as! [String: Any]
        }
    }

    static func numbers(_ value: Any?, keys: [String]?) -> [Double] {
        if let dict = value as? [String: Any] {
            let ordered = keys ?? dict.keys.sorted()
            return ordered.compactMap { (dict[$0] as? NSNumber)?.doubleValue }
        }
        if let list = value as? [Any] { return list.compactMap { ($0 as? NSNumber)?.doubleValue } }
        if let number = value as? NSNumber { return [number.doubleValue] }
        return []
    }

    @Test("every fixture model file scores within tolerance through the CSV → JSON lines path")
    func fixtures() throws {
        let manifest = try ModelFixtures.manifest()
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var checked = 0
        for entry in manifest.models {
            let inputs = try ModelFixtures.inputs(entry.name)
            let csv = dir.appendingPathComponent("\(entry.name).csv")
            try Self.writeCSV(inputs, to: csv)
            let expectedObject = try JSONSerialization.jsonObject(with: ModelFixtures.data("\(entry.name).expected.json")) as! [String: Any]
            let expected = try ModelFixtures.expected(entry.name)
            for file in Set(entry.files.values).sorted() {
                let model = try ModelLoader.load(path: ModelFixtures.directory.appendingPathComponent(file).path)
                let out = dir.appendingPathComponent("out.jsonl")
                let rows = try BatchPredictor(model: model, batchSize: 64).run(input: csv.path, output: out.path)
                #expect(rows == inputs.rows.count)
                let lines = try Self.readJSONLines(out)
                for compare in entry.compare {
                    let keys = (expectedObject["\(compare.field)__zipmap_keys"] as? [Any])?.map { "\($0)" }
                    let actual = lines.map { Self.numbers($0[compare.field], keys: keys) }
                    let want = try #require(expected[compare.field], "\(entry.name): no expected \(compare.field)")
                    let problem = ModelFixtures.mismatch(actual: actual, expected: want, tolerance: compare.tolerance)
                    #expect(problem == nil, "\(file) \(compare.field): \(problem ?? "")")
                }
                checked += 1
            }
        }
        #expect(checked >= manifest.models.count)
    }

    @Test("an MLflow model directory: MLmodel picks the flavour and the data file")
    func mlflowDirectory() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: ModelFixtures.directory.appendingPathComponent("xgb_binary_logistic.model.xgb"),
                                         to: dir.appendingPathComponent("model.xgb"))
        try """
            artifact_path: model
            flavors:
              python_function:
                data: model.xgb
                loader_module: mlflow.xgboost
              xgboost:
                code: null
                data: model.xgb
                model_class: xgboost.core.Booster
                xgb_version: 3.2.0
            mlflow_version: 3.17.2
            """.write(to: dir.appendingPathComponent("MLmodel"), atomically: true, encoding: .utf8)
        let model = try ModelLoader.load(path: dir.path)
        #expect(model.signature.platform == "xgboost")
        #expect(model.signature.outputs.map(\.name) == ["predict", "margin"])

        try "flavors:\n  xgboost:\n    data: ../../etc/passwd\n".write(to: dir.appendingPathComponent("MLmodel"), atomically: true, encoding: .utf8)
        #expect(throws: ModelError.self) { try ModelLoader.load(path: dir.path) }
        try "flavors:\n  sklearn:\n    pickled_model: model.pkl\n".write(to: dir.appendingPathComponent("MLmodel"), atomically: true, encoding: .utf8)
        #expect(throws: ModelError.unsupported("MLmodel flavours [sklearn]: Vane scores the xgboost, lightgbm and onnx flavours")) {
            try ModelLoader.load(path: dir.path)
        }
        try ": : [".write(to: dir.appendingPathComponent("MLmodel"), atomically: true, encoding: .utf8)
        #expect(throws: ModelError.self) { try ModelLoader.load(path: dir.path) }
    }

    @Test("formats are recognised by content, then by extension")
    func detection() {
        #expect(ModelFormat.detect(Data("{\"learner\":{}}".utf8)) == .xgboost)
        #expect(ModelFormat.detect(Data("tree\nversion=v4\n".utf8)) == .lightgbm)
        #expect(ModelFormat.detect(Data([0x08, 0x07, 0x12])) == .onnx)
        #expect(ModelFormat.detect(Data("hello".utf8), fileName: "m.onnx") == .onnx)
        #expect(ModelFormat.detect(Data("hello".utf8), fileName: "m.pkl") == nil)
    }

    @Test("JSON lines input: keys by name, null and NaN tokens as missing, order kept")
    func jsonLines() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("rows.jsonl")
        try """
            {"b": 2, "a": 1, "extra": "x1"}
            {"a": null, "b": "NaN"}

            {"b": Infinity, "a": -1.5e2}
            """.write(to: input, atomically: true, encoding: .utf8)
        let reader = try RowReader(path: input.path, featureCount: 2, featureNames: ["a", "b"])
        let batch = try #require(try reader.nextBatch(maxRows: 10))
        #expect(batch.rowCount == 3)
        #expect(batch.values[0] == 1 && batch.values[1] == 2)
        #expect(batch.values[2].isNaN && batch.values[3].isNaN)
        #expect(batch.values[4] == -150 && batch.values[5] == .infinity)
        #expect(try reader.nextBatch(maxRows: 10) == nil)
    }

    @Test("CSV input: header by name or by position, quotes, bad rows rejected")
    func csv() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("rows.csv")
        try "id,b,a\r\nx,2,\"1\"\r\ny,,NaN\r\n".write(to: input, atomically: true, encoding: .utf8)
        let byName = try RowReader(path: input.path, featureCount: 2, featureNames: ["a", "b"])
        let batch = try #require(try byName.nextBatch(maxRows: 10))
        #expect(batch.values[0] == 1 && batch.values[1] == 2 && batch.values[2].isNaN && batch.values[3].isNaN)

        #expect(throws: ModelError.self) { try RowReader(path: input.path, featureCount: 2, featureNames: nil) }
        try "a,b\n1,2,3\n".write(to: input, atomically: true, encoding: .utf8)
        let extra = try RowReader(path: input.path, featureCount: 2, featureNames: nil)
        #expect(throws: ModelError.self) { try extra.nextBatch(maxRows: 10) }
        try "a,b\n1,abc\n".write(to: input, atomically: true, encoding: .utf8)
        let text = try RowReader(path: input.path, featureCount: 2, featureNames: nil)
        #expect(throws: ModelError.badInput("line 2, column 'b': 'abc' is not a number")) { try text.nextBatch(maxRows: 10) }
        try "".write(to: input, atomically: true, encoding: .utf8)
        #expect(throws: ModelError.self) { try RowReader(path: input.path, featureCount: 2, featureNames: nil) }
    }

    @Test("a failed run leaves no output file behind")
    func noPartialOutput() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = try ModelFixtures.inputs("xgb_binary_logistic")
        let csv = dir.appendingPathComponent("in.csv")
        try Self.writeCSV(inputs, to: csv)
        let handle = try FileHandle(forWritingTo: csv)
        handle.seekToEndOfFile()
        handle.write(Data("1,2,3\n".utf8))
        try handle.close()
        let model = try ModelLoader.load(path: ModelFixtures.directory.appendingPathComponent("xgb_binary_logistic.json").path)
        let out = dir.appendingPathComponent("out.jsonl")
        #expect(throws: ModelError.self) { try BatchPredictor(model: model, batchSize: 16).run(input: csv.path, output: out.path) }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(Set(left) == ["in.csv"])
    }

    @Test("JSON lines output: numbers, lists, label maps and non-finite tokens")
    func writer() throws {
        var out: [UInt8] = []
        PredictionWriter.appendJSONLines([
            ModelOutput(name: "p", value: .tensor(Tensor(shape: [2], data: .float32([0.25, .nan])))),
            ModelOutput(name: "m", value: .tensor(Tensor(shape: [2, 2], data: .float64([1, -.infinity, 3, 4])))),
            ModelOutput(name: "z", value: .labelMap(labels: .string(["a\"b", "c"]), values: [0.5, 0.5, 1, 0])),
        ], rowCount: 2, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == """
            {"p":0.25,"m":[1.0,-Infinity],"z":{"a\\"b":0.5,"c":0.5}}
            {"p":NaN,"m":[3.0,4.0],"z":{"a\\"b":1.0,"c":0.0}}

            """)
    }
}
