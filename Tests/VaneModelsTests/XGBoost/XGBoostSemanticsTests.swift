import Foundation
import Testing
@testable import VaneModels

/// Split, missing-value, categorical, objective and output-shape semantics on small hand-built models.
@Suite struct XGBoostSemanticsTests {
    typealias Tree = XGBoostTestModel.Tree

    static func floats(_ outputs: [ModelOutput], _ name: String) -> [Float] {
        guard case .tensor(let tensor)? = outputs.first(where: { $0.name == name })?.value,
              case .float32(let values) = tensor.data else { return [] }
        return values
    }

    static func shape(_ outputs: [ModelOutput], _ name: String) -> [Int] {
        guard case .tensor(let tensor)? = outputs.first(where: { $0.name == name })?.value else { return [] }
        return tensor.shape
    }

    static func margins(_ model: XGBoostModel, _ rows: [[Double?]]) throws -> [Float] {
        let batch = try FeatureBatch(rows: rows, featureCount: model.signature.featureCount)
        return floats(try model.predict(batch), "margin")
    }

    @Test func lessThanGoesLeftEqualGoesRight() throws {
        let model = try XGBoostTestModel(trees: [.stump(threshold: 0.5, left: -1, right: 1)]).load()
        let m = try Self.margins(model, [[0.25, 0], [0.5, 0], [0.75, 0], [-.infinity, 0], [.infinity, 0]])
        #expect(m == [-1, 1, 1, -1, 1])
    }

    @Test func inputsAreCastToFloat32() throws {
        // 0.1 as float32 is 0.100000001…; the double 0.1000000001 casts to the same float.
        let model = try XGBoostTestModel(trees: [.stump(threshold: Double(Float(0.1)), left: -1, right: 1)]).load()
        #expect(try Self.margins(model, [[0.1000000001, 0], [0.0999999, 0]]) == [1, -1])
    }

    @Test(arguments: [true, false])
    func missingFollowsDefaultLeft(defaultLeft: Bool) throws {
        let model = try XGBoostTestModel(
            trees: [.stump(threshold: 0.5, left: -1, right: 1, defaultLeft: defaultLeft)]).load()
        #expect(try Self.margins(model, [[nil, 0]]) == [defaultLeft ? -1 : 1])
        // The same with a batch mixing present and missing values (another code path).
        #expect(try Self.margins(model, [[0, 0], [nil, 7], [1, 0]]) == [-1, defaultLeft ? -1 : 1, 1])
    }

    @Test func categoriesInTheSetGoRight() throws {
        let model = try XGBoostTestModel(trees: [.categorical(feature: 1, categories: [1, 3, 64], left: -1, right: 1)]).load()
        let rows: [[Double?]] = [[0, 0], [0, 1], [0, 2], [0, 3], [0, 3.7], [0, 64], [0, 65], [0, -1], [0, -0.5],
                                 [0, 1e9], [0, 16_777_216], [0, nil]]
        #expect(try Self.margins(model, rows) == [-1, 1, -1, 1, 1, 1, -1, -1, -1, -1, -1, -1])
        let right = try XGBoostTestModel(
            trees: [.categorical(feature: 1, categories: [2], left: -1, right: 1, defaultLeft: false)]).load()
        #expect(try Self.margins(right, [[0, nil], [0, 2], [0, 5]]) == [1, 1, -1])
    }

    @Test func categoricalNodeWithoutCategoriesSendsEverythingLeft() throws {
        var tree = Tree.categorical(feature: 0, categories: [], left: -1, right: 1)
        tree.categoriesNodes = []
        tree.categoriesSegments = []
        tree.categoriesSizes = []
        let model = try XGBoostTestModel(trees: [tree]).load()
        #expect(try Self.margins(model, [[0, 0], [5, 0]]) == [-1, -1])
    }

    @Test func marginsAccumulateInFloat32InTreeOrder() throws {
        let leaves: [Double] = [1e8, 3, 3, -1e8, 0.25]
        let model = try XGBoostTestModel(baseScore: "[1.5E0]", trees: leaves.map { Tree.leaf($0) }).load()
        var expected: Float = 1.5
        for leaf in leaves { expected += Float(leaf) }
        #expect(try Self.margins(model, [[0, 0]]) == [expected])
    }

