/// Why a model could not be loaded or could not score a request.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model file is malformed, truncated, inconsistent or too large.
    case invalidModel(String)
    /// The model uses something this runtime does not implement (an ONNX operator, an objective…).
    case unsupported(String)
    /// The input does not fit the model (feature count, shape, datatype…).
    case badInput(String)

    public var description: String {
        switch self {
        case .invalidModel(let m): "invalid model: \(m)"
        case .unsupported(let m): "unsupported model: \(m)"
        case .badInput(let m): "bad input: \(m)"
        }
    }
}
