import Metrics

/// Per model and version: requests, errors, rows scored and request latency
/// (`vane_inference_requests_total`, `vane_inference_errors_total`, `vane_inference_rows_total`,
/// `vane_inference_request_duration_seconds`), labelled `model`, `version` and `protocol`.
///
/// The handles are made once per served model, so recording costs no registry lookup; labels
/// come only from models that exist, so a client cannot grow the label set.
public struct InferenceMetrics: Sendable {
    /// The protocols a request can arrive by.
    public enum InferenceProtocol: String, Sendable, CaseIterable {
        case openInference = "v2"
        case mlflowScoring = "mlflow"
    }

    struct Handles: Sendable {
        let requests: Counter
        let errors: Counter
        let rows: Counter
        let latency: Timer
    }

    private let handles: [Handles]

    /// The handles for `model` at `version`, made by `factory` (the process-wide one by default).
    public init(model: String, version: String, factory: any MetricsFactory = MetricsSystem.factory) {
        handles = InferenceProtocol.allCases.map { proto in
            let dims = [("model", model), ("version", version), ("protocol", proto.rawValue)]
            return Handles(
                requests: Counter(label: "vane_inference_requests_total", dimensions: dims, factory: factory),
                errors: Counter(label: "vane_inference_errors_total", dimensions: dims, factory: factory),
                rows: Counter(label: "vane_inference_rows_total", dimensions: dims, factory: factory),
                latency: Timer(label: "vane_inference_request_duration_seconds", dimensions: dims, factory: factory))
        }
    }

    /// Records one request that took `nanoseconds`, scored `rows` rows, and failed or not.
    public func record(_ proto: InferenceProtocol, rows: Int, nanoseconds: UInt64, failed: Bool) {
        let h = handles[proto == .openInference ? 0 : 1]
        h.requests.increment()
        if failed { h.errors.increment() } else { h.rows.increment(by: rows) }
        h.latency.recordNanoseconds(Int64(clamping: nanoseconds))
    }
}