    @Test func deeperTreeAndUnreachableNodes() throws {
        // node 0: f0 < 0 ? node 1 : node 2; node 1: f1 < 5 ? node 3 : node 4; node 5 is unreachable.
        let tree = Tree(left: [1, 3, -1, -1, -1, -1], right: [2, 4, -1, -1, -1, -1], indices: [0, 1, 0, 0, 0, 0],
                        conditions: [0, 5, 30, 10, 20, 99], defaultLeft: [0, 1, 0, 0, 0, 0])
        let model = try XGBoostTestModel(trees: [tree]).load()
        #expect(try Self.margins(model, [[-1, 4], [-1, 6], [-1, nil], [1, 4], [nil, 4]]) == [10, 20, 10, 30, 30])
    }

    @Test func deepUnbalancedChain() throws {
        // Split k (node 2k) sends f0 < k to leaf 2k+1 (value k) and the rest on to split k+1;
        // after 50 splits the last node is a leaf of value 100.
        let splits = 50
        var tree = Tree(left: [], right: [], indices: [], conditions: [], defaultLeft: [])
        for k in 0..<splits {
            tree.left += [2 * k + 1, -1]
            tree.right += [2 * k + 2, -1]
            tree.indices += [0, 0]
            tree.conditions += [Double(k), Double(k)]
            tree.defaultLeft += [k == 7 ? 1 : 0, 0]
        }
        tree.left.append(-1)
        tree.right.append(-1)
        tree.indices.append(0)
        tree.conditions.append(100)
        tree.defaultLeft.append(0)
        let model = try XGBoostTestModel(trees: [tree, .leaf(0.5)]).load()
        let inputs: [Double] = [-3, 0, 0.5, 6.9, 7, 48.5, 49, 1000]
        let expected: [Float] = [0, 1, 1, 7, 8, 49, 100, 100].map { $0 + 0.5 }
        #expect(try Self.margins(model, inputs.map { [$0, 0] }) == expected)
        #expect(try Self.margins(model, [[nil, 0], [3.5, nil]]) == [7.5, 4.5])
    }

