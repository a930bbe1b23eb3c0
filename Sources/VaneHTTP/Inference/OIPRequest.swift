import VaneCore
import VaneServing

/// An Open Inference Protocol v2 infer request, decoded.
///
/// Input data arrives nested or flat in JSON, or as raw little-endian bytes after the JSON
/// header (Triton's binary tensor data extension); either way it is read straight into
/// `Double`s (NaN = missing), without building a JSON tree for the data.
struct OIPRequest {
    struct RequestedOutput {
        var name: String
        /// `parameters.binary_data`, when the client set it.
        var binaryData: Bool?
    }

    var id: String?
    var inputs: [InputTensor] = []
    /// nil: every output.
    var outputs: [RequestedOutput]?
    /// Request `parameters.binary_data_output`: the default for outputs that do not say.
    var binaryDataOutput = false

    /// The most elements one request may carry (the body limit bounds it too).
    static let maxElements = 1 << 26
    /// The most JSON values the request's fields other than `data` may build (ids, shapes,
    /// parameters, requested outputs): `data` is read straight into numbers and never counts.
    static let maxHeaderValues = 100_000

    /// Decodes `body`: the JSON header is the first `headerLength` bytes (all of it when nil),
    /// binary tensor data follows.
    init(body: [UInt8], headerLength: Int?) throws(VaneError) {
        let jsonLength = headerLength ?? body.count
        guard jsonLength >= 0, jsonLength <= body.count else {
            throw VaneError.invalid("Inference-Header-Content-Length \(jsonLength) exceeds the body's \(body.count) bytes")
        }
        var parser = JSONParser(bytes: jsonLength == body.count ? body : Array(body[0..<jsonLength]))
        parser.valueBudget = OIPRequest.maxHeaderValues
        var binary = BinarySection(bytes: body, offset: jsonLength)
        try parser.oipRequest(into: &self, binary: &binary)
        guard binary.offset == body.count else {
            throw VaneError.invalid("The body holds \(body.count - binary.offset) bytes of binary data that no input claims")
        }
    }
}

/// The binary tensor data after the JSON header, consumed input by input.
struct BinarySection {
    let bytes: [UInt8]
    var offset: Int

    mutating func take(_ count: Int, for name: String) throws(VaneError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else {
            throw VaneError.invalid("Input '\(name)' declares binary_data_size \(count) but only \(bytes.count - offset) bytes remain in the body")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}

/// The element types OIP names, with their byte sizes in the binary form.
enum OIPDatatype: String {
    case bool = "BOOL", uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case fp16 = "FP16", fp32 = "FP32", fp64 = "FP64", bytes = "BYTES", bf16 = "BF16"

    var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16, .bf16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: 0
        }
    }

    /// Reads `count` little-endian elements from `raw` as doubles.
    func decode(_ raw: ArraySlice<UInt8>, count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        raw.withUnsafeBytes { buf in
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                T(littleEndian: buf.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
            }
            for i in 0..<count {
                switch self {
                case .bool: out[i] = buf[i] == 0 ? 0 : 1
                case .uint8: out[i] = Double(buf[i])
                case .int8: out[i] = Double(Int8(bitPattern: buf[i]))
                case .uint16: out[i] = Double(load(UInt16.self, i))
                case .int16: out[i] = Double(load(Int16.self, i))
                case .uint32: out[i] = Double(load(UInt32.self, i))
                case .int32: out[i] = Double(load(Int32.self, i))
                case .uint64: out[i] = Double(load(UInt64.self, i))
                case .int64: out[i] = Double(load(Int64.self, i))
                case .fp16: out[i] = Self.halfToDouble(load(UInt16.self, i))
                case .bf16: out[i] = Double(Float(bitPattern: UInt32(load(UInt16.self, i)) << 16))
                case .fp32: out[i] = Double(Float(bitPattern: load(UInt32.self, i)))
                case .fp64: out[i] = Double(bitPattern: load(UInt64.self, i))
                case .bytes: out[i] = .nan
                }
            }
        }
        return out
    }

    /// IEEE 754 half precision to double, written out so it works where `Float16` is unavailable.
    static func halfToDouble(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1f)
        let fraction = Double(bits & 0x3ff)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

/// The OIP request grammar over ``JSONParser``: known fields are read into typed values; `data`
/// arrays are flattened straight into doubles; fields the protocol does not use are stepped over.
extension JSONParser {
    mutating func oipRequest(into request: inout OIPRequest, binary: inout BinarySection) throws(VaneError) {
        skipSpace()
        try objectFields { parser, key throws(VaneError) in
            switch key {
            case "id":
                guard case .string(let id) = try parser.value(depth: 1) else { throw VaneError.invalid("'id' must be a string") }
                request.id = id
            case "parameters":
                guard case .object(let parameters) = try parser.value(depth: 1) else { throw VaneError.invalid("'parameters' must be an object") }
                if case .bool(let flag) = parameters["binary_data_output"] { request.binaryDataOutput = flag }
            case "inputs":
                try parser.arrayElements { parser throws(VaneError) in
                    request.inputs.append(try parser.oipInput(binary: &binary))
                }
            case "outputs":
                var outputs: [OIPRequest.RequestedOutput] = []
                try parser.arrayElements { parser throws(VaneError) in
                    guard case .object(let object) = try parser.value(depth: 2),
                          case .string(let name) = object["name"] else {
                        throw VaneError.invalid("Each requested output must be an object with a 'name'")
                    }
                    var binaryData: Bool?
                    if case .object(let parameters) = object["parameters"], case .bool(let flag) = parameters["binary_data"] {
                        binaryData = flag
                    }
                    outputs.append(.init(name: name, binaryData: binaryData))
                }
                request.outputs = outputs
            default:
                try parser.skipValue(depth: 1)
            }
        }
        skipSpace()
        guard index == end else { throw fail("unexpected data after the JSON value") }
        guard !request.inputs.isEmpty else { throw VaneError.invalid("The request has no 'inputs'") }
    }

