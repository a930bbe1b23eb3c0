import Foundation

/// Rows × columns of an ai.onnx.ml operator's input: 1-D is one row, 2-D is `[rows, columns]`.
func onnxMatrixLayout(_ shape: [Int]) throws(ModelError) -> (rows: Int, columns: Int) {
    switch shape.count {
    case 1: return (1, shape[0])
    case 2: return (shape[0], shape[1])
    default: throw .badInput("expected a 1-D or 2-D input, got shape \(shape)")
    }
}

/// Reads `classlabels_ints` / `classlabels_int64s` or `classlabels_strings` (exactly one kind).
func onnxClassLabels(_ c: ONNXNodeContext, ints intsName: String) throws(ModelError) -> ClassLabels {
    let ints = try c.attributes.ints(intsName) ?? []
    let strings = try c.attributes.strings("classlabels_strings") ?? []
    switch (ints.isEmpty, strings.isEmpty) {
    case (false, true): return .int64(ints)
    case (true, false): return .string(strings)
    case (true, true): throw c.invalid("no class labels ('\(intsName)' or 'classlabels_strings')")
    case (false, false): throw c.invalid("both '\(intsName)' and 'classlabels_strings' are given")
    }
}

/// A label output tensor `[rows]` picking from `labels` (indices already validated).
func onnxLabelTensor(_ labels: ClassLabels, _ indices: [Int]) -> Tensor {
    switch labels {
    case .int64(let values): Tensor(shape: [indices.count], data: .int64(indices.map { values[$0] }))
    case .string(let values): Tensor(shape: [indices.count], data: .string(indices.map { values[$0] }))
    }
}

/// `y = x · Wᵀ + b` in float32, one row of `W` per target.
private func linearScores(_ x: [Float], rows: Int, columns: Int, coefficients: [Float], intercepts: [Float],
                          targets: Int) -> [Float] {
    var scores: [Float] = []
    scores.reserveCapacity(rows * targets)
    for r in 0..<rows {
        for t in 0..<targets {
            var sum: Float = 0
            for f in 0..<columns { sum += x[r * columns + f] * coefficients[t * columns + f] }
            scores.append(sum + (intercepts.isEmpty ? 0 : intercepts[t]))
        }
    }
    return scores
}

/// `LinearClassifier`, as onnxruntime computes it: with one coefficient row the score `s` gives the
/// positive label when `s > 0` and the scores `[1 - p, p]` with `p = sigmoid(s)` for LOGISTIC and
/// `p = s` otherwise; with several rows the label is the first best score and the post-transform
/// applies to each row of scores.
struct ONNXLinearClassifierKernel: ONNXKernel {
    let coefficients: [Float]
    let intercepts: [Float]
    let classCount: Int
    let featureCount: Int
    let labels: ClassLabels
    let post: ONNXPostTransform

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...2)
        coefficients = try c.attributes.requiredFloats("coefficients")
        intercepts = try c.attributes.floats("intercepts") ?? []
        labels = try onnxClassLabels(c, ints: "classlabels_ints")
        post = try ONNXPostTransform(c)
        classCount = intercepts.count
        guard classCount > 0 else { throw c.invalid("'intercepts' is missing or empty") }
        guard !coefficients.isEmpty, coefficients.count % classCount == 0 else {
            throw c.invalid("\(coefficients.count) coefficients for \(classCount) classes")
        }
        featureCount = coefficients.count / classCount
        let expectedLabels = classCount == 1 ? 2 : classCount
        guard labels.count == expectedLabels else {
            throw c.invalid("\(labels.count) class labels for \(classCount) coefficient rows (expected \(expectedLabels))")
        }
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let (x, shape) = try inputs.floats(0)
        let (rows, columns) = try onnxMatrixLayout(shape)
        guard columns == featureCount else { throw .badInput("input has \(columns) features, the coefficients expect \(featureCount)") }
        _ = try ONNXShape.checkedCount([rows, max(classCount, 2)], "LinearClassifier scores")
        var scores = linearScores(x, rows: rows, columns: columns, coefficients: coefficients, intercepts: intercepts,
                                  targets: classCount)
        var picks: [Int] = []
        picks.reserveCapacity(rows)
        if classCount == 1 {
            var twoColumns: [Float] = []
            twoColumns.reserveCapacity(rows * 2)
            for s in scores {
                picks.append(s > 0 ? 1 : 0)
                let p: Float = switch post {
                case .logistic: ONNXMath.logistic(s)
                case .probit: ONNXMath.probit(s)
                default: s
                }
                twoColumns.append(1 - p)
                twoColumns.append(p)
            }
            return [.tensor(onnxLabelTensor(labels, picks)), .tensor(Tensor(shape: [rows, 2], data: .float32(twoColumns)))]
        }
        for r in 0..<rows {
            var best = 0
            for k in 1..<classCount where scores[r * classCount + k] > scores[r * classCount + best] { best = k }
            picks.append(best)
        }
        post.apply(rows: &scores, width: classCount)
        return [.tensor(onnxLabelTensor(labels, picks)), .tensor(Tensor(shape: [rows, classCount], data: .float32(scores)))]
    }
}

