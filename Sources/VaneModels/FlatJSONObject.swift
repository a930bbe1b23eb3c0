import VaneText

/// Parses one JSON object whose values are scalars — a row of JSON lines input — keeping the
/// keys in their written order.
///
/// Values: numbers, `null` (missing), booleans (1/0), the bare tokens `NaN`, `Infinity` and
/// `-Infinity` that some writers emit, and strings holding a number or one of those tokens.
/// Strings are read forgivingly: raw control characters, bad UTF-8 (as U+FFFD) and unknown
/// escapes (`\\q` is `q`) pass.
enum FlatJSONObject {
    /// `value` is nil for a string that is not a number (an error only if the key is a feature).
    struct Field { var key: String; var value: Double?; var text: String? }

    /// How strings are read: as ``JSONLexer/StringRules/lenient``, and unknown escapes kept.
    static let stringRules: JSONLexer.StringRules = {
        var rules = JSONLexer.StringRules.lenient
        rules.rejectsUnknownEscapes = false
        return rules
    }()

    static func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws(ModelError) -> [Field] {
        var p = Parser(lexer: JSONLexer(bytes: Array(line), stringRules: stringRules), lineNumber: lineNumber)
        return try p.object()
    }

    private struct Parser {
        var lexer: JSONLexer
        let lineNumber: Int

        func fail(_ why: String) -> ModelError { .badInput("line \(lineNumber): \(why)") }

        mutating func expect(_ c: Character) throws(ModelError) {
            guard lexer.consume(c.asciiValue!) else { throw fail("expected '\(c)'") }
        }

        mutating func object() throws(ModelError) -> [Field] {
            try expect("{")
            var fields: [Field] = []
            if !lexer.consume(UInt8(ascii: "}")) {
                while true {
                    lexer.skipSpace()
                    let key = try string()
                    try expect(":")
                    let (number, text) = try value(key)
                    fields.append(Field(key: key, value: number, text: text))
                    lexer.skipSpace()
                    guard let next = lexer.current else { throw fail("unterminated object") }
                    if next == UInt8(ascii: ",") { lexer.index += 1; continue }
                    if next == UInt8(ascii: "}") { lexer.index += 1; break }
                    throw fail("expected ',' or '}'")
                }
            }
            lexer.skipSpace()
            guard lexer.isAtEnd else { throw fail("text after the object") }
            return fields
        }

        mutating func string() throws(ModelError) -> String {
            guard lexer.current == UInt8(ascii: "\"") else { throw fail("expected a string") }
            do {
                return try lexer.string()
            } catch {
                throw fail(error.reason == .invalidUnicodeEscape ? "bad \\u escape" : "unterminated string")
            }
        }

        mutating func value(_ key: String) throws(ModelError) -> (Double?, String?) {
            lexer.skipSpace()
            guard let first = lexer.current else { throw fail("missing value for '\(key)'") }
            switch first {
            case UInt8(ascii: "\""):
                let text = try string()
                let lineNumber = self.lineNumber
                let number = try? Array(text.utf8).withUnsafeBufferPointer { b throws(ModelError) in
                    try RowReader.number(b, lineNumber: lineNumber, column: key)
                }
                return (number, text)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                throw fail("'\(key)' holds a nested value; each feature must be a number")
            default:
                let word = lexer.bareWord()
                let value: Double? = lexer.bytes.withUnsafeBufferPointer { b in
                    let token = UnsafeBufferPointer(rebasing: b[word])
                    if let v = RowReader.parseDouble(token) { return v }
                    switch String(decoding: token, as: UTF8.self) {
                    case "null", "NaN": return .nan
                    case "true": return 1
                    case "false": return 0
                    case "Infinity": return .infinity
                    case "-Infinity": return -.infinity
                    default: return nil
                    }
                }
                guard let value else { throw fail("'\(key)' is not a number") }
                return (value, nil)
            }
        }
    }
}
