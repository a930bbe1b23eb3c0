import Foundation

/// Dense matrix products in the element type's precision (float32 stays float32).
enum ONNXMatrix {
    /// `out[M×N] = a[M×K] · b[K×N]`, each element summed in `k` order.
    static func multiply<T: BinaryFloatingPoint>(_ a: ArraySlice<T>, _ b: ArraySlice<T>, m: Int, k: Int, n: Int,
                                                 into out: inout [T]) {
        let aBase = a.startIndex, bBase = b.startIndex
        var row = [T](repeating: 0, count: n)
        for i in 0..<m {
            for j in 0..<n { row[j] = 0 }
            for p in 0..<k {
                let x = a[aBase + i * k + p]
                let bRow = bBase + p * n
                for j in 0..<n { row[j] += x * b[bRow + j] }
            }
            out.append(contentsOf: row)
        }
    }
}

/// `MatMul` with numpy semantics: 1-D operands are promoted, leading batch dimensions broadcast.
struct ONNXMatMulKernel: ONNXKernel {
    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 2...2, outputs: 1...1)
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let a = try inputs.tensor(0), b = try inputs.tensor(1)
        switch (a.data, b.data) {
        case (.float32(let x), .float32(let y)):
            let r = try Self.matmul(x, a.shape, y, b.shape)
            return [.tensor(Tensor(shape: r.shape, data: .float32(r.values)))]
        case (.float64(let x), .float64(let y)):
            let r = try Self.matmul(x, a.shape, y, b.shape)
            return [.tensor(Tensor(shape: r.shape, data: .float64(r.values)))]
        default:
            throw .invalidModel("inputs are tensor(\(a.onnxTypeName)) and tensor(\(b.onnxTypeName)); expected two float or two double tensors")
        }
    }

    static func matmul<T: BinaryFloatingPoint>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int])
        throws(ModelError) -> (values: [T], shape: [Int]) {
        guard !aShape.isEmpty, !bShape.isEmpty else { throw .badInput("MatMul operands must have rank ≥ 1") }
        let aMatrix = aShape.count == 1 ? [1, aShape[0]] : aShape
        let bMatrix = bShape.count == 1 ? [bShape[0], 1] : bShape
        let m = aMatrix[aMatrix.count - 2], k = aMatrix[aMatrix.count - 1]
        let k2 = bMatrix[bMatrix.count - 2], n = bMatrix[bMatrix.count - 1]
        guard k == k2 else { throw .badInput("cannot multiply shapes \(aShape) and \(bShape)") }
        let aBatch = Array(aMatrix.dropLast(2)), bBatch = Array(bMatrix.dropLast(2))
        let aBatchCount = ONNXShape.product(aBatch, 0..<aBatch.count)
        let bBatchCount = ONNXShape.product(bBatch, 0..<bBatch.count)
        // Pairs of batch indices under broadcasting.
        let pairs = try ONNXBroadcast.apply(Array(0..<aBatchCount), aBatch, Array(0..<bBatchCount), bBatch) { ($0, $1) }
        var shape = pairs.shape + [m, n]
        let count = try ONNXShape.checkedCount(shape, "MatMul output")
        var out: [T] = []
        out.reserveCapacity(count)
        for (ia, ib) in pairs.values {
            let aSlice = a[(ia * m * k)..<((ia + 1) * m * k)]
            let bSlice = b[(ib * k * n)..<((ib + 1) * k * n)]
            ONNXMatrix.multiply(aSlice, bSlice, m: m, k: k, n: n, into: &out)
        }
        if aShape.count == 1 { shape.remove(at: shape.count - 2) }
        if bShape.count == 1 { shape.removeLast() }
        return (out, shape)
    }
}

/// `Gemm`: `alpha · op(A) · op(B) + beta · C` with `C` broadcast to `[M, N]`.
struct ONNXGemmKernel: ONNXKernel {
    let alpha: Float
    let beta: Float
    let transA: Bool
    let transB: Bool

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: (c.opset < 11 ? 3 : 2)...3, outputs: 1...1)
        alpha = try c.attributes.float("alpha", default: 1)
        beta = try c.attributes.float("beta", default: 1)
        transA = try c.attributes.int("transA", default: 0) != 0
        transB = try c.attributes.int("transB", default: 0) != 0
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let a = try inputs.tensor(0), b = try inputs.tensor(1)
        let c = try inputs.optionalTensor(2)
        switch (a.data, b.data, c?.data) {
        case (.float32(let x), .float32(let y), nil):
            return [.tensor(try gemm(x, a.shape, y, b.shape, nil, []))]
        case (.float32(let x), .float32(let y), .float32(let z)?):
            return [.tensor(try gemm(x, a.shape, y, b.shape, z, c?.shape ?? []))]
        case (.float64(let x), .float64(let y), nil):
            return [.tensor(try gemm(x, a.shape, y, b.shape, nil, []))]
        case (.float64(let x), .float64(let y), .float64(let z)?):
            return [.tensor(try gemm(x, a.shape, y, b.shape, z, c?.shape ?? []))]
        default:
            throw .invalidModel("inputs must be float or double tensors of one type")
        }
    }

    private func gemm<T: BinaryFloatingPoint>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int],
                                               _ c: [T]?, _ cShape: [Int]) throws(ModelError) -> Tensor {
        guard aShape.count == 2, bShape.count == 2 else { throw .badInput("Gemm needs 2-D A and B, got \(aShape) and \(bShape)") }
        let m = transA ? aShape[1] : aShape[0], k = transA ? aShape[0] : aShape[1]
        let k2 = transB ? bShape[1] : bShape[0], n = transB ? bShape[0] : bShape[1]
        guard k == k2 else { throw .badInput("cannot multiply shapes \(aShape) and \(bShape) (transA \(transA), transB \(transB))") }
        let count = try ONNXShape.checkedCount([m, n], "Gemm output")
        let aRows = transA ? Self.transpose(a, rows: aShape[0], columns: aShape[1]) : a
        let bRows = transB ? Self.transpose(b, rows: bShape[0], columns: bShape[1]) : b
        var out: [T] = []
        out.reserveCapacity(count)
        ONNXMatrix.multiply(aRows[...], bRows[...], m: m, k: k, n: n, into: &out)
        let alpha = T(self.alpha), beta = T(self.beta)
        if alpha != 1 { for i in out.indices { out[i] *= alpha } }
        if let c, beta != 0 {
            guard cShape.count <= 2, (try? ONNXBroadcast.shape(cShape, [m, n])) == [m, n] else {
                throw .badInput("C of shape \(cShape) does not broadcast to [\(m), \(n)]")
            }
            let bias = try ONNXBroadcast.apply(out, [m, n], c, cShape) { $0 + beta * $1 }
            return Tensor(shape: [m, n], data: Self.wrap(bias.values))
        }
        return Tensor(shape: [m, n], data: Self.wrap(out))
    }

    private static func transpose<T>(_ v: [T], rows: Int, columns: Int) -> [T] {
        var out: [T] = []
        out.reserveCapacity(v.count)
        for j in 0..<columns { for i in 0..<rows { out.append(v[i * columns + j]) } }
        return out
    }

    private static func wrap<T>(_ values: [T]) -> Tensor.Storage {
        if let floats = values as? [Float] { return .float32(floats) }
        return .float64(values as? [Double] ?? [])
    }
}