/// `LinearRegressor`: `y = x · Wᵀ + b`; the post-transform applies only with two or more targets,
/// except PROBIT (as in onnxruntime).
struct ONNXLinearRegressorKernel: ONNXKernel {
    let coefficients: [Float]
    let intercepts: [Float]
    let targets: Int
    let featureCount: Int
    let post: ONNXPostTransform

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        coefficients = try c.attributes.requiredFloats("coefficients")
        intercepts = try c.attributes.floats("intercepts") ?? []
        targets = try c.attributes.int("targets", default: 1, in: 1...(1 << 20))
        post = try ONNXPostTransform(c)
        guard !coefficients.isEmpty, coefficients.count % targets == 0 else {
            throw c.invalid("\(coefficients.count) coefficients for \(targets) targets")
        }
        guard intercepts.isEmpty || intercepts.count == targets else {
            throw c.invalid("\(intercepts.count) intercepts for \(targets) targets")
        }
        featureCount = coefficients.count / targets
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let (x, shape) = try inputs.floats(0)
        let (rows, columns) = try onnxMatrixLayout(shape)
        guard columns == featureCount else { throw .badInput("input has \(columns) features, the coefficients expect \(featureCount)") }
        _ = try ONNXShape.checkedCount([rows, targets], "LinearRegressor output")
        var scores = linearScores(x, rows: rows, columns: columns, coefficients: coefficients, intercepts: intercepts,
                                  targets: targets)
        if targets > 1 {
            post.apply(rows: &scores, width: targets)
        } else if post == .probit {
            for i in scores.indices { scores[i] = ONNXMath.probit(scores[i]) }
        }
        return [.tensor(Tensor(shape: [rows, targets], data: .float32(scores)))]
    }
}

/// `Scaler`: `(x - offset) · scale`, per feature or with one shared pair.
struct ONNXScalerKernel: ONNXKernel {
    let offset: [Float]
    let scale: [Float]

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        scale = try c.attributes.floats("scale") ?? []
        offset = try c.attributes.floats("offset") ?? []
        guard !scale.isEmpty, scale.count == offset.count else {
            throw c.invalid("'scale' (\(scale.count)) and 'offset' (\(offset.count)) must be non-empty and of one size")
        }
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let (x, shape) = try inputs.floats(0)
        let stride = shape.last ?? 1
        guard scale.count == 1 || scale.count == stride else {
            throw .badInput("\(scale.count) scale values for \(stride) features")
        }
        var y = x
        if scale.count == 1 {
            for i in y.indices { y[i] = (y[i] - offset[0]) * scale[0] }
        } else {
            for i in y.indices { let f = i % stride; y[i] = (y[i] - offset[f]) * scale[f] }
        }
        return [.tensor(Tensor(shape: shape, data: .float32(y)))]
    }
}

/// `Normalizer`: each row divided by its max (MAX), its sum of magnitudes (L1) or its Euclidean
/// norm (L2); an all-zero norm leaves the row unchanged.
struct ONNXNormalizerKernel: ONNXKernel {
    enum Norm: Sendable { case max, l1, l2 }
    let norm: Norm

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        switch try c.attributes.string("norm", default: "MAX") {
        case "MAX": norm = .max
        case "L1": norm = .l1
        case "L2": norm = .l2
        case let other: throw c.invalid("unknown norm '\(other.prefix(40))'")
        }
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let (x, shape) = try inputs.floats(0)
        let (rows, columns) = try onnxMatrixLayout(shape)
        var y = x
        for r in 0..<rows {
            let range = (r * columns)..<((r + 1) * columns)
            switch norm {
            case .max:
                var maximum = -Float.greatestFiniteMagnitude
                for i in range where maximum < x[i] { maximum = x[i] }
                if maximum != 0 { for i in range { y[i] = x[i] / maximum } }
            case .l1:
                var sum: Float = 0
                for i in range { sum += abs(x[i]) }
                if sum != 0 { for i in range { y[i] = x[i] / sum } }
            case .l2:
                var sum: Float = 0
                for i in range { sum += x[i] * x[i] }
                if sum != 0 {
                    for i in range {
                        let root = (x[i] * x[i] / sum).squareRoot()
                        y[i] = x[i] < 0 ? -root : root
                    }
                }
            }
        }
        return [.tensor(Tensor(shape: shape, data: .float32(y)))]
    }
}

/// `ZipMap`: a `[rows, labels]` float tensor becomes one label → probability map per row.
struct ONNXZipMapKernel: ONNXKernel {
    let labels: ClassLabels

