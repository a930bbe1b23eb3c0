import Foundation
import Testing
@testable import VaneModels

/// Every `lightgbm` entry of the fixture manifest: load the text model, score the inputs and
/// compare each `compare` field with the library's own output within the manifest tolerance.
@Suite struct LightGBMFixtureTests {
    /// The manifest's LightGBM entries (empty if the manifest cannot be read; a test checks that).
    static let entries: [ModelFixtures.Entry] =
        ((try? ModelFixtures.manifest())?.models ?? []).filter { $0.library == "lightgbm" }

    /// The text model file of an entry.
    static func modelFile(_ entry: ModelFixtures.Entry) -> String? {
        entry.files["txt"] ?? entry.files.values.sorted().first { $0.hasSuffix(".txt") }
    }

    @Test func manifestListsLightGBMModels() throws {
        let manifest = try ModelFixtures.manifest()
        let entries = manifest.models.filter { $0.library == "lightgbm" }
        #expect(!entries.isEmpty)
        for entry in entries {
            #expect(Self.modelFile(entry) != nil, "\(entry.name) has no .txt model file")
            #expect(!entry.compare.isEmpty, "\(entry.name) compares nothing")
        }
    }

    @Test(arguments: entries.map(\.name))
    func matchesLibraryPredictions(name: String) throws {
        let entry = try #require(Self.entries.first { $0.name == name })
        let file = try #require(Self.modelFile(entry))
        let model = try LightGBMModel(data: ModelFixtures.data(file))

        let inputs = try ModelFixtures.inputs(name)
        #expect(model.signature.platform == "lightgbm")
        #expect(model.signature.inputName == "input-0")
        #expect(model.signature.inputDatatype == .fp64)
        #expect(model.signature.featureCount == entry.n_features)
        #expect(model.signature.featureNames == inputs.feature_names)

        let batch = try FeatureBatch(rows: inputs.rows, featureCount: entry.n_features)
        let outputs = try model.predict(batch)
        #expect(outputs.map(\.name) == model.signature.outputs.map(\.name))
        let expected = try ModelFixtures.expected(name)

        for compare in entry.compare {
            let output = try #require(outputs.first { $0.name == compare.field }, "\(name): no output \(compare.field)")
            let reference = try #require(expected[compare.field], "\(name): no expected \(compare.field)")
            guard case .tensor(let tensor) = output.value else {
                Issue.record("\(name).\(compare.field) is not a tensor")
                continue
            }
            #expect(tensor.datatype == .fp64)
            #expect(tensor.shape.first == batch.rowCount)
            #expect(tensor.elementCount == tensor.doubles.count)
            let actual = ModelFixtures.rows(of: output, rowCount: batch.rowCount)
            let mismatch = ModelFixtures.mismatch(actual: actual, expected: reference, tolerance: compare.tolerance)
            #expect(mismatch == nil, "\(name).\(compare.field): \(mismatch ?? "")")
        }
    }

    @Test(arguments: entries.map(\.name))
    func outputSelectionAndBatchSplitting(name: String) throws {
        let entry = try #require(Self.entries.first { $0.name == name })
        let model = try LightGBMModel(data: ModelFixtures.data(try #require(Self.modelFile(entry))))
        let rows = try ModelFixtures.inputs(name).rows
        let all = try model.predict(FeatureBatch(rows: rows, featureCount: entry.n_features))

        // Only the requested output, and the same values row by row as in the whole batch.
        let rawOnly = try model.predict(FeatureBatch(rows: rows, featureCount: entry.n_features), outputs: ["raw_score"])
        #expect(rawOnly.map(\.name) == ["raw_score"])
        #expect(rawOnly.first == all.last)
        #expect(try model.predict(FeatureBatch(rows: rows, featureCount: entry.n_features), outputs: []).isEmpty)

        let single = try model.predict(FeatureBatch(rows: [rows[3]], featureCount: entry.n_features))
        for (whole, one) in zip(all, single) {
            let wholeRows = ModelFixtures.rows(of: whole, rowCount: rows.count)
            #expect(ModelFixtures.rows(of: one, rowCount: 1) == [wholeRows[3]])
        }

        // Every batch size around the loop's block (16 rows) and group (4 rows) sizes, at every
        // offset class, gives the same values as the whole batch.
        let wholeRaw = ModelFixtures.rows(of: all[1], rowCount: rows.count)
        for size in [2, 3, 5, 15, 16, 17, 33, 63] {
            for start in stride(from: 0, to: rows.count - size, by: 41) {
                let part = try model.predict(FeatureBatch(rows: Array(rows[start..<(start + size)]), featureCount: entry.n_features),
                                             outputs: ["raw_score"])
                #expect(ModelFixtures.rows(of: part[0], rowCount: size) == Array(wholeRaw[start..<(start + size)]),
                        "\(name): batch of \(size) from row \(start)")
            }
        }

        let empty = try model.predict(FeatureBatch(rowCount: 0, featureCount: entry.n_features, values: []))
        for output in empty {
            guard case .tensor(let tensor) = output.value else { continue }
            #expect(tensor.shape.first == 0)
            #expect(tensor.doubles.isEmpty)
        }
    }
}
