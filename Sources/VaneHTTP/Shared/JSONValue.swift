import Foundation
import VaneCore

/// A parsed JSON document. Vane parses request bodies itself: fast, with a nesting-depth limit,
/// and with integers kept exact (64-bit ids, steps and timestamps).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The deepest nesting of arrays and objects a request may use.
    public static let maxDepth = 64
    /// The most values (scalars, arrays and objects) one MLflow request body may hold. MLflow's
    /// largest legitimate bodies are far below it (a `log-batch` of 1,000 metrics is about 5,000
    /// values; a search naming 10,000 experiments is 10,000); a tree of this many values takes a
    /// few megabytes, so a body's parsed form stays a small multiple of its size.
    public static let maxValues = 200_000

    /// Parses `bytes`; throws `invalidParameter` for malformed JSON, nesting past ``maxDepth`` or
    /// more than `maxValues` values (checked while parsing, before the tree grows past it).
    public static func parse(_ bytes: [UInt8], maxValues: Int = JSONValue.maxValues) throws(VaneError) -> JSONValue {
        var p = JSONParser(bytes: bytes)
        p.valueBudget = maxValues
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.index == bytes.count else { throw p.fail("unexpected data after the JSON value") }
        return v
    }
}

struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    /// How many more values ``value(depth:)`` may build.
    var valueBudget = JSONValue.maxValues

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ what: String) -> VaneError {
        VaneError.invalid("Malformed JSON request body: \(what) at byte \(index)")
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(VaneError) -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw Self.tooDeep }
        guard index < bytes.count else { throw fail("unexpected end") }
        valueBudget -= 1
        guard valueBudget >= 0 else {
            throw VaneError.invalid("The JSON request body holds more than \(JSONValue.maxValues) values")
        }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"): try literal("NaN"); return .double(.nan)
        case UInt8(ascii: "I"): try literal("Infinity"); return .double(.infinity)
        default: return try number()
        }
    }

    static var tooDeep: VaneError {
        VaneError.invalid("Malformed JSON request body: nesting deeper than \(JSONValue.maxDepth) levels")
    }

    /// Steps over one value, checking its grammar, without building it: fields a surface ignores
    /// cost no memory. Nesting is bounded by ``JSONValue/maxDepth`` and walked without recursion.
    mutating func skipValue(depth: Int) throws(VaneError) {
        var open: [UInt8] = []   // the closing bracket of each container entered
        var expectValue = true
        while true {
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end") }
            let b = bytes[index]
            if expectValue {
                switch b {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    // The same bound as value(depth:): a container may sit at depth maxDepth.
                    guard depth + open.count <= JSONValue.maxDepth else { throw Self.tooDeep }
                    index += 1
                    let close = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    open.append(close)
                    skipSpace()
                    if index < bytes.count, bytes[index] == close {
                        index += 1
                        open.removeLast()
                        if open.isEmpty { return }
                        expectValue = false
                        break
                    }
                    if close == UInt8(ascii: "}") { try skipKey() }
                    continue
                case UInt8(ascii: "\""): try skipString()
                case UInt8(ascii: "t"): try literal("true")
                case UInt8(ascii: "f"): try literal("false")
                case UInt8(ascii: "n"): try literal("null")
                case UInt8(ascii: "N"): try literal("NaN")
                case UInt8(ascii: "I"): try literal("Infinity")
                default: _ = try scanNumber()
                }
                expectValue = false
            }
            guard let close = open.last else { return }
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated \(close == UInt8(ascii: "}") ? "object" : "array")") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                if close == UInt8(ascii: "}") { try skipKey() }
                expectValue = true
            } else if bytes[index] == close {
                index += 1
                open.removeLast()
                if open.isEmpty { return }
            } else {
                throw fail(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        }
    }

    /// Steps over `"key" :` inside an object.
    private mutating func skipKey() throws(VaneError) {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        try skipString()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        index += 1
    }

    /// Steps over a string, checking its escapes and its UTF-8, without decoding it.
    mutating func skipString() throws(VaneError) {
        index += 1
        let start = index
        var ascii = true
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                if !ascii, String(validating: bytes[start..<index], as: UTF8.self) == nil { throw fail("invalid UTF-8 in string") }
                index += 1
                return
            }
            if b >= 0x80 { ascii = false }
            if b < 0x20 { throw fail("control character in string") }
            if b == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "u"):
                    index += 1
                    let code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate")
                        }
                        index += 2
                        guard (0xDC00..<0xE000).contains(try hex4()) else { throw fail("unpaired surrogate") }
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw fail("unpaired surrogate")
                    }
                    continue
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                default: throw fail("invalid escape")
                }
            }
            index += 1
        }
        throw fail("unterminated string")
    }

    mutating func literal(_ word: String) throws(VaneError) {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count else { throw fail("invalid literal") }
        for i in 0..<w.count where bytes[index + i] != w[i] { throw fail("invalid literal") }
        index += w.count
    }

    mutating func object(depth: Int) throws(VaneError) -> JSONValue {
        index += 1
        var dict: [String: JSONValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(dict) }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipSpace()
            dict[key] = try value(depth: depth + 1)
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(dict) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws(VaneError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func string() throws(VaneError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                guard let s = String(validating: bytes[start..<index], as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in string") }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                index += 1
                return s
            }
            if b < 0x20 { throw fail("control character in string") }
            if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(code) {
                    throw fail("unpaired surrogate")
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("invalid escape") }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws(VaneError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            index += 1
            v <<= 4
            switch c {
            case 48...57: v |= UInt32(c - 48)
            case 65...70: v |= UInt32(c - 55)
            case 97...102: v |= UInt32(c - 87)
            default: throw fail("invalid \\u escape")
            }
        }
        return v
    }

    /// Advances over a JSON number; returns where it starts and whether it is an integer, or
    /// nil for the token `-Infinity`.
    mutating func scanNumber() throws(VaneError) -> (start: Int, isInteger: Bool)? {
        let start = index
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "I") { try literal("Infinity"); return nil }
        }
        let digitsStart = index
        while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
        guard index > digitsStart else { throw fail("invalid value") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let f = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > f else { throw fail("invalid number") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let e = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > e else { throw fail("invalid number") }
        }
        return (start, isInteger)
    }

    mutating func number() throws(VaneError) -> JSONValue {
        guard let (start, isInteger) = try scanNumber() else { return .double(-.infinity) }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text) else { throw fail("invalid number") }
        return .double(d)
    }

    /// A JSON number read with `strtod`, without a `String` in between (the request data hot path).
    mutating func fastDouble() throws(VaneError) -> Double {
        guard let (start, _) = try scanNumber() else { return -.infinity }
        let length = index - start
        guard length < 64 else {
            guard let d = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else { throw fail("invalid number") }
            return d
        }
        // The grammar is checked above, so strtod reads exactly these bytes.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buf in
            for i in 0..<length { buf[i] = CChar(bitPattern: bytes[start + i]) }
            buf[length] = 0
            return strtod(buf.baseAddress!, nil)
        }
    }
}
