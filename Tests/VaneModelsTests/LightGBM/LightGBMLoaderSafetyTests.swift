import Foundation
import Testing
@testable import VaneModels

/// Untrusted model files: every malformed, inconsistent or oversized input is rejected with a
/// `ModelError` naming the problem (tree and key), never a crash.
@Suite struct LightGBMLoaderSafetyTests {
    typealias M = LightGBMTestModel

    @Test func rejectsWhatIsNotALightGBMTextModel() {
        M.expectInvalid("", "empty")
        M.expectInvalid("\n\n", "empty")
        M.expectInvalid("{\"learner\": {}}", "not a LightGBM text model")
        M.expectInvalid(String(decoding: [0xFF, 0xFE, 0x00, 0x01], as: UTF8.self), "not a LightGBM text model")
    }

    @Test func rejectsTruncation() {
        M.expectInvalid(M.header, "truncated")
        M.expectInvalid(M.header + M.tree0, "truncated", "1 tree")
        M.expectInvalid(M.header + M.tree0 + M.tree1 + "end of tr", "end of tr")
        M.expectInvalid(M.header + M.tree0 + "Tree=1\nnum_leaves=4\nnum_cat=1\nsplit_feature=2 0", "truncated")
    }

    @Test func rejectsMissingOrBadHeaderKeys() {
        for key in ["num_class", "label_index", "max_feature_idx", "feature_names", "feature_infos"] {
            let line = M.header.components(separatedBy: "\n").first { $0.hasPrefix(key + "=") } ?? ""
            M.expectInvalid(M.replacing(line + "\n", with: ""), "missing key '\(key)'")
        }
        M.expectInvalid(M.replacing("num_class=1", with: "num_class=one"), "'num_class'", "not an integer")
        M.expectInvalid(M.replacing("num_class=1", with: "num_class=0"), "'num_class' is 0")
        M.expectInvalid(M.replacing("num_class=1", with: "num_class=99999999999999999999"), "'num_class'")
        M.expectInvalid(M.replacing("num_tree_per_iteration=1", with: "num_tree_per_iteration=-3"), "'num_tree_per_iteration'")
        M.expectInvalid(M.replacing("max_feature_idx=2", with: "max_feature_idx=-1"), "'max_feature_idx' is -1")
        M.expectInvalid(M.replacing("max_feature_idx=2", with: "max_feature_idx=9223372036854775807"), "'max_feature_idx'")
        M.expectInvalid(M.replacing("feature_names=a b c", with: "feature_names=a b"), "'feature_names' has 2")
        M.expectInvalid(M.replacing("feature_infos=none none none", with: "feature_infos=none"), "'feature_infos' has 1")
        M.expectInvalid(M.replacing("tree_sizes=200 220", with: "tree_sizes=200"), "'tree_sizes' lists 1")
        M.expectInvalid(M.replacing("version=v4", with: "num_class=1"), "duplicate key 'num_class'")
    }

    @Test func rejectsInconsistentClassLayout() {
        M.expectInvalid(M.replacing("num_tree_per_iteration=1", with: "num_tree_per_iteration=3"), "not a multiple")
        let twoPerIteration = M.replacing("num_tree_per_iteration=1", with: "num_tree_per_iteration=2")
        M.expectInvalid(twoPerIteration, "'num_class' is 1")
        let twoClasses = twoPerIteration.replacingOccurrences(of: "num_class=1", with: "num_class=2")
        M.expectInvalid(twoClasses, "objective 'regression' needs num_tree_per_iteration=1")
        M.expectInvalid(twoClasses.replacingOccurrences(of: "objective=regression", with: "objective=multiclass num_class:3"),
                        "num_class:2")
        M.expectInvalid(M.replacing("objective=regression", with: "objective=binary"), "'sigmoid:'")
        M.expectInvalid(M.replacing("objective=regression", with: "objective=binary sigmoid:-1"), "'sigmoid:'")
        M.expectInvalid(M.replacing("objective=regression", with: "objective=binary sigmoid:nan"), "'sigmoid:'")
    }

