import Foundation
import Testing
@testable import VaneModels

/// Every xgboost entry of the fixture manifest, every file of it, scored and compared with the
/// library's own predictions within the manifest's tolerances.
@Suite struct XGBoostFixtureTests {
    static func entries() throws -> [ModelFixtures.Entry] {
        try ModelFixtures.manifest().models.filter { $0.library == "xgboost" }
    }

    static func batch(_ name: String, featureCount: Int) throws -> FeatureBatch {
        try FeatureBatch(rows: ModelFixtures.inputs(name).rows, featureCount: featureCount)
    }

    @Test func manifestListsXGBoostModels() throws {
        let entries = try Self.entries()
        #expect(!entries.isEmpty)
        #expect(entries.allSatisfy { !$0.files.isEmpty && !$0.compare.isEmpty })
    }

    @Test(arguments: try entries().map(\.name))
    func matchesLibraryPredictions(name: String) throws {
        let entry = try #require(try Self.entries().first { $0.name == name })
        let batch = try Self.batch(name, featureCount: entry.n_features)
        let expected = try ModelFixtures.expected(name)
        for (kind, file) in entry.files.sorted(by: { $0.key < $1.key }) {
            let model = try XGBoostModel(data: ModelFixtures.data(file))
            #expect(model.signature.platform == "xgboost")
            #expect(model.signature.inputName == "input-0")
            #expect(model.signature.inputDatatype == .fp32)
            #expect(model.signature.featureCount == entry.n_features)
            let outputs = try model.predict(batch)
            #expect(outputs.map(\.name) == model.signature.outputs.map(\.name))
            for compare in entry.compare {
                let output = try #require(outputs.first { $0.name == compare.field }, "\(file): no output \(compare.field)")
                let want = try #require(expected[compare.field], "\(name): no expected \(compare.field)")
                let got = ModelFixtures.rows(of: output, rowCount: batch.rowCount)
                let mismatch = ModelFixtures.mismatch(actual: got, expected: want, tolerance: compare.tolerance)
                #expect(mismatch == nil, "\(name) [\(kind): \(file)] \(compare.field): \(mismatch ?? "")")
                if case .tensor(let tensor) = output.value {
                    #expect(tensor.datatype == .fp32)
                    #expect(tensor.shape.first == batch.rowCount)
                    let spec = try #require(model.signature.outputs.first { $0.name == compare.field })
                    #expect(Array(tensor.shape.dropFirst()) == spec.shapePerRow)
                }
            }
        }
    }

    @Test(arguments: try entries().map(\.name))
    func allFilesOfAModelAgreeExactly(name: String) throws {
        let entry = try #require(try Self.entries().first { $0.name == name })
        let batch = try Self.batch(name, featureCount: entry.n_features)
        var reference: [ModelOutput]?
        for (_, file) in entry.files.sorted(by: { $0.key < $1.key }) {
            let outputs = try XGBoostModel(data: ModelFixtures.data(file)).predict(batch)
            if let reference { #expect(outputs == reference, "\(file) differs") } else { reference = outputs }
        }
    }

    @Test func jsonAndUBJSONLoadToTheSameModel() throws {
        for entry in try Self.entries() {
            guard let json = entry.files["json"], let ubj = entry.files["ubj"] else { continue }
            let a = try XGBoostModel(data: ModelFixtures.data(json))
            let b = try XGBoostModel(data: ModelFixtures.data(ubj))
            #expect(a.signature == b.signature)
            #expect(a.forest.nodes == b.forest.nodes, "\(entry.name)")
            #expect(a.baseMargins == b.baseMargins)
        }
    }

    @Test func selectedOutputsOnly() throws {
        let entry = try #require(try Self.entries().first)
        let model = try XGBoostModel(data: ModelFixtures.data(try #require(entry.files["json"])))
        let batch = try Self.batch(entry.name, featureCount: entry.n_features)
        let margin = try model.predict(batch, outputs: ["margin"])
        #expect(margin.map(\.name) == ["margin"])
        #expect(try model.predict(batch, outputs: []).isEmpty)
        #expect(throws: ModelError.self) { try model.predict(batch, outputs: ["probabilities"]) }
    }

    @Test func featureNamesAndCounts() throws {
        for entry in try Self.entries() {
            let inputs = try ModelFixtures.inputs(entry.name)
            for (_, file) in entry.files {
                let model = try XGBoostModel(data: ModelFixtures.data(file))
                if let names = model.signature.featureNames {
                    #expect(names == inputs.feature_names, "\(file)")
                }
                #expect(model.treeCount > 0)
            }
        }
    }

    @Test func wrongFeatureCountIsBadInput() throws {
        let entry = try #require(try Self.entries().first)
        let model = try XGBoostModel(data: ModelFixtures.data(try #require(entry.files["json"])))
        let batch = FeatureBatch(rowCount: 1, featureCount: entry.n_features + 1,
                                 values: Array(repeating: 0, count: entry.n_features + 1))
        #expect {
            try model.predict(batch)
        } throws: { error in
            if case ModelError.badInput = error { return true } else { return false }
        }
    }

    @Test func emptyBatchGivesEmptyTensors() throws {
        for entry in try Self.entries() {
            let model = try XGBoostModel(data: ModelFixtures.data(try #require(entry.files["json"])))
            let outputs = try model.predict(FeatureBatch(rowCount: 0, featureCount: entry.n_features, values: []))
            for output in outputs {
                guard case .tensor(let tensor) = output.value else { Issue.record("not a tensor"); continue }
                #expect(tensor.shape.first == 0)
                #expect(tensor.elementCount == 0)
            }
        }
    }
}
