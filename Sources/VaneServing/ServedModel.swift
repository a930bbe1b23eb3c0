import Metrics
import VaneCore
import VaneModels

/// A loaded model as a server answers for it: its protocol name and version, the runtime, and
/// its metrics.
public struct ServedModel: Sendable {
    /// The name clients address it by.
    public let name: String
    /// The registry version, when the model came from the registry.
    public let version: String?
    public let model: any InferenceModel
    public let metrics: InferenceMetrics

    /// A served model whose metrics are made by `metricsFactory` (the process-wide one by default).
    public init(name: String, version: String?, model: any InferenceModel, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.name = name
        self.version = version
        self.model = model
        self.metrics = InferenceMetrics(model: name, version: version ?? "", factory: metricsFactory)
    }

    public var signature: ModelSignature { model.signature }

    /// The OIP platform string: `<runtime>_<format>`.
    public var platform: String {
        switch signature.platform {
        case "onnx": "onnx_onnxv1"
        case let p: p
        }
    }

    /// Scores `batch`; a model's refusal of the input becomes a 400-class error naming the model.
    public func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(VaneError) -> [ModelOutput] {
        if let outputs {
            let known = Set(signature.outputs.map(\.name))
            if let unknown = outputs.subtracting(known).sorted().first {
                throw VaneError.invalid("Model \(name) has no output '\(unknown)'; its outputs are: \(signature.outputs.map(\.name).joined(separator: ", "))")
            }
        }
        do {
            return try model.predict(batch, outputs: outputs)
        } catch {
            throw VaneError.invalid("Model \(name) cannot score this input: \(error)")
        }
    }
}
