import Dispatch
import NIOPosix
import VaneCore
import VaneModels

/// What a wire protocol decoded from one inference request, against the served model's signature.
public struct InferenceRequest: Sendable {
    /// The request's features, in one of the forms the protocols carry them.
    public enum Input: Sendable {
        /// Open Inference Protocol tensors: one feature matrix, or one column per input
        /// (``ServedModel/batch(from:)``).
        case tensors([InputTensor])
        /// Named columns of equal length (``ServedModel/batch(columns:rowCount:)``).
        case columns([(name: String, values: [Double])], rowCount: Int)
        /// Row-major values whose columns carry names (``ServedModel/batch(rowMajor:rowCount:columnNames:)``).
        case rowMajor([Double], rowCount: Int, columnNames: [String])
        /// A batch the decoder has already built for the model.
        case batch(FeatureBatch)
    }

    public var input: Input
    /// The outputs the client asked for; nil means every output.
    public var outputs: Set<String>?

    public init(_ input: Input, outputs: Set<String>? = nil) {
        self.input = input
        self.outputs = outputs
    }
}

/// What one inference request scored: the model that answered, its outputs and the row count.
public struct InferencePrediction: Sendable {
    public let model: ServedModel
    public let outputs: [ModelOutput]
    public let rowCount: Int
}

/// Inference over a ``ModelCatalog``, one call per request: resolve the model, let the wire layer
/// decode the request against it, build the batch, predict (off the cooperative pool when the
/// batch is big), let the wire layer encode the answer, and record the model's metrics.
public struct InferenceService: Sendable {
    /// Batches with more values than this are scored on NIO's blocking thread pool, so that a big
    /// request does not hold a concurrency thread that small requests are waiting for.
    public static var offloadThreshold: Int { 1 << 16 }

    /// The models this service answers for.
    public let catalog: any ModelCatalog
    /// Batches with more values than this are scored off the cooperative pool.
    public let offloadThreshold: Int

    public init(catalog: any ModelCatalog, offloadThreshold: Int = InferenceService.offloadThreshold) {
        self.catalog = catalog
        self.offloadThreshold = offloadThreshold
    }

    /// The model `name` at `version` (nil: the catalog's default); `notFound` when unknown.
    public func model(named name: String, version: String?) async throws -> ServedModel {
        try await catalog.model(named: name, version: version)
    }

    /// The versions clients may address `name` by.
    public func versions(of name: String) async throws -> [String] {
        try await catalog.versions(of: name)
    }

    /// Answers one request for the model `name` at `version` that arrived by `proto`.
    ///
    /// `decode` reads the request against the served model (its signature names the features)
    /// and returns what to score, with anything of its own the answer needs (`Decoded`: an id,
    /// the order of the requested outputs); `encode` turns the prediction into the wire's answer.
    ///
    /// An unknown model or version throws `notFound` and records nothing (there is no model to
    /// record it against). Otherwise the request counts once in the model's metrics: its rows and
    /// latency (from decoding to the encoded answer), or an error when `decode`, the batch, the
    /// prediction or `encode` throws.
    public func infer<Decoded, Answer>(
        model name: String, version: String?, protocol proto: InferenceMetrics.InferenceProtocol,
        decode: (ServedModel) async throws -> (request: InferenceRequest, decoded: Decoded),
        encode: (InferencePrediction, Decoded) throws -> Answer
    ) async throws -> Answer {
        let served = try await catalog.model(named: name, version: version)
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let (request, decoded) = try await decode(served)
            let batch = try Self.batch(request.input, for: served)
            let outputs = try await predict(served, batch, outputs: request.outputs)
            let answer = try encode(InferencePrediction(model: served, outputs: outputs, rowCount: batch.rowCount), decoded)
            served.metrics.record(proto, rows: batch.rowCount, nanoseconds: DispatchTime.now().uptimeNanoseconds - start, failed: false)
            return answer
        } catch {
            served.metrics.record(proto, rows: 0, nanoseconds: DispatchTime.now().uptimeNanoseconds - start, failed: true)
            throw error
        }
    }

    /// The batch `input` describes for `served`.
    static func batch(_ input: InferenceRequest.Input, for served: ServedModel) throws(VaneError) -> FeatureBatch {
        switch input {
        case .tensors(let tensors): try served.batch(from: tensors)
        case .columns(let columns, let rowCount): try served.batch(columns: columns, rowCount: rowCount)
        case .rowMajor(let values, let rowCount, let names): try served.batch(rowMajor: values, rowCount: rowCount, columnNames: names)
        case .batch(let batch): batch
        }
    }

    /// Scores `batch`: inline when it is small, on NIO's blocking thread pool when it has more
    /// than ``offloadThreshold`` values.
    func predict(_ served: ServedModel, _ batch: FeatureBatch, outputs: Set<String>?) async throws -> [ModelOutput] {
        if batch.values.count <= offloadThreshold {
            return try served.predict(batch, outputs: outputs)
        }
        return try await NIOThreadPool.singleton.runIfActive {
            try served.predict(batch, outputs: outputs)
        }
    }
}
