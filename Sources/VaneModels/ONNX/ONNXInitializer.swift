import Foundation

/// Converts a `TensorProto` (an initializer or a tensor attribute) into a ``Tensor``,
/// checking every size against the declared dims.
enum ONNXInitializer {
    /// Decodes `proto`; `what` names it in error messages.
    static func tensor(from proto: Onnx_TensorProto, what: String) throws(ModelError) -> Tensor {
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            throw .unsupported("\(what) stores its data in an external file; external data is not supported")
        }
        if proto.hasSegment {
            throw .unsupported("\(what) is a segment of a larger tensor; segmented tensors are not supported")
        }
        guard proto.dims.count <= ONNXLimits.maxRank else {
            throw .invalidModel("\(what) has rank \(proto.dims.count), more than \(ONNXLimits.maxRank)")
        }
        var shape: [Int] = []
        for dim in proto.dims {
            guard dim >= 0, dim <= Int64(ONNXLimits.maxElements) else {
                throw .invalidModel("\(what) has dimension \(dim) (dims \(proto.dims))")
            }
            shape.append(Int(dim))
        }
        guard let count = ONNXShape.elementCount(shape) else {
            throw .invalidModel("\(what) declares dims \(proto.dims): more than \(ONNXLimits.maxElements) elements")
        }
        let typed = typedFieldCounts(proto)
        let hasRaw = proto.hasRawData
        if hasRaw && typed > 0 {
            throw .invalidModel("\(what) holds both raw_data and typed data fields")
        }
        let code = proto.dataType

        func checkCount(_ actual: Int, _ field: String) throws(ModelError) {
            guard actual == count else {
                throw .invalidModel("\(what) declares dims \(proto.dims) (\(count) elements) but \(field) holds \(actual)")
            }
        }
        func checkOnly(_ field: Int) throws(ModelError) {
            guard typed == field else {
                throw .invalidModel("\(what) of type \(ONNXElementType.name(code)) holds data in a field of another type")
            }
        }

        switch code {
        case ONNXElementType.float:
            if hasRaw { return Tensor(shape: shape, data: .float32(try raw(proto.rawData, count, what) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) })) }
            try checkOnly(proto.floatData.count)
            try checkCount(proto.floatData.count, "float_data")
            return Tensor(shape: shape, data: .float32(proto.floatData))
        case ONNXElementType.double:
            if hasRaw { return Tensor(shape: shape, data: .float64(try raw(proto.rawData, count, what, width: 8) { Double(bitPattern: $0) })) }
            try checkOnly(proto.doubleData.count)
            try checkCount(proto.doubleData.count, "double_data")
            return Tensor(shape: shape, data: .float64(proto.doubleData))
        case ONNXElementType.int64:
            if hasRaw { return Tensor(shape: shape, data: .int64(try raw(proto.rawData, count, what, width: 8) { Int64(bitPattern: $0) })) }
            try checkOnly(proto.int64Data.count)
            try checkCount(proto.int64Data.count, "int64_data")
            return Tensor(shape: shape, data: .int64(proto.int64Data))
        case ONNXElementType.int32:
            if hasRaw { return Tensor(shape: shape, data: .int32(try raw(proto.rawData, count, what) { Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) })) }
            try checkOnly(proto.int32Data.count)
            try checkCount(proto.int32Data.count, "int32_data")
            return Tensor(shape: shape, data: .int32(proto.int32Data))
        case ONNXElementType.bool:
            if hasRaw { return Tensor(shape: shape, data: .bool(try raw(proto.rawData, count, what, width: 1) { $0 != 0 })) }
            try checkOnly(proto.int32Data.count)
            try checkCount(proto.int32Data.count, "int32_data")
            return Tensor(shape: shape, data: .bool(proto.int32Data.map { $0 != 0 }))
        case ONNXElementType.string:
            if hasRaw { throw .invalidModel("\(what) is a string tensor with raw_data") }
            try checkOnly(proto.stringData.count)
            try checkCount(proto.stringData.count, "string_data")
            var strings: [String] = []
            strings.reserveCapacity(count)
            for bytes in proto.stringData {
                guard let string = String(data: bytes, encoding: .utf8) else {
                    throw .invalidModel("\(what) holds a string that is not UTF-8")
                }
                strings.append(string)
            }
            return Tensor(shape: shape, data: .string(strings))
        default:
            throw .unsupported("\(what) has element type \(ONNXElementType.name(code)); supported: float, double, int32, int64, bool, string")
        }
    }

    /// Total number of elements in the typed (non-raw) data fields.
    private static func typedFieldCounts(_ proto: Onnx_TensorProto) -> Int {
        proto.floatData.count + proto.int32Data.count + proto.stringData.count + proto.int64Data.count
            + proto.doubleData.count + proto.uint64Data.count
    }

    /// Decodes `count` little-endian elements of `width` bytes from `data`.
    private static func raw<T>(_ data: Data, _ count: Int, _ what: String, width: Int = 4,
                               _ make: (UInt64) -> T) throws(ModelError) -> [T] {
        let (expected, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, data.count == expected else {
            throw .invalidModel("\(what) has \(data.count) bytes of raw_data, its dims need \(count) × \(width) bytes")
        }
        var out: [T] = []
        out.reserveCapacity(count)
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            for index in 0..<count {
                var bits: UInt64 = 0
                let base = index * width
                for byte in 0..<width {
                    bits |= UInt64(buffer[base + byte]) << (8 * UInt64(byte))
                }
                out.append(make(bits))
            }
        }
        return out
    }
}