    var zipMapLabels: ClassLabels? { labels }

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        labels = try onnxClassLabels(c, ints: "classlabels_int64s")
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        guard case .float32(let values) = x.data else { throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected float") }
        let (rows, columns) = try onnxMatrixLayout(x.shape)
        guard columns == labels.count else { throw .badInput("\(columns) scores per row for \(labels.count) labels") }
        return [.labelMaps(ONNXLabelMaps(labels: labels, values: values, rowCount: rows))]
    }
}

/// `ArrayFeatureExtractor`: picks the listed positions of the last axis (a 1-D input gives `[1, k]`).
struct ONNXArrayFeatureExtractorKernel: ONNXKernel {
    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 2...2, outputs: 1...1)
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        let y = try inputs.tensor(1)
        guard case .int64(let raw) = y.data else { throw .invalidModel("indices are tensor(\(y.onnxTypeName)), expected int64") }
        guard let stride = x.shape.last, stride > 0 else { throw .badInput("cannot extract from shape \(x.shape)") }
        var indices: [Int] = []
        indices.reserveCapacity(raw.count)
        for index in raw {
            guard index >= 0, index < Int64(stride) else { throw .badInput("index \(index) is out of range 0..<\(stride)") }
            indices.append(Int(index))
        }
        var shape = x.shape.count == 1 ? [1, indices.count] : x.shape
        shape[shape.count - 1] = indices.count
        let outer = x.onnxStoredCount / stride
        _ = try ONNXShape.checkedCount(shape, "ArrayFeatureExtractor output")
        var positions: [Int] = []
        positions.reserveCapacity(outer * indices.count)
        for o in 0..<outer { for index in indices { positions.append(o * stride + index) } }
        return [.tensor(x.onnxGathering(positions, shape: shape))]
    }
}

/// `Binarizer`: `1` where `x > threshold`, else `0`; NaN is an error (as in onnxruntime).
struct ONNXBinarizerKernel: ONNXKernel {
    let threshold: Float

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        threshold = try c.attributes.float("threshold", default: 0)
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        switch x.data {
        case .float32(let v):
            if let index = v.firstIndex(where: \.isNaN) { throw .badInput("input value \(index) is NaN") }
            return [.tensor(Tensor(shape: x.shape, data: .float32(v.map { $0 > threshold ? 1 : 0 })))]
        case .float64(let v):
            if let index = v.firstIndex(where: \.isNaN) { throw .badInput("input value \(index) is NaN") }
            return [.tensor(Tensor(shape: x.shape, data: .float64(v.map { $0 > Double(threshold) ? 1 : 0 })))]
        case .int64(let v):
            return [.tensor(Tensor(shape: x.shape, data: .int64(v.map { Float($0) > threshold ? 1 : 0 })))]
        case .int32(let v):
            return [.tensor(Tensor(shape: x.shape, data: .int32(v.map { Float($0) > threshold ? 1 : 0 })))]
        default:
            throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected a numeric tensor")
        }
    }
}

/// `Imputer`: replaces `replaced_value_*` (NaN matches NaN) by one value or one per feature.
struct ONNXImputerKernel: ONNXKernel {
    enum Values: Sendable { case floats([Float], replaced: Float), ints([Int64], replaced: Int64) }
    let values: Values

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        let floats = try c.attributes.floats("imputed_value_floats") ?? []
        let ints = try c.attributes.ints("imputed_value_int64s") ?? []
        switch (floats.isEmpty, ints.isEmpty) {
        case (false, true): values = .floats(floats, replaced: try c.attributes.float("replaced_value_float", default: 0))
        case (true, false): values = .ints(ints, replaced: try c.attributes.int("replaced_value_int64", default: 0))
        default: throw c.invalid("exactly one of 'imputed_value_floats' and 'imputed_value_int64s' is required")
        }
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        let stride = x.shape.last ?? 1
        switch (values, x.data) {
        case (.floats(let imputed, let replaced), .float32(var v)):
            guard imputed.count == 1 || imputed.count == stride else { throw .badInput("\(imputed.count) imputed values for \(stride) features") }
            for i in v.indices where v[i] == replaced || (replaced.isNaN && v[i].isNaN) {
                v[i] = imputed.count == 1 ? imputed[0] : imputed[i % stride]
            }
            return [.tensor(Tensor(shape: x.shape, data: .float32(v)))]
        case (.ints(let imputed, let replaced), .int64(var v)):
            guard imputed.count == 1 || imputed.count == stride else { throw .badInput("\(imputed.count) imputed values for \(stride) features") }
            for i in v.indices where v[i] == replaced { v[i] = imputed.count == 1 ? imputed[0] : imputed[i % stride] }
            return [.tensor(Tensor(shape: x.shape, data: .int64(v)))]
        default:
            throw .invalidModel("input tensor(\(x.onnxTypeName)) does not match the imputed values' type")
        }
    }
}
