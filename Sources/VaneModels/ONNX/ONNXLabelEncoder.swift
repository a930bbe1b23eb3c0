import Foundation

/// `LabelEncoder` (ai.onnx.ml): maps int64, float or string keys to int64, float or string values,
/// unknown keys giving the default. Opset 1 (`classes_strings`) and opsets 2+ (`keys_*` / `values_*`,
/// or `keys_tensor` / `values_tensor`) are read.
struct ONNXLabelEncoderKernel: ONNXKernel {
    enum Key: Hashable, Sendable {
        case int(Int64)
        case float(UInt32)
        case string(String)

        static func of(_ value: Float) -> Key {
            if value.isNaN { return .float(Float.nan.bitPattern) }
            return .float(value == 0 ? 0 : value.bitPattern)
        }
    }

    enum Values: Sendable {
        case ints([Int64], default: Int64)
        case floats([Float], default: Float)
        case strings([String], default: String)
    }

    enum KeyKind: Sendable { case int, float, string }

    let keyKind: KeyKind
    let index: [Key: Int]
    let values: Values

    init(_ c: ONNXNodeContext) throws(ModelError) {
        try c.requireArity(inputs: 1...1, outputs: 1...1)
        let a = c.attributes
        let defaultInt = try a.int("default_int64", default: -1)
        let defaultString = try a.string("default_string", default: "_Unused")
        let defaultFloat = try a.float("default_float", default: -0.0)
        var keys: [Key] = []
        if c.opset < 2 {
            // classes_strings: string → index, or index → string.
            let classes = try a.strings("classes_strings") ?? []
            if a.has("default_string") && !a.has("default_int64") {
                keyKind = .int
                keys = classes.indices.map { .int(Int64($0)) }
                values = .strings(classes, default: defaultString)
            } else {
                keyKind = .string
                keys = classes.map { .string($0) }
                values = .ints(classes.indices.map(Int64.init), default: defaultInt)
            }
        } else {
            if let tensor = try a.tensor("keys_tensor") {
                switch tensor.data {
                case .int64(let v): keyKind = .int; keys = v.map { .int($0) }
                case .float32(let v): keyKind = .float; keys = v.map(Key.of)
                case .string(let v): keyKind = .string; keys = v.map { .string($0) }
                default: throw c.invalid("'keys_tensor' must hold int64, float or string")
                }
            } else if let ints = try a.ints("keys_int64s") {
                keyKind = .int; keys = ints.map { .int($0) }
            } else if let floats = try a.floats("keys_floats") {
                keyKind = .float; keys = floats.map(Key.of)
            } else if let strings = try a.strings("keys_strings") {
                keyKind = .string; keys = strings.map { .string($0) }
            } else {
                throw c.invalid("no keys ('keys_int64s', 'keys_floats', 'keys_strings' or 'keys_tensor')")
            }
            let defaults = try a.tensor("default_tensor")
            if let tensor = try a.tensor("values_tensor") {
                switch tensor.data {
                case .int64(let v): values = .ints(v, default: defaults?.onnxIntegerValues?.first ?? defaultInt)
                case .float32(let v): values = .floats(v, default: defaults?.onnxFloatValues?.first ?? defaultFloat)
                case .string(let v):
                    var fallback = defaultString
                    if case .string(let d)? = defaults?.data, let first = d.first { fallback = first }
                    values = .strings(v, default: fallback)
                default: throw c.invalid("'values_tensor' must hold int64, float or string")
                }
            } else if let ints = try a.ints("values_int64s") {
                values = .ints(ints, default: defaultInt)
            } else if let floats = try a.floats("values_floats") {
                values = .floats(floats, default: defaultFloat)
            } else if let strings = try a.strings("values_strings") {
                values = .strings(strings, default: defaultString)
            } else {
                throw c.invalid("no values ('values_int64s', 'values_floats', 'values_strings' or 'values_tensor')")
            }
        }
        let valueCount: Int = switch values {
        case .ints(let v, _): v.count
        case .floats(let v, _): v.count
        case .strings(let v, _): v.count
        }
        guard keys.count == valueCount else { throw c.invalid("\(keys.count) keys for \(valueCount) values") }
        var index: [Key: Int] = [:]
        for (position, key) in keys.enumerated() where index[key] == nil { index[key] = position }
        self.index = index
    }

    func run(_ inputs: ONNXInputs) throws(ModelError) -> [ONNXValue] {
        let x = try inputs.tensor(0)
        let keys: [Key]
        switch (keyKind, x.data) {
        case (.int, .int64(let v)): keys = v.map { .int($0) }
        case (.float, .float32(let v)): keys = v.map(Key.of)
        case (.string, .string(let v)): keys = v.map { .string($0) }
        default: throw .invalidModel("input is tensor(\(x.onnxTypeName)), which does not match the keys")
        }
        let positions = keys.map { index[$0] }
        switch values {
        case .ints(let v, let fallback):
            return [.tensor(Tensor(shape: x.shape, data: .int64(positions.map { $0.map { v[$0] } ?? fallback })))]
        case .floats(let v, let fallback):
            return [.tensor(Tensor(shape: x.shape, data: .float32(positions.map { $0.map { v[$0] } ?? fallback })))]
        case .strings(let v, let fallback):
            return [.tensor(Tensor(shape: x.shape, data: .string(positions.map { $0.map { v[$0] } ?? fallback })))]
        }
    }
}
