#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes predictions as JSON lines: one object per row, output name → number, list, or (for a
/// label map such as ONNX `ZipMap`) an object keyed by class label.
///
/// Non-finite numbers are written as `NaN`, `Infinity` and `-Infinity`, as Python's `json`
/// module writes and reads them.
public enum PredictionWriter {
    /// Appends the JSON lines for `outputs` of a batch of `rowCount` rows to `out`.
    public static func appendJSONLines(_ outputs: [ModelOutput], rowCount: Int, to out: inout [UInt8]) {
        for row in 0..<rowCount {
            out.append(UInt8(ascii: "{"))
            for (n, output) in outputs.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                appendString(output.name, to: &out)
                out.append(UInt8(ascii: ":"))
                appendRow(row, of: output.value, rowCount: rowCount, to: &out)
            }
            out.append(contentsOf: [UInt8(ascii: "}"), 0x0a])
        }
    }

    /// The value of one row of an output.
    public static func appendRow(_ row: Int, of value: ModelOutput.Value, rowCount: Int, to out: inout [UInt8]) {
        switch value {
        case .labelMap(let labels, let values):
            let width = labels.count
            out.append(UInt8(ascii: "{"))
            for (k, key) in labels.keys.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendNumber(Double(values[row * width + k]), float: true, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .tensor(let tensor):
            let width = rowCount == 0 ? 0 : tensor.elementCount / rowCount
            let scalar = tensor.shape.count <= 1
            if !scalar { out.append(UInt8(ascii: "[")) }
            for k in 0..<width {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                let index = row * width + k
                switch tensor.data {
                case .float32(let v): appendNumber(Double(v[index]), float: true, to: &out)
                case .float64(let v): appendNumber(v[index], float: false, to: &out)
                case .int32(let v): out.append(contentsOf: Array(String(v[index]).utf8))
                case .int64(let v): out.append(contentsOf: Array(String(v[index]).utf8))
                case .bool(let v): out.append(contentsOf: Array((v[index] ? "true" : "false").utf8))
                case .string(let v): appendString(v[index], to: &out)
                }
            }
            if !scalar { out.append(UInt8(ascii: "]")) }
        }
    }

    /// A number in its shortest round-tripping form (for `float`, the Float's).
    static func appendNumber(_ value: Double, float: Bool, to out: inout [UInt8]) {
        if value.isNaN { out.append(contentsOf: Array("NaN".utf8)); return }
        if value.isInfinite { out.append(contentsOf: Array((value < 0 ? "-Infinity" : "Infinity").utf8)); return }
        let text = float ? Float(value).description : value.description
        out.append(contentsOf: Array(text.utf8))
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
