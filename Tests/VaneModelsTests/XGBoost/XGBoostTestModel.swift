import Foundation
@testable import VaneModels

/// Builds small XGBoost models (the `save_model` schema) as JSON or UBJSON for tests.
struct XGBoostTestModel {
    /// One tree as XGBoost stores it.
    struct Tree {
        var left: [Int]
        var right: [Int]
        var indices: [Int]
        var conditions: [Double]
        var defaultLeft: [Int]
        var splitType: [Int]?
        var categories: [Int] = []
        var categoriesNodes: [Int] = []
        var categoriesSegments: [Int] = []
        var categoriesSizes: [Int] = []
        var numNodes: Int?
        var sizeLeafVector = "1"

        /// One split on `feature` at `threshold` with two leaves.
        static func stump(feature: Int = 0, threshold: Double, left: Double, right: Double,
                          defaultLeft: Bool = true) -> Tree {
            Tree(left: [1, -1, -1], right: [2, -1, -1], indices: [feature, 0, 0],
                 conditions: [threshold, left, right], defaultLeft: [defaultLeft ? 1 : 0, 0, 0])
        }

        /// One categorical split on `feature`: codes in `categories` go right.
        static func categorical(feature: Int, categories: [Int], left: Double, right: Double,
                                defaultLeft: Bool = true) -> Tree {
            Tree(left: [1, -1, -1], right: [2, -1, -1], indices: [feature, 0, 0],
                 conditions: [1e-45, left, right], defaultLeft: [defaultLeft ? 1 : 0, 0, 0],
                 splitType: [1, 0, 0], categories: categories, categoriesNodes: [0],
                 categoriesSegments: [0], categoriesSizes: [categories.count])
        }

        /// A single leaf.
        static func leaf(_ value: Double) -> Tree {
            Tree(left: [-1], right: [-1], indices: [0], conditions: [value], defaultLeft: [0])
        }

        var object: [String: Any] {
            let n = left.count
            let tree: [String: Any] = [
                "tree_param": ["num_nodes": String(numNodes ?? n), "num_feature": "0", "num_deleted": "0",
                               "size_leaf_vector": sizeLeafVector],
                "left_children": left, "right_children": right, "split_indices": indices,
                "split_conditions": conditions, "default_left": defaultLeft,
                "split_type": splitType ?? Array(repeating: 0, count: n),
                "parents": [2_147_483_647] + Array(repeating: 0, count: max(0, n - 1)),
                "base_weights": Array(repeating: 0.0, count: n), "loss_changes": Array(repeating: 0.0, count: n),
                "sum_hessian": Array(repeating: 1.0, count: n),
                "categories": categories, "categories_nodes": categoriesNodes,
                "categories_segments": categoriesSegments, "categories_sizes": categoriesSizes, "id": 0,
            ]
            return tree
        }
    }

    var objective = "reg:squarederror"
    var numFeature = 2
    var numClass = 0
    var numTarget = 1
    var baseScore = "[0E0]"
    var booster = "gbtree"
    var trees: [Tree] = [.stump(threshold: 0.5, left: -1, right: 1)]
    var treeInfo: [Int]?
    var weightDrop: [Double]?
    var featureNames: [String] = []

    var object: [String: Any] {
        let groups = max(numClass, 1)
        let info = treeInfo ?? trees.indices.map { $0 % groups }
        let gbtree: [String: Any] = [
            "name": "gbtree",
            "model": [
                "gbtree_model_param": ["num_trees": String(trees.count), "num_parallel_tree": "1"],
                "trees": trees.map(\.object), "tree_info": info,
                "iteration_indptr": Array(stride(from: 0, through: trees.count, by: groups)),
                "cats": ["enc": [Any](), "feature_segments": [Any](), "sorted_idx": [Any]()],
            ] as [String: Any],
        ]
        var gradientBooster = gbtree
        if booster == "dart" {
            gradientBooster = ["name": "dart", "gbtree": gbtree,
                               "weight_drop": weightDrop ?? Array(repeating: 1.0, count: trees.count)]
        } else if booster != "gbtree" {
            gradientBooster = ["name": booster, "model": [String: Any]()]
        }
        return [
            "learner": [
                "attributes": [String: Any](),
                "feature_names": featureNames,
                "feature_types": featureNames.map { _ in "q" },
                "gradient_booster": gradientBooster,
                "learner_model_param": ["base_score": baseScore, "boost_from_average": "1",
                                        "num_class": String(numClass), "num_feature": String(numFeature),
                                        "num_target": String(numTarget)],
                "objective": ["name": objective],
            ] as [String: Any],
            "version": [3, 2, 0],
        ]
    }

