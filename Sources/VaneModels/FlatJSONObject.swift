/// Parses one JSON object whose values are scalars — a row of JSON lines input — keeping the
/// keys in their written order.
///
/// Values: numbers, `null` (missing), booleans (1/0), the bare tokens `NaN`, `Infinity` and
/// `-Infinity` that some writers emit, and strings holding a number or one of those tokens.
enum FlatJSONObject {
    /// `value` is nil for a string that is not a number (an error only if the key is a feature).
    struct Field { var key: String; var value: Double?; var text: String? }

    static func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws(ModelError) -> [Field] {
        var p = Parser(bytes: line, lineNumber: lineNumber)
        return try p.object()
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let lineNumber: Int
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) {
            self.bytes = bytes
            self.lineNumber = lineNumber
        }

        func fail(_ why: String) -> ModelError { .badInput("line \(lineNumber): \(why)") }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[i]) { i += 1 }
        }

        mutating func expect(_ c: Character) throws(ModelError) {
            skipSpace()
            guard i < bytes.count, bytes[i] == c.asciiValue! else { throw fail("expected '\(c)'") }
            i += 1
        }

        mutating func object() throws(ModelError) -> [Field] {
            try expect("{")
            var fields: [Field] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    let key = try string()
                    try expect(":")
                    let (number, text) = try value(key)
                    fields.append(Field(key: key, value: number, text: text))
                    skipSpace()
                    guard i < bytes.count else { throw fail("unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                    throw fail("expected ',' or '}'")
                }
            }
            skipSpace()
            guard i == bytes.count else { throw fail("text after the object") }
            return fields
        }

        mutating func string() throws(ModelError) -> String {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string") }
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    guard i < bytes.count else { break }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0a)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0d)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0c)
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(i + 4)]), as: UTF8.self), radix: 16) else {
                            throw fail("bad \\u escape")
                        }
                        i += 4
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
                    default: out.append(e)
                    }
                    continue
                }
                out.append(c)
            }
            throw fail("unterminated string")
        }

        mutating func value(_ key: String) throws(ModelError) -> (Double?, String?) {
            skipSpace()
            guard i < bytes.count else { throw fail("missing value for '\(key)'") }
            switch bytes[i] {
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
                let start = i
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), 0x20, 0x09].contains(bytes[i]) { i += 1 }
                let token = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if let v = RowReader.parseDouble(token) { return (v, nil) }
                switch String(decoding: token, as: UTF8.self) {
                case "null": return (.nan, nil)
                case "true": return (1, nil)
                case "false": return (0, nil)
                case "NaN": return (.nan, nil)
                case "Infinity": return (.infinity, nil)
                case "-Infinity": return (-.infinity, nil)
                default: throw fail("'\(key)' is not a number")
                }
            }
        }
    }
}
