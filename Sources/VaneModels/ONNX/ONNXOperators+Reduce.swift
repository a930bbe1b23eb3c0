import Foundation

/// `ReduceSum`, `ReduceMean`, `ReduceMax`, `ReduceMin`, `ReduceProd`, `ReduceSumSquare`, `ReduceL1`,
/// `ReduceL2`, `ReduceLogSumExp` on float / double tensors (`ReduceSum` / `ReduceMax` / `ReduceMin`
/// also on int64). Axes come from the attribute before the opset where they became an input
/// (13 for `ReduceSum`, 18 for the others); no axes reduce everything unless `noop_with_empty_axes`.
struct ONNXReduceKernel: ONNXKernel {
    enum Op: Sendable { case sum, mean, max, min, prod, sumSquare, l1, l2, logSumExp }

    let op: Op
    let attributeAxes: [Int64]?
    let axesFromInput: Bool
    let keepDims: Bool
    let noopWithEmptyAxes: Bool

    init(_ c: ONNXNodeContext, _ op: Op) throws(ModelError) {
        self.op = op
        axesFromInput = c.opset >= (op == .sum ? 13 : 18)
        try c.requireArity(inputs: 1...(axesFromInput ? 2 : 1), outputs: 1...1)
        attributeAxes = axesFromInput ? nil : try c.attributes.ints("axes")
        keepDims = try c.attributes.int("keepdims", default: 1) != 0
        noopWithEmptyAxes = try c.attributes.int("noop_with_empty_axes", default: 0) != 0
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        var axes = attributeAxes ?? []
        if axesFromInput, let tensor = try inputs.optionalTensor(1) {
            guard case .int64(let values) = tensor.data else { throw .invalidModel("the axes input must be int64") }
            axes = values
        }
        let rank = x.shape.count
        if axes.isEmpty && noopWithEmptyAxes { return [.tensor(x)] }
        var reduced = Set<Int>()
        for raw in axes {
            guard raw >= Int64(-rank), raw < Int64(rank), let axis = ONNXShape.axis(Int(raw), rank: rank) else {
                throw .badInput("axis \(raw) is out of range for shape \(x.shape)")
            }
            reduced.insert(axis)
        }
        if axes.isEmpty { reduced = Set(0..<rank) }
        switch x.data {
        case .float32(let v): return [.tensor(reduce(v, x.shape, reduced, wrap: Tensor.Storage.float32))]
        case .float64(let v): return [.tensor(reduce(v, x.shape, reduced, wrap: Tensor.Storage.float64))]
        case .int64(let v) where [.sum, .max, .min].contains(op):
            let r = reduceIntegers(v, x.shape, reduced)
            return [.tensor(r)]
        default: throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected float or double")
        }
    }

