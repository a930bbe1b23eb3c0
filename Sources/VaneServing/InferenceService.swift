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
    /// The client's id for the request (OIP `id`, `x-request-id`); Vane makes one when absent.
    public var requestID: String?

    public init(_ input: Input, outputs: Set<String>? = nil, requestID: String? = nil) {
        self.input = input
        self.outputs = outputs
        self.requestID = requestID
    }

    /// The longest request id accepted.
    public static let maxRequestIDLength = 256
}

/// What one inference request scored: the model that answered, its outputs and the row count.
public struct InferencePrediction: Sendable {
    public let model: ServedModel
    public let outputs: [ModelOutput]
    public let rowCount: Int
    /// The deployment's variant that answered, when the request went to a deployment.
    public var variant: String? = nil
    /// The request's id: the client's, or one Vane made.
    public var requestID: String = ""
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
    /// The deployments it answers for, before the catalog's models of the same name.
    public let deployments: DeploymentService?
    /// Batches with more values than this are scored off the cooperative pool.
    public let offloadThreshold: Int

    public init(catalog: any ModelCatalog, deployments: DeploymentService? = nil, offloadThreshold: Int = InferenceService.offloadThreshold) {
        self.catalog = catalog
        self.deployments = deployments
        self.offloadThreshold = offloadThreshold
    }

    /// The model `name` at `version` (nil: the catalog's default); `notFound` when unknown.
    /// A deployment `name` (without a version) gives its primary variant.
    public func model(named name: String, version: String?) async throws -> ServedModel {
        if version == nil, let deployments {
            if let live = deployments.live(named: name) { return live.primary.served }
            if let reason = deployments.unavailableReason(named: name) {
                throw VaneError(.unavailable, "Deployment \(name) is not serving: \(reason)")
            }
        }
        return try await catalog.model(named: name, version: version)
    }

    /// The versions clients may address `name` by; a deployment's variants.
    public func versions(of name: String) async throws -> [String] {
        if let live = deployments?.live(named: name) { return live.variants.map(\.name) }
        return try await catalog.versions(of: name)
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
    ///
    /// Without a version, a deployment named `name` answers before a registered model of that
    /// name: its routing picks the variant (`header` gives a request header's value for a
    /// `header:` routing key), and the prediction says which variant answered.
    public func infer<Decoded, Answer>(
        model name: String, version: String?, protocol proto: InferenceMetrics.InferenceProtocol,
        header: (String) -> String? = { _ in nil },
        decode: (ServedModel) async throws -> (request: InferenceRequest, decoded: Decoded),
        encode: (InferencePrediction, Decoded) throws -> Answer
    ) async throws -> Answer {
        if version == nil, let deployments {
            if let live = deployments.live(named: name) {
                return try await infer(live, protocol: proto, header: header, decode: decode, encode: encode)
            }
            if let reason = deployments.unavailableReason(named: name) {
                throw VaneError(.unavailable, "Deployment \(name) is not serving: \(reason)")
            }
        }
        let served = try await catalog.model(named: name, version: version)
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let (request, decoded) = try await decode(served)
            let batch = try Self.batch(request.input, for: served)
            let outputs = try await predict(served, batch, outputs: request.outputs)
            var prediction = InferencePrediction(model: served, outputs: outputs, rowCount: batch.rowCount)
            prediction.requestID = request.requestID ?? Identifiers.timeOrderedUUID()
            let answer = try encode(prediction, decoded)
            served.metrics.record(proto, rows: batch.rowCount, nanoseconds: DispatchTime.now().uptimeNanoseconds - start, failed: false)
            return answer
        } catch {
            served.metrics.record(proto, rows: 0, nanoseconds: DispatchTime.now().uptimeNanoseconds - start, failed: true)
            throw error
        }
    }

