import Foundation

/// `TreeEnsembleClassifier` and `TreeEnsembleRegressor`, reproducing onnxruntime's aggregation,
/// including its handling of base values, of two-class models scored through one weight column,
/// and of targets no leaf scored (they read as 0 in the output).
struct ONNXTreeEnsembleKernel: ONNXKernel {
    enum Aggregate: Sendable { case sum, average, min, max }

    enum Kind: Sendable {
        /// `binaryCase`: two labels and all weights on one class column; `allPositive`: no weight < 0.
        case classifier(labels: ClassLabels, binaryCase: Bool, allPositive: Bool)
        case regressor(targets: Int, aggregate: Aggregate)
    }

    let ensemble: ONNXTreeEnsemble
    let kind: Kind
    let baseValues: [Double]
    let post: ONNXPostTransform

    /// Compiles a `TreeEnsembleClassifier`.
    init(classifier c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...2)
        let labels = try onnxClassLabels(c, ints: "classlabels_int64s")
        ensemble = try ONNXTreeEnsemble(c, weightPrefix: "class", targetCount: labels.count)
        post = try ONNXPostTransform(c)
        baseValues = try Self.baseValues(c, ensemble)
        guard baseValues.count <= labels.count, labels.count > 1 || baseValues.count <= 1 else {
            throw c.invalid("\(baseValues.count) base values for \(labels.count) classes")
        }
        if labels.count == 1, case .string = labels {
            throw .unsupported("\(c.label): a classifier with a single string label is not supported")
        }
        let classes = Set(ensemble.weightTargets)
        kind = .classifier(labels: labels, binaryCase: labels.count == 2 && classes.count == 1,
                           allPositive: !ensemble.weightValues.contains { $0 < 0 })
    }

    /// Compiles a `TreeEnsembleRegressor`.
    init(regressor c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        let targets = try c.attributes.int("n_targets", default: 1, in: 1...(1 << 20))
        ensemble = try ONNXTreeEnsemble(c, weightPrefix: "target", targetCount: targets)
        post = try ONNXPostTransform(c)
        baseValues = try Self.baseValues(c, ensemble)
        guard baseValues.isEmpty || baseValues.count == targets else {
            throw c.invalid("\(baseValues.count) base values for \(targets) targets")
        }
        let aggregate: Aggregate
        switch try c.attributes.string("aggregate_function", default: "SUM") {
        case "SUM": aggregate = .sum
        case "AVERAGE": aggregate = .average
        case "MIN": aggregate = .min
        case "MAX": aggregate = .max
        case let other: throw c.invalid("unknown aggregate_function '\(other.prefix(40))'")
        }
        kind = .regressor(targets: targets, aggregate: aggregate)
    }

    private static func baseValues(_ c: ONNXNodeContext, _ ensemble: ONNXTreeEnsemble) throws(ModelError) -> [Double] {
        guard let base = try c.attributes.doubles("base_values", asTensor: "base_values_as_tensor") else { return [] }
        return base.isDouble ? base.values : base.values.map { Double(Float($0)) }
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        let (rows, columns) = try onnxMatrixLayout(x.shape)
        guard columns >= ensemble.featureBound else {
            throw .badInput("input has \(columns) features, the trees read feature \(ensemble.featureBound - 1)")
        }
        switch kind {
        case .classifier(let labels, _, _): _ = try ONNXShape.checkedCount([rows, labels.count], "TreeEnsembleClassifier scores")
        case .regressor(let targets, _): _ = try ONNXShape.checkedCount([rows, targets], "TreeEnsembleRegressor output")
        }
        let values: [Double]
        var double = false
        switch x.data {
        case .float32(let v): values = v.map(Double.init)
        case .float64(let v): values = v; double = true
        case .int64(let v): values = v.map(Double.init)
        case .int32(let v): values = v.map(Double.init)
        default: throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected a numeric tensor")
        }
        switch kind {
        case .classifier(let labels, let binaryCase, let allPositive):
            return try classify(values, rows, columns, labels, binaryCase, allPositive, double)
        case .regressor(let targets, let aggregate):
            return try regress(values, rows, columns, targets, aggregate, double)
        }
    }

    /// Calls `body` with each row's features.
    private func forEachRow(_ values: [Double], _ rows: Int, _ columns: Int,
                            _ body: (Int, UnsafeBufferPointer<Double>) throws(ModelError) -> Void) throws(ModelError) {
        try values.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<Double>) throws(ModelError) in
            for r in 0..<rows {
                let row = UnsafeBufferPointer(rebasing: buffer[(r * columns)..<((r + 1) * columns)])
                try body(r, row)
            }
        }
    }

    // MARK: Regressor

    private func regress(_ values: [Double], _ rows: Int, _ columns: Int, _ targets: Int,
                         _ aggregate: Aggregate, _ double: Bool) throws(ModelError) -> [ONNXValue] {
        let e = ensemble
        let round = { (v: Double) in ONNXTreeEnsemble.round(v, double: double) }
        var output: [Float] = []
        output.reserveCapacity(rows * targets)
        var scores = [Double](repeating: 0, count: targets)
        var has = [Bool](repeating: false, count: targets)
        let trees = Double(Float(e.roots.count))
        try forEachRow(values, rows, columns) { (_: Int, row: UnsafeBufferPointer<Double>) throws(ModelError) in
            for t in 0..<targets { scores[t] = 0; has[t] = false }
            for root in e.roots {
                let leaf = e.nodes[e.leaf(from: root, row)]
                if targets == 1 {
                    // A single target reads the leaf's value (0 for a leaf without weight).
                    var v = 0.0
                    for w in leaf.weightStart..<leaf.weightEnd { v = round(v + e.weightValues[w]) }
                    accumulate(&scores[0], &has[0], v, aggregate, round)
                } else {
                    for w in leaf.weightStart..<leaf.weightEnd {
                        let t = e.weightTargets[w]
                        accumulate(&scores[t], &has[t], e.weightValues[w], aggregate, round)
                    }
                }
            }
            if targets == 1 {
                let origin = baseValues.count == 1 ? baseValues[0] : 0
                var s = scores[0]
                switch aggregate {
                case .sum: s = round(s + origin)
                case .average: s = round(round(s / trees) + origin)
                case .min, .max: s = has[0] ? round(s + origin) : origin
                }
                output.append(post == .probit ? ONNXMath.probit(Float(s)) : Float(s))
                return
            }
            let useBase = baseValues.count == targets
            var row = [Float](repeating: 0, count: targets)
            for t in 0..<targets {
                var s = scores[t]
                switch aggregate {
                case .sum: if useBase { s = round(s + baseValues[t]) }
                case .average: s = round(s / trees); if useBase { s = round(s + baseValues[t]) }
                case .min, .max: s = round((useBase ? baseValues[t] : 0) + (has[t] ? s : 0))
                }
                row[t] = has[t] ? Float(s) : 0
            }
            post.apply(&row)
            output.append(contentsOf: row)
        }
        return [.tensor(Tensor(shape: [rows, targets], data: .float32(output)))]
    }

    @inline(__always)
    private func accumulate(_ score: inout Double, _ has: inout Bool, _ v: Double, _ aggregate: Aggregate,
                            _ round: (Double) -> Double) {
        switch aggregate {
        case .sum, .average: score = round(score + v)
        case .min: if !has || v < score { score = v }
        case .max: if !has || v > score { score = v }
        }
        has = true
    }

    // MARK: Classifier

    private func classify(_ values: [Double], _ rows: Int, _ columns: Int, _ labels: ClassLabels,
                          _ binaryCase: Bool, _ allPositive: Bool, _ double: Bool) throws(ModelError) -> [ONNXValue] {
        let e = ensemble
        let round = { (v: Double) in ONNXTreeEnsemble.round(v, double: double) }
        let n = labels.count
        let width = n == 1 ? 1 : n
        var probabilities: [Float] = []
        probabilities.reserveCapacity(rows * width)
        var picks: [Int] = []
        var literal = false
        picks.reserveCapacity(rows)
        var scores = [Double](repeating: 0, count: n)
        var has = [Bool](repeating: false, count: n)
        try forEachRow(values, rows, columns) { (r: Int, row: UnsafeBufferPointer<Double>) throws(ModelError) in
            for k in 0..<n { scores[k] = 0; has[k] = false }
            for root in e.roots {
                let leaf = e.nodes[e.leaf(from: root, row)]
                for w in leaf.weightStart..<leaf.weightEnd {
                    let k = e.weightTargets[w]
                    scores[k] = round(scores[k] + e.weightValues[w])
                    has[k] = true
                }
            }
            if n == 1 {
                // One label: the score is the sum itself, the label is 1 when positive (onnxruntime).
                let s = baseValues.count == 1 ? round(scores[0] + baseValues[0]) : scores[0]
                picks.append(s > 0 ? 1 : 0)
                literal = true
                probabilities.append(post == .probit ? ONNXMath.probit(Float(s)) : Float(s))
            } else if n > 2 {
                for k in 0..<baseValues.count {
                    if has[k] { scores[k] = round(scores[k] + baseValues[k]) } else { scores[k] = baseValues[k]; has[k] = true }
                }
                var best = -1
                for k in 0..<n where has[k] && (best == -1 || scores[k] > scores[best]) { best = k }
                guard best >= 0 else { throw .invalidModel("row \(r) reaches no leaf with a class weight") }
                picks.append(best)
                var out = (0..<n).map { has[$0] ? Float(scores[$0]) : 0 }
                post.apply(&out)
                probabilities.append(contentsOf: out)
            } else {
                let (pick, isLiteral, out) = binary(&scores, &has, binaryCase, allPositive, round)
                picks.append(pick)
                literal = isLiteral
                probabilities.append(contentsOf: out)
            }
        }
        let label: Tensor
        if literal, case .int64 = labels {
            label = Tensor(shape: [rows], data: .int64(picks.map(Int64.init)))
        } else {
            label = onnxLabelTensor(labels, picks)
        }
        return [.tensor(label), .tensor(Tensor(shape: [rows, width], data: .float32(probabilities)))]
    }

    /// The two-label rules: returns the label index (or the literal 0/1 when `isLiteral`) and the two scores.
    private func binary(_ scores: inout [Double], _ has: inout [Bool], _ binaryCase: Bool,
                        _ allPositive: Bool, _ round: (Double) -> Double) -> (Int, Bool, [Float]) {
        var mode = -1
        var size = 2
        switch baseValues.count {
        case 2:
            if has[1] {
                scores[1] = round(baseValues[1] + scores[0])
                scores[0] = -scores[1]
            } else {
                scores[1] = round(scores[1] + baseValues[1])
                scores[0] = round(scores[0] + baseValues[0])
            }
        case 1:
            scores[0] = round(scores[0] + baseValues[0])
            if !has[1] { size = 1 }
        default:
            mode = 3
            if !has[1] { size = 1 }
        }
        let positive = size == 2 && has[1] ? scores[1] : (has[0] ? scores[0] : 0)
        let pick: Int
        if binaryCase {
            if allPositive {
                (pick, mode) = positive > 0.5 ? (1, 0) : (0, 1)
            } else {
                (pick, mode) = positive > 0 ? (1, 2) : (0, 3)
            }
        } else {
            pick = positive > 0 ? 1 : 0
        }
        if size == 2 {
            var out = [has[0] ? Float(scores[0]) : 0, has[1] ? Float(scores[1]) : 0]
            post.apply(&out)
            return (pick, !binaryCase, out)
        }
        let v: Float = has[0] ? Float(scores[0]) : 0
        let out: [Float]
        switch (post, mode) {
        case (.probit, _): out = [ONNXMath.probit(v), 0]
        case (_, 0), (_, 1):
            let p = post == .logistic ? ONNXMath.logistic(v) : v
            out = [1 - p, p]
        case (.logistic, 2), (.logistic, 3): out = [ONNXMath.logistic(-v), ONNXMath.logistic(v)]
        case (_, 2), (_, 3): out = [-v, v]
        default: out = [v, 0]
        }
        return (pick, !binaryCase, out)
    }
}