    /// Output shape and, for each input element, the index of the output element it folds into.
    private func plan(_ shape: [Int], _ reduced: Set<Int>) -> (shape: [Int], targets: [Int], outCount: Int) {
        var outShape: [Int] = []
        for (axis, dim) in shape.enumerated() {
            if reduced.contains(axis) { if keepDims { outShape.append(1) } } else { outShape.append(dim) }
        }
        // Strides of the output over the input's axes (0 along reduced axes).
        var strides = [Int](repeating: 0, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where !reduced.contains(axis) {
            strides[axis] = step
            step *= shape[axis]
        }
        let count = ONNXShape.product(shape, 0..<shape.count)
        var targets: [Int] = []
        targets.reserveCapacity(count)
        var counter = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for _ in 0..<count {
            targets.append(offset)
            var axis = shape.count - 1
            while axis >= 0 {
                counter[axis] += 1
                offset += strides[axis]
                if counter[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                counter[axis] = 0
                axis -= 1
            }
        }
        return (outShape, targets, step)
    }

    private func reduce<T: BinaryFloatingPoint & ONNXTranscendental>(_ v: [T], _ shape: [Int], _ reduced: Set<Int>,
                                                                    wrap: ([T]) -> Tensor.Storage) -> Tensor {
        let (outShape, targets, outCount) = plan(shape, reduced)
        let groupSize = outCount == 0 ? 0 : v.count / outCount
        var out = [T](repeating: 0, count: outCount)
        var seen = [Bool](repeating: false, count: outCount)
        var maxima = [T](repeating: 0, count: op == .logSumExp ? outCount : 0)
        if op == .logSumExp {
            for (value, t) in zip(v, targets) where !seen[t] || value > maxima[t] { maxima[t] = value; seen[t] = true }
            for i in seen.indices { seen[i] = false }
        }
        for (value, t) in zip(v, targets) {
            switch op {
            case .sum, .mean: out[t] += value
            case .sumSquare, .l2: out[t] += value * value
            case .l1: out[t] += Swift.abs(value)
            case .prod: out[t] = seen[t] ? out[t] * value : value
            case .max: out[t] = seen[t] ? Swift.max(out[t], value) : value
            case .min: out[t] = seen[t] ? Swift.min(out[t], value) : value
            case .logSumExp: out[t] += T.onnxExp(value - maxima[t])
            }
            seen[t] = true
        }
        for i in out.indices {
            switch op {
            case .mean: out[i] /= T(groupSize)
            case .l2: out[i] = out[i].squareRoot()
            case .logSumExp: out[i] = T.onnxLog(out[i]) + maxima[i]
            case .prod where !seen[i]: out[i] = 1
            case .max where !seen[i]: out[i] = -T.infinity
            case .min where !seen[i]: out[i] = T.infinity
            default: break
            }
        }
        return Tensor(shape: outShape, data: wrap(out))
    }

    private func reduceIntegers(_ v: [Int64], _ shape: [Int], _ reduced: Set<Int>) -> Tensor {
        let (outShape, targets, outCount) = plan(shape, reduced)
        var out = [Int64](repeating: 0, count: outCount)
        var seen = [Bool](repeating: false, count: outCount)
        for (value, t) in zip(v, targets) {
            switch op {
            case .max: out[t] = seen[t] ? Swift.max(out[t], value) : value
            case .min: out[t] = seen[t] ? Swift.min(out[t], value) : value
            default: out[t] &+= value
            }
            seen[t] = true
        }
        return Tensor(shape: outShape, data: .int64(out))
    }
}

/// `Transpose` with `perm` (reversed axes by default).
struct ONNXTransposeKernel: ONNXKernel {
    let perm: [Int64]?

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        perm = try c.attributes.ints("perm")
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        let rank = x.shape.count
        let order = perm.map { $0.map { Int(clamping: $0) } } ?? Array((0..<rank).reversed())
        guard order.count == rank, Set(order) == Set(0..<rank) else { throw .badInput("perm \(order) does not fit rank \(rank)") }
        let outShape = order.map { x.shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { inStrides[axis] = inStrides[axis + 1] * x.shape[axis + 1] }
        let strides = order.map { inStrides[$0] }
        let count = x.onnxStoredCount
        var positions: [Int] = []
        positions.reserveCapacity(count)
        var counter = [Int](repeating: 0, count: rank)
        var offset = 0
        for _ in 0..<count {
            positions.append(offset)
            var axis = rank - 1
            while axis >= 0 {
                counter[axis] += 1
                offset += strides[axis]
                if counter[axis] < outShape[axis] { break }
                offset -= strides[axis] * outShape[axis]
                counter[axis] = 0
                axis -= 1
            }
        }
        return [.tensor(x.onnxGathering(positions, shape: outShape))]
    }
}

/// `Clip` to `[min, max]` (attributes before opset 11, optional scalar inputs since).
struct ONNXClipKernel: ONNXKernel {
    let attributeBounds: (Float, Float)?

    init(_ c: ONNXNodeContext) throws(ModelError) {
        if c.opset < 11 {
            try c.requireArity(inputs: 1...1, outputs: 1...1)
            attributeBounds = (try c.attributes.float("min", default: -.greatestFiniteMagnitude),
                               try c.attributes.float("max", default: .greatestFiniteMagnitude))
        } else {
            try c.requireArity(inputs: 1...3, outputs: 1...1, required: 1)
            attributeBounds = nil
        }
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        func bound(_ index: Int, _ fallback: Double) throws(ModelError) -> Double {
            guard let tensor = try inputs.optionalTensor(index) else { return fallback }
            guard tensor.onnxHasSameType(as: x), tensor.onnxStoredCount == 1 else { throw .invalidModel("Clip bounds must be scalars of the input's type") }
            return tensor.doubles[0]
        }
        let low: Double, high: Double
        if let attributeBounds {
            (low, high) = (Double(attributeBounds.0), Double(attributeBounds.1))
        } else {
            (low, high) = (try bound(1, -.infinity), try bound(2, .infinity))
        }
        switch x.data {
        case .float32(let v):
            let lo = Float(low), hi = Float(high)
            return [.tensor(Tensor(shape: x.shape, data: .float32(v.map { $0 < lo ? lo : ($0 > hi ? hi : $0) })))]
        case .float64(let v):
            return [.tensor(Tensor(shape: x.shape, data: .float64(v.map { $0 < low ? low : ($0 > high ? high : $0) })))]
        default:
            throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected float or double")
        }
    }
}
