import Foundation
import Testing
@testable import VaneModels

/// Malformed, inconsistent and hostile model files: each must be refused with the right
/// `ModelError` case — never a crash, a trap or a hang.
@Suite struct XGBoostLoaderSafetyTests {
    typealias Spec = XGBoostTestModel

    /// Two levels: node 0 on f0 → nodes 1 (split on f1 → leaves 3, 4) and 2 (leaf).
    static let base = Spec(trees: [Spec.Tree(left: [1, 3, -1, -1, -1], right: [2, 4, -1, -1, -1],
                                              indices: [0, 1, 0, 0, 0], conditions: [0.5, 0.5, 1, 2, 3],
                                              defaultLeft: [1, 1, 0, 0, 0])])
    static let categorical = Spec(trees: [.categorical(feature: 1, categories: [1, 2], left: -1, right: 1)])

    /// The base model's JSON with `path` set to `value`.
    static func with(_ path: String, _ value: Any?, in spec: Spec = base) -> Data {
        Spec.json(spec.object(setting: path, to: value))
    }

    /// The base model's JSON with the number `12345.5` spliced in at `path`, then replaced by `token`.
    static func withToken(_ token: String, at path: String, _ array: [Double]) -> Data {
        let text = String(decoding: with(path, array), as: UTF8.self)
        return Data(text.replacingOccurrences(of: "12345.5", with: token).utf8)
    }

    static func fixture(_ file: String) -> Data {
        (try? ModelFixtures.data(file)) ?? Data()
    }

    static let invalidCases: [String] = [
        "empty file", "not a model", "brace then garbage", "truncated JSON", "truncated UBJSON",
        "trailing garbage", "duplicate key", "invalid UTF-8", "deep JSON nesting", "deep UBJSON nesting",
        "UBJSON absurd typed count", "UBJSON absurd count", "UBJSON negative count", "UBJSON zero-size typed array",
        "UBJSON unknown marker", "UBJSON typed array without count", "UBJSON string past the end",
        "child out of range", "negative child", "cycle to root", "self loop", "shared child", "child reached twice",
        "leaf with a right child", "feature out of range", "negative feature", "NaN threshold", "NaN leaf",
        "infinite leaf", "short split_conditions", "short default_left", "short right_children", "num_nodes mismatch",
        "absurd num_nodes", "zero num_nodes", "left_children is a string", "left_children holds a string",
        "fractional child index", "child beyond Int32", "unknown split_type", "default_left of 2", "tree_info too short",
        "tree_info class out of range", "num_trees mismatch", "iteration_indptr inconsistent", "trees is a string",
        "tree is a number", "no learner", "no num_feature", "negative num_feature", "huge num_feature",
        "base_score count", "base_score garbage", "base_score NaN", "logistic base_score of 1.5", "feature_names count",
        "category segment out of range", "categories_nodes out of range", "negative category", "category too large",
        "category arrays differ in length", "dart weight count", "dart NaN weight", "num_class for a regression",
        "objective without name",
    ]