    @Test func logisticBaseScoreIsAProbability() throws {
        let model = try XGBoostTestModel(objective: "binary:logistic", baseScore: "[7.5E-1]", trees: [.leaf(0)]).load()
        let outputs = try model.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [0, 0]))
        #expect(abs(Self.floats(outputs, "margin")[0] - Float(log(3.0))) < 1e-6)
        #expect(abs(Self.floats(outputs, "predict")[0] - 0.75) < 1e-6)
    }

    @Test func logitRawUsesTheBaseScoreAsMargin() throws {
        let model = try XGBoostTestModel(objective: "binary:logitraw", baseScore: "[4E-1]", trees: [.leaf(1)]).load()
        let outputs = try model.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [0, 0]))
        #expect(Self.floats(outputs, "margin") == [1.4])
        #expect(Self.floats(outputs, "predict") == [1.4])
    }

    @Test func exponentialAndHingeObjectives() throws {
        let poisson = try XGBoostTestModel(objective: "count:poisson", baseScore: "[1E0]", trees: [.leaf(2)]).load()
        let p = try poisson.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [0, 0]))
        #expect(Self.floats(p, "margin") == [2])
        #expect(abs(Self.floats(p, "predict")[0] - Float(exp(2.0))) < 1e-5)
        let hinge = try XGBoostTestModel(objective: "binary:hinge", trees: [.stump(threshold: 0, left: -1, right: 1)]).load()
        let h = try hinge.predict(FeatureBatch(rowCount: 2, featureCount: 2, values: [-1, 0, 1, 0]))
        #expect(Self.floats(h, "predict") == [0, 1])
    }

    @Test func multiclassTreesAreInterleavedByTreeInfo() throws {
        let trees: [Tree] = [.leaf(1), .leaf(2), .leaf(3), .leaf(10), .leaf(20), .leaf(30)]
        var spec = XGBoostTestModel(objective: "multi:softprob", numClass: 3, baseScore: "[1E0,0E0,-1E0]", trees: trees)
        let model = try spec.load()
        #expect(model.signature.outputs.map(\.shapePerRow) == [[3], [3]])
        let outputs = try model.predict(FeatureBatch(rowCount: 2, featureCount: 2, values: [0, 0, 1, 1]))
        #expect(Self.floats(outputs, "margin") == [12, 22, 32, 12, 22, 32])
        #expect(Self.shape(outputs, "predict") == [2, 3])
        let probabilities = Self.floats(outputs, "predict")
        #expect(abs(probabilities[0...2].reduce(0, +) - 1) < 1e-6)
        #expect(probabilities[2] > probabilities[1] && probabilities[1] > probabilities[0])

        spec.objective = "multi:softmax"
        spec.treeInfo = [2, 1, 0, 2, 1, 0]
        let softmax = try spec.load()
        #expect(softmax.signature.outputs.map(\.shapePerRow) == [[], [3]])
        let s = try softmax.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [0, 0]))
        #expect(Self.floats(s, "margin") == [34, 22, 10])
        #expect(Self.floats(s, "predict") == [0])
        #expect(Self.shape(s, "predict") == [1])
    }

    @Test func multiTargetRegressionHasOneMarginPerTarget() throws {
        let spec = XGBoostTestModel(numTarget: 2, baseScore: "[1E0,2E0]", trees: [.leaf(1), .leaf(5)], treeInfo: [0, 1])
        let model = try spec.load()
        let outputs = try model.predict(FeatureBatch(rowCount: 1, featureCount: 2, values: [0, 0]))
        #expect(Self.floats(outputs, "predict") == [2, 7])
        #expect(Self.shape(outputs, "predict") == [1, 2])
    }

    @Test func dartScalesLeavesByWeightDrop() throws {
        let spec = XGBoostTestModel(booster: "dart", trees: [.leaf(2), .leaf(4)], weightDrop: [0.5, 0.25])
        #expect(try Self.margins(spec.load(), [[0, 0]]) == [2])
    }

    @Test func scalarBaseScoreFromOlderVersionsIsBroadcast() throws {
        let spec = XGBoostTestModel(objective: "multi:softprob", numClass: 2, baseScore: "5E-1",
                                    trees: [.leaf(0), .leaf(0)])
        #expect(try spec.load().baseMargins == [0.5, 0.5])
    }

    @Test func modelWithoutFeatures() throws {
        let model = try XGBoostTestModel(numFeature: 0, baseScore: "[1E0]", trees: [.leaf(2), .leaf(3)]).load()
        let outputs = try model.predict(FeatureBatch(rowCount: 3, featureCount: 0, values: []))
        #expect(Self.floats(outputs, "predict") == [6, 6, 6])
    }

    @Test func signatureDescribesTheModel() throws {
        let model = try XGBoostTestModel(numFeature: 3, featureNames: ["a", "b", "c"]).load()
        #expect(model.signature == ModelSignature(
            platform: "xgboost", inputName: "input-0", inputDatatype: .fp32, featureCount: 3, featureNames: ["a", "b", "c"],
            outputs: [.init(name: "predict", datatype: .fp32, shapePerRow: []),
                      .init(name: "margin", datatype: .fp32, shapePerRow: [])]))
        #expect(model.objectiveName == "reg:squarederror")
        #expect(try XGBoostTestModel().load().signature.featureNames == nil)
    }

    @Test func jsonAndUBJSONAgree() throws {
        let spec = XGBoostTestModel(objective: "binary:logistic", baseScore: "[3E-1]",
                                    trees: [.stump(threshold: 0.5, left: -1, right: 1),
                                            .categorical(feature: 1, categories: [0, 2], left: 0.5, right: -0.5)])
        let a = try XGBoostModel(data: spec.json)
        let b = try XGBoostModel(data: spec.ubjson)
        let batch = try FeatureBatch(rows: [[0, 0], [1, 2], [nil, nil], [0.5, 1]], featureCount: 2)
        #expect(try a.predict(batch) == b.predict(batch))
        #expect(a.forest.nodes == b.forest.nodes)
    }

    @Test func jsonWithLeadingWhitespaceAndByteOrderMark() throws {
        let json = XGBoostTestModel().json
        #expect(throws: Never.self) { try XGBoostModel(data: Data(" \n".utf8) + json) }
        #expect(throws: Never.self) { try XGBoostModel(data: Data([0xEF, 0xBB, 0xBF]) + json) }
    }

    @Test func manyRowsAcrossBlocksMatchRowByRow() throws {
        let trees: [Tree] = (0..<7).map { .stump(feature: $0 % 2, threshold: Double($0) / 7, left: -Double($0), right: 1) }
        let model = try XGBoostTestModel(trees: trees).load()
        var generator = XGBoostSeededGenerator(seed: 42)
        let rows: [[Double?]] = (0..<1000).map { i in
            [i % 17 == 0 ? nil : Double.random(in: -0.5...1.5, using: &generator), Double.random(in: 0...1, using: &generator)]
        }
        let all = try Self.margins(model, rows)
        for (index, row) in rows.enumerated() where index % 37 == 0 {
            #expect(try Self.margins(model, [row]) == [all[index]])
        }
    }
}
