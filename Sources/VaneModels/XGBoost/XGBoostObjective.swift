import Foundation

/// How an XGBoost objective turns margins into predictions, and its stored base score into
/// the initial margin — in float32, as XGBoost does.
enum XGBoostObjective: Sendable, Equatable {
    /// Prediction = margin; base score used as the margin (squared error and friends, ranking).
    case identity
    /// Prediction = sigmoid(margin); base score stored as a probability (`reg:logistic`,
    /// `binary:logistic`).
    case logistic
    /// Prediction = margin; base score used as the margin (`binary:logitraw`, XGBoost 3.x).
    case logitRaw
    /// Prediction = exp(margin); base score stored on the response scale (`count:poisson`,
    /// `reg:gamma`, `reg:tweedie`, `survival:cox`, `survival:aft`).
    case exponential
    /// Prediction = 1 when margin > 0, else 0 (`binary:hinge`).
    case hinge
    /// Prediction = per-class softmax probabilities (`multi:softprob`).
    case softprob
    /// Prediction = index of the largest margin (`multi:softmax`).
    case softmax

    /// The objective named `name`, or ``ModelError/unsupported(_:)``.
    init(name: String) throws(ModelError) {
        switch name {
        case "reg:squarederror", "reg:linear", "reg:squaredlogerror", "reg:pseudohubererror",
             "reg:absoluteerror", "reg:quantileerror", "reg:expectileerror",
             "rank:pairwise", "rank:ndcg", "rank:map":
            self = .identity
        case "reg:logistic", "binary:logistic": self = .logistic
        case "binary:logitraw": self = .logitRaw
        case "count:poisson", "reg:gamma", "reg:tweedie", "survival:cox", "survival:aft": self = .exponential
        case "binary:hinge": self = .hinge
        case "multi:softprob": self = .softprob
        case "multi:softmax": self = .softmax
        default: throw ModelError.unsupported("XGBoost objective \"\(name)\"")
        }
    }

    var isMulticlass: Bool { self == .softprob || self == .softmax }

    /// The initial margin for the stored base score `value` (XGBoost's `ProbToMargin`).
    func margin(fromBaseScore value: Float) throws(ModelError) -> Float {
        guard value.isFinite else { throw ModelError.invalidModel("base_score \(value) is not finite") }
        switch self {
        case .logistic:
            guard value > 0, value < 1 else {
                throw ModelError.invalidModel("base_score \(value) must be in (0, 1) for a logistic objective")
            }
            return -logf(1 / value - 1)
        case .exponential:
            guard value > 0 else { throw ModelError.invalidModel("base_score \(value) must be positive for a log-link objective") }
            return logf(value)
        case .identity, .logitRaw, .hinge, .softprob, .softmax:
            return value
        }
    }

    /// XGBoost's float32 sigmoid (`common::Sigmoid`).
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        1 / (expf(min(-x, 88.7)) + 1)
    }

    /// Transforms the margins of one row (`margins.count` groups) into `output`:
    /// one value, or one per group for ``softprob`` / multi-output models.
    func transform(margins: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .identity, .logitRaw:
            for i in 0..<margins.count { output[i] = margins[i] }
        case .logistic:
            for i in 0..<margins.count { output[i] = Self.sigmoid(margins[i]) }
        case .exponential:
            for i in 0..<margins.count { output[i] = expf(margins[i]) }
        case .hinge:
            for i in 0..<margins.count { output[i] = margins[i] > 0 ? 1 : 0 }
        case .softprob:
            // common::Softmax: float exponentials, double sum, float division.
            var maximum = margins[0]
            for i in 1..<margins.count { maximum = fmaxf(margins[i], maximum) }
            var sum = 0.0
            for i in 0..<margins.count {
                let e = expf(margins[i] - maximum)
                output[i] = e
                sum += Double(e)
            }
            let divisor = Float(sum)
            for i in 0..<margins.count { output[i] /= divisor }
        case .softmax:
            // common::FindMaxIndex: the first strictly largest margin.
            var best = 0
            for i in 1..<margins.count where margins[i] > margins[best] { best = i }
            output[0] = Float(best)
        }
    }
}
