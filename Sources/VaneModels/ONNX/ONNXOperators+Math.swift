import Foundation

/// Numpy-style (multidirectional) broadcasting.
enum ONNXBroadcast {
    /// The broadcast shape of `a` and `b`.
    static func shape(_ a: [Int], _ b: [Int]) throws(ModelError) -> [Int] {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for index in 0..<rank {
            let x = index < rank - a.count ? 1 : a[index - (rank - a.count)]
            let y = index < rank - b.count ? 1 : b[index - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { throw .badInput("shapes \(a) and \(b) cannot be broadcast") }
            out[index] = x == 1 ? y : x
        }
        return out
    }

    /// Strides of a tensor of `shape` seen through the broadcast `out` shape (0 on broadcast axes).
    private static func strides(_ shape: [Int], _ out: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: out.count)
        var step = 1
        for index in stride(from: out.count - 1, through: 0, by: -1) {
            let source = index - (out.count - shape.count)
            guard source >= 0 else { break }
            strides[index] = shape[source] == 1 ? 0 : step
            step *= shape[source]
        }
        return strides
    }

    /// Applies `op` elementwise over the broadcast of `a` and `b`.
    static func apply<T, R>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int],
                            _ op: (T, T) -> R) throws(ModelError) -> (values: [R], shape: [Int]) {
        let out = try shape(aShape, bShape)
        let count = try ONNXShape.checkedCount(out, "broadcast result")
        if aShape == bShape { return (zip(a, b).map(op), out) }
        if b.count == 1, a.count == count { let y = b[0]; return (a.map { op($0, y) }, out) }
        if a.count == 1, b.count == count { let x = a[0]; return (b.map { op(x, $0) }, out) }
        var result: [R] = []
        result.reserveCapacity(count)
        guard count > 0 else { return (result, out) }
        let rank = out.count
        let sa = strides(aShape, out), sb = strides(bShape, out)
        let inner = out[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1]
        var counter = [Int](repeating: 0, count: rank)
        var offsetA = 0, offsetB = 0
        while result.count < count {
            var pa = offsetA, pb = offsetB
            for _ in 0..<inner {
                result.append(op(a[pa], b[pb]))
                pa += ia
                pb += ib
            }
            // Advance the odometer over the outer dimensions.
            var dim = rank - 2
            while dim >= 0 {
                counter[dim] += 1
                offsetA += sa[dim]
                offsetB += sb[dim]
                if counter[dim] < out[dim] { break }
                offsetA -= sa[dim] * out[dim]
                offsetB -= sb[dim] * out[dim]
                counter[dim] = 0
                dim -= 1
            }
            if dim < 0 { break }
        }
        return (result, out)
    }
}

/// `Add`, `Sub`, `Mul`, `Div` with numpy broadcasting on float, double, int32 and int64 tensors.
struct ONNXBinaryKernel: ONNXKernel {
    enum Op: Sendable { case add, sub, mul, div, pow }
    let op: Op

    init(_ c: ONNXNodeContext, _ op: Op) throws(ModelError) {
        try c.requireArity(inputs: 2...2, outputs: 1...1)
        if c.opset < 7, try c.attributes.int("broadcast", default: 0) != 0, c.attributes.has("axis") {
            throw .unsupported("\(c.label): legacy broadcasting with an 'axis' attribute is not supported")
        }
        self.op = op
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let a = try inputs.tensor(0)
        var b = try inputs.tensor(1)
        if case .pow = op, b.onnxFloatValues != nil {
            // The exponent may have another numeric type; it is converted to the base's.
            switch a.data {
            case .float32: b = Tensor(shape: b.shape, data: .float32(b.onnxFloatValues ?? []))
            case .float64: b = Tensor(shape: b.shape, data: .float64(b.doubles))
            default: throw .invalidModel("Pow needs a float or double base, got tensor(\(a.onnxTypeName))")
            }
        }
        switch (a.data, b.data) {
        case (.float32(let x), .float32(let y)):
            let r = try ONNXBroadcast.apply(x, a.shape, y, b.shape, floating(Float.self))
            return [.tensor(Tensor(shape: r.shape, data: .float32(r.values)))]
        case (.float64(let x), .float64(let y)):
            let r = try ONNXBroadcast.apply(x, a.shape, y, b.shape, floating(Double.self))
            return [.tensor(Tensor(shape: r.shape, data: .float64(r.values)))]
        case (.int32(let x), .int32(let y)):
            let r = try ONNXBroadcast.apply(x, a.shape, y, b.shape, try integer(Int32.self, divisors: y))
            return [.tensor(Tensor(shape: r.shape, data: .int32(r.values)))]
        case (.int64(let x), .int64(let y)):
            let r = try ONNXBroadcast.apply(x, a.shape, y, b.shape, try integer(Int64.self, divisors: y))
            return [.tensor(Tensor(shape: r.shape, data: .int64(r.values)))]
        default:
            throw .invalidModel("inputs are tensor(\(a.onnxTypeName)) and tensor(\(b.onnxTypeName)); expected two float, double, int32 or int64 tensors of one type")
        }
    }

