/// A parsed JSON or UBJSON value, as XGBoost model files use them.
///
/// Numeric arrays are kept compact: a JSON array of numbers becomes ``ints`` or ``doubles``,
/// a UBJSON typed array ``floats``, ``doubles`` or ``ints``. Objects are dictionaries
/// (duplicate keys are rejected by the readers).
enum XGBoostValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([XGBoostValue])
    case object([String: XGBoostValue])
    /// A UBJSON float32 typed array.
    case floats([Float])
    /// A JSON array of numbers (not all integers) or a UBJSON float64 typed array.
    case doubles([Double])
    /// A JSON array of integers or a UBJSON integer typed array.
    case ints([Int64])

    /// A short name of the value's kind, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array, .floats, .doubles, .ints: "array"
        case .object: "object"
        }
    }

    /// The member `key` of an object, `nil` for other kinds or a missing key.
    subscript(key: String) -> XGBoostValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The number of elements when the value is an array.
    var arrayCount: Int? {
        switch self {
        case .array(let v): v.count
        case .floats(let v): v.count
        case .doubles(let v): v.count
        case .ints(let v): v.count
        default: nil
        }
    }
}

// MARK: - Typed access (every failure is ModelError.invalidModel naming the field)

extension XGBoostValue {
    /// The members of an object.
    func object(_ what: String) throws(ModelError) -> [String: XGBoostValue] {
        guard case .object(let members) = self else { throw Self.wrongKind(what, "an object", self) }
        return members
    }

    /// The required member `key` of an object.
    func member(_ key: String, in what: String) throws(ModelError) -> XGBoostValue {
        let members = try object(what)
        guard let value = members[key] else { throw ModelError.invalidModel("\(what) has no \"\(key)\"") }
        return value
    }

    /// A string value.
    func string(_ what: String) throws(ModelError) -> String {
        guard case .string(let text) = self else { throw Self.wrongKind(what, "a string", self) }
        return text
    }

    /// An integer, given as a number or as a decimal string (XGBoost writes parameters as strings).
    func integer(_ what: String, in range: ClosedRange<Int>) throws(ModelError) -> Int {
        let parsed: Int?
        switch self {
        case .int(let v): parsed = Int(exactly: v)
        case .double(let v): parsed = v.isFinite && v.rounded() == v && abs(v) < 9.0e15 ? Int(v) : nil
        case .string(let s): parsed = s.utf8.count <= 40 ? Int(Self.withoutSurroundingSpaces(s)) : nil
        default: throw Self.wrongKind(what, "an integer", self)
        }
        guard let value = parsed else { throw ModelError.invalidModel("\(what) is not an integer") }
        guard range.contains(value) else {
            throw ModelError.invalidModel("\(what) = \(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A number array read as float32 (the way XGBoost reads split conditions and weights).
    func floatArray(_ what: String) throws(ModelError) -> [Float] {
        switch self {
        case .floats(let v): return v
        case .doubles(let v): return v.map { Float($0) }
        case .ints(let v): return v.map { Float($0) }
        case .array(let items):
            var out: [Float] = []
            out.reserveCapacity(items.count)
            for item in items {
                switch item {
                case .int(let i): out.append(Float(i))
                case .double(let d): out.append(Float(d))
                default: throw Self.wrongKind("an element of \(what)", "a number", item)
                }
            }
            return out
        default: throw Self.wrongKind(what, "an array of numbers", self)
        }
    }

    /// An integer array whose elements must lie in `range` (booleans read as 0 / 1).
    func int32Array(_ what: String, in range: ClosedRange<Int32>) throws(ModelError) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(arrayCount ?? 0)
        func add(_ value: Int64?) throws(ModelError) {
            guard let value else { throw ModelError.invalidModel("\(what) holds a value that is not an integer") }
            guard value >= Int64(range.lowerBound), value <= Int64(range.upperBound) else {
                throw ModelError.invalidModel("\(what) holds \(value), outside \(range.lowerBound)...\(range.upperBound)")
            }
            out.append(Int32(truncatingIfNeeded: value))
        }
        switch self {
        case .ints(let v): for x in v { try add(x) }
        case .floats(let v): for x in v { try add(Self.exactInteger(Double(x))) }
        case .doubles(let v): for x in v { try add(Self.exactInteger(x)) }
        case .array(let items):
            for item in items {
                switch item {
                case .int(let i): try add(i)
                case .double(let d): try add(Self.exactInteger(d))
                case .bool(let b): try add(b ? 1 : 0)
                default: throw Self.wrongKind("an element of \(what)", "an integer", item)
                }
            }
        default: throw Self.wrongKind(what, "an array of integers", self)
        }
        return out
    }

    /// An array of strings.
    func stringArray(_ what: String) throws(ModelError) -> [String] {
        switch self {
        case .array(let items):
            var out: [String] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.string("an element of \(what)")) }
            return out
        case .floats([]), .doubles([]), .ints([]): return []
        default: throw Self.wrongKind(what, "an array of strings", self)
        }
    }

    /// `text` without leading and trailing ASCII spaces.
    private static func withoutSurroundingSpaces(_ text: String) -> Substring {
        var slice = text[...]
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }

    private static func exactInteger(_ value: Double) -> Int64? {
        guard value.isFinite, value.rounded() == value, abs(value) < 9.0e15 else { return nil }
        return Int64(value)
    }

    private static func wrongKind(_ what: String, _ expected: String, _ value: XGBoostValue) -> ModelError {
        ModelError.invalidModel("\(what) must be \(expected), found \(value.kindName)")
    }
}
