import VaneCore
import VaneModels

/// One request to a deployment as the prediction log keeps it.
public struct PredictionRecord: Sendable {
    public var time: EpochMillis
    public var requestID: String
    public var deployment: String
    public var variant: String
    public var latencyMicroseconds: Int64
    public var rowCount: Int
    public var failed: Bool
    /// What the request carried, and what the variant answered; nil when the payload was not
    /// sampled (the request is still logged, so feedback can be joined to it).
    public var inputs: InferenceRequest.Input?
    public var outputs: [ModelOutput]?
    /// The first row's predicted class or value, kept in the index for label feedback.
    public var predictedLabel: String?
    /// Whether this is a shadow's scoring of the request (beside the variant's answer, same
    /// request id; never in the index, so feedback joins the variant that answered).
    public var isShadow = false

    public init(time: EpochMillis, requestID: String, deployment: String, variant: String, latencyMicroseconds: Int64,
                rowCount: Int, failed: Bool, inputs: InferenceRequest.Input?, outputs: [ModelOutput]?, predictedLabel: String? = nil) {
        self.predictedLabel = predictedLabel
        self.time = time
        self.requestID = requestID
        self.deployment = deployment
        self.variant = variant
        self.latencyMicroseconds = latencyMicroseconds
        self.rowCount = rowCount
        self.failed = failed
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The record as one JSON line (with its newline), fields in a fixed order: `time`,
    /// `deployment`, `variant`, `request_id`, `latency_ms`, `rows`, `failed`, `shadow` (a shadow's
    /// line only), `label` (the first row's prediction, for a deployment with an experiment), then
    /// `inputs` and `outputs` when sampled. Non-finite numbers are written as null.
    public func jsonLine() -> [UInt8] {
        var w = LineWriter()
        write(to: &w)
        return w.bytes
    }

    /// Appends ``jsonLine()`` to `w`.
    func write(to w: inout LineWriter) {
        w.raw("{\"time\":"); w.int(time)
        w.raw(",\"deployment\":"); w.string(deployment)
        w.raw(",\"variant\":"); w.string(variant)
        w.raw(",\"request_id\":"); w.string(requestID)
        w.raw(",\"latency_ms\":"); w.milliseconds(latencyMicroseconds)
        w.raw(",\"rows\":"); w.int(Int64(rowCount))
        w.raw(",\"failed\":"); w.raw(failed ? "true" : "false")
        if isShadow { w.raw(",\"shadow\":true") }
        if let predictedLabel { w.raw(",\"label\":"); w.string(predictedLabel) }
        if let inputs {
            w.raw(",\"inputs\":")
            Self.write(inputs, to: &w)
        }
        if let outputs {
            w.raw(",\"outputs\":{")
            for (i, output) in outputs.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(output.name); w.raw(":")
                switch output.value {
                case .tensor(let tensor):
                    w.raw("{\"shape\":["); w.ints(tensor.shape); w.raw("],\"data\":[")
                    switch tensor.data {
                    case .string(let strings):
                        for (j, s) in strings.enumerated() { if j > 0 { w.raw(",") }; w.string(s) }
                    case .float32(let values):
                        // As the answer wrote them: a FP32 value's own shortest form.
                        for (j, v) in values.enumerated() { if j > 0 { w.raw(",") }; w.number(v) }
                    default:
                        for (j, v) in tensor.doubles.enumerated() { if j > 0 { w.raw(",") }; w.number(v) }
                    }
                    w.raw("]}")
                case .labelMap(let labels, let values):
                    w.raw("{\"labels\":[")
                    for j in 0..<labels.count { if j > 0 { w.raw(",") }; w.string(labels.text(at: j)) }
                    w.raw("],\"data\":[")
                    for (j, v) in values.enumerated() { if j > 0 { w.raw(",") }; w.number(v) }
                    w.raw("]}")
                }
            }
            w.raw("}")
        }
        w.raw("}\n")
    }

    static func write(_ input: InferenceRequest.Input, to w: inout LineWriter) {
        switch input {
        case .tensors(let tensors):
            w.raw("{")
            for (i, t) in tensors.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(t.name)
                w.raw(":{\"shape\":["); w.ints(t.shape); w.raw("],\"data\":[")
                for (j, v) in t.values.enumerated() { if j > 0 { w.raw(",") }; w.number(v) }
                w.raw("]}")
            }
            w.raw("}")
        case .columns(let columns, _):
            w.raw("{")
            for (i, c) in columns.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(c.name); w.raw(":[")
                for (j, v) in c.values.enumerated() { if j > 0 { w.raw(",") }; w.number(v) }
                w.raw("]")
            }
            w.raw("}")
        case .rowMajor(let values, let rowCount, let names):
            w.raw("{\"columns\":[")
            for (i, n) in names.enumerated() { if i > 0 { w.raw(",") }; w.string(n) }
            w.raw("],\"data\":")
            writeRows(values, rowCount: rowCount, width: names.count, to: &w)
            w.raw("}")
        case .batch(let batch):
            w.raw("{\"data\":")
            writeRows(batch.values, rowCount: batch.rowCount, width: batch.featureCount, to: &w)
            w.raw("}")
        }
    }

    static func writeRows(_ values: [Double], rowCount: Int, width: Int, to w: inout LineWriter) {
        w.raw("[")
        for r in 0..<rowCount {
            if r > 0 { w.raw(",") }
            w.raw("[")
            for c in 0..<width where r * width + c < values.count {
                if c > 0 { w.raw(",") }
                w.number(values[r * width + c])
            }
            w.raw("]")
        }
        w.raw("]")
    }
}

/// A minimal JSON writer for log lines.
struct LineWriter {
    var bytes: [UInt8]

    init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Decimal digits, without making a string.
    mutating func int(_ v: Int64) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    mutating func ints(_ values: [Int]) {
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            int(Int64(v))
        }
    }

    /// The shortest text that reads back as `v`; null for NaN and infinities.
    mutating func number(_ v: Double) {
        guard v.isFinite else { raw("null"); return }
        if v == v.rounded(), abs(v) < 1e15 { int(Int64(v)); return }
        text(v.description)
    }

    /// A single-precision value in its own shortest form (what an OIP answer writes for it);
    /// null for NaN and infinities.
    mutating func number(_ v: Float) {
        guard v.isFinite else { raw("null"); return }
        if v == v.rounded(), abs(v) < 1e15 { int(Int64(v)); return }
        text(v.description)
    }

    /// A string's bytes as they are (a number's text), copied at once.
    private mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Microseconds as milliseconds, the text `Double(micros) / 1000` would print (up to three
    /// decimals, no trailing zeros), without formatting a double.
    mutating func milliseconds(_ micros: Int64) {
        if micros < 0 { raw("-") }
        let magnitude = micros.magnitude
        int(Int64(magnitude / 1_000))
        var fraction = magnitude % 1_000
        guard fraction > 0 else { return }
        raw(".")
        var digits = 3
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        var divisor: UInt64 = digits == 3 ? 100 : (digits == 2 ? 10 : 1)
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // The usual name or id needs no escape: copied at once.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for c in utf8 {
                switch c {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex.utf8Start[Int(c >> 4)], hex.utf8Start[Int(c & 0xF)]])
                default: bytes.append(c)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
