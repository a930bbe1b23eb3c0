import Foundation
import Testing
import VaneCore
import VaneModels
import VaneServing

/// How request inputs become a feature batch: matrices, single rows, named columns in any order.
@Suite("Served model inputs")
struct ServedModelInputTests {
    /// A three-feature model that echoes its input, with feature names.
    struct Echo: InferenceModel {
        var signature = ModelSignature(platform: "test", inputName: "input-0", inputDatatype: .fp64, featureCount: 3,
                                       featureNames: ["a", "b", "c"], outputs: [.init(name: "x", datatype: .fp64, shapePerRow: [3])])
        func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput] {
            [ModelOutput(name: "x", value: .tensor(Tensor(shape: [batch.rowCount, 3], data: .float64(batch.values))))]
        }
    }

    let served = ServedModel(name: "echo", version: "1", model: Echo())

    @Test func matrixAndSingleRowShapes() throws {
        let two = try served.batch(from: [InputTensor(name: "input-0", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])])
        #expect(two.rowCount == 2 && two.values == [1, 2, 3, 4, 5, 6])
        let one = try served.batch(from: [InputTensor(name: "anything", shape: [3], values: [7, 8, 9])])
        #expect(one.rowCount == 1 && one.values == [7, 8, 9])
        #expect(throws: VaneError.self) { try served.batch(from: [InputTensor(name: "i", shape: [2, 2], values: [1, 2, 3, 4])]) }
        #expect(throws: VaneError.self) { try served.batch(from: [InputTensor(name: "i", shape: [1, 1, 3], values: [1, 2, 3])]) }
        #expect(throws: VaneError.self) { try served.batch(from: [InputTensor(name: "i", shape: [2, 3], values: [1, 2, 3])]) }
        #expect(throws: VaneError.self) { try served.batch(from: []) }
    }

    @Test func namedColumnsAreMatchedToFeatures() throws {
        let columns = [
            InputTensor(name: "c", shape: [2], values: [3, 30]),
            InputTensor(name: "a", shape: [2, 1], values: [1, 10]),
            InputTensor(name: "b", shape: [2], values: [2, 20]),
        ]
        let batch = try served.batch(from: columns)
        #expect(batch.values == [1, 2, 3, 10, 20, 30])
        // Unknown names, as many as the features: taken in order.
        let positional = try served.batch(columns: [("x", [1]), ("y", [2]), ("z", [3])], rowCount: 1)
        #expect(positional.values == [1, 2, 3])
        // Names that miss a feature and do not count up to the features: refused, naming the missing one.
        #expect { try served.batch(columns: [("a", [1]), ("b", [2])], rowCount: 1) } throws: { error in
            (error as? VaneError)?.message.contains("lacks: c") == true
        }
        // Ragged columns are refused.
        #expect(throws: VaneError.self) { try served.batch(from: [InputTensor(name: "a", shape: [2], values: [1, 2]), InputTensor(name: "b", shape: [1], values: [1])]) }
    }

    @Test func rowMajorFramesAreReorderedByName() throws {
        let batch = try served.batch(rowMajor: [3, 1, 2, 30, 10, 20], rowCount: 2, columnNames: ["c", "a", "b"])
        #expect(batch.values == [1, 2, 3, 10, 20, 30])
        // Extra columns are ignored when every feature is present.
        let extra = try served.batch(rowMajor: [9, 1, 2, 3], rowCount: 1, columnNames: ["id", "a", "b", "c"])
        #expect(extra.values == [1, 2, 3])
    }

    @Test func unknownRequestedOutputsAreNamed() {
        let batch = FeatureBatch(rowCount: 1, featureCount: 3, values: [1, 2, 3])
        #expect { try served.predict(batch, outputs: ["nope"]) } throws: { error in
            (error as? VaneError)?.message.contains("'nope'") == true
        }
    }
}