    @Test func unsupportedObjective() {
        #expect(throws: ModelError.unsupported("LightGBM objective 'mystery' is not supported")) {
            try LightGBMModel(text: M.replacing("objective=regression", with: "objective=mystery k:1"))
        }
    }

    @Test func rejectsBadTreeBlocks() {
        M.expectInvalid(M.replacing("Tree=0", with: "Tree=1"), "out of order")
        M.expectInvalid(M.replacing("Tree=1", with: "Tree=x"), "out of order")
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "shrinkage", to: "shrinkage=1\ngarbage line"), "malformed line", "tree 1")
        M.expectInvalid(M.replacing("end of trees", with: "garbage line\nend of trees"), "expected 'Tree=2' or 'end of trees'")
        M.expectInvalid(M.replacing("\nTree=1", with: "\nnot a tree\nTree=1"), "expected 'Tree=1'")
        M.expectInvalid(M.replacing("shrinkage=1", with: "shrinkage=1\nnum_cat=0"), "tree 0", "duplicate key 'num_cat'")
        for key in ["num_leaves", "num_cat", "leaf_value", "left_child", "right_child", "split_feature", "threshold"] {
            M.expectInvalid(M.settingTreeLine(tree: 0, key: key, to: nil), "tree 0", "missing key '\(key)'")
        }
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "cat_boundaries", to: nil), "tree 1", "missing key 'cat_boundaries'")
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "cat_threshold", to: nil), "tree 1", "missing key 'cat_threshold'")
    }

    @Test func rejectsAbsurdCounts() {
        for count in ["0", "-5", "1000000000", "99999999999999999999999", "3.5", "abc", ""] {
            M.expectInvalid(M.settingTreeLine(tree: 0, key: "num_leaves", to: "num_leaves=\(count)"), "tree 0", "'num_leaves'")
        }
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "num_leaves", to: "num_leaves=4"), "tree 0", "has 3 values, expected 4")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "num_cat", to: "num_cat=-1"), "tree 0", "'num_cat' is -1")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "num_cat", to: "num_cat=7"), "tree 0", "'num_cat' is 7")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "leaf_value", to: "leaf_value=1 2"), "tree 0", "'leaf_value' has 2 values, expected 3")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "left_child", to: "left_child=1 -1 -2"), "'left_child' has 3 values, expected 2")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "decision_type", to: "decision_type=2"), "'decision_type' has 1")
    }

    @Test func rejectsNonNumericTokens() {
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "threshold", to: "threshold=abc 1"), "tree 0", "'threshold' value 0 'abc'")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "leaf_value", to: "leaf_value=1 2 3x"), "'leaf_value' value 2")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "left_child", to: "left_child=1 99999999999"), "'left_child' value 1")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "left_child", to: "left_child=1.0 -1"), "'left_child' value 0")
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "cat_threshold", to: "cat_threshold=-5"), "tree 1", "'cat_threshold' value 0")
    }

    @Test func rejectsBadChildren() {
        let cases: [(String, String, [String])] = [
            ("left_child", "left_child=5 -1", ["'left_child' of node 0 is 5, out of range"]),
            ("right_child", "right_child=-2 -9", ["'right_child' of node 1 is -9", "out of range"]),
            ("right_child", "right_child=-2 -2147483648", ["out of range"]),
            ("left_child", "left_child=2147483647 -1", ["out of range"]),
            ("left_child", "left_child=0 -1", ["already reached"]),
            ("left_child", "left_child=1 1", ["already reached"]),
            ("right_child", "right_child=-2 -1", ["leaf 0, which is already reached"]),
            ("left_child", "left_child=-1 -3", ["internal node 1 is not reachable"]),
        ]
        for (key, line, fragments) in cases {
            let text = M.settingTreeLine(tree: 0, key: key, to: line)
            do {
                _ = try LightGBMModel(text: text)
                Issue.record("\(line) loaded")
            } catch {
                guard case .invalidModel(let message) = error else { Issue.record("\(error)"); continue }
                #expect(message.contains("tree 0"), "\(message)")
                for fragment in fragments { #expect(message.contains(fragment), "\(line): \(message)") }
            }
        }
        // A cycle deeper in the tree: node 2 points back at node 1.
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "left_child", to: "left_child=-1 2 1"), "tree 1", "already reached")
    }

    @Test func rejectsBadFeaturesAndDecisionTypes() {
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "split_feature", to: "split_feature=0 3"), "tree 0", "'split_feature' of node 1 is 3")
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "split_feature", to: "split_feature=-1 0"), "'split_feature' of node 0 is -1")
        for type in ["12", "-1", "16", "200"] {
            M.expectInvalid(M.settingTreeLine(tree: 0, key: "decision_type", to: "decision_type=\(type) 2"), "tree 0", "'decision_type' of node 0")
        }
    }

    @Test func rejectsBadCategoricalSplits() {
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "cat_threshold", to: "cat_threshold=5 7"), "tree 1", "'cat_threshold' has 2 values, expected 1")
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "cat_boundaries", to: "cat_boundaries=0 1 2"), "'cat_boundaries' has 3")
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "cat_boundaries", to: "cat_boundaries=1 1"), "must start at 0")
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "cat_boundaries", to: "cat_boundaries=0 -1"), "decreases")
        M.expectInvalid(M.settingTreeLine(tree: 1, key: "cat_boundaries", to: "cat_boundaries=0 2147483647"), "bitset words")
        for threshold in ["1", "-1", "nan", "inf", "1e300"] {
            M.expectInvalid(M.settingTreeLine(tree: 1, key: "threshold", to: "threshold=\(threshold) 1.5 -2.5"),
                            "tree 1", "categorical node 0")
        }
    }

    @Test func rejectsBadLinearTrees() {
        let linear = "is_linear=1\nleaf_const=0 0 0\nnum_features=1 0 2\nleaf_features=0  1 2\nleaf_coeff=0.5  1 -1\nshrinkage=1"
        let valid = M.settingTreeLine(tree: 0, key: "shrinkage", to: linear)
        #expect(throws: Never.self) { try LightGBMModel(text: valid) }
        M.expectInvalid(M.settingTreeLine(tree: 0, key: "shrinkage", to: "is_linear=2\nshrinkage=1"), "'is_linear' is 2")
        M.expectInvalid(M.replacing("leaf_features=0  1 2", with: "leaf_features=0  1 3", in: valid), "'leaf_features' value 2 is 3")
        M.expectInvalid(M.replacing("num_features=1 0 2", with: "num_features=1 -1 2", in: valid), "'num_features' of leaf 1")
        M.expectInvalid(M.replacing("leaf_coeff=0.5  1 -1", with: "leaf_coeff=0.5", in: valid), "'leaf_coeff' has 1 values, expected 3")
        M.expectInvalid(M.replacing("num_features=1 0 2", with: "num_features=1 0 2147483647", in: valid), "'num_features' of leaf 2")
        M.expectInvalid(M.replacing("leaf_const=0 0 0\n", with: "", in: valid), "missing key 'leaf_const'")
    }

    @Test func rejectsBadBatches() throws {
        let model = try LightGBMModel(text: M.text)
        #expect(throws: ModelError.badInput("the batch has 2 features per row, the LightGBM model takes 3")) {
            try model.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [0, 0]))
        }
        var batch = FeatureBatch(rowCount: 2, featureCount: 3, values: [0, 0, 0, 1, 1, 1])
        batch.values.removeLast()
        #expect(throws: ModelError.badInput("the batch holds 5 values for 2 rows of 3 features")) {
            try model.predict(batch)
        }
        #expect(throws: ModelError.badInput("the LightGBM model has no output 'probabilities' (outputs: predict, raw_score)")) {
            try model.predict(FeatureBatch(rowCount: 1, featureCount: 3, values: [0, 0, 0]), outputs: ["predict", "probabilities"])
        }
    }
}
