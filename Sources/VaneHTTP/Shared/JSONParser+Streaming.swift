import VaneCore
import VaneText

/// Reading a JSON body field by field, straight into typed values, without a ``JSONValue``
/// tree: the inference surfaces read millions of numbers this way, and fields they ignore are
/// stepped over (``JSONParser/skipValue(depth:)``) at no memory cost.
extension JSONParser {
    var end: Int { lexer.end }

    /// Whether the next non-space byte is `byte` (without consuming it).
    mutating func peek(_ byte: UInt8) -> Bool { lexer.peek(byte) }

    /// Calls `body` for each key of an object, positioned at its value; `body` must consume it.
    mutating func objectFields(_ body: (inout JSONParser, String) throws(VaneError) -> Void) throws(VaneError) {
        guard lexer.peek(UInt8(ascii: "{")) else { throw VaneError.invalid("Malformed JSON request body: expected an object at byte \(index)") }
        lexer.index += 1
        if lexer.consume(UInt8(ascii: "}")) { return }
        while true {
            guard lexer.peek(UInt8(ascii: "\"")) else { throw fail("expected a string key") }
            let key = try string()
            guard lexer.consume(UInt8(ascii: ":")) else { throw fail("expected ':'") }
            lexer.skipSpace()
            try body(&self, key)
            lexer.skipSpace()
            guard let next = lexer.current else { throw fail("unterminated object") }
            if next == UInt8(ascii: ",") { lexer.index += 1; continue }
            if next == UInt8(ascii: "}") { lexer.index += 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    /// Calls `body` for each element of an array, positioned at it; `body` must consume it.
    mutating func arrayElements(_ body: (inout JSONParser) throws(VaneError) -> Void) throws(VaneError) {
        guard lexer.peek(UInt8(ascii: "[")) else { throw fail("expected an array") }
        lexer.index += 1
        if lexer.consume(UInt8(ascii: "]")) { return }
        while true {
            lexer.skipSpace()
            try body(&self)
            lexer.skipSpace()
            guard let next = lexer.current else { throw fail("unterminated array") }
            if next == UInt8(ascii: ",") { lexer.index += 1; continue }
            if next == UInt8(ascii: "]") { lexer.index += 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    /// The elements of an array (at ``index``), each a data cell (``numberCell(field:)``), appended
    /// to `values`. Stops with `values` past `maxCount` when the array holds more; the caller
    /// reports that with its own message.
    mutating func numberElements(into values: inout [Double], field: String, maxCount: Int) throws(VaneError) {
        try numberElements(into: &values, maxCount: maxCount) { parser, values throws(VaneError) in
            values.append(try parser.numberCell(field: field))
        }
    }

    /// The elements of an array (at ``index``) appended to `values`: plain numbers in runs
    /// (``JSONLexer/numberRun(into:maxCount:)``), every other element by `element` (which must
    /// consume it). Stops with `values` past `maxCount` when the array holds more; the caller
    /// reports that with its own message.
    mutating func numberElements(into values: inout [Double], maxCount: Int,
                                 element: (inout JSONParser, inout [Double]) throws(VaneError) -> Void) throws(VaneError) {
        guard lexer.peek(UInt8(ascii: "[")) else { throw fail("expected an array") }
        lexer.index += 1
        if lexer.consume(UInt8(ascii: "]")) { return }
        while true {
            switch lexer.numberRun(into: &values, maxCount: maxCount) {
            case .closed: return
            case .element:
                try element(&self, &values)
                if values.count > maxCount { return }
            case .separator: break
            }
            lexer.skipSpace()
            guard let next = lexer.current else { throw fail("unterminated array") }
            if next == UInt8(ascii: ",") { lexer.index += 1; continue }
            if next == UInt8(ascii: "]") { lexer.index += 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    /// One data cell as a number. Numbers, booleans (1/0), `null` and the tokens
    /// `NaN`/`Infinity`/`-Infinity` (bare or quoted) are accepted; `field` names the field in
    /// errors.
    mutating func numberCell(field: String) throws(VaneError) -> Double {
        lexer.skipSpace()
        guard let first = lexer.current else { throw fail("unexpected end") }
        switch first {
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
