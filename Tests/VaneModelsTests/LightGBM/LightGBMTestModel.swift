import Foundation
import Testing
@testable import VaneModels

/// A small hand-written LightGBM text model whose every decision is known, and helpers for
/// tests that mutate it.
///
/// Tree 0 (numerical): node 0 `f0 <= 0.5` (missing None) → node 1, else leaf 1 (2);
/// node 1 `f1 <= -0.5` (missing NaN, default right) → leaf 0 (1), else leaf 2 (3).
/// Tree 1: node 0 categorical on f2 with set {0, 2} → leaf 0 (10), else node 1;
/// node 1 `f0 <= 1.5` (missing None) → node 2, else leaf 1 (20);
/// node 2 `f1 <= -2.5` (missing Zero, default left) → leaf 2 (30), else leaf 3 (40).
enum LightGBMTestModel {
    static let header = """
        tree
        version=v4
        num_class=1
        num_tree_per_iteration=1
        label_index=0
        max_feature_idx=2
        objective=regression
        feature_names=a b c
        feature_infos=none none none
        tree_sizes=200 220


        """

    static let tree0 = """
        Tree=0
        num_leaves=3
        num_cat=0
        split_feature=0 1
        threshold=0.5 -0.5
        decision_type=2 8
        left_child=1 -1
        right_child=-2 -3
        leaf_value=1 2 3
        shrinkage=1


        """

    static let tree1 = """
        Tree=1
        num_leaves=4
        num_cat=1
        split_feature=2 0 1
        threshold=0 1.5 -2.5
        decision_type=1 0 6
        left_child=-1 2 -3
        right_child=1 -2 -4
        leaf_value=10 20 30 40
        cat_boundaries=0 1
        cat_threshold=5
        shrinkage=1


        """

    static let footer = """
        end of trees

        feature_importances:
        a=2

        parameters:
        [boosting: gbdt]
        end of parameters

        """

    static let text = header + tree0 + tree1 + footer

    /// `text` with the first occurrence of `target` (which must exist) replaced.
    static func replacing(_ target: String, with replacement: String, in source: String = text) -> String {
        guard let range = source.range(of: target) else {
            Issue.record("test model has no '\(target)'")
            return source
        }
        return source.replacingCharacters(in: range, with: replacement)
    }

    /// `text` where the line of tree `tree` starting with `key=` is replaced by `line` (removed when nil).
    static func settingTreeLine(tree: Int, key: String, to line: String?) -> String {
        var blocks = text.components(separatedBy: "Tree=")
        var lines = blocks[tree + 1].components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix(key + "=") }) else {
            Issue.record("tree \(tree) has no key \(key)")
            return text
        }
        if let line { lines[index] = line } else { lines.remove(at: index) }
        blocks[tree + 1] = lines.joined(separator: "\n")
        return blocks.joined(separator: "Tree=")
    }

    /// Loads `text` and checks that it fails with `invalidModel` whose message contains every fragment.
    static func expectInvalid(_ text: String, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try LightGBMModel(text: text)
            Issue.record("loaded, expected invalidModel containing \(fragments)", sourceLocation: sourceLocation)
        } catch {
            guard case .invalidModel(let message) = error else {
                Issue.record("\(error), expected invalidModel", sourceLocation: sourceLocation)
                return
            }
            for fragment in fragments where !message.contains(fragment) {
                Issue.record("'\(message)' does not mention '\(fragment)'", sourceLocation: sourceLocation)
            }
        }
    }

    /// The `predict` output of `model` for `rows`, flattened.
    static func predict(_ model: LightGBMModel, _ rows: [[Double]]) throws -> [Double] {
        let batch = FeatureBatch(rowCount: rows.count, featureCount: model.signature.featureCount,
                                 values: rows.flatMap { $0 })
        let outputs = try model.predict(batch, outputs: ["predict"])
        guard case .tensor(let tensor)? = outputs.first?.value else { return [] }
        return tensor.doubles
    }
}
