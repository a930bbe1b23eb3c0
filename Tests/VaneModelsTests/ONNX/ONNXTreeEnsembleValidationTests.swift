import Foundation
import Testing
@testable import VaneModels

/// Tree ensembles from untrusted files: every index is checked and every tree must be a tree.
@Suite("ONNX tree ensemble validation")
struct ONNXTreeEnsembleValidationTests {
    private func expectInvalid(_ model: Onnx_ModelProto, _ fragment: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try onnxLoadError(model)
        #expect(error?.onnxIsInvalidModel == true, "expected invalidModel, got \(String(describing: error))",
                sourceLocation: sourceLocation)
        #expect(error?.onnxMessage.contains(fragment) == true, "'\(error?.onnxMessage ?? "")' lacks '\(fragment)'",
                sourceLocation: sourceLocation)
    }

    /// Replaces (or adds) attribute `name` of the single node.
    private func with(_ model: Onnx_ModelProto, _ attribute: Onnx_AttributeProto) -> Onnx_ModelProto {
        var model = model
        var node = model.graph.node[0]
        node.attribute.removeAll { $0.name == attribute.name }
        node.attribute.append(attribute)
        model.graph.node[0] = node
        return model
    }

    private func without(_ model: Onnx_ModelProto, _ name: String) -> Onnx_ModelProto {
        var model = model
        model.graph.node[0].attribute.removeAll { $0.name == name }
        return model
    }

    @Test("the stump scores as expected")
    func stump() throws {
        let model = try ONNXModel(data: ONNXBuild.data(ONNXBuild.stumpRegressor()))
        let outputs = try model.predict(FeatureBatch(rowCount: 3, featureCount: 2, values: [0.5, 9, 0.6, 9, .nan, 9]))
        #expect(outputs.first?.value == .tensor(Tensor(shape: [3, 1], data: .float32([1, 2, 2]))))
        #expect(model.signature.outputs == [.init(name: "Y", datatype: .fp32, shapePerRow: [1])])
    }

    @Test("child ids that do not exist, or point to the node itself")
    func badChildren() throws {
        try expectInvalid(ONNXBuild.stumpRegressor(trueID: 7), "missing node 7")
        try expectInvalid(ONNXBuild.stumpRegressor(falseID: -1), "missing node -1")
        try expectInvalid(ONNXBuild.stumpRegressor(trueID: 0), "itself")
    }

    @Test("cycles and shared nodes are not trees")
    func notATree() throws {
        // Node 1 branches back to the root.
        let cycle = with(with(ONNXBuild.stumpRegressor(modes: ["BRANCH_LEQ", "BRANCH_LEQ", "LEAF"], targetNodes: [2]),
                              ONNXBuild.attribute("nodes_truenodeids", ints: [1, 0, 0])),
                         ONNXBuild.attribute("nodes_falsenodeids", ints: [2, 2, 0]))
        try expectInvalid(cycle, "not a tree")
        // Both branches of the root reach the same leaf.
        try expectInvalid(ONNXBuild.stumpRegressor(trueID: 2, falseID: 2, targetNodes: [2]), "not a tree")
    }

    @Test("duplicate ids, unknown modes, bad features, mismatched arrays")
    func badNodes() throws {
        try expectInvalid(ONNXBuild.stumpRegressor(nodeIDs: [0, 1, 1]), "twice")
        try expectInvalid(ONNXBuild.stumpRegressor(modes: ["BRANCH_SOMETIMES", "LEAF", "LEAF"]), "BRANCH_SOMETIMES")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("nodes_featureids", ints: [-3, 0, 0])), "feature -3")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("nodes_values", floats: [0.5])), "nodes_values")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("nodes_missing_value_tracks_true", ints: [1])),
                          "missing_value")
        try expectInvalid(without(ONNXBuild.stumpRegressor(), "nodes_modes"), "nodes_modes")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("nodes_modes", floats: [1, 2, 3])), "STRINGS")
        // Nodes of tree 0, then tree 1, then tree 0 again.
        var split = ONNXBuild.stumpRegressor()
        for attribute in [ONNXBuild.attribute("nodes_treeids", ints: [0, 1, 0, 0]), ONNXBuild.attribute("nodes_nodeids", ints: [0, 0, 1, 2]),
                          ONNXBuild.attribute("nodes_featureids", ints: [0, 0, 0, 0]),
                          ONNXBuild.attribute("nodes_modes", strings: ["BRANCH_LEQ", "LEAF", "LEAF", "LEAF"]),
                          ONNXBuild.attribute("nodes_values", floats: [0.5, 0, 0, 0]),
                          ONNXBuild.attribute("nodes_truenodeids", ints: [1, 0, 0, 0]),
                          ONNXBuild.attribute("nodes_falsenodeids", ints: [2, 0, 0, 0])] {
            split = with(split, attribute)
        }
        try expectInvalid(split, "not contiguous")
    }

    @Test("weights on branches, on missing nodes, or for missing targets")
    func badWeights() throws {
        try expectInvalid(ONNXBuild.stumpRegressor(targetNodes: [0, 2]), "not a leaf")
        try expectInvalid(ONNXBuild.stumpRegressor(targetNodes: [1, 9]), "missing node 9")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("target_ids", ints: [0, 1])), "target 1")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("target_ids", ints: [0])), "differ in length")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("n_targets", int: 0)), "n_targets")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("base_values", floats: [1, 2])), "base values")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("aggregate_function", string: "MEDIAN")), "MEDIAN")
        try expectInvalid(with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("post_transform", string: "EXP")), "EXP")
    }

    @Test("a tree reading a feature the input lacks is bad input")
    func featureOutOfRange() throws {
        var model = with(ONNXBuild.stumpRegressor(), ONNXBuild.attribute("nodes_featureids", ints: [5, 0, 0]))
        model.graph.input = [ONNXBuild.tensorInfo("X", 1, [nil, nil])]
        let loaded = try ONNXModel(data: ONNXBuild.data(model))
        do {
            _ = try loaded.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [1, 2]))
            Issue.record("feature 5 of a 2-feature row was read")
        } catch {
            #expect(error.onnxIsBadInput)
        }
        let wide = try loaded.predict(FeatureBatch(rowCount: 1, featureCount: 6, values: [0, 0, 0, 0, 0, 1]))
        #expect(wide.first?.value == .tensor(Tensor(shape: [1, 1], data: .float32([2]))))
    }

    @Test("a deep chain of nodes evaluates without recursion")
    func deepChain() throws {
        let depth = 20_000
        var tree: [Int64] = [], ids: [Int64] = [], features: [Int64] = [], modes: [String] = [], values: [Float] = []
        var trues: [Int64] = [], falses: [Int64] = []
        for i in 0..<depth {
            tree.append(0); ids.append(Int64(2 * i)); features.append(0); modes.append("BRANCH_LT")
            values.append(Float(i)); trues.append(Int64(2 * i + 1)); falses.append(Int64(2 * i + 2))
            tree.append(0); ids.append(Int64(2 * i + 1)); features.append(0); modes.append("LEAF")
            values.append(0); trues.append(0); falses.append(0)
        }
        tree.append(0); ids.append(Int64(2 * depth)); features.append(0); modes.append("LEAF")
        values.append(0); trues.append(0); falses.append(0)
        let model = ONNXBuild.model([ONNXBuild.node("TreeEnsembleRegressor", domain: "ai.onnx.ml", ["X"], ["Y"], [
            ONNXBuild.attribute("nodes_treeids", ints: tree), ONNXBuild.attribute("nodes_nodeids", ints: ids),
            ONNXBuild.attribute("nodes_featureids", ints: features), ONNXBuild.attribute("nodes_modes", strings: modes),
            ONNXBuild.attribute("nodes_values", floats: values), ONNXBuild.attribute("nodes_truenodeids", ints: trues),
            ONNXBuild.attribute("nodes_falsenodeids", ints: falses),
            ONNXBuild.attribute("target_treeids", ints: [0]), ONNXBuild.attribute("target_nodeids", ints: [Int64(2 * depth)]),
            ONNXBuild.attribute("target_ids", ints: [0]), ONNXBuild.attribute("target_weights", floats: [42]),
        ])], inputs: [ONNXBuild.tensorInfo("X", 1, [nil, 1])], outputs: [ONNXBuild.tensorInfo("Y", 1, nil)])
        let loaded = try ONNXModel(data: ONNXBuild.data(model))
        let outputs = try loaded.predict(FeatureBatch(rowCount: 2, featureCount: 1, values: [1e9, -1]))
        #expect(outputs.first?.value == .tensor(Tensor(shape: [2, 1], data: .float32([42, 0]))))
    }
}