    private func floating<T: BinaryFloatingPoint & ONNXTranscendental>(_: T.Type) -> (T, T) -> T {
        switch op {
        case .add: { $0 + $1 }
        case .sub: { $0 - $1 }
        case .mul: { $0 * $1 }
        case .div: { $0 / $1 }
        case .pow: { T.onnxPow($0, $1) }
        }
    }

    private func integer<T: FixedWidthInteger>(_: T.Type, divisors: [T]) throws(ModelError) -> (T, T) -> T {
        switch op {
        case .add: return { $0 &+ $1 }
        case .sub: return { $0 &- $1 }
        case .mul: return { $0 &* $1 }
        case .div:
            guard !divisors.contains(0) else { throw .badInput("integer division by zero") }
            return { $0.dividedReportingOverflow(by: $1).partialValue }
        case .pow:
            throw .invalidModel("integer Pow is not supported")
        }
    }
}

/// Elementwise activations and simple unary functions.
struct ONNXUnaryKernel: ONNXKernel {
    enum Op: Sendable { case relu, sigmoid, tanh, leakyRelu(Float), abs, neg, exp, log, sqrt, reciprocal, floor, ceil, not }
    let op: Op

    init(_ c: ONNXNodeContext, _ op: Op) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        self.op = op
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        if case .not = op {
            guard case .bool(let v) = x.data else { throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected bool") }
            return [.tensor(Tensor(shape: x.shape, data: .bool(v.map { !$0 })))]
        }
        switch x.data {
        case .float32(let v): return [.tensor(Tensor(shape: x.shape, data: .float32(v.map(apply))))]
        case .float64(let v): return [.tensor(Tensor(shape: x.shape, data: .float64(v.map(apply))))]
        case .int32(let v) where isIntegerSafe: return [.tensor(Tensor(shape: x.shape, data: .int32(v.map(applyInteger))))]
        case .int64(let v) where isIntegerSafe: return [.tensor(Tensor(shape: x.shape, data: .int64(v.map(applyInteger))))]
        default: throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected a float or double tensor")
        }
    }

    private var isIntegerSafe: Bool {
        switch op {
        case .abs, .neg, .relu: true
        default: false
        }
    }

    private func applyInteger<T: FixedWidthInteger & SignedInteger>(_ v: T) -> T {
        switch op {
        case .abs: v < 0 ? 0 &- v : v
        case .neg: 0 &- v
        default: v > 0 ? v : 0
        }
    }

    private func apply<T: BinaryFloatingPoint & ONNXTranscendental>(_ v: T) -> T {
        switch op {
        case .relu: return v > 0 ? v : (v.isNaN ? v : 0)
        case .sigmoid: return ONNXMath.logistic(v)
        case .tanh: return T.onnxTanh(v)
        case .leakyRelu(let alpha): return v >= 0 ? v : T(alpha) * v
        case .abs: return Swift.abs(v)
        case .neg: return -v
        case .exp: return T.onnxExp(v)
        case .log: return T.onnxLog(v)
        case .sqrt: return v.squareRoot()
        case .reciprocal: return 1 / v
        case .floor: return v.rounded(.down)
        case .ceil: return v.rounded(.up)
        case .not: return v
        }
    }
}

