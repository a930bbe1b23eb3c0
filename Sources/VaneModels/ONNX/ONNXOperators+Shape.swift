import Foundation

/// `Identity`: passes its input through (tensors and ZipMap sequences alike).
struct ONNXIdentityKernel: ONNXKernel {
    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        guard let value = inputs.values.first ?? nil else { throw .invalidModel("input 0 is missing") }
        return [value]
    }
}

/// `Constant`: a tensor fixed at load time.
struct ONNXConstantKernel: ONNXKernel {
    let value: Tensor

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 0...0, outputs: 1...1)
        let a = c.attributes
        var found: [Tensor] = []
        if let t = try a.tensor("value") { found.append(t) }
        if let f = try a.float("value_float") { found.append(Tensor(shape: [], data: .float32([f]))) }
        if let f = try a.floats("value_floats") { found.append(Tensor(shape: [f.count], data: .float32(f))) }
        if let i = try a.int("value_int") { found.append(Tensor(shape: [], data: .int64([i]))) }
        if let i = try a.ints("value_ints") { found.append(Tensor(shape: [i.count], data: .int64(i))) }
        if let s = try a.string("value_string") { found.append(Tensor(shape: [], data: .string([s]))) }
        if let s = try a.strings("value_strings") { found.append(Tensor(shape: [s.count], data: .string(s))) }
        if a.has("sparse_value") { throw .unsupported("\(c.label): sparse constants are not supported") }
        guard found.count == 1, let value = found.first else {
            throw c.invalid("exactly one value attribute is required, found \(found.count)")
        }
        self.value = value
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] { [.tensor(value)] }
}

/// `Reshape` (shape as an attribute before opset 5, as an int64 input since), with `0` (copy the
/// input dimension unless `allowzero`) and one `-1` (inferred).
struct ONNXReshapeKernel: ONNXKernel {
    let attributeShape: [Int64]?
    let allowZero: Bool

    init(_ c: ONNXNodeContext) throws(ModelError) {
        if c.opset < 5 {
            try c.requireArity(inputs: 1...1, outputs: 1...1)
            attributeShape = try c.attributes.requiredInts("shape")
        } else {
            try c.requireArity(inputs: 2...2, outputs: 1...1)
            attributeShape = nil
        }
        let allowZeroFlag = try c.attributes.int("allowzero", default: 0)
        allowZero = c.opset >= 14 && allowZeroFlag != 0
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let data = try inputs.tensor(0)
        let requested: [Int64]
        if let attributeShape {
            requested = attributeShape
        } else {
            let shape = try inputs.tensor(1)
            guard case .int64(let values) = shape.data, shape.shape.count == 1 else {
                throw .invalidModel("the shape input must be a 1-D int64 tensor")
            }
            requested = values
        }
        return [.tensor(data.onnxReshaped(try Self.resolve(requested, input: data.shape, allowZero: allowZero)))]
    }

    /// The concrete output shape for a requested shape.
    static func resolve(_ requested: [Int64], input: [Int], allowZero: Bool) throws(ModelError) -> [Int] {
        guard requested.count <= ONNXLimits.maxRank else { throw .badInput("requested rank \(requested.count) is too large") }
        let total = try ONNXShape.checkedCount(input, "Reshape input")
        var shape: [Int] = []
        var inferred: Int?
        for (index, dim) in requested.enumerated() {
            switch dim {
            case 0 where !allowZero:
                guard index < input.count else { throw .badInput("shape \(requested): dimension \(index) copies a dimension the input \(input) lacks") }
                shape.append(input[index])
            case -1:
                guard inferred == nil else { throw .badInput("shape \(requested) has more than one -1") }
                inferred = index
                shape.append(1)
            case 0...Int64(ONNXLimits.maxElements):
                shape.append(Int(dim))
            default:
                throw .badInput("shape \(requested) has dimension \(dim)")
            }
        }
        guard let known = ONNXShape.elementCount(shape) else { throw .badInput("shape \(requested) is too large") }
        if let inferred {
            if known == 0 {
                guard total == 0 else { throw .badInput("cannot reshape \(input) to \(requested)") }
                shape[inferred] = 0
            } else {
                guard total % known == 0 else { throw .badInput("cannot reshape \(input) to \(requested)") }
                shape[inferred] = total / known
            }
        } else if known != total {
            throw .badInput("cannot reshape \(input) (\(total) elements) to \(requested)")
        }
        return shape
    }
}

