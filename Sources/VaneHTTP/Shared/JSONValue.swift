import VaneCore
import VaneText

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

/// Vane's request-body reader over ``JSONLexer``: the tree (``value(depth:)``), stepping over
/// values (``skipValue(depth:)``) and, in the streaming extension, fields read straight into
/// typed values. Every failure is `invalidParameter` naming the byte.
struct JSONParser {
    var lexer: JSONLexer
    /// How deep values may nest and how many more ``value(depth:)`` may build.
    var budget = JSONBudget(maxDepth: JSONValue.maxDepth, maxValues: JSONValue.maxValues)

    init(bytes: [UInt8]) { lexer = JSONLexer(bytes: bytes) }

    /// The body's bytes.
    var bytes: [UInt8] { lexer.bytes }
    /// The next byte to read.
    var index: Int {
        get { lexer.index }
        set { lexer.index = newValue }
    }
    /// How many more values ``value(depth:)`` may build.
    var valueBudget: Int {
        get { budget.remainingValues }
        set { budget.remainingValues = newValue }
    }

    func fail(_ what: String) -> VaneError {
        VaneError.invalid("Malformed JSON request body: \(what) at byte \(index)")
    }

    func fail(_ error: JSONSyntaxError) -> VaneError {
        VaneError.invalid("Malformed JSON request body: \(error.what) at byte \(error.offset)")
    }

    mutating func skipSpace() { lexer.skipSpace() }

    mutating func value(depth: Int) throws(VaneError) -> JSONValue {
        guard depth <= JSONValue.maxDepth else { throw Self.tooDeep }
        guard let first = lexer.current else { throw fail("unexpected end") }
        if budget.enter(depth: depth) != nil {
            throw VaneError.invalid("The JSON request body holds more than \(JSONValue.maxValues) values")
        }
        switch first {
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
            lexer.skipSpace()
            guard let b = lexer.current else { throw fail("unexpected end") }
            if expectValue {
                switch b {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    // The same bound as value(depth:): a container may sit at depth maxDepth.
                    guard depth + open.count <= JSONValue.maxDepth else { throw Self.tooDeep }
                    lexer.index += 1
                    let close = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    open.append(close)
                    if lexer.consume(close) {
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
                default: _ = try lexNumber()
                }
                expectValue = false
            }
            guard let close = open.last else { return }
            lexer.skipSpace()
            guard let next = lexer.current else { throw fail("unterminated \(close == UInt8(ascii: "}") ? "object" : "array")") }
            if next == UInt8(ascii: ",") {
                lexer.index += 1
                if close == UInt8(ascii: "}") { try skipKey() }
                expectValue = true
            } else if next == close {
                lexer.index += 1
                open.removeLast()
                if open.isEmpty { return }
            } else {
                throw fail(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        }
    }

    /// Steps over `"key" :` inside an object.
    private mutating func skipKey() throws(VaneError) {
        guard lexer.peek(UInt8(ascii: "\"")) else { throw fail("expected a string key") }
        try skipString()
        guard lexer.consume(UInt8(ascii: ":")) else { throw fail("expected ':'") }
    }

    /// Steps over a string, checking its escapes and its UTF-8, without decoding it.
    mutating func skipString() throws(VaneError) {
        do { try lexer.skipString() } catch { throw fail(error) }
    }

    mutating func literal(_ word: StaticString) throws(VaneError) {
        do { try lexer.literal(word) } catch { throw fail(error) }
    }

    mutating func object(depth: Int) throws(VaneError) -> JSONValue {
        lexer.index += 1
        var dict: [String: JSONValue] = [:]
        if lexer.consume(UInt8(ascii: "}")) { return .object(dict) }
        while true {
            guard lexer.peek(UInt8(ascii: "\"")) else { throw fail("expected a string key") }
            let key = try string()
            guard lexer.consume(UInt8(ascii: ":")) else { throw fail("expected ':'") }
            lexer.skipSpace()
            dict[key] = try value(depth: depth + 1)
            lexer.skipSpace()
            guard let next = lexer.current else { throw fail("unterminated object") }
            if next == UInt8(ascii: ",") { lexer.index += 1; continue }
            if next == UInt8(ascii: "}") { lexer.index += 1; return .object(dict) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws(VaneError) -> JSONValue {
        lexer.index += 1
        var items: [JSONValue] = []
        if lexer.consume(UInt8(ascii: "]")) { return .array(items) }
        while true {
            lexer.skipSpace()
            items.append(try value(depth: depth + 1))
            lexer.skipSpace()
            guard let next = lexer.current else { throw fail("unterminated array") }
            if next == UInt8(ascii: ",") { lexer.index += 1; continue }
            if next == UInt8(ascii: "]") { lexer.index += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func string() throws(VaneError) -> String {
        do { return try lexer.string() } catch { throw fail(error) }
    }

    /// The number at ``index`` (`-Infinity` included), correctly rounded.
    mutating func lexNumber() throws(VaneError) -> JSONNumber {
        do { return try lexer.number() } catch { throw fail(error) }
    }

    /// A number: an exact integer when it is written as one and fits 64 bits, else a double.
    mutating func number() throws(VaneError) -> JSONValue {
        let n = try lexNumber()
        if n.isInteger, let i = n.int64 { return .int(i) }
        return .double(n.value)
    }

    /// A JSON number as a double, without a `String` in between (the request data hot path).
    mutating func fastDouble() throws(VaneError) -> Double {
        try lexNumber().value
    }
}