/// `Softmax`: before opset 13 over the input coerced to 2-D at `axis` (default 1); since opset 13
/// along the single `axis` (default -1).
struct ONNXSoftmaxKernel: ONNXKernel {
    let axis: Int
    let coerceTo2D: Bool

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        coerceTo2D = c.opset < 13
        axis = try c.attributes.int("axis", default: coerceTo2D ? 1 : -1, in: -ONNXLimits.maxRank...ONNXLimits.maxRank)
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        let rank = x.shape.count
        let normalised = axis < 0 ? axis + rank : axis
        guard (0..<max(rank, 1)).contains(normalised) || (coerceTo2D && normalised == rank) else {
            throw .badInput("axis \(axis) is out of range for shape \(x.shape)")
        }
        // (outer, extent, inner): softmax over `extent` elements spaced `inner` apart.
        let layout: (Int, Int, Int)
        if rank == 0 {
            layout = (1, 1, 1)
        } else if coerceTo2D {
            layout = (ONNXShape.product(x.shape, 0..<normalised), ONNXShape.product(x.shape, normalised..<rank), 1)
        } else {
            layout = (ONNXShape.product(x.shape, 0..<normalised), x.shape[normalised],
                      ONNXShape.product(x.shape, (normalised + 1)..<rank))
        }
        switch x.data {
        case .float32(var v):
            Self.softmax(&v, layout)
            return [.tensor(Tensor(shape: x.shape, data: .float32(v)))]
        case .float64(var v):
            Self.softmax(&v, layout)
            return [.tensor(Tensor(shape: x.shape, data: .float64(v)))]
        default:
            throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected float or double")
        }
    }

    private static func softmax<T: BinaryFloatingPoint & ONNXTranscendental>(_ v: inout [T], _ layout: (Int, Int, Int)) {
        let (outer, extent, inner) = layout
        guard extent > 0 else { return }
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * extent * inner + i
                var maximum = -T.greatestFiniteMagnitude
                for k in 0..<extent where v[base + k * inner] > maximum { maximum = v[base + k * inner] }
                var sum: T = 0
                for k in 0..<extent {
                    let e = T.onnxExp(v[base + k * inner] - maximum)
                    v[base + k * inner] = e
                    sum += e
                }
                let scale = 1 / sum
                for k in 0..<extent { v[base + k * inner] *= scale }
            }
        }
    }
}

/// `ArgMax` / `ArgMin` along `axis` (first extremum wins unless `select_last_index`); int64 output.
struct ONNXArgExtremumKernel: ONNXKernel {
    let axis: Int
    let keepDims: Bool
    let selectLast: Bool
    let max: Bool

    init(_ c: ONNXNodeContext, max: Bool) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        axis = try c.attributes.int("axis", default: 0, in: -ONNXLimits.maxRank...ONNXLimits.maxRank)
        keepDims = try c.attributes.int("keepdims", default: 1) != 0
        let selectLastFlag = try c.attributes.int("select_last_index", default: 0)
        selectLast = c.opset >= 12 && selectLastFlag != 0
        self.max = max
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        let rank = x.shape.count
        guard let axis = ONNXShape.axis(axis, rank: rank) else { throw .badInput("axis \(self.axis) is out of range for shape \(x.shape)") }
        let extent = x.shape[axis]
        guard extent > 0 else { throw .badInput("cannot reduce an empty axis") }
        var shape = x.shape
        if keepDims { shape[axis] = 1 } else { shape.remove(at: axis) }
        let outer = ONNXShape.product(x.shape, 0..<axis), inner = ONNXShape.product(x.shape, (axis + 1)..<rank)
        let result: [Int64]
        switch x.data {
        case .float32(let v): result = reduce(v, outer, extent, inner)
        case .float64(let v): result = reduce(v, outer, extent, inner)
        case .int32(let v): result = reduce(v, outer, extent, inner)
        case .int64(let v): result = reduce(v, outer, extent, inner)
        default: throw .invalidModel("input is tensor(\(x.onnxTypeName)), expected a numeric tensor")
        }
        return [.tensor(Tensor(shape: shape, data: .int64(result)))]
    }

    private func reduce<T: Comparable>(_ v: [T], _ outer: Int, _ extent: Int, _ inner: Int) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * extent * inner + i
                var best = v[base], index = 0
                for k in 1..<Swift.max(extent, 1) {
                    let value = v[base + k * inner]
                    let better = max ? (selectLast ? value >= best : value > best) : (selectLast ? value <= best : value < best)
                    if better { best = value; index = k }
                }
                out.append(Int64(index))
            }
        }
        return out
    }
}

