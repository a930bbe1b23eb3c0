import VaneCore

/// Reading a JSON body field by field, straight into typed values, without a ``JSONValue``
/// tree: the inference surfaces read millions of numbers this way, and fields they ignore are
/// stepped over (``JSONParser/skipValue(depth:)``) at no memory cost.
extension JSONParser {
    var end: Int { bytes.count }

    /// Whether the next non-space byte is `byte` (without consuming it).
    mutating func peek(_ byte: UInt8) -> Bool {
        skipSpace()
        return index < end && bytes[index] == byte
    }

    /// Calls `body` for each key of an object, positioned at its value; `body` must consume it.
    mutating func objectFields(_ body: (inout JSONParser, String) throws(VaneError) -> Void) throws(VaneError) {
        skipSpace()
        guard index < end, bytes[index] == UInt8(ascii: "{") else { throw VaneError.invalid("Malformed JSON request body: expected an object at byte \(index)") }
        index += 1
        skipSpace()
        if index < end, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try string()
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipSpace()
            try body(&self, key)
            skipSpace()
            guard index < end else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    /// Calls `body` for each element of an array, positioned at it; `body` must consume it.
    mutating func arrayElements(_ body: (inout JSONParser) throws(VaneError) -> Void) throws(VaneError) {
        skipSpace()
        guard index < end, bytes[index] == UInt8(ascii: "[") else { throw fail("expected an array") }
        index += 1
        skipSpace()
        if index < end, bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipSpace()
            try body(&self)
            skipSpace()
            guard index < end else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    /// One data cell as a number. Numbers, booleans (1/0), `null` and the tokens
    /// `NaN`/`Infinity`/`-Infinity` (bare or quoted) are accepted; `field` names the field in
    /// errors.
    mutating func numberCell(field: String) throws(VaneError) -> Double {
        skipSpace()
        guard index < end else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try fastDouble()
        case UInt8(ascii: "n"): try literal("null"); return .nan
        case UInt8(ascii: "N"): try literal("NaN"); return .nan
        case UInt8(ascii: "I"): try literal("Infinity"); return .infinity
        case UInt8(ascii: "t"): try literal("true"); return 1
        case UInt8(ascii: "f"): try literal("false"); return 0
        case UInt8(ascii: "\""):
            let text = try string()
            guard let value = Self.number(quoted: text) else {
                throw VaneError.invalid("'\(field)' holds the string \"\(text.prefix(40))\", which is not a number")
            }
            return value
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            throw VaneError.invalid("'\(field)' holds a nested value where a number was expected")
        default:
            throw fail("invalid value in '\(field)'")
        }
    }

    /// A quoted cell as a number: a decimal, a missing-value token (`NaN`, `null`, empty) or an
    /// infinity (`inf`, `Infinity`, signed); nil for anything else. Shared by both inference protocols.
    static func number(quoted text: String) -> Double? {
        switch text.lowercased() {
        case "nan", "null", "": return .nan
        case "inf", "infinity", "+inf", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return Double(text)
        }
    }
}