    /// One `$request_input`.
    mutating func oipInput(binary: inout BinarySection) throws(VaneError) -> InputTensor {
        var name: String?, shape: [Int]?, datatype: String?, binarySize: Int?
        var data: [Double]?
        try objectFields { parser, key throws(VaneError) in
            switch key {
            case "name":
                guard case .string(let s) = try parser.value(depth: 3) else { throw VaneError.invalid("An input's 'name' must be a string") }
                name = s
            case "datatype":
                guard case .string(let s) = try parser.value(depth: 3) else { throw VaneError.invalid("An input's 'datatype' must be a string") }
                datatype = s
            case "shape":
                guard case .array(let dims) = try parser.value(depth: 3) else { throw VaneError.invalid("An input's 'shape' must be an array") }
                shape = try dims.map { dim throws(VaneError) -> Int in
                    guard case .int(let d) = dim, d >= 0 else {
                        throw VaneError.invalid("Shape dimensions must be non-negative integers")
                    }
                    guard d <= Int64(OIPRequest.maxElements) else {
                        throw VaneError.invalid("A shape dimension of \(d) is larger than \(OIPRequest.maxElements) elements")
                    }
                    return Int(d)
                }
            case "parameters":
                guard case .object(let parameters) = try parser.value(depth: 3) else { throw VaneError.invalid("An input's 'parameters' must be an object") }
                if let size = parameters["binary_data_size"] {
                    guard case .int(let n) = size, n >= 0 else { throw VaneError.invalid("binary_data_size must be a non-negative integer") }
                    binarySize = Int(clamping: n)
                }
            case "data":
                var values: [Double] = []
                if let shape {
                    // Room for the elements the shape declares, up to what the rest of the body
                    // could hold (every element takes at least two bytes): no regrowth, no more
                    // memory than the body's size warrants.
                    let declared = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? .max : $0 * $1 }
                    values.reserveCapacity(min(declared, (parser.end - parser.index) / 2 + 1, OIPRequest.maxElements))
                }
                try parser.flatData(into: &values, depth: 3)
                data = values
            default:
                try parser.skipValue(depth: 3)
            }
        }
        guard let name else { throw VaneError.invalid("An input has no 'name'") }
        guard let shape else { throw VaneError.invalid("Input '\(name)' has no 'shape'") }
        guard let datatypeName = datatype else { throw VaneError.invalid("Input '\(name)' has no 'datatype'") }
        guard let type = OIPDatatype(rawValue: datatypeName) else {
            throw VaneError.invalid("Input '\(name)' has unknown datatype '\(datatypeName)'")
        }
        guard type != .bytes else { throw VaneError.invalid("Input '\(name)' is BYTES; the model takes numbers") }
        var count = 1
        for dim in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= OIPRequest.maxElements else {
                throw VaneError.invalid("Input '\(name)' shape \(shape) is larger than \(OIPRequest.maxElements) elements")
            }
            count = product
        }
        var values: [Double]
        if let binarySize {
            guard data == nil else { throw VaneError.invalid("Input '\(name)' has both 'data' and binary_data_size") }
            guard binarySize == count * type.byteSize else {
                throw VaneError.invalid("Input '\(name)' binary_data_size \(binarySize) does not match shape \(shape) of \(datatypeName) (\(count * type.byteSize) bytes)")
            }
            values = type.decode(try binary.take(binarySize, for: name), count: count)
        } else {
            guard let data else { throw VaneError.invalid("Input '\(name)' has no 'data'") }
            values = data
        }
        guard values.count == count else {
            throw VaneError.invalid("Input '\(name)' has \(values.count) elements but its shape \(shape) holds \(count)")
        }
        if type == .fp32 || type == .fp16 || type == .bf16 {
            // The client sent single precision: score what it sent, as a numpy float32 array would be.
            for i in values.indices { values[i] = Double(Float(values[i])) }
        }
        return InputTensor(name: name, shape: shape, values: values)
    }

    /// Flattens a nested array of scalars in row-major order. Numbers, booleans (1/0), `null`
    /// and the tokens `NaN`/`Infinity`/`-Infinity` (bare or quoted) are accepted.
    mutating func flatData(into values: inout [Double], depth: Int) throws(VaneError) {
        guard depth <= JSONValue.maxDepth else { throw fail("nesting deeper than \(JSONValue.maxDepth) levels") }
        lexer.skipSpace()
        guard let first = lexer.current else { throw fail("unexpected end") }
        switch first {
        case UInt8(ascii: "["):
            // Plain numbers in runs; anything else (a nested array, a token, a quoted cell, an
            // error) element by element.
            try numberElements(into: &values, maxCount: OIPRequest.maxElements) { parser, values throws(VaneError) in
                try parser.flatData(into: &values, depth: depth + 1)
            }
            guard values.count <= OIPRequest.maxElements else { throw VaneError.invalid("'data' holds more than \(OIPRequest.maxElements) elements") }
        default:
            values.append(try numberCell(field: "data"))
        }
    }
}
