import Foundation
import Testing
@testable import VaneModels

/// A small model written by lightgbm 4.7.0 with lightgbm's own `predict` and `raw_score` for ``rows``.
struct LightGBMReferenceCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Values per row (3 for the multiclass models).
    let width: Int
    let predict: [Double]
    let rawScore: [Double]
    let text: String

    var testDescription: String { name }

    /// The rows every reference case was scored on: all zeros, all missing, a 1e-36 (read as 0
    /// by LightGBM), a -0.0, then plain values with a few missing.
    static let rows: [Double] = [
        0.0, 0.0, 0.0, .nan, .nan, .nan, 1e-36, -0.056064439045617594, 0.7468856162565439,
        -1.8473247989741095, -0.0, -0.09643216015562055, 0.6803784532741461, -0.13656633397682774,
        -0.3790985670748533, 0.46311015859758675, 0.824513527530113, -0.20252987069345152,
        -0.15278617857019708, 0.685698610809258, -0.8703406419471712, -1.5143835037313955,
        0.39498186274953, -0.6705658236878794,
    ]

    static let all: [LightGBMReferenceCase] = regression + objectives + modes
}

/// Objectives and modes beyond the manifest fixtures (poisson/gamma/tweedie, `reg_sqrt`, robust
/// regressions, cross-entropy, one-vs-all, random forest `average_output`, linear trees, constant
/// trees), each checked against lightgbm's own predictions.
@Suite struct LightGBMReferenceTests {
    @Test(arguments: LightGBMReferenceCase.all)
    func matchesLibrary(_ reference: LightGBMReferenceCase) throws {
        let model = try LightGBMModel(text: reference.text)
        let batch = FeatureBatch(rowCount: 8, featureCount: 3, values: LightGBMReferenceCase.rows)
        let outputs = try model.predict(batch)
        let expectedShape = reference.width == 1 ? [8] : [8, reference.width]
        #expect(model.signature.outputs.map(\.shapePerRow) == Array(repeating: Array(expectedShape.dropFirst()), count: 2))
        for (output, expected) in zip(outputs, [reference.predict, reference.rawScore]) {
            guard case .tensor(let tensor) = output.value else {
                Issue.record("\(output.name) is not a tensor")
                continue
            }
            #expect(tensor.shape == expectedShape)
            let actual = tensor.doubles
            #expect(actual.count == expected.count)
            for (index, (a, e)) in zip(actual, expected).enumerated() {
                #expect(abs(a - e) <= 1e-12 + 1e-12 * abs(e), "\(reference.name).\(output.name)[\(index)]: \(a) vs \(e)")
            }
        }
    }

    @Test func objectivesAreRecognised() throws {
        let kinds = try LightGBMReferenceCase.all.map { try LightGBMModel(text: $0.text).objective }
        #expect(kinds.contains(.exponential))
        #expect(kinds.contains(.signedSquare))
        #expect(kinds.contains(.softplus))
        #expect(kinds.contains(.sigmoid(2)))
        #expect(kinds.contains(.sigmoidPerClass(1)))
        #expect(kinds.contains(.softmax))
    }

    @Test func randomForestAveragesPredictButNotRawScore() throws {
        let reference = try #require(LightGBMReferenceCase.all.first { $0.name == "randomForestBinary" })
        let model = try LightGBMModel(text: reference.text)
        #expect(model.averageOutput)
        let outputs = try model.predict(FeatureBatch(rowCount: 8, featureCount: 3, values: LightGBMReferenceCase.rows))
        guard case .tensor(let raw) = outputs[1].value, case .tensor(let probability) = outputs[0].value else {
            Issue.record("expected tensors")
            return
        }
        let iterations = Double(model.treeCount)
        for (p, r) in zip(probability.doubles, raw.doubles) {
            #expect(abs(p - 1 / (1 + exp(-r / iterations))) <= 1e-15)
        }
    }

    @Test func unsupportedObjectiveIsNamed() throws {
        let reference = try #require(LightGBMReferenceCase.all.first { $0.name == "poisson" })
        let text = reference.text.replacingOccurrences(of: "objective=poisson", with: "objective=survival_magic alpha:2")
        #expect(throws: ModelError.unsupported("LightGBM objective 'survival_magic' is not supported")) {
            try LightGBMModel(text: text)
        }
    }

    @Test func customObjectiveGivesRawScores() throws {
        let reference = try #require(LightGBMReferenceCase.all.first { $0.name == "poisson" })
        for replacement in ["objective=custom", "objective=none", ""] {
            let model = try LightGBMModel(text: reference.text.replacingOccurrences(of: "objective=poisson", with: replacement))
            let outputs = try model.predict(FeatureBatch(rowCount: 8, featureCount: 3, values: LightGBMReferenceCase.rows))
            #expect(outputs[0].value == outputs[1].value)
            #expect(outputs[1].value == .tensor(Tensor(shape: [8], data: .float64(reference.rawScore))))
        }
    }
}
