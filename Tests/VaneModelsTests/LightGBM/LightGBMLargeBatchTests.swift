import Foundation
import Testing
@testable import VaneModels

/// Large batches: 10,000 rows (the fixture inputs repeated) give the same values as the
/// 200-row batch. (Speed is measured in Benchmarks/, not here.)
@Suite struct LightGBMLargeBatchTests {
    static let repeats = 50

    static func tiled(_ name: String, featureCount: Int) throws -> (FeatureBatch, FeatureBatch) {
        let rows = try ModelFixtures.inputs(name).rows
        let small = try FeatureBatch(rows: rows, featureCount: featureCount)
        let large = FeatureBatch(rowCount: rows.count * repeats, featureCount: featureCount,
                                 values: Array([[Double]](repeating: small.values, count: repeats).joined()))
        return (small, large)
    }

    @Test(arguments: LightGBMFixtureTests.entries.map(\.name))
    func tenThousandRowsMatchTheSmallBatch(name: String) throws {
        let entry = try #require(LightGBMFixtureTests.entries.first { $0.name == name })
        let model = try LightGBMModel(data: ModelFixtures.data(try #require(LightGBMFixtureTests.modelFile(entry))))
        let (small, large) = try Self.tiled(name, featureCount: entry.n_features)
        let expected = try model.predict(small)
        let actual = try model.predict(large)
        for (whole, part) in zip(actual, expected) {
            guard case .tensor(let big) = whole.value, case .tensor(let reference) = part.value else {
                Issue.record("\(name): not tensors")
                continue
            }
            #expect(big.shape.first == large.rowCount)
            #expect(big.doubles == Array([[Double]](repeating: reference.doubles, count: Self.repeats).joined()))
        }
    }
}