    static func data(_ name: String) -> Data {
        let cat = categorical
        switch name {
        case "empty file": return Data()
        case "not a model": return Data("hello".utf8)
        case "brace then garbage": return Data("{x".utf8)
        case "truncated JSON":
            let d = fixture("xgb_binary_logistic.json")
            return d.prefix(d.count / 2)
        case "truncated UBJSON":
            let d = fixture("xgb_binary_logistic.ubj")
            return d.prefix(d.count / 2)
        case "trailing garbage": return base.json + Data(" x".utf8)
        case "duplicate key": return Data(#"{"learner":{},"learner":{}}"#.utf8)
        case "invalid UTF-8": return Data([0x7B, 0x22, 0x61, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        case "deep JSON nesting": return Data(("{\"a\":" + String(repeating: "[", count: 200_000)).utf8)
        case "deep UBJSON nesting": return Data("{i\u{1}a".utf8) + Data(repeating: UInt8(ascii: "["), count: 200_000)
        case "UBJSON absurd typed count":
            return Data("{i\u{1}a[$d#L".utf8) + Data([0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]) + Data("}".utf8)
        case "UBJSON absurd count": return Data("{i\u{1}a[#l".utf8) + Data([0x7F, 0xFF, 0xFF, 0xFF, 0x5A, 0x5A]) + Data("}".utf8)
        case "UBJSON negative count": return Data("{i\u{1}a[#i".utf8) + Data([0xFF]) + Data("}".utf8)
        case "UBJSON zero-size typed array": return Data("{i\u{1}a[$Z#l".utf8) + Data([0x7F, 0xFF, 0xFF, 0xFF]) + Data("}".utf8)
        case "UBJSON unknown marker": return Data("{i\u{1}aQ}".utf8)
        case "UBJSON typed array without count": return Data("{i\u{1}a[$d]}".utf8)
        case "UBJSON string past the end": return Data("{i\u{1}aSL".utf8) + Data([0, 0, 0, 0, 0, 0, 1, 0, 0x41]) + Data("}".utf8)
        case "child out of range": return with("tree.left_children", [1, 7, -1, -1, -1])
        case "negative child": return with("tree.left_children", [1, -5, -1, -1, -1])
        case "cycle to root": return with("tree.left_children", [1, 0, -1, -1, -1])
        case "self loop": return with("tree.left_children", [1, 1, -1, -1, -1])
        case "shared child": return with("tree.right_children", [2, 3, -1, -1, -1])
        case "child reached twice": return with("tree.right_children", [2, 2, -1, -1, -1])
        case "leaf with a right child": return with("tree.right_children", [2, 4, 3, -1, -1])
        case "feature out of range": return with("tree.split_indices", [0, 2, 0, 0, 0])
        case "negative feature": return with("tree.split_indices", [-1, 0, 0, 0, 0])
        case "NaN threshold": return withToken("NaN", at: "tree.split_conditions", [12345.5, 0.5, 1, 2, 3])
        case "NaN leaf": return withToken("NaN", at: "tree.split_conditions", [0.5, 0.5, 12345.5, 2, 3])
        case "infinite leaf": return withToken("-Infinity", at: "tree.split_conditions", [0.5, 0.5, 1, 12345.5, 3])
        case "short split_conditions": return with("tree.split_conditions", [0.5, 0.5, 1, 2])
        case "short default_left": return with("tree.default_left", [1, 1, 0, 0])
        case "short right_children": return with("tree.right_children", [2, 4])
        case "num_nodes mismatch": return with("tree.tree_param.num_nodes", "6")
        case "absurd num_nodes": return with("tree.tree_param.num_nodes", "100000000000")
        case "zero num_nodes": return with("tree.tree_param.num_nodes", "0")
        case "left_children is a string": return with("tree.left_children", "1,3")
        case "left_children holds a string": return with("tree.left_children", [1, "3", -1, -1, -1] as [Any])
        case "fractional child index": return with("tree.left_children", [1, 3.5, -1, -1, -1])
        case "child beyond Int32": return with("tree.left_children", [1, 4_294_967_299, -1, -1, -1])
        case "unknown split_type": return with("tree.split_type", [2, 0, 0, 0, 0])
        case "default_left of 2": return with("tree.default_left", [2, 1, 0, 0, 0])
        case "tree_info too short": return with("learner.gradient_booster.model.tree_info", [Int]())
        case "tree_info class out of range": return with("learner.gradient_booster.model.tree_info", [1])
        case "num_trees mismatch": return with("learner.gradient_booster.model.gbtree_model_param.num_trees", "3")
        case "iteration_indptr inconsistent": return with("learner.gradient_booster.model.iteration_indptr", [0, 5])
        case "trees is a string": return with("learner.gradient_booster.model.trees", "x")
        case "tree is a number": return with("learner.gradient_booster.model.trees", [1])
        case "no learner": return with("learner", nil)
        case "no num_feature": return with("learner.learner_model_param.num_feature", nil)
        case "negative num_feature": return with("learner.learner_model_param.num_feature", "-1")
        case "huge num_feature": return with("learner.learner_model_param.num_feature", "99999999999999999999")
        case "base_score count": return with("learner.learner_model_param.base_score", "[1E0,2E0]")
        case "base_score garbage": return with("learner.learner_model_param.base_score", "[abc]")
        case "base_score NaN": return with("learner.learner_model_param.base_score", "[NaN]")
        case "logistic base_score of 1.5":
            var spec = base
            spec.objective = "binary:logistic"
            spec.baseScore = "[1.5E0]"
            return spec.json
        case "feature_names count": return with("learner.feature_names", ["a"])
        case "category segment out of range": return with("tree.categories_segments", [5], in: cat)
        case "categories_nodes out of range": return with("tree.categories_nodes", [9], in: cat)
        case "negative category": return with("tree.categories", [-1, 2], in: cat)
        case "category too large": return with("tree.categories", [1, 16_777_216], in: cat)
        case "category arrays differ in length": return with("tree.categories_sizes", [1, 1], in: cat)
        case "dart weight count":
            var spec = base
            spec.booster = "dart"
            spec.weightDrop = [1, 1]
            return spec.json
        case "dart NaN weight":
            var spec = base
            spec.booster = "dart"
            spec.weightDrop = [12345.5]
            return Data(String(decoding: spec.json, as: UTF8.self).replacingOccurrences(of: "12345.5", with: "NaN").utf8)
        case "num_class for a regression": return with("learner.learner_model_param.num_class", "3")
        case "objective without name": return with("learner.objective", ["title": "x"])
        default: return Data()
        }
    }

    @Test(arguments: invalidCases)
    func refusedAsInvalid(_ name: String) {
        let error = Spec.loadError(Self.data(name))
        #expect(Spec.isInvalid(error), "\(name): \(error.map(String.init(describing:)) ?? "loaded")")
    }

    static let unsupportedCases: [String] = [
        "unknown objective", "gblinear", "unknown booster", "multi-target leaves", "legacy binary",
        "multiclass with several targets",
    ]

    static func unsupportedData(_ name: String) -> Data {
        var spec = base
        switch name {
        case "unknown objective": spec.objective = "rank:fancy"
        case "gblinear": spec.booster = "gblinear"
        case "unknown booster": spec.booster = "shiny"
        case "multi-target leaves": return with("tree.tree_param.size_leaf_vector", "3")
        case "legacy binary": return Data("binf".utf8) + Data(repeating: 0, count: 100)
        case "multiclass with several targets":
            spec.objective = "multi:softprob"
            spec.numClass = 2
            spec.numTarget = 2
        default: break
        }
        return spec.json
    }

    @Test(arguments: unsupportedCases)
    func refusedAsUnsupported(_ name: String) {
        let error = Spec.loadError(Self.unsupportedData(name))
        #expect(Spec.isUnsupported(error), "\(name): \(error.map(String.init(describing:)) ?? "loaded")")
    }

    @Test func unsupportedObjectiveIsNamed() {
        var spec = Self.base
        spec.objective = "rank:fancy"
        #expect(Spec.loadError(spec.json)?.description.contains("rank:fancy") == true)
    }

    @Test func theSameDefectsAreRefusedInUBJSON() {
        let cases: [(String, Any?)] = [
            ("tree.left_children", [1, 0, -1, -1, -1]), ("tree.split_indices", [0, 9, 0, 0, 0]),
            ("tree.split_conditions", [0.5, 0.5, 1, 2]), ("learner.gradient_booster.model.tree_info", [3]),
        ]
        for (path, value) in cases {
            let data = Spec.ubjson(Self.base.object(setting: path, to: value))
            #expect(Spec.isInvalid(Spec.loadError(data)), "\(path)")
        }
        #expect(Spec.loadError(Self.base.ubjson) == nil)
    }

    @Test func messagesNameTheProblem() {
        let cycle = Spec.loadError(Self.data("cycle to root"))
        #expect(cycle?.description.contains("tree 0") == true)
        let feature = Spec.loadError(Self.data("feature out of range"))
        #expect(feature?.description.contains("feature 2") == true)
    }

    @Test func everyPrefixOfASmallModelIsRefused() {
        for data in [Self.base.json, Self.base.ubjson, Self.categorical.json, Self.categorical.ubjson] {
            for length in 0..<data.count {
                let error = Spec.loadError(data.prefix(length))
                #expect(Spec.isInvalid(error), "prefix \(length) of \(data.count)")
            }
        }
    }

    @Test func predictionRejectsBadBatches() throws {
        let model = try Self.base.load()
        let wrongWidth = Spec.error { _ = try model.predict(FeatureBatch(rowCount: 1, featureCount: 3, values: [0, 0, 0])) }
        #expect(Spec.isBadInput(wrongWidth))
        var batch = FeatureBatch(rowCount: 1, featureCount: 2, values: [0, 0])
        batch.values.append(1)
        #expect(Spec.isBadInput(Spec.error { _ = try model.predict(batch) }))
        let negativeRows = FeatureBatch(rowCount: -1, featureCount: 0, values: [])
        let noFeatures = try XGBoostTestModel(numFeature: 0, trees: [.leaf(1)]).load()
        #expect(Spec.isBadInput(Spec.error { _ = try noFeatures.predict(negativeRows) }))
        #expect(Spec.isBadInput(Spec.error { _ = try model.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [0, 0]),
                                                                    outputs: ["predict", "nope"]) }))
    }
}
