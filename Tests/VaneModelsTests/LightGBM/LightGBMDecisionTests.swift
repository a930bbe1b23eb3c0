import Foundation
import Testing
@testable import VaneModels

/// Decision rules on the hand-written ``LightGBMTestModel``: missing types None / Zero / NaN,
/// default directions, categorical bitsets and their edge codes, single-leaf and empty models.
@Suite struct LightGBMDecisionTests {
    @Test func loadsTheTestModel() throws {
        let model = try LightGBMModel(text: LightGBMTestModel.text)
        #expect(model.treeCount == 2)
        #expect(model.outputsPerRow == 1)
        #expect(model.objectiveDescription == "regression")
        #expect(model.signature == ModelSignature(
            platform: "lightgbm", inputName: "input-0", inputDatatype: .fp64, featureCount: 3,
            featureNames: ["a", "b", "c"],
            outputs: [.init(name: "predict", datatype: .fp64, shapePerRow: []),
                      .init(name: "raw_score", datatype: .fp64, shapePerRow: [])]))
    }

    @Test func followsLightGBMDecisionRules() throws {
        let model = try LightGBMModel(text: LightGBMTestModel.text)
        let nan = Double.nan
        let cases: [(row: [Double], expected: Double, why: String)] = [
            ([0, 0, 0], 3 + 10, "category 0 is in the set"),
            ([nan, nan, nan], 3 + 30, "None: NaN reads as 0; NaN type: default right; categorical NaN: right; Zero: NaN is 0 → default left"),
            ([1, -1, 2], 2 + 10, "category 2 is in the set"),
            ([0.2, -1, 1], 1 + 40, "category 1 is not; -1 is not zero and > -2.5"),
            ([2, 0, -0.5], 2 + 10, "-0.5 truncates to category 0"),
            ([1, 1e-36, 1], 2 + 30, "|x| <= kZeroThreshold is zero: default left"),
            ([1, -3, 64], 2 + 30, "category 64 is past the bitset"),
            ([1, 5, 1e10], 2 + 40, "a code past Int32 goes right"),
            ([1, 5, -1], 2 + 40, "negative codes go right"),
            ([1, 5, .infinity], 2 + 40, "infinite codes go right"),
            ([1, 5, -.infinity], 2 + 40, "infinite codes go right"),
            ([1, 5, 0.9999], 2 + 10, "0.9999 truncates to category 0"),
            ([0.5, -0.5, 2], 1 + 10, "x == threshold goes left"),
            ([.infinity, .infinity, 3], 2 + 20, "infinities compare normally"),
        ]
        let predictions = try LightGBMTestModel.predict(model, cases.map(\.row))
        for (index, (item, actual)) in zip(cases, predictions).enumerated() {
            #expect(actual == item.expected, "row \(index) \(item.row): \(item.why)")
        }
    }

    @Test func categoricalBitIsIgnoredWithoutCategories() throws {
        // LightGBM's GetLeaf only honours the categorical bit when num_cat > 0.
        let text = LightGBMTestModel.settingTreeLine(tree: 0, key: "decision_type", to: "decision_type=3 9")
        let model = try LightGBMModel(text: text)
        let base = try LightGBMModel(text: LightGBMTestModel.text)
        let rows: [[Double]] = [[0, 0, 0], [1, -1, 2], [0.2, -1, 1], [.nan, .nan, .nan]]
        #expect(try LightGBMTestModel.predict(model, rows) == LightGBMTestModel.predict(base, rows))
    }

    @Test func singleLeafTreesAndLeafOnlyBlocks() throws {
        let constant = """
            Tree=2
            num_leaves=1
            num_cat=0
            leaf_value=0.25

            """
        let text = LightGBMTestModel.header.replacingOccurrences(of: "tree_sizes=200 220", with: "tree_sizes=1 1 1")
            + LightGBMTestModel.tree0 + LightGBMTestModel.tree1 + constant + LightGBMTestModel.footer
        let model = try LightGBMModel(text: text)
        #expect(model.treeCount == 3)
        #expect(try LightGBMTestModel.predict(model, [[0, 0, 0], [1, 5, 1]]) == [13.25, 42.25])
    }

    @Test func modelWithoutTreesPredictsZero() throws {
        let text = LightGBMTestModel.header.replacingOccurrences(of: "tree_sizes=200 220\n", with: "")
            + LightGBMTestModel.footer
        let model = try LightGBMModel(text: text)
        #expect(model.treeCount == 0)
        #expect(try LightGBMTestModel.predict(model, [[1, 2, 3]]) == [0])
    }

    @Test func windowsLineEndingsAreAccepted() throws {
        let model = try LightGBMModel(text: LightGBMTestModel.text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(try LightGBMTestModel.predict(model, [[0, 0, 0], [nan, nan, nan]]) == [13, 33])
    }

    @Test func binaryAndMulticlassConversions() throws {
        let binary = LightGBMTestModel.replacing("objective=regression", with: "objective=binary sigmoid:0.5")
        let model = try LightGBMModel(text: binary)
        let probability = try LightGBMTestModel.predict(model, [[0, 0, 0]])
        #expect(probability == [1 / (1 + exp(-0.5 * 13))])

        // Two classes, one tree each: softmax over [tree 0, tree 1].
        let multiclass = LightGBMTestModel.text
            .replacingOccurrences(of: "num_class=1\nnum_tree_per_iteration=1", with: "num_class=2\nnum_tree_per_iteration=2")
            .replacingOccurrences(of: "objective=regression", with: "objective=multiclass num_class:2")
        let softmax = try LightGBMModel(text: multiclass)
        #expect(softmax.signature.outputs.map(\.shapePerRow) == [[2], [2]])
        let outputs = try softmax.predict(FeatureBatch(rowCount: 1, featureCount: 3, values: [0, 0, 0]))
        #expect(outputs[1].value == .tensor(Tensor(shape: [1, 2], data: .float64([3, 10]))))
        let denominator = exp(3.0 - 10) + 1
        #expect(outputs[0].value == .tensor(Tensor(shape: [1, 2], data: .float64([exp(3.0 - 10) / denominator, 1 / denominator]))))
    }

    private var nan: Double { .nan }
}
