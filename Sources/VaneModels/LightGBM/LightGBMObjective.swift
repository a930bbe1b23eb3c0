import Foundation

/// How LightGBM turns raw scores into `Booster.predict` values: the model's objective line
/// (`objective=binary sigmoid:1`, `objective=multiclass num_class:3`, …) and its `ConvertOutput`.
enum LightGBMObjective: Sendable, Equatable {
    /// Raw score as is: `regression`, `regression_l1`, `huber`, `fair`, `quantile`, `mape`,
    /// `lambdarank`, `rank_xendcg`, and models without an objective (`custom`, `none`).
    case identity
    /// `sign(x)·x²`: a regression objective trained with `reg_sqrt` (`regression sqrt`).
    case signedSquare
    /// `exp(x)`: `poisson`, `gamma`, `tweedie`.
    case exponential
    /// `1 / (1 + exp(-σ·x))`: `binary sigmoid:σ`, and `cross_entropy` with σ = 1.
    case sigmoid(Double)
    /// `log1p(exp(x))`: `cross_entropy_lambda`.
    case softplus
    /// Softmax over the row's classes: `multiclass num_class:K`.
    case softmax
    /// A sigmoid per class: `multiclassova num_class:K sigmoid:σ`.
    case sigmoidPerClass(Double)

    /// Reads an objective line; `outputsPerRow` is the model's `num_tree_per_iteration`.
    init(parsing tokens: [String], outputsPerRow: Int) throws(ModelError) {
        guard let type = tokens.first else {
            self = .identity
            return
        }
        var flags = Set<String>()
        var parameters: [String: String] = [:]
        for token in tokens.dropFirst() {
            if let colon = token.firstIndex(of: ":") {
                parameters[String(token[..<colon])] = String(token[token.index(after: colon)...])
            } else {
                flags.insert(token)
            }
        }
        let name = LightGBMTextParser.clip(type)
        func single() throws(ModelError) {
            guard outputsPerRow == 1 else {
                throw .invalidModel("LightGBM: objective '\(name)' needs num_tree_per_iteration=1, the model has \(outputsPerRow)")
            }
        }
        func positive(_ key: String) throws(ModelError) -> Double {
            guard let raw = parameters[key], let value = Double(raw), value.isFinite, value > 0 else {
                throw .invalidModel("LightGBM: objective '\(name)' needs a positive '\(key):' parameter")
            }
            return value
        }
        func classes() throws(ModelError) {
            guard let raw = parameters["num_class"], let count = Int(raw), count == outputsPerRow else {
                throw .invalidModel("LightGBM: objective '\(name)' must have 'num_class:\(outputsPerRow)' to match num_tree_per_iteration")
            }
        }

        switch type {
        case "regression", "regression_l1", "huber", "fair", "quantile", "mape":
            try single()
            self = flags.contains("sqrt") ? .signedSquare : .identity
        case "poisson", "gamma", "tweedie":
            try single()
            self = .exponential
        case "binary":
            try single()
            self = .sigmoid(try positive("sigmoid"))
        case "cross_entropy":
            try single()
            self = .sigmoid(1)
        case "cross_entropy_lambda":
            try single()
            self = .softplus
        case "multiclass":
            try classes()
            self = .softmax
        case "multiclassova":
            try classes()
            self = .sigmoidPerClass(try positive("sigmoid"))
        case "lambdarank", "rank_xendcg":
            try single()
            self = .identity
        case "custom", "none", "null", "na":
            self = .identity
        default:
            throw .unsupported("LightGBM objective '\(name)' is not supported")
        }
    }

    /// Converts `values` (rows of `width` raw scores) in place, as LightGBM's `ConvertOutput` does.
    func apply(to values: inout [Double], width: Int) {
        switch self {
        case .identity:
            return
        case .signedSquare:
            for i in values.indices {
                let x = values[i]
                let sign: Double = x > 0 ? 1 : (x < 0 ? -1 : 0)
                values[i] = sign * x * x
            }
        case .exponential:
            for i in values.indices { values[i] = exp(values[i]) }
        case .sigmoid(let scale), .sigmoidPerClass(let scale):
            for i in values.indices { values[i] = 1.0 / (1.0 + exp(-scale * values[i])) }
        case .softplus:
            for i in values.indices { values[i] = log1p(exp(values[i])) }
        case .softmax:
            guard width > 0 else { return }
            var start = 0
            while start < values.count {
                let end = start + width
                var largest = values[start]
                for i in (start + 1)..<end where !(values[i] < largest) { largest = values[i] }
                var sum = 0.0
                for i in start..<end {
                    values[i] = exp(values[i] - largest)
                    sum += values[i]
                }
                for i in start..<end { values[i] /= sum }
                start = end
            }
        }
    }
}
