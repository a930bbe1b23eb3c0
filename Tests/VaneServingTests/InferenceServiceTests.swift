import Foundation
import MetricsTestKit
import Synchronization
import Testing
import VaneCore
import VaneModels
import VaneServing

/// Inference as one call: resolve, decode, batch, predict (offloaded when big), encode, and the
/// model's metrics recorded once per request.
@Suite("Inference service")
struct InferenceServiceTests {
    /// A two-feature model that answers each row's sum, and notes the thread it ran on.
    struct Sum: InferenceModel {
        let threads: Threads
        var signature = ModelSignature(platform: "test", inputName: "input-0", inputDatatype: .fp64, featureCount: 2,
                                       featureNames: ["a", "b"], outputs: [.init(name: "sum", datatype: .fp64, shapePerRow: [])])
        func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput] {
            threads.note(Thread.current.name ?? "")
            guard !batch.values.contains(-1) else { throw ModelError.badInput("no -1 here") }
            let sums = (0..<batch.rowCount).map { batch.values[$0 * 2] + batch.values[$0 * 2 + 1] }
            return [ModelOutput(name: "sum", value: .tensor(Tensor(shape: [batch.rowCount], data: .float64(sums))))]
        }
    }

    /// The names of the threads a model predicted on.
    final class Threads: Sendable {
        private let names = Mutex<[String]>([])
        func note(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    struct Probe {
        let metrics = TestMetrics()
        let threads = Threads()
        let served: ServedModel
        init() { served = ServedModel(name: "sum", version: "3", model: Sum(threads: threads), metricsFactory: metrics) }

        func service(offloadThreshold: Int = InferenceService.offloadThreshold) -> InferenceService {
            InferenceService(catalog: SingleModelCatalog(served), offloadThreshold: offloadThreshold)
        }

        func counter(_ label: String, _ proto: String) -> Int64 {
            metrics.counterTotal(label: label, dimensions: [("model", "sum"), ("version", "3"), ("protocol", proto)])
        }

        func timings(_ proto: String) -> Int {
            metrics.timers(label: "vane_inference_request_duration_seconds",
                           dimensions: [("model", "sum"), ("version", "3"), ("protocol", proto)]).map(\.values.count).reduce(0, +)
        }
    }

    /// Scores `request` and answers the `sum` output's values.
    static func sums(_ service: InferenceService, _ request: InferenceRequest,
                     proto: InferenceMetrics.InferenceProtocol = .openInference) async throws -> [Double] {
        try await service.infer(model: "sum", version: nil, protocol: proto) { _ in (request, ()) } encode: { prediction, _ in
            guard case .tensor(let tensor) = prediction.outputs.first?.value, case .float64(let values) = tensor.data else { return [] }
            #expect(prediction.rowCount == values.count)
            return values
        }
    }

    @Test func everyInputFormBecomesTheModelsBatch() async throws {
        let service = Probe().service()
        #expect(try await Self.sums(service, InferenceRequest(.tensors([InputTensor(name: "x", shape: [2, 2], values: [1, 2, 3, 4])]))) == [3, 7])
        #expect(try await Self.sums(service, InferenceRequest(.columns([("b", [2, 4]), ("a", [1, 3])], rowCount: 2))) == [3, 7])
        #expect(try await Self.sums(service, InferenceRequest(.rowMajor([2, 1], rowCount: 1, columnNames: ["b", "a"])))  == [3])
        #expect(try await Self.sums(service, InferenceRequest(.batch(FeatureBatch(rowCount: 1, featureCount: 2, values: [5, 6])))) == [11])
    }

    @Test func metricsCountEachRequestOnceWithItsErrors() async throws {
        let probe = Probe()
        let service = probe.service()
        let good = InferenceRequest(.tensors([InputTensor(name: "x", shape: [3, 2], values: [1, 2, 3, 4, 5, 6])]))
        _ = try await Self.sums(service, good)
        _ = try await Self.sums(service, good, proto: .mlflowScoring)
        // A request the decoder refuses, one the batch refuses (three features for two), one the model
        // refuses, and one whose answer cannot be encoded: each is one request and one error, no rows.
        await #expect(throws: VaneError.self) {
            try await service.infer(model: "sum", version: nil, protocol: .openInference) { _ -> (request: InferenceRequest, decoded: Void) in
                throw VaneError.invalid("bad body")
            } encode: { _, _ in 0 }
        }
        await #expect(throws: VaneError.self) {
            try await Self.sums(service, InferenceRequest(.tensors([InputTensor(name: "x", shape: [1, 3], values: [1, 2, 3])])))
        }
        await #expect(throws: VaneError.self) {
            try await Self.sums(service, InferenceRequest(.tensors([InputTensor(name: "x", shape: [1, 2], values: [-1, 2])])))
        }
        await #expect(throws: VaneError.self) {
            try await service.infer(model: "sum", version: nil, protocol: .openInference) { _ in (good, ()) } encode: { _, _ -> Int in
                throw VaneError(.internalError, "cannot encode")
            }
        }
        #expect(probe.counter("vane_inference_requests_total", "v2") == 5)
        #expect(probe.counter("vane_inference_errors_total", "v2") == 4)
        #expect(probe.counter("vane_inference_rows_total", "v2") == 3)
        #expect(probe.timings("v2") == 5)
        #expect(probe.counter("vane_inference_requests_total", "mlflow") == 1)
        #expect(probe.counter("vane_inference_errors_total", "mlflow") == 0)
        #expect(probe.counter("vane_inference_rows_total", "mlflow") == 3)
        #expect(probe.timings("mlflow") == 1)
    }

    @Test func unknownModelOrVersionIsNotFoundAndRecordsNothing() async throws {
        let probe = Probe()
        let service = probe.service()
        for (name, version) in [("nope", nil), ("sum", "4")] as [(String, String?)] {
            await #expect { try await service.infer(model: name, version: version, protocol: .openInference) { _ -> (request: InferenceRequest, decoded: Void) in
                Issue.record("decode ran for an unknown model")
                throw VaneError.invalid("unreachable")
            } encode: { _, _ in 0 } } throws: { error in
                (error as? VaneError)?.code == .notFound
            }
        }
        #expect(probe.counter("vane_inference_requests_total", "v2") == 0)
        #expect(probe.counter("vane_inference_errors_total", "v2") == 0)
        #expect(try await service.model(named: "sum", version: "3").name == "sum")
        #expect(try await service.versions(of: "sum") == ["3"])
    }

    @Test func bigBatchesRunOnTheThreadPoolWithTheSameAnswer() async throws {
        let probe = Probe()
        let rows = (InferenceService.offloadThreshold / 2) + 1
        let values = (0..<(rows * 2)).map { Double($0 % 97) }
        let request = InferenceRequest(.rowMajor(values, rowCount: rows, columnNames: ["a", "b"]))
        let inline = try await Self.sums(probe.service(offloadThreshold: .max), request)
        let offloaded = try await Self.sums(probe.service(), request)
        #expect(offloaded == inline && inline.count == rows)
        let threads = probe.threads.all
        #expect(threads.count == 2)
        #expect(threads.first?.contains("TP-#") == false)
        #expect(threads.last?.contains("TP-#") == true, "\(threads)")
        // Small batches stay inline; the model's refusal comes back the same way from the pool.
        _ = try await Self.sums(probe.service(), InferenceRequest(.batch(FeatureBatch(rowCount: 1, featureCount: 2, values: [1, 1]))))
        #expect(probe.threads.all.last?.contains("TP-#") == false)
        await #expect { try await Self.sums(probe.service(offloadThreshold: 0), InferenceRequest(.batch(FeatureBatch(rowCount: 1, featureCount: 2, values: [-1, 1])))) } throws: { error in
            (error as? VaneError)?.code == .invalidParameter
        }
    }
}