/// `Equal`, `Greater`, `Less`, `GreaterOrEqual`, `LessOrEqual` with broadcasting; bool output.
struct ONNXCompareKernel: ONNXKernel {
    enum Op: Sendable { case equal, greater, less, greaterOrEqual, lessOrEqual }
    let op: Op

    init(_ c: ONNXNodeContext, _ op: Op) throws(ModelError) {
        try c.requireArity(inputs: 2...2, outputs: 1...1)
        self.op = op
    }

    private func compare<T: Comparable>(_ x: [T], _ xs: [Int], _ y: [T], _ ys: [Int]) throws(ModelError) -> Tensor {
        let r: (values: [Bool], shape: [Int])
        switch op {
        case .equal: r = try ONNXBroadcast.apply(x, xs, y, ys) { $0 == $1 }
        case .greater: r = try ONNXBroadcast.apply(x, xs, y, ys) { $0 > $1 }
        case .less: r = try ONNXBroadcast.apply(x, xs, y, ys) { $0 < $1 }
        case .greaterOrEqual: r = try ONNXBroadcast.apply(x, xs, y, ys) { $0 >= $1 }
        case .lessOrEqual: r = try ONNXBroadcast.apply(x, xs, y, ys) { $0 <= $1 }
        }
        return Tensor(shape: r.shape, data: .bool(r.values))
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let a = try inputs.tensor(0), b = try inputs.tensor(1)
        switch (a.data, b.data) {
        case (.float32(let x), .float32(let y)): return [.tensor(try compare(x, a.shape, y, b.shape))]
        case (.float64(let x), .float64(let y)): return [.tensor(try compare(x, a.shape, y, b.shape))]
        case (.int32(let x), .int32(let y)): return [.tensor(try compare(x, a.shape, y, b.shape))]
        case (.int64(let x), .int64(let y)): return [.tensor(try compare(x, a.shape, y, b.shape))]
        case (.string(let x), .string(let y)) where op == .equal: return [.tensor(try compare(x, a.shape, y, b.shape))]
        case (.bool(let x), .bool(let y)) where op == .equal:
            let r = try ONNXBroadcast.apply(x, a.shape, y, b.shape) { $0 == $1 }
            return [.tensor(Tensor(shape: r.shape, data: .bool(r.values)))]
        default:
            throw .invalidModel("cannot compare tensor(\(a.onnxTypeName)) with tensor(\(b.onnxTypeName))")
        }
    }
}

/// `And`, `Or`, `Xor` on bool tensors with broadcasting.
struct ONNXLogicalKernel: ONNXKernel {
    enum Op: Sendable { case and, or, xor }
    let op: Op

    init(_ c: ONNXNodeContext, _ op: Op) throws(ModelError) {
        try c.requireArity(inputs: 2...2, outputs: 1...1)
        self.op = op
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let a = try inputs.tensor(0), b = try inputs.tensor(1)
        guard case .bool(let x) = a.data, case .bool(let y) = b.data else { throw .invalidModel("inputs must be bool tensors") }
        let r: (values: [Bool], shape: [Int])
        switch op {
        case .and: r = try ONNXBroadcast.apply(x, a.shape, y, b.shape) { $0 && $1 }
        case .or: r = try ONNXBroadcast.apply(x, a.shape, y, b.shape) { $0 || $1 }
        case .xor: r = try ONNXBroadcast.apply(x, a.shape, y, b.shape) { $0 != $1 }
        }
        return [.tensor(Tensor(shape: r.shape, data: .bool(r.values)))]
    }
}