/// `Flatten`: `[d0…d(axis-1), d(axis)…]` → 2-D.
struct ONNXFlattenKernel: ONNXKernel {
    let axis: Int

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        axis = try c.attributes.int("axis", default: 1, in: -ONNXLimits.maxRank...ONNXLimits.maxRank)
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let data = try inputs.tensor(0)
        let rank = data.shape.count
        let normalised = axis < 0 ? axis + rank : axis
        guard (0...rank).contains(normalised) else { throw .badInput("axis \(axis) is out of range for rank \(rank)") }
        let shape = [ONNXShape.product(data.shape, 0..<normalised), ONNXShape.product(data.shape, normalised..<rank)]
        return [.tensor(data.onnxReshaped(shape))]
    }
}

/// `Concat` along `axis`.
struct ONNXConcatKernel: ONNXKernel {
    let axis: Int

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...4096, outputs: 1...1, required: 1)
        guard let axis = try c.attributes.int("axis") else {
            if c.opset < 4 { self.axis = 1; return }
            throw c.invalid("required attribute 'axis' is missing")
        }
        guard axis >= -Int64(ONNXLimits.maxRank), axis <= Int64(ONNXLimits.maxRank) else { throw c.invalid("axis \(axis) is out of range") }
        self.axis = Int(axis)
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        var tensors: [Tensor] = []
        for index in 0..<inputs.count { if let t = try inputs.optionalTensor(index) { tensors.append(t) } }
        guard let first = tensors.first else { throw .invalidModel("no inputs") }
        let rank = first.shape.count
        guard let axis = ONNXShape.axis(axis, rank: rank) else { throw .badInput("axis \(self.axis) is out of range for rank \(rank)") }
        var outShape = first.shape
        outShape[axis] = 0
        for tensor in tensors {
            guard tensor.onnxHasSameType(as: first) else { throw .invalidModel("inputs mix tensor(\(first.onnxTypeName)) and tensor(\(tensor.onnxTypeName))") }
            guard tensor.shape.count == rank,
                  (0..<rank).allSatisfy({ $0 == axis || tensor.shape[$0] == first.shape[$0] }) else {
                throw .badInput("cannot concatenate shapes \(first.shape) and \(tensor.shape) on axis \(axis)")
            }
            outShape[axis] += tensor.shape[axis]
        }
        _ = try ONNXShape.checkedCount(outShape, "Concat output")
        let outer = ONNXShape.product(first.shape, 0..<axis)
        let inner = ONNXShape.product(first.shape, (axis + 1)..<rank)
        func join<T>(_ arrays: [[T]]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(arrays.reduce(0) { $0 + $1.count })
            for o in 0..<outer {
                for (array, tensor) in zip(arrays, tensors) {
                    let block = tensor.shape[axis] * inner
                    out.append(contentsOf: array[(o * block)..<((o + 1) * block)])
                }
            }
            return out
        }
        func combine<T>(_ extract: (Tensor.Storage) -> [T]?, _ wrap: ([T]) -> Tensor.Storage) -> Tensor.Storage {
            wrap(join(tensors.map { extract($0.data) ?? [] }))
        }
        let data: Tensor.Storage
        switch first.data {
        case .float32: data = combine({ if case .float32(let v) = $0 { v } else { nil } }, Tensor.Storage.float32)
        case .float64: data = combine({ if case .float64(let v) = $0 { v } else { nil } }, Tensor.Storage.float64)
        case .int32: data = combine({ if case .int32(let v) = $0 { v } else { nil } }, Tensor.Storage.int32)
        case .int64: data = combine({ if case .int64(let v) = $0 { v } else { nil } }, Tensor.Storage.int64)
        case .bool: data = combine({ if case .bool(let v) = $0 { v } else { nil } }, Tensor.Storage.bool)
        case .string: data = combine({ if case .string(let v) = $0 { v } else { nil } }, Tensor.Storage.string)
        }
        return [.tensor(Tensor(shape: outShape, data: data))]
    }
}

/// Reads the axes of `Squeeze` / `Unsqueeze`: an attribute before opset 13, an optional input since.
private func axesOperand(_ c: ONNXNodeContext, required: Bool) throws(ModelError) -> [Int64]? {
    if c.opset < 13 {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        let axes = try c.attributes.ints("axes")
        if required && axes == nil { throw c.invalid("required attribute 'axes' is missing") }
        return axes
    }
    try c.requireArity(inputs: (required ? 2 : 1)...2, outputs: 1...1)
    return nil
}

private func runtimeAxes(_ inputs: ONNXInputs, _ fixed: [Int64]?) throws(ModelError) -> [Int64]? {
    if let fixed { return fixed }
    guard let tensor = try inputs.optionalTensor(1) else { return nil }
    guard case .int64(let axes) = tensor.data, tensor.shape.count <= 1 else {
        throw .invalidModel("the axes input must be a 1-D int64 tensor")
    }
    return axes
}

/// `Squeeze`: removes the listed size-1 axes (all size-1 axes when none are given).
struct ONNXSqueezeKernel: ONNXKernel {
    let axes: [Int64]?

