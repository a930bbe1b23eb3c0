import Foundation

/// `Cast` between float, double, int32, int64, bool and string, converting as onnxruntime does on
/// x86-64: float → integer truncates toward zero, and NaN or out-of-range values become the
/// integer type's minimum (what `cvttss2si` yields); integer narrowing wraps.
struct ONNXCastKernel: ONNXKernel {
    let target: TensorDatatype

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        guard let to = try c.attributes.int("to") else { throw c.invalid("required attribute 'to' is missing") }
        guard to >= 0, to <= Int64(Int32.max), let target = ONNXElementType.datatype(Int32(to)) else {
            throw .unsupported("\(c.label): Cast to \(ONNXElementType.name(Int32(truncatingIfNeeded: to))) is not supported")
        }
        self.target = target
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let input = try inputs.tensor(0)
        return [.tensor(Tensor(shape: input.shape, data: try Self.cast(input.data, to: target)))]
    }

    static func cast(_ data: Tensor.Storage, to target: TensorDatatype) throws(ModelError) -> Tensor.Storage {
        switch (data, target) {
        case (.float32(let v), .fp32): return .float32(v)
        case (.float32(let v), .fp64): return .float64(v.map(Double.init))
        case (.float32(let v), .int32): return .int32(v.map { int32(Double($0)) })
        case (.float32(let v), .int64): return .int64(v.map { int64(Double($0)) })
        case (.float32(let v), .bool): return .bool(v.map { $0 != 0 })
        case (.float32(let v), .bytes): return .string(v.map { string(Double($0), float: true) })

        case (.float64(let v), .fp32): return .float32(v.map { Float($0) })
        case (.float64(let v), .fp64): return .float64(v)
        case (.float64(let v), .int32): return .int32(v.map(int32))
        case (.float64(let v), .int64): return .int64(v.map(int64))
        case (.float64(let v), .bool): return .bool(v.map { $0 != 0 })
        case (.float64(let v), .bytes): return .string(v.map { string($0, float: false) })

        case (.int32(let v), .fp32): return .float32(v.map { Float($0) })
        case (.int32(let v), .fp64): return .float64(v.map { Double($0) })
        case (.int32(let v), .int32): return .int32(v)
        case (.int32(let v), .int64): return .int64(v.map { Int64($0) })
        case (.int32(let v), .bool): return .bool(v.map { $0 != 0 })
        case (.int32(let v), .bytes): return .string(v.map { String($0) })

        case (.int64(let v), .fp32): return .float32(v.map { Float($0) })
        case (.int64(let v), .fp64): return .float64(v.map { Double($0) })
        case (.int64(let v), .int32): return .int32(v.map { Int32(truncatingIfNeeded: $0) })
        case (.int64(let v), .int64): return .int64(v)
        case (.int64(let v), .bool): return .bool(v.map { $0 != 0 })
        case (.int64(let v), .bytes): return .string(v.map { String($0) })

        case (.bool(let v), .fp32): return .float32(v.map { $0 ? 1 : 0 })
        case (.bool(let v), .fp64): return .float64(v.map { $0 ? 1 : 0 })
        case (.bool(let v), .int32): return .int32(v.map { $0 ? 1 : 0 })
        case (.bool(let v), .int64): return .int64(v.map { $0 ? 1 : 0 })
        case (.bool(let v), .bool): return .bool(v)
        case (.bool(let v), .bytes): return .string(v.map { $0 ? "1" : "0" })

        case (.string(let v), .bytes): return .string(v)
        case (.string(let v), _):
            var doubles: [Double] = []
            doubles.reserveCapacity(v.count)
            for text in v {
                guard let value = parse(text) else { throw .badInput("cannot cast the string '\(text.prefix(40))' to a number") }
                doubles.append(value)
            }
            return try cast(.float64(doubles), to: target)
        }
    }

    /// Float → int64 as x86-64 `cvttsd2si`: truncation, and `Int64.min` for NaN / out of range.
    static func int64(_ value: Double) -> Int64 {
        guard value >= -9.223372036854775808e18, value < 9.223372036854775808e18 else { return .min }
        return Int64(value.rounded(.towardZero))
    }

    /// Float → int32 as x86-64 `cvttss2si` (32-bit): truncation, `Int32.min` for NaN / out of range.
    static func int32(_ value: Double) -> Int32 {
        guard value.isFinite, value > -2147483649, value < 2147483648 else { return .min }
        return Int32(value.rounded(.towardZero))
    }

    /// Number → string; onnxruntime writes NaN / INF / -INF and otherwise the shortest round-trip form.
    static func string(_ value: Double, float: Bool) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-INF" : "INF" }
        return float ? "\(Float(value))" : "\(value)"
    }

    /// String → number, accepting what `strtod` does for ordinary numbers plus NaN / INF spellings.
    static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return Double(trimmed)
        }
    }
}