    var json: Data { Self.json(object) }
    var ubjson: Data { Self.ubjson(object) }

    func load() throws(ModelError) -> XGBoostModel { try XGBoostModel(data: json) }

    static func json(_ object: [String: Any]) -> Data {
        // swiftlint:disable:next force_try
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// UBJSON the way XGBoost writes it: `L` lengths, typed float32 / int arrays.
    static func ubjson(_ value: Any) -> Data {
        var out = Data()
        writeUBJ(value, into: &out)
        return out
    }

    private static func writeLength(_ n: Int, into out: inout Data) {
        out.append(UInt8(ascii: "L"))
        withUnsafeBytes(of: Int64(n).bigEndian) { out.append(contentsOf: $0) }
    }

    private static func writeUBJ(_ value: Any, into out: inout Data) {
        switch value {
        case let dict as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for key in dict.keys.sorted() {
                writeLength(key.utf8.count, into: &out)
                out.append(contentsOf: Array(key.utf8))
                writeUBJ(dict[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let ints as [Int] where !ints.isEmpty:
            out.append(contentsOf: Array("[$l#".utf8))
            writeLength(ints.count, into: &out)
            for v in ints { withUnsafeBytes(of: Int32(truncatingIfNeeded: v).bigEndian) { out.append(contentsOf: $0) } }
        case let doubles as [Double] where !doubles.isEmpty:
            out.append(contentsOf: Array("[$d#".utf8))
            writeLength(doubles.count, into: &out)
            for v in doubles { withUnsafeBytes(of: Float(v).bitPattern.bigEndian) { out.append(contentsOf: $0) } }
        case let array as [Any]:
            out.append(contentsOf: Array("[#".utf8))
            writeLength(array.count, into: &out)
            for v in array { writeUBJ(v, into: &out) }
        case let s as String:
            out.append(UInt8(ascii: "S"))
            writeLength(s.utf8.count, into: &out)
            out.append(contentsOf: Array(s.utf8))
        case let i as Int:
            writeLength(i, into: &out)
        case let d as Double:
            out.append(UInt8(ascii: "D"))
            withUnsafeBytes(of: d.bitPattern.bigEndian) { out.append(contentsOf: $0) }
        default:
            out.append(UInt8(ascii: "Z"))
        }
    }
}

extension XGBoostTestModel {
    /// The `ModelError` `body` throws, `nil` when it returns (or throws something else).
    static func error(_ body: () throws -> Void) -> ModelError? {
        do {
            try body()
            return nil
        } catch let error as ModelError {
            return error
        } catch {
            return nil
        }
    }

    static func isInvalid(_ error: ModelError?) -> Bool {
        if case .invalidModel = error { true } else { false }
    }

    static func isUnsupported(_ error: ModelError?) -> Bool {
        if case .unsupported = error { true } else { false }
    }

    static func isBadInput(_ error: ModelError?) -> Bool {
        if case .badInput = error { true } else { false }
    }

    /// The load error of `data`, if any.
    static func loadError(_ data: Data) -> ModelError? {
        error { _ = try XGBoostModel(data: data) }
    }

    /// The load error of the JSON for `object`, if any.
    static func loadError(_ object: [String: Any]) -> ModelError? {
        loadError(json(object))
    }
}

/// A seeded SplitMix64 generator, so randomised tests are reproducible.
struct XGBoostSeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension XGBoostTestModel {
    /// `object` with the value at `path` (keys, or decimal indices into arrays) replaced, or removed
    /// when `value` is `nil`.
    static func setting(_ object: Any, _ path: ArraySlice<String>, to value: Any?) -> Any {
        guard let key = path.first else { return value as Any }
        if var dict = object as? [String: Any] {
            if path.count == 1 {
                dict[key] = value
            } else {
                dict[key] = setting(dict[key] as Any, path.dropFirst(), to: value)
            }
            return dict
        }
        if var array = object as? [Any], let index = Int(key), array.indices.contains(index) {
            array[index] = setting(array[index], path.dropFirst(), to: value)
            return array
        }
        return object
    }

    /// This model's object with `path` (dot-separated; `tree.` abbreviates the first tree) set to `value`.
    func object(setting path: String, to value: Any?) -> [String: Any] {
        let expanded = path.hasPrefix("tree.")
            ? "learner.gradient_booster.model.trees.0." + path.dropFirst(5)
            : path
        let components = expanded.split(separator: ".").map(String.init)
        return Self.setting(object, components[...], to: value) as? [String: Any] ?? [:]
    }
}
