import Synchronization
import Testing
import VaneCore
import VaneModels
@testable import VaneServing

/// The shadow queue: bounded, dropping and counting when full, scoring off the request path.
@Suite("Shadow scorer")
struct ShadowScorerTests {
    /// A model that answers its first feature as a probability.
    struct Echo: InferenceModel {
        var shift: Float = 0
        var signature: ModelSignature {
            ModelSignature(platform: "xgboost", inputName: "input-0", inputDatatype: .fp32, featureCount: 1, featureNames: nil,
                           outputs: [.init(name: "predict", datatype: .fp32, shapePerRow: [])], predictionKind: .probability)
        }
        func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput] {
            [ModelOutput(name: "predict", value: .tensor(Tensor(shape: [batch.rowCount], data: .float32(batch.values.map { Float($0) + shift }))))]
        }
    }

    static func member(_ name: String, _ model: any InferenceModel) -> LiveDeployment.Member {
        .init(name: name, served: ServedModel(name: "d", version: name, model: model),
              resolved: .init(declared: "models:/m/1", registeredName: "m", version: 1), weight: 1,
              requests: RequestStats(), shadowStats: ShadowStats())
    }

    static func work(_ shadows: [LiveDeployment.Member], values: [Double]) -> ShadowWork {
        let answeredBy = ServedModel(name: "d", version: "main", model: Echo())
        let answer = try! Echo().predict(FeatureBatch(rowCount: values.count, featureCount: 1, values: values), outputs: nil)
        return ShadowWork(shadows: shadows, input: .tensors([InputTensor(name: "input-0", shape: [values.count, 1], values: values)]),
                          answeredBy: answeredBy, answer: answer, rowCount: values.count)
    }

    @Test("a full queue drops and counts; what it took is scored and compared by class")
    func dropsWhenFull() async throws {
        let scorer = ShadowScorer(capacity: 2)
        let shifted = Self.member("shifted", Echo(shift: 0.3))
        for _ in 0..<5 { scorer.submit(Self.work([shifted], values: [0.1, 0.4, 0.9])) }
        var snapshot = shifted.shadowStats!.snapshot(at: 0)
        #expect(snapshot.mirrored == 2 && snapshot.dropped == 3)
        scorer.finish()
        try await scorer.run()
        snapshot = shifted.shadowStats!.snapshot(at: 0)
        #expect(snapshot.scoring.requests == 2 && snapshot.scoring.errors == 0)
        // 0.1 → 0.4 (both class 0), 0.4 → 0.7 (0 vs 1), 0.9 → 1.2 (both 1): 2 of 3 rows agree.
        #expect(snapshot.comparison.rows == 6 && snapshot.comparison.agreeing == 4)
        #expect(abs((snapshot.comparison.meanAbsoluteDifference ?? 0) - 0.3) < 1e-6)
    }

    @Test("numeric predictions agree within the documented tolerance")
    func numericTolerance() {
        func output(_ v: [Float]) -> [ModelOutput] { [ModelOutput(name: "p", value: .tensor(Tensor(shape: [v.count], data: .float32(v))))] }
        let c = PredictionComparison.compare(output([100, 1, 0]), kind: .value, with: output([100.05, 1.01, 0.0000005]), kind: .value, rowCount: 3)
        #expect(c?.agreeing == 2)   // 100 vs 100.05 (within 0.1 %), 0 vs 5e-7 (within 1e-6); 1 vs 1.01 is not
        let probs = [ModelOutput(name: "p", value: .tensor(Tensor(shape: [2, 3], data: .float32([0.1, 0.7, 0.2, 0.5, 0.3, 0.2]))))]
        let labels = [ModelOutput(name: "label", value: .tensor(Tensor(shape: [2], data: .int64([1, 2]))))]
        #expect(PredictionComparison.compare(probs, kind: .classProbabilities, with: labels, kind: .classLabel, rowCount: 2)?.agreeing == 1)
    }

    /// Echo shifted by 0.3 that refuses negative values and counts its predictions.
    struct Picky: InferenceModel {
        let calls: Calls
        var signature: ModelSignature { Echo().signature }
        func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput] {
            calls.count.withLock { $0 += 1 }
            if batch.values.contains(where: { $0 < 0 }) { throw ModelError.badInput("negative") }
            return try Echo(shift: 0.3).predict(batch, outputs: outputs)
        }
    }

    final class Calls: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
    }

    @Test("gathered requests are scored in one prediction, each with its own rows; one that fails fails alone")
    func gathered() async throws {
        let calls = Calls()
        let picky = Self.member("picky", Picky(calls: calls))
        let scorer = ShadowScorer()
        await scorer.score([[0.1, 0.4], [0.9], [0.15, 0.3, 0.6]].map { Self.work([picky], values: $0) })
        #expect(calls.value == 1)
        var snapshot = picky.shadowStats!.snapshot(at: 0)
        #expect(snapshot.scoring.requests == 3 && snapshot.scoring.errors == 0)
        // Shifted by 0.3: 0.4 → 0.7 and 0.3 → 0.6 cross 0.5; the rest keep their class.
        #expect(snapshot.comparison.rows == 6 && snapshot.comparison.agreeing == 4)
        #expect(abs((snapshot.comparison.meanAbsoluteDifference ?? 0) - 0.3) < 1e-6)
        // A negative value fails the joint prediction: each request is then scored alone.
        await scorer.score([[0.1], [-1], [0.6]].map { Self.work([picky], values: $0) })
        #expect(calls.value == 1 + 1 + 3)
        snapshot = picky.shadowStats!.snapshot(at: 0)
        #expect(snapshot.scoring.requests == 6 && snapshot.scoring.errors == 1)
        #expect(snapshot.comparison.rows == 8 && snapshot.comparison.agreeing == 6)
        // A joint prediction holds at most `jointValues` values: 1,100 requests of 64 rows go in two.
        let many = (0..<1_100).map { _ in Self.work([picky], values: Array(repeating: 0.2, count: 64)) }
        let chunks = ShadowScorer.chunks(many.indices.map { ($0, 0) }, of: many, for: picky.served)
        #expect(chunks.count == 2)
        #expect(chunks.allSatisfy { $0.reduce(0) { $0 + $1.rows.values.count } <= ShadowScorer.jointValues })
        #expect(chunks.flatMap { $0.map(\.work) } == Array(many.indices))
    }
}
