import Foundation

/// Typed access to a node's attributes: a wrong type or a missing required attribute is an
/// `invalidModel` error naming the node and the attribute.
struct ONNXAttributes {
    typealias Kind = Onnx_AttributeProto.AttributeType

    private let byName: [String: Onnx_AttributeProto]
    /// How the node is named in error messages.
    let owner: String

    init(_ attributes: [Onnx_AttributeProto], owner: String) throws(ModelError) {
        var byName: [String: Onnx_AttributeProto] = [:]
        for attribute in attributes {
            guard byName.updateValue(attribute, forKey: attribute.name) == nil else {
                throw .invalidModel("\(owner): attribute '\(attribute.name)' is given twice")
            }
        }
        self.byName = byName
        self.owner = owner
    }

    /// Whether the attribute is present.
    func has(_ name: String) -> Bool { byName[name] != nil }

    /// The attribute's declared kind, or the kind implied by its populated field for old files
    /// that leave `type` unset.
    private func kind(of attribute: Onnx_AttributeProto) -> Kind {
        if attribute.type != .undefined { return attribute.type }
        if !attribute.floats.isEmpty { return .floats }
        if !attribute.ints.isEmpty { return .ints }
        if !attribute.strings.isEmpty { return .strings }
        if !attribute.tensors.isEmpty { return .tensors }
        if attribute.hasF { return .float }
        if attribute.hasI { return .int }
        if attribute.hasS { return .string }
        if attribute.hasT { return .tensor }
        if attribute.hasG { return .graph }
        return .undefined
    }

    private func attribute(_ name: String, _ expected: Kind) throws(ModelError) -> Onnx_AttributeProto? {
        guard let attribute = byName[name] else { return nil }
        let actual = kind(of: attribute)
        guard actual == expected else {
            throw .invalidModel("\(owner): attribute '\(name)' is \(Self.describe(actual)), expected \(Self.describe(expected))")
        }
        return attribute
    }

    private static func describe(_ kind: Kind) -> String {
        switch kind {
        case .float: "FLOAT"
        case .int: "INT"
        case .string: "STRING"
        case .tensor: "TENSOR"
        case .graph: "GRAPH"
        case .floats: "FLOATS"
        case .ints: "INTS"
        case .strings: "STRINGS"
        case .tensors: "TENSORS"
        case .graphs: "GRAPHS"
        case .undefined: "untyped"
        default: "kind \(kind.rawValue)"
        }
    }

    private func missing(_ name: String) -> ModelError {
        .invalidModel("\(owner): required attribute '\(name)' is missing")
    }

    func float(_ name: String) throws(ModelError) -> Float? { try attribute(name, .float)?.f }
    func float(_ name: String, default value: Float) throws(ModelError) -> Float { try float(name) ?? value }

    func int(_ name: String) throws(ModelError) -> Int64? { try attribute(name, .int)?.i }
    func int(_ name: String, default value: Int64) throws(ModelError) -> Int64 { try int(name) ?? value }

    /// An INT attribute that must fit in `range` (defaults to `value` when absent).
    func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(ModelError) -> Int {
        guard let raw = try int(name) else { return value }
        guard raw >= Int64(range.lowerBound), raw <= Int64(range.upperBound) else {
            throw .invalidModel("\(owner): attribute '\(name)' is \(raw), expected \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(raw)
    }

    func string(_ name: String) throws(ModelError) -> String? {
        guard let attribute = try attribute(name, .string) else { return nil }
        return try Self.utf8(attribute.s, owner: owner, name: name)
    }
    func string(_ name: String, default value: String) throws(ModelError) -> String { try string(name) ?? value }
    func requiredString(_ name: String) throws(ModelError) -> String {
        guard let value = try string(name) else { throw missing(name) }
        return value
    }

    func floats(_ name: String) throws(ModelError) -> [Float]? { try attribute(name, .floats)?.floats }
    func ints(_ name: String) throws(ModelError) -> [Int64]? { try attribute(name, .ints)?.ints }
    func requiredInts(_ name: String) throws(ModelError) -> [Int64] {
        guard let value = try ints(name) else { throw missing(name) }
        return value
    }
    func requiredFloats(_ name: String) throws(ModelError) -> [Float] {
        guard let value = try floats(name) else { throw missing(name) }
        return value
    }

    func strings(_ name: String) throws(ModelError) -> [String]? {
        guard let attribute = try attribute(name, .strings) else { return nil }
        var out: [String] = []
        out.reserveCapacity(attribute.strings.count)
        for bytes in attribute.strings { out.append(try Self.utf8(bytes, owner: owner, name: name)) }
        return out
    }

    /// A TENSOR attribute decoded into a ``Tensor``.
    func tensor(_ name: String) throws(ModelError) -> Tensor? {
        guard let attribute = try attribute(name, .tensor) else { return nil }
        return try ONNXInitializer.tensor(from: attribute.t, what: "\(owner): attribute '\(name)'")
    }

    /// A TENSOR attribute holding doubles (the `*_as_tensor` attributes of the tree ensembles), or
    /// the FLOATS attribute `name` widened; `nil` when neither is present.
    func doubles(_ name: String, asTensor tensorName: String) throws(ModelError) -> (values: [Double], isDouble: Bool)? {
        if let tensor = try tensor(tensorName) {
            guard has(name) == false else {
                throw .invalidModel("\(owner): both '\(name)' and '\(tensorName)' are given")
            }
            switch tensor.data {
            case .float64(let values): return (values, true)
            case .float32(let values): return (values.map(Double.init), false)
            default: throw .invalidModel("\(owner): attribute '\(tensorName)' is a \(tensor.onnxTypeName) tensor, expected double")
            }
        }
        guard let floats = try floats(name) else { return nil }
        return (floats.map(Double.init), false)
    }

    private static func utf8(_ data: Data, owner: String, name: String) throws(ModelError) -> String {
        guard let string = String(data: data, encoding: .utf8) else {
            throw .invalidModel("\(owner): attribute '\(name)' is not UTF-8")
        }
        return string
    }
}
