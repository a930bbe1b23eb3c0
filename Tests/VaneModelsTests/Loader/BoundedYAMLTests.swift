import Foundation
import Testing
@testable import VaneModels
import VaneText

/// `MLmodel` (and every YAML Vane reads) is checked for size, nesting depth and alias expansion
/// before Yams builds a tree: Yams recurses once per level (a 10 KB document of brackets
/// overflowed the stack) and expands every alias (a 470-byte document took the server past 3 GB).
@Suite("Bounded YAML")
struct BoundedYAMLTests {
    /// An MLflow model directory holding a valid XGBoost model and `mlmodel` as its MLmodel.
    static func modelDirectory(_ mlmodel: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ModelFixtures.directory.appendingPathComponent("xgb_binary_logistic.json"),
                                         to: dir.appendingPathComponent("model.json"))
        try Data(mlmodel.utf8).write(to: dir.appendingPathComponent("MLmodel"))
        return dir
    }

    static let flavor = "flavors:\n  xgboost:\n    data: model.json\n"

    /// The message of the ModelError that loading `mlmodel` throws; fails the test if it loads.
    static func refusal(_ mlmodel: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let dir = try modelDirectory(mlmodel)
        defer { try? FileManager.default.removeItem(at: dir) }
        let start = ContinuousClock.now
        do {
            _ = try ModelLoader.load(path: dir.path)
            Issue.record("the MLmodel was accepted", sourceLocation: sourceLocation)
            return ""
        } catch {
            #expect(ContinuousClock.now - start < .seconds(2), "refusing took too long", sourceLocation: sourceLocation)
            guard case .invalidModel(let message) = error else {
                Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
                return ""
            }
            return message
        }
    }

    @Test func deepFlowNestingIsRefusedBeforeParsing() throws {
        // The attacker's file: 5,000 brackets, 10 KB; it overflowed Yams' stack.
        let message = try Self.refusal("flavors: " + String(repeating: "[", count: 5000))
        #expect(message.contains("nested more than 64 levels"), "\(message)")
        // Also when the brackets are closed (a well-formed document), and with mappings.
        let closed = Self.flavor + "deep: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        #expect(try Self.refusal(closed).contains("nested more than 64 levels"))
        let mappings = Self.flavor + "deep: " + String(repeating: "{a: ", count: 3000) + "1" + String(repeating: "}", count: 3000) + "\n"
        #expect(try Self.refusal(mappings).contains("nested more than 64 levels"))
    }

    @Test func deepBlockNestingIsRefused() throws {
        // Compact block sequences: each "- " opens a level, 5,000 levels in 10 KB.
        let dashes = Self.flavor + "deep:\n" + String(repeating: "- ", count: 5000) + "x\n"
        #expect(try Self.refusal(dashes).contains("nested more than 64 levels"))
        // Indented mappings, 100 levels: well-formed, and accepted by the unbounded parser.
        var indented = Self.flavor + "deep:\n"
        for level in 1...100 { indented += String(repeating: " ", count: level) + "k\(level):\n" }
        indented += String(repeating: " ", count: 101) + "leaf: 1\n"
        #expect(try Self.refusal(indented).contains("nested more than 64 levels"))
    }

    @Test func aliasBombIsRefusedWithoutExpanding() throws {
        // Billion laughs, 9 levels of 9 aliases: 9^9 scalars once expanded.
        var bomb = Self.flavor + "a: &a [x,x,x,x,x,x,x,x,x]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        #expect(bomb.utf8.count < 600)
        #expect(try Self.refusal(bomb).contains("more than 32 aliases"))

        // Within the alias count, the expanded size still counts: 2 aliases a level double it.
        var doubling = Self.flavor + "l0: &l0 [" + Array(repeating: "x", count: 1000).joined(separator: ",") + "]\n"
        for level in 1...8 { doubling += "l\(level): &l\(level) [*l\(level - 1), *l\(level - 1)]\n" }
        #expect(try Self.refusal(doubling).contains("more than 100000 nodes once aliases are expanded"))

        let loose = YAMLLimits(maxBytes: 1 << 20, maxDepth: 64, maxAliases: 1000, maxNodes: 100_000)
        #expect(throws: YAMLReadError.self) { try BoundedYAML.check(bomb, limits: loose) }
    }

    /// What MLflow writes for an XGBoost model.
    static let mlflowMLmodel = """
        artifact_path: model
        flavors:
          python_function:
            data: model.json
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.xgboost
            python_version: 3.11.9
          xgboost:
            code: null
            data: model.json
            model_class: xgboost.core.Booster
            model_format: json
            xgb_version: 2.1.1
        mlflow_version: 2.16.0
        model_size_bytes: 3290
        model_uuid: 0b9a3d1c6f2b4e0c9a2d2c7e5b8f1a3d
        signature:
          inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 8]}}]'
          outputs: null
          params: null
        utc_time_created: '2024-09-01 12:00:00.000000'
        """

    @Test func ordinaryDocumentsAreRead() throws {
        // What MLflow writes, and a few anchors and aliases within the bounds.
        let mlmodel = Self.mlflowMLmodel
        let dir = try Self.modelDirectory(mlmodel)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try ModelLoader.load(path: dir.path).signature.platform == "xgboost")

        let value = try BoundedYAML.load("base: &b {x: 1}\nuse: [*b, *b]\n", limits: .mlmodel) as? [String: Any]
        #expect((value?["use"] as? [Any])?.count == 2)
        #expect(try BoundedYAML.load("", limits: .mlmodel) == nil)
    }

    @Test func malformedAndOversizedDocumentsAreRefused() throws {
        #expect(throws: YAMLReadError.self) { try BoundedYAML.check("a: *nowhere\n", limits: .mlmodel) }
        // An alias to an anchor still open would be a cycle.
        #expect(throws: YAMLReadError.self) { try BoundedYAML.check("a: &a [1, *a]\n", limits: .mlmodel) }
        #expect(throws: YAMLReadError.self) { try BoundedYAML.check(": : [", limits: .mlmodel) }
        let big = Self.flavor + "pad: '" + String(repeating: "x", count: 1 << 20) + "'\n"
        #expect(try Self.refusal(big).contains("the limit is 1048576"))
    }
}
