import Foundation
import VaneText

/// A small, defensive JSON reader for XGBoost model files, over ``JSONLexer``.
///
/// Recursive descent limited to ``maxDepth`` levels; every read is bounds-checked and every
/// failure is ``ModelError/invalidModel(_:)`` with the byte offset. Arrays of numbers are
/// stored compactly (``XGBoostValue/ints(_:)`` / ``XGBoostValue/doubles(_:)``). Accepts the
/// non-standard `NaN`, `Infinity` and `-Infinity` tokens some writers emit.
struct XGBoostJSONReader {
    /// Deepest container nesting accepted (XGBoost models nest about 7 levels).
    static let maxDepth = 64
    /// Longest number text accepted.
    static let maxNumberLength = 400

    private var lexer: JSONLexer

    private init(bytes: [UInt8], start: Int) { lexer = JSONLexer(bytes: bytes, start: start) }

    /// Parses one JSON document (optionally preceded by a UTF-8 byte order mark).
    static func parse(_ bytes: [UInt8]) throws(ModelError) -> XGBoostValue {
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var reader = XGBoostJSONReader(bytes: bytes, start: bom ? 3 : 0)
        let value = try reader.parseValue(depth: 0)
        reader.lexer.skipSpace()
        guard reader.lexer.isAtEnd else { throw reader.error("unexpected data after the end of the document") }
        return value
    }

    private enum Number {
        case int(Int64)
        case double(Double)
    }

    private func error(_ message: String) -> ModelError {
        ModelError.invalidModel("JSON: \(message) at byte \(lexer.index)")
    }

    /// The lexer's error in this reader's words.
    private func error(_ e: JSONSyntaxError) -> ModelError {
        let message = switch e.reason {
        case .unexpectedEnd: "truncated document"
        case .invalidUTF8: "string is not valid UTF-8"
        case .invalidValue, .invalidNumber: "expected a digit"
        default: e.what
        }
        return ModelError.invalidModel("JSON: \(message) at byte \(e.offset)")
    }

    private mutating func peekAfterWhitespace() throws(ModelError) -> UInt8 {
        lexer.skipSpace()
        guard let b = lexer.current else { throw error("truncated document") }
        return b
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(ModelError) {
        do { try lexer.literal(literal) } catch { throw self.error(error) }
    }

    private mutating func parseValue(depth: Int) throws(ModelError) -> XGBoostValue {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        switch try peekAfterWhitespace() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "N"), UInt8(ascii: "I"):
            switch try parseNumber() {
            case .int(let v): return .int(v)
            case .double(let v): return .double(v)
            }
        default: throw error("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws(ModelError) -> XGBoostValue {
        lexer.index += 1  // {
        var members: [String: XGBoostValue] = [:]
        if try peekAfterWhitespace() == UInt8(ascii: "}") {
            lexer.index += 1
            return .object(members)
        }
        while true {
            guard try peekAfterWhitespace() == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try parseString()
            guard try peekAfterWhitespace() == UInt8(ascii: ":") else { throw error("expected ':'") }
            lexer.index += 1
            let value = try parseValue(depth: depth + 1)
            guard members.updateValue(value, forKey: key) == nil else { throw error("duplicate member \"\(key)\"") }
            let next = try peekAfterWhitespace()
            if next == UInt8(ascii: ",") { lexer.index += 1; continue }
            if next == UInt8(ascii: "}") { lexer.index += 1; return .object(members) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws(ModelError) -> XGBoostValue {
        lexer.index += 1  // [
        if try peekAfterWhitespace() == UInt8(ascii: "]") {
            lexer.index += 1
            return .array([])
        }
        // Numbers are collected compactly until the first non-number element.
        enum Mode { case ints, doubles, generic }
        var mode = Mode.ints
        var ints: [Int64] = []
        var doubles: [Double] = []
        var items: [XGBoostValue] = []
        while true {
            let first = try peekAfterWhitespace()
            let isNumber = first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39)
                || first == UInt8(ascii: "N") || first == UInt8(ascii: "I")
            if mode != .generic && isNumber {
                let number = try parseNumber()
                switch (mode, number) {
                case (.ints, .int(let v)): ints.append(v)
                case (.ints, .double(let v)):
                    doubles = ints.map { Double($0) }
                    ints = []
                    doubles.append(v)
                    mode = .doubles
                case (.doubles, .int(let v)): doubles.append(Double(v))
                case (.doubles, .double(let v)): doubles.append(v)
                case (.generic, _): break
                }
            } else {
                if mode == .ints { items = ints.map { .int($0) }; ints = [] }
                if mode == .doubles { items = doubles.map { .double($0) }; doubles = [] }
                mode = .generic
                items.append(try parseValue(depth: depth + 1))
            }
            let next = try peekAfterWhitespace()
            if next == UInt8(ascii: ",") { lexer.index += 1; continue }
            if next == UInt8(ascii: "]") { lexer.index += 1; break }
            throw error("expected ',' or ']'")
        }
        switch mode {
        case .ints: return .ints(ints)
        case .doubles: return .doubles(doubles)
        case .generic: return .array(items)
        }
    }

    /// A number: an `Int64` when written as an integer of at most 18 digits, else a double
    /// (see ``floatSafe(_:text:)``). `NaN`, `-NaN`, `Infinity` and `-Infinity` are numbers too.
    private mutating func parseNumber() throws(ModelError) -> Number {
        let bytes = lexer.bytes
        let start = lexer.index
        switch bytes[start] {
        case UInt8(ascii: "N"):
            try expectLiteral("NaN")
            return .double(.nan)
        case UInt8(ascii: "I"):
            try expectLiteral("Infinity")
            return .double(.infinity)
        case UInt8(ascii: "-") where start + 1 < lexer.end && bytes[start + 1] == UInt8(ascii: "N"):
            lexer.index += 1
            try expectLiteral("NaN")
            return .double(.nan)
        default: break
        }
        let number: JSONNumber
        do { number = try lexer.number() } catch { throw self.error(error) }
        guard number.range.count <= Self.maxNumberLength else { throw error("number too long") }
        if number.isInteger {
            if let v = number.int64, v.magnitude < 1_000_000_000_000_000_000 { return .int(v) }
            return .double(number.value)
        }
        return .double(Self.floatSafe(number.value) { String(decoding: bytes[number.range], as: UTF8.self) })
    }

    /// `value` unless it lies exactly halfway between two floats, where converting the double
    /// to float would round twice: then the float the text itself rounds to (widened).
    private static func floatSafe(_ value: Double, text: () -> String) -> Double {
        let nearest = Float(value)
        guard value.isFinite, nearest.isFinite, Double(nearest) != value else { return value }
        let other = Double(nearest) < value ? nearest.nextUp : nearest.nextDown
        guard other.isFinite, abs(Double(other) - value) == abs(value - Double(nearest)) else { return value }
        guard let exact = Float(text()) else { return value }
        return Double(exact)
    }

    private mutating func parseString() throws(ModelError) -> String {
        do { return try lexer.string() } catch { throw self.error(error) }
    }
}
