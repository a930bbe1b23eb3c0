import VaneText
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VaneCore
import VaneModels
import VaneServing

/// Writes an Open Inference Protocol infer response: JSON, followed by binary tensor data for
/// the outputs the client asked to receive in binary (Triton's extension).
struct OIPResponse {
    /// The response header that carries the JSON part's length when binary data follows.
    static let headerLengthField = HTTPField.Name("Inference-Header-Content-Length")!

    var json = JSONWriter(capacity: 512)
    var binary: [UInt8] = []

    init(model: ServedModel, id: String?, outputs: [ModelOutput], rowCount: Int, binaryFor: (String) -> Bool) {
        json.beginObject()
        json.field("model_name", model.name)
        json.field("model_version", model.version)
        json.field("id", id.flatMap { $0.isEmpty ? nil : $0 } ?? Identifiers.timeOrderedUUID())
        json.beginObject("parameters")
        json.endObject()
        json.beginArray("outputs")
        for output in outputs {
            write(output, rowCount: rowCount, binary: binaryFor(output.name))
        }
        json.endArray()
        json.endObject()
    }

    private mutating func write(_ output: ModelOutput, rowCount: Int, binary asBinary: Bool) {
        json.beginObject()
        json.field("name", output.name)
        switch output.value {
        case .tensor(let tensor):
            json.beginArray("shape")
            for dim in tensor.shape { json.rawElement(Int64(dim)) }
            json.endArray()
            json.field("datatype", tensor.datatype.rawValue)
            if asBinary {
                let start = binary.count
                Self.appendBinary(tensor.data, to: &binary)
                json.beginObject("parameters")
                json.field("binary_data_size", Int64(binary.count - start))
                json.endObject()
            } else {
                json.beginArray("data")
                Self.appendJSON(tensor.data, to: &json)
                json.endArray()
            }
        case .labelMap(let labels, let values):
            // A map per row has no tensor form: the values as [rows, labels], the labels in a parameter.
            json.beginArray("shape")
            json.rawElement(Int64(rowCount))
            json.rawElement(Int64(labels.count))
            json.endArray()
            json.field("datatype", "FP32")
            json.beginObject("parameters")
            var labelList = JSONWriter()
            labelList.beginArray()
            for key in labels.keys { labelList.element(key) }
            labelList.endArray()
            json.field("class_labels", String(decoding: labelList.bytes, as: UTF8.self))
            if asBinary {
                let start = binary.count
                Self.appendBinary(.float32(values), to: &binary)
                json.field("binary_data_size", Int64(binary.count - start))
                json.endObject()
            } else {
                json.endObject()
                json.beginArray("data")
                Self.appendJSON(.float32(values), to: &json)
                json.endArray()
            }
        }
        json.endObject()
    }

    /// The elements as JSON numbers (non-finite as the bare tokens `NaN`/`Infinity`, which
    /// tritonclient and Python's json read), booleans or strings.
    static func appendJSON(_ data: Tensor.Storage, to w: inout JSONWriter) {
        switch data {
        case .float32(let v):
            // Most take at most 12 bytes with their comma (a float's shortest form): room at once.
            w.reserve(additional: v.count * 12)
            for x in v { w.rawElementNumber(Double(x), float: true) }
        case .float64(let v): for x in v { w.rawElementNumber(x, float: false) }
        case .int32(let v): for x in v { w.rawElement(Int64(x)) }
        case .int64(let v): for x in v { w.rawElement(x) }
        case .bool(let v): for x in v { w.rawElement(x) }
        case .string(let v): for x in v { w.element(x) }
        }
    }

    /// The elements little-endian, row-major; strings as a 4-byte length and their UTF-8 bytes.
    static func appendBinary(_ data: Tensor.Storage, to out: inout [UInt8]) {
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        switch data {
        case .float32(let v): for x in v { append(x.bitPattern) }
        case .float64(let v): for x in v { append(x.bitPattern) }
        case .int32(let v): for x in v { append(x) }
        case .int64(let v): for x in v { append(x) }
        case .bool(let v): for x in v { out.append(x ? 1 : 0) }
        case .string(let v):
            for x in v {
                append(UInt32(x.utf8.count))
                out.append(contentsOf: x.utf8)
            }
        }
    }

    /// The HTTP response: JSON alone, or JSON then binary data with the header length set.
    func response() -> Response {
        if binary.isEmpty { return json.response() }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(json.bytes.count + binary.count)
        buffer.writeBytes(json.bytes)
        buffer.writeBytes(binary)
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[Self.headerLengthField] = String(json.bytes.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }
}