    /// One request to a deployment: route, decode (for an `input:` key first against the
    /// primary variant, again against the chosen one when its inputs differ), score, encode.
    func infer<Decoded, Answer>(
        _ live: LiveDeployment, protocol proto: InferenceMetrics.InferenceProtocol,
        header: (String) -> String?,
        decode: (ServedModel) async throws -> (request: InferenceRequest, decoded: Decoded),
        encode: (InferencePrediction, Decoded) throws -> Answer
    ) async throws -> Answer {
        let start = DispatchTime.now().uptimeNanoseconds
        var member: LiveDeployment.Member
        var decodedRequest: (request: InferenceRequest, decoded: Decoded)?
        switch live.deployment.spec.routingKey {
        case .header(let field)?:
            member = live.variant(forKey: header(field))
        case .input(let input)?:
            let primary = live.primary
            do {
                decodedRequest = try await decode(primary.served)
            } catch {
                primary.served.metrics.record(proto, rows: 0, nanoseconds: DispatchTime.now().uptimeNanoseconds - start, failed: true)
                throw error
            }
            member = live.variant(forKey: decodedRequest.flatMap { Self.routingValue(of: input, in: $0.request.input, model: primary.served) })
            if member.name != primary.name, case .batch? = decodedRequest?.request.input,
               !Self.sameInputs(primary.served.signature, member.served.signature) {
                decodedRequest = nil
            }
        case nil:
            member = live.variant(forKey: nil)
        }
        let served = member.served
        var requestID = decodedRequest?.request.requestID
        do {
            let (request, decoded): (InferenceRequest, Decoded)
            if let decodedRequest { (request, decoded) = decodedRequest } else { (request, decoded) = try await decode(served) }
            requestID = request.requestID ?? Identifiers.timeOrderedUUID()
            let batch = try Self.batch(request.input, for: served)
            let outputs = try await predict(served, batch, outputs: request.outputs)
            var prediction = InferencePrediction(model: served, outputs: outputs, rowCount: batch.rowCount)
            prediction.variant = member.name
            prediction.requestID = requestID ?? ""
            let answer = try encode(prediction, decoded)
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            served.metrics.record(proto, rows: batch.rowCount, nanoseconds: elapsed, failed: false)
            if let deployments {
                let now = deployments.now()
                member.requests.record(nanoseconds: elapsed, failed: false, at: now)
                deployments.predictionLog?.append(PredictionRecord(
                    time: now, requestID: prediction.requestID, deployment: live.name, variant: member.name,
                    latencyMicroseconds: Int64(elapsed / 1_000), rowCount: batch.rowCount, failed: false,
                    inputs: request.input, outputs: outputs,
                    predictedLabel: live.deployment.spec.experiment == nil ? nil : Self.predictedLabel(outputs, model: served, rowCount: batch.rowCount)))
                if let tracker = live.tracker {
                    tracker.record(member: member.name, nanoseconds: elapsed, failed: false, outputs: outputs, rowCount: batch.rowCount)
                    if member.name == tracker.variant, let comparison = tracker.comparison {
                        // The baseline scores the rolled-out variant's request in shadow: the disagreement guard.
                        deployments.shadowScorer.submit(ShadowWork(shadows: [comparison], input: request.input, answeredBy: served,
                                                                   answer: request.outputs == nil ? outputs : nil, rowCount: batch.rowCount))
                    }
                }
                let shadows = live.sampledShadows()
                if !shadows.isEmpty {
                    // The shadows compare with every output: when the client asked for fewer, the
                    // worker scores the answering variant again, off the request path.
                    deployments.shadowScorer.submit(ShadowWork(shadows: shadows, input: request.input, answeredBy: served,
                                                               answer: request.outputs == nil ? outputs : nil, rowCount: batch.rowCount,
                                                               requestID: prediction.requestID))
                }
            }
            return answer
        } catch {
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            served.metrics.record(proto, rows: 0, nanoseconds: elapsed, failed: true)
            if let deployments {
                let now = deployments.now()
                member.requests.record(nanoseconds: elapsed, failed: true, at: now)
                live.tracker?.record(member: member.name, nanoseconds: elapsed, failed: true, outputs: nil, rowCount: 0)
                deployments.predictionLog?.append(PredictionRecord(
                    time: now, requestID: requestID ?? Identifiers.timeOrderedUUID(), deployment: live.name, variant: member.name,
                    latencyMicroseconds: Int64(elapsed / 1_000), rowCount: 0, failed: true, inputs: nil, outputs: nil))
            }
            throw error
        }
    }

    /// The first row's predicted class (a classifier) or value, as text; what label feedback is compared with.
    static func predictedLabel(_ outputs: [ModelOutput], model: ServedModel, rowCount: Int) -> String? {
        let kind = model.signature.predictionKind
        guard let first = outputs.first,
              let row = PredictionComparison.rows(of: first, kind: kind, rowCount: rowCount, asClasses: kind != .value)?.first else { return nil }
        switch row {
        case .label(let text): return text
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        }
    }

    /// Whether a batch built for one signature fits the other: same feature count and names.
    static func sameInputs(_ a: ModelSignature, _ b: ModelSignature) -> Bool {
        a.featureCount == b.featureCount && a.featureNames == b.featureNames
    }

    /// The value of input `name` in the first row of `input`, as routing-key text (integers
    /// without a fraction); nil when the request does not carry it.
    static func routingValue(of name: String, in input: InferenceRequest.Input, model: ServedModel) -> String? {
        let value: Double?
        switch input {
        case .tensors(let tensors):
            if let tensor = tensors.first(where: { $0.name == name }) {
                value = tensor.values.first
            } else if tensors.count == 1, let index = model.signature.featureNames?.firstIndex(of: name),
                      let tensor = tensors.first, tensor.shape.count == 2, index < tensor.shape[1] {
                value = tensor.values.count > index ? tensor.values[index] : nil
            } else {
                value = nil
            }
        case .columns(let columns, _):
            value = columns.first { $0.name == name }?.values.first
        case .rowMajor(let values, let rowCount, let names):
            guard rowCount > 0, let index = names.firstIndex(of: name), index < values.count else { return nil }
            value = values[index]
        case .batch(let batch):
            guard batch.rowCount > 0, let index = model.signature.featureNames?.firstIndex(of: name), index < batch.featureCount else { return nil }
            value = batch.values[index]
        }
        guard let value, !value.isNaN else { return nil }
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        return "\(value)"
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
        try await Self.predict(served, batch, outputs: outputs, offloadThreshold: offloadThreshold)
    }

    /// Scores `batch` inline, or on NIO's blocking thread pool when it has more than
    /// `offloadThreshold` values (the shadow worker scores this way too).
    static func predict(_ served: ServedModel, _ batch: FeatureBatch, outputs: Set<String>?,
                        offloadThreshold: Int) async throws -> [ModelOutput] {
        if batch.values.count <= offloadThreshold {
            return try served.predict(batch, outputs: outputs)
        }
        return try await NIOThreadPool.singleton.runIfActive {
            try served.predict(batch, outputs: outputs)
        }
    }
}
