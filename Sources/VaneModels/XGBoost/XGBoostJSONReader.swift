import Foundation

/// A small, defensive JSON reader for XGBoost model files.
///
/// Recursive descent limited to ``maxDepth`` levels; every read is bounds-checked and every
/// failure is ``ModelError/invalidModel(_:)`` with the byte offset. Arrays of numbers are
/// stored compactly (``XGBoostValue/ints(_:)`` / ``XGBoostValue/doubles(_:)``). Accepts the
/// non-standard `NaN`, `Infinity` and `-Infinity` tokens some writers emit.
struct XGBoostJSONReader {
    /// Deepest container nesting accepted (XGBoost models nest about 7 levels).
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var pos = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON document (optionally preceded by a UTF-8 byte order mark).
    static func parse(_ bytes: [UInt8]) throws(ModelError) -> XGBoostValue {
        var reader = XGBoostJSONReader(bytes: bytes)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { reader.pos = 3 }
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        guard reader.pos == bytes.count else { throw reader.error("unexpected data after the end of the document") }
        return value
    }

    private enum Number {
        case int(Int64)
        case double(Double)
    }

    private func error(_ message: String) -> ModelError {
        ModelError.invalidModel("JSON: \(message) at byte \(pos)")
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func peekAfterWhitespace() throws(ModelError) -> UInt8 {
        skipWhitespace()
        guard pos < bytes.count else { throw error("truncated document") }
        return bytes[pos]
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(ModelError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - pos >= count else { throw error("truncated literal") }
        let matches = literal.withUTF8Buffer { text in
            for i in 0..<count where bytes[pos + i] != text[i] { return false }
            return true
        }
        guard matches else { throw error("invalid literal") }
        pos += count
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
        pos += 1  // {
        var members: [String: XGBoostValue] = [:]
        if try peekAfterWhitespace() == UInt8(ascii: "}") {
            pos += 1
            return .object(members)
        }
        while true {
            guard try peekAfterWhitespace() == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try parseString()
            guard try peekAfterWhitespace() == UInt8(ascii: ":") else { throw error("expected ':'") }
            pos += 1
            let value = try parseValue(depth: depth + 1)
            guard members.updateValue(value, forKey: key) == nil else { throw error("duplicate member \"\(key)\"") }
            let next = try peekAfterWhitespace()
            pos += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { return .object(members) }
            pos -= 1
            throw error("expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws(ModelError) -> XGBoostValue {
        pos += 1  // [
        if try peekAfterWhitespace() == UInt8(ascii: "]") {
            pos += 1
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
            pos += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") { break }
            pos -= 1
            throw error("expected ',' or ']'")
        }
        switch mode {
        case .ints: return .ints(ints)
        case .doubles: return .doubles(doubles)
        case .generic: return .array(items)
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Exact powers of ten representable in a double.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private mutating func parseNumber() throws(ModelError) -> Number {
        let start = pos
        var negative = false
        if bytes[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
            guard pos < bytes.count else { throw error("truncated number") }
        }
        if bytes[pos] == UInt8(ascii: "I") {
            try expectLiteral("Infinity")
            return .double(negative ? -.infinity : .infinity)
        }
        if bytes[pos] == UInt8(ascii: "N") {
            try expectLiteral("NaN")
            return .double(.nan)
        }
        // Up to 19 significant digits go into `mantissa`; `exponent` is the decimal exponent.
        var mantissa: UInt64 = 0
        var significant = 0
        var inexact = false
        var exponent = 0
        var digits = 0
        var isInteger = true
        while pos < bytes.count {
            let c = bytes[pos]
            if Self.isDigit(c) {
                let digit = UInt64(c &- 0x30)
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    if mantissa != 0 { significant += 1 }
                    if !isInteger { exponent -= 1 }
                } else {
                    if digit != 0 { inexact = true }
                    if isInteger { exponent += 1 }
                }
                digits += 1
                pos += 1
            } else if c == UInt8(ascii: "."), isInteger, digits > 0 {
                isInteger = false
                digits = 0
                pos += 1
            } else {
                break
            }
        }
        guard digits > 0 else { throw error("expected a digit") }
        let integerOnly = isInteger
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            var exponentNegative = false
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") {
                exponentNegative = bytes[pos] == UInt8(ascii: "-")
                pos += 1
            }
            var value = 0
            let exponentStart = pos
            while pos < bytes.count, Self.isDigit(bytes[pos]) {
                value = min(value * 10 + Int(bytes[pos] &- 0x30), 100_000)
                pos += 1
            }
            guard pos > exponentStart else { throw error("expected a digit") }
            exponent += exponentNegative ? -value : value
        }
        guard pos - start <= 400 else { throw error("number too long") }
        if integerOnly && isInteger && significant <= 18 && !inexact && exponent == 0 {
            let value = Int64(mantissa)
            return .int(negative ? -value : value)
        }
        var value: Double
        if !inexact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            // Both operands are exact, so one IEEE operation rounds correctly (Clinger's fast path).
            value = exponent >= 0 ? Double(mantissa) * Self.powersOfTen[exponent]
                                  : Double(mantissa) / Self.powersOfTen[-exponent]
            if negative { value = -value }
        } else {
            guard let parsed = Double(String(decoding: bytes[start..<pos], as: UTF8.self)) else {
                throw error("invalid number")
            }
            value = parsed
        }
        if isInteger { return .double(value) }
        return .double(Self.floatSafe(value) { String(decoding: bytes[start..<pos], as: UTF8.self) })
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

    private mutating func parseHex4() throws(ModelError) -> UInt32 {
        guard bytes.count - pos >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }

    private mutating func parseString() throws(ModelError) -> String {
        pos += 1  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw error("unterminated string") }
            let c = bytes[pos]
            pos += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let text = String(bytes: utf8, encoding: .utf8) else { throw error("string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                guard pos < bytes.count else { throw error("unterminated string") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard bytes.count - pos >= 2, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired surrogate") }
                        pos += 2
                        let low = try parseHex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    utf8.append(contentsOf: String(Character(unicode)).utf8)
                default: throw error("invalid escape")
                }
            case 0x00..<0x20: throw error("control character in string")
            default: utf8.append(c)
            }
        }
    }
}