    init(_ c: ONNXNodeContext) throws(ModelError) { axes = try axesOperand(c, required: false) }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let data = try inputs.tensor(0)
        let rank = data.shape.count
        var remove = Set<Int>()
        if let axes = try runtimeAxes(inputs, axes) {
            for raw in axes {
                guard raw >= Int64(-rank), raw < Int64(rank), let axis = ONNXShape.axis(Int(raw), rank: rank) else {
                    throw .badInput("axis \(raw) is out of range for shape \(data.shape)")
                }
                guard data.shape[axis] == 1 else { throw .badInput("cannot squeeze axis \(axis) of shape \(data.shape)") }
                remove.insert(axis)
            }
        } else {
            remove = Set(data.shape.indices.filter { data.shape[$0] == 1 })
        }
        let shape = data.shape.indices.filter { !remove.contains($0) }.map { data.shape[$0] }
        return [.tensor(data.onnxReshaped(shape))]
    }
}

/// `Unsqueeze`: inserts size-1 axes at the listed output positions.
struct ONNXUnsqueezeKernel: ONNXKernel {
    let axes: [Int64]?

    init(_ c: ONNXNodeContext) throws(ModelError) { axes = try axesOperand(c, required: true) }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let data = try inputs.tensor(0)
        guard let axes = try runtimeAxes(inputs, axes) else { throw .invalidModel("the axes are missing") }
        let rank = data.shape.count + axes.count
        guard rank <= ONNXLimits.maxRank else { throw .badInput("output rank \(rank) is too large") }
        var insert = Set<Int>()
        for raw in axes {
            guard raw >= Int64(-rank), raw < Int64(rank), let axis = ONNXShape.axis(Int(raw), rank: rank),
                  insert.insert(axis).inserted else {
                throw .badInput("axes \(axes) are out of range or repeated for output rank \(rank)")
            }
        }
        var shape: [Int] = []
        var source = data.shape.makeIterator()
        for position in 0..<rank { shape.append(insert.contains(position) ? 1 : (source.next() ?? 1)) }
        return [.tensor(data.onnxReshaped(shape))]
    }
}

/// `Shape`: the input's dimensions as int64 (with `start` / `end` since opset 15).
struct ONNXShapeKernel: ONNXKernel {
    let start: Int64
    let end: Int64?

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        start = c.opset >= 15 ? try c.attributes.int("start", default: 0) : 0
        end = c.opset >= 15 ? try c.attributes.int("end") : nil
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let dims = try inputs.tensor(0).shape
        let rank = Int64(dims.count)
        func clamp(_ value: Int64) -> Int { Int(min(max(value < 0 ? value + rank : value, 0), rank)) }
        let from = clamp(start), to = clamp(end ?? rank)
        let slice = from < to ? Array(dims[from..<to]) : []
        return [.tensor(Tensor(shape: [slice.count], data: .int64(slice.map(Int64.init))))]
    }
}

/// `Gather` along `axis` with int32 / int64 indices (negative indices count from the end).
struct ONNXGatherKernel: ONNXKernel {
    let axis: Int

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 2...2, outputs: 1...1)
        axis = try c.attributes.int("axis", default: 0, in: -ONNXLimits.maxRank...ONNXLimits.maxRank)
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let data = try inputs.tensor(0)
        let indexTensor = try inputs.tensor(1)
        guard let indices = indexTensor.onnxIntegerValues else { throw .invalidModel("indices must be int32 or int64") }
        let rank = data.shape.count
        guard let axis = ONNXShape.axis(axis, rank: rank) else { throw .badInput("axis \(self.axis) is out of range for rank \(rank)") }
        let extent = data.shape[axis]
        let outShape = Array(data.shape[..<axis]) + indexTensor.shape + Array(data.shape[(axis + 1)...])
        _ = try ONNXShape.checkedCount(outShape, "Gather output")
        let outer = ONNXShape.product(data.shape, 0..<axis)
        let inner = ONNXShape.product(data.shape, (axis + 1)..<rank)
        var resolved: [Int] = []
        resolved.reserveCapacity(indices.count)
        for raw in indices {
            let index = raw < 0 ? raw + Int64(extent) : raw
            guard index >= 0, index < Int64(extent) else { throw .badInput("index \(raw) is out of range for axis size \(extent)") }
            resolved.append(Int(index))
        }
        var blocks: [(start: Int, length: Int)] = []
        blocks.reserveCapacity(outer * resolved.count)
        for o in 0..<outer {
            for index in resolved { blocks.append(((o * extent + index) * inner, inner)) }
        }
        return [.tensor(data.onnxCopyingBlocks(blocks, shape: outShape))]
    }
}
