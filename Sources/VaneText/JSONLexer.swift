/// Why JSON text could not be read, and where: ``offset`` is the byte the lexer stopped at.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Equatable {
        /// The text ended inside a token.
        case unexpectedEnd
        /// A string had no closing quote.
        case unterminatedString
        /// A byte below 0x20 inside a string.
        case controlCharacterInString
        /// A backslash followed by a character JSON does not escape.
        case invalidEscape
        /// `\u` not followed by four hex digits.
        case invalidUnicodeEscape
        /// A `\u` surrogate without its other half.
        case unpairedSurrogate
        /// A string's bytes are not UTF-8.
        case invalidUTF8
        /// A word that is not `true`, `false`, `null`, `NaN` or `Infinity`.
        case invalidLiteral
        /// A value that does not start like one.
        case invalidValue
        /// `-`, `.` or an exponent marker without digits.
        case invalidNumber
    }

    /// What was wrong.
    public var reason: Reason
    /// The byte offset in the text.
    public var offset: Int

    /// Creates an error.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// The reason in a few words (`invalid escape`), without the position.
    public var what: String {
        switch reason {
        case .unexpectedEnd: "unexpected end"
        case .unterminatedString: "unterminated string"
        case .controlCharacterInString: "control character in string"
        case .invalidEscape: "invalid escape"
        case .invalidUnicodeEscape: "invalid \\u escape"
        case .unpairedSurrogate: "unpaired surrogate"
        case .invalidUTF8: "invalid UTF-8 in string"
        case .invalidLiteral: "invalid literal"
        case .invalidValue: "invalid value"
        case .invalidNumber: "invalid number"
        }
    }

    /// `what at byte N`.
    public var description: String { "\(what) at byte \(offset)" }
}

/// A JSON number as written: its value, and whether it was an integer (and fits an `Int64`).
public struct JSONNumber: Sendable, Equatable {
    /// The value, correctly rounded (±infinity for `Infinity`, `-Infinity`).
    public var value: Double
    /// The exact value when the text is an integer that fits an `Int64`.
    public var int64: Int64?
    /// Whether the text had neither a fraction nor an exponent.
    public var isInteger: Bool
    /// Where the number's text starts and ends in the lexer's bytes.
    public var range: Range<Int>

    /// A number.
    @inlinable
    public init(value: Double, int64: Int64?, isInteger: Bool, range: Range<Int>) {
        self.value = value
        self.int64 = int64
        self.isInteger = isInteger
        self.range = range
    }
}

/// One JSON token (``JSONLexer/nextToken()``).
public enum JSONToken: Sendable, Equatable {
    case beginObject, endObject, beginArray, endArray, colon, comma
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null
    /// The non-standard bare `NaN` some writers emit.
    case nan
    /// The end of the text.
    case end
}

/// Limits a JSON reader keeps while it builds: how deep containers may nest and how many values
/// (scalars, arrays and objects) it may build in all. A reader calls ``enter(depth:)`` at each
/// value; the budget says whether that value is allowed.
public struct JSONBudget: Sendable {
    /// The deepest nesting allowed: a container may sit at depth `maxDepth`.
    public var maxDepth: Int
    /// How many more values may be built.
    public var remainingValues: Int

    /// A budget of `maxValues` values nested at most `maxDepth` deep.
    public init(maxDepth: Int, maxValues: Int = .max) {
        self.maxDepth = maxDepth
        self.remainingValues = maxValues
    }

    /// What a value at `depth` breaks, if anything.
    public enum Overrun: Sendable, Equatable { case depth, values }

    /// Counts one value at `depth`; nil when allowed, else which limit it breaks.
    @inlinable
    public mutating func enter(depth: Int) -> Overrun? {
        guard depth <= maxDepth else { return .depth }
        remainingValues -= 1
        return remainingValues >= 0 ? nil : .values
    }
}

/// A byte-level JSON lexer: whitespace, punctuation, strings (escapes decoded, UTF-8 checked),
/// numbers (correctly rounded through ``DecimalParser``) and the literals `true`, `false`, `null`,
/// plus the non-standard `NaN`, `Infinity` and `-Infinity` that some writers emit. Readers build
/// their own structure on it, peeking at ``bytes``[``index``] to decide what comes next; every
/// error carries the byte offset.
public struct JSONLexer {
    /// How strictly strings are read. ``strict`` is RFC 8259; the line readers of data files are
    /// more forgiving (``lenient``).
    public struct StringRules: Sendable {
        /// Refuse raw bytes below 0x20 inside strings.
        public var rejectsControlCharacters = true
        /// Refuse bytes that are not UTF-8 (else each bad sequence becomes U+FFFD).
        public var rejectsInvalidUTF8 = true
        /// Refuse `\x` for a character JSON does not escape (else it stands for itself).
        public var rejectsUnknownEscapes = true
        /// Refuse a `\u` surrogate without its other half (else it becomes U+FFFD).
        public var rejectsUnpairedSurrogates = true

        /// RFC 8259.
        public static let strict = StringRules()
        /// Raw control characters, bad UTF-8 and lone surrogates are let through (the last two as
        /// U+FFFD); unknown escapes are still refused.
        public static let lenient = StringRules(rejectsControlCharacters: false, rejectsInvalidUTF8: false,
                                                rejectsUnknownEscapes: true, rejectsUnpairedSurrogates: false)
    }

    /// The text.
    public let bytes: [UInt8]
    /// The next byte to read.
    public var index: Int
    /// Where the text ends (`bytes.count`, or the end of a line within it).
    public let end: Int
    /// How strings are read.
    public var stringRules: StringRules

    /// A lexer over `bytes[start..<end]` (all of it by default).
    public init(bytes: [UInt8], start: Int = 0, end: Int? = nil, stringRules: StringRules = .strict) {
        self.bytes = bytes
        self.index = start
        self.end = min(end ?? bytes.count, bytes.count)
        self.stringRules = stringRules
    }

    /// Whether the text is used up.
    @inlinable public var isAtEnd: Bool { index >= end }

    /// The byte at ``index``, or nil at the end.
    @inlinable public var current: UInt8? { index < end ? bytes[index] : nil }

    /// An error at the current position.
    @inlinable
    public func error(_ reason: JSONSyntaxError.Reason) -> JSONSyntaxError { JSONSyntaxError(reason, at: index) }

    /// Steps over spaces, tabs, line feeds and carriage returns.
    @inlinable
    public mutating func skipSpace() {
        while index < end {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Skips space; whether the next byte is `byte` (not consumed).
    @inlinable
    public mutating func peek(_ byte: UInt8) -> Bool {
        skipSpace()
        return index < end && bytes[index] == byte
    }

    /// Skips space, then consumes `byte` if it comes next.
    @inlinable
    public mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < end, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Consumes `word` exactly, or throws ``JSONSyntaxError/Reason/invalidLiteral`` (or
    /// ``JSONSyntaxError/Reason/unexpectedEnd`` when the text stops inside it).
    public mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for k in 0..<n {
            guard index + k < end else { throw error(.invalidLiteral) }
            guard bytes[index + k] == w[k] else { throw error(.invalidLiteral) }
        }
        index += n
    }

    // MARK: Strings

    /// Reads the string whose opening quote is at ``index``.
    public mutating func string() throws(JSONSyntaxError) -> String {
        let (start, stop, clean) = try scanString()
        if clean {
            // No escapes: the bytes are the string. ASCII (most keys and values) is valid UTF-8
            // as it stands and is copied without the generic validation.
            if Self.isASCII(bytes, start, stop) {
                return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<stop]), as: UTF8.self) }
            }
            if let s = String(validating: bytes[start..<stop], as: UTF8.self) { return s }
            if stringRules.rejectsInvalidUTF8 { throw JSONSyntaxError(.invalidUTF8, at: stop) }
            return String(decoding: bytes[start..<stop], as: UTF8.self)
        }
        let out = try decodeEscapes(start, stop)
        if let s = String(validating: out, as: UTF8.self) { return s }
        if stringRules.rejectsInvalidUTF8 { throw JSONSyntaxError(.invalidUTF8, at: stop) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads the string at ``index`` as its decoded UTF-8 bytes (checked as ``string()`` checks).
    public mutating func stringBytes() throws(JSONSyntaxError) -> [UInt8] {
        let (start, stop, clean) = try scanString()
        let out = clean ? Array(bytes[start..<stop]) : try decodeEscapes(start, stop)
        if stringRules.rejectsInvalidUTF8, String(validating: out, as: UTF8.self) == nil {
            throw JSONSyntaxError(.invalidUTF8, at: stop)
        }
        return out
    }

    /// Steps over the string at ``index``, checking it as ``string()`` would, without building it.
    public mutating func skipString() throws(JSONSyntaxError) {
        let (start, stop, clean) = try scanString()
        if clean {
            if stringRules.rejectsInvalidUTF8, !Self.isASCII(bytes, start, stop),
               String(validating: bytes[start..<stop], as: UTF8.self) == nil {
                throw JSONSyntaxError(.invalidUTF8, at: stop)
            }
        } else if stringRules.rejectsInvalidUTF8 || stringRules.rejectsUnknownEscapes || stringRules.rejectsUnpairedSurrogates {
            let out = try decodeEscapes(start, stop)
            if stringRules.rejectsInvalidUTF8, String(validating: out, as: UTF8.self) == nil {
                throw JSONSyntaxError(.invalidUTF8, at: stop)
            }
        }
    }

    static func isASCII(_ bytes: [UInt8], _ start: Int, _ stop: Int) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            var i = start
            while i < stop { if b[i] >= 0x80 { return false }; i += 1 }
            return true
        }
    }

    /// Finds the closing quote of the string at ``index`` and moves past it: the content's
    /// range and whether it holds no backslash. Control characters are checked here.
    mutating func scanString() throws(JSONSyntaxError) -> (start: Int, stop: Int, clean: Bool) {
        guard index < end, bytes[index] == UInt8(ascii: "\"") else { throw error(index < end ? .invalidValue : .unexpectedEnd) }
        index += 1
        let start = index
        var clean = true
        let rejectsControl = stringRules.rejectsControlCharacters
        let end = self.end
        // (position, what): 0 the closing quote, 1 a control character, 2 the end of the text.
        let (position, what): (Int, Int) = bytes.withUnsafeBufferPointer { b in
            var i = start
            while i < end {
                let c = b[i]
                if c == UInt8(ascii: "\"") { return (i, 0) }
                if c == UInt8(ascii: "\\") {
                    clean = false
                    i += 2
                    continue
                }
                if c < 0x20, rejectsControl { return (i, 1) }
                i += 1
            }
            return (end, 2)
        }
        index = position
        guard what == 0 else { throw error(what == 1 ? .controlCharacterInString : .unterminatedString) }
        let stop = position
        index = stop + 1
        return (start, stop, clean)
    }

    /// The decoded bytes of string content `bytes[start..<stop]`, which holds escapes.
    mutating func decodeEscapes(_ start: Int, _ stop: Int) throws(JSONSyntaxError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(stop - start)
        var i = start
        func fail(_ reason: JSONSyntaxError.Reason, _ at: Int) -> JSONSyntaxError { JSONSyntaxError(reason, at: at) }
        func hex4(_ at: Int) throws(JSONSyntaxError) -> UInt32 {
            guard at + 4 <= stop else { throw fail(.invalidUnicodeEscape, at) }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = bytes[at + k]
                v <<= 4
                switch c {
                case 0x30...0x39: v |= UInt32(c - 0x30)
                case 0x41...0x46: v |= UInt32(c - 0x37)
                case 0x61...0x66: v |= UInt32(c - 0x57)
                default: throw fail(.invalidUnicodeEscape, at + k)
                }
            }
            return v
        }
        while i < stop {
            let c = bytes[i]
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            guard i + 1 < stop else { throw fail(.unterminatedString, stop) }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(code) {
                    if i + 1 < stop, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                       let low = try? hex4(i + 2), (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else if stringRules.rejectsUnpairedSurrogates {
                        if i + 1 < stop, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") { _ = try hex4(i + 2) }
                        throw fail(.unpairedSurrogate, i)
                    } else {
                        code = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(code) {
                    if stringRules.rejectsUnpairedSurrogates { throw fail(.unpairedSurrogate, i) }
                    code = 0xFFFD
                }
                Self.appendUTF8(code, to: &out)
            default:
                if stringRules.rejectsUnknownEscapes { throw fail(.invalidEscape, i - 1) }
                out.append(e)
            }
        }
        return out
    }

    /// Appends scalar `code` (not a surrogate) as UTF-8.
    static func appendUTF8(_ code: UInt32, to out: inout [UInt8]) {
        switch code {
        case 0..<0x80: out.append(UInt8(code))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (code >> 6)))
            out.append(UInt8(0x80 | (code & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (code >> 12)))
            out.append(UInt8(0x80 | ((code >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (code & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (code >> 18)))
            out.append(UInt8(0x80 | ((code >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((code >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (code & 0x3F)))
        }
    }

    // MARK: Numbers

    /// Reads the number at ``index`` (a `-` or a digit; `-Infinity` too). A `.` or exponent
    /// marker without digits is ``JSONSyntaxError/Reason/invalidNumber``, no digit at all
    /// ``JSONSyntaxError/Reason/invalidValue``.
    @inlinable
    public mutating func number() throws(JSONSyntaxError) -> JSONNumber {
        let start = index
        let literal: DecimalParser.Literal? = bytes.withUnsafeBufferPointer { b in
            DecimalParser.plainJSON(b.baseAddress! + start, count: end - start)
                ?? DecimalParser.prefix(b.baseAddress! + start, count: end - start, grammar: .json)
        }
        guard let literal else { return try numberFailure(start) }
        index = start + literal.length
        if index < end {
            let next = bytes[index]
            // "1." / "1e" / "1e+": the grammar wants digits after these.
            if next == UInt8(ascii: ".") || next | 0x20 == UInt8(ascii: "e") { return try numberFailure(start) }
        }
        return JSONNumber(value: literal.value, int64: literal.int64, isInteger: literal.isInteger, range: start..<index)
    }

    /// The error (or `-Infinity`) for a number ``DecimalParser`` would not read at `start`.
    @usableFromInline
    mutating func numberFailure(_ start: Int) throws(JSONSyntaxError) -> JSONNumber {
        index = start
        if index < end, bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "I") {
                try literal("Infinity")
                return JSONNumber(value: -.infinity, int64: nil, isInteger: false, range: start..<index)
            }
        }
        // Step over what the grammar allows, to stop where it breaks.
        func digits() -> Bool {
            let from = index
            while index < end, bytes[index] &- 0x30 < 10 { index += 1 }
            return index > from
        }
        guard digits() else { throw error(.invalidValue) }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() else { throw error(.invalidNumber) }
        }
        if index < end, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() else { throw error(.invalidNumber) }
        }
        throw error(.invalidNumber)
    }

    /// The bytes from ``index`` up to (not including) the next `,`, `}`, `]`, space, tab, CR or
    /// LF: a bare value as the forgiving line readers take it (numbers, names like `NaN`, junk).
    public mutating func bareWord() -> Range<Int> {
        let start = index
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0D, 0x0A: return start..<index
            default: index += 1
            }
        }
        return start..<index
    }

    // MARK: Tokens

    /// The next token after any space (``JSONToken/end`` at the end of the text).
    public mutating func nextToken() throws(JSONSyntaxError) -> JSONToken {
        skipSpace()
        guard index < end else { return .end }
        let b = bytes[index]
        switch b {
        case UInt8(ascii: "{"): index += 1; return .beginObject
        case UInt8(ascii: "}"): index += 1; return .endObject
        case UInt8(ascii: "["): index += 1; return .beginArray
        case UInt8(ascii: "]"): index += 1; return .endArray
        case UInt8(ascii: ":"): index += 1; return .colon
        case UInt8(ascii: ","): index += 1; return .comma
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"): try literal("NaN"); return .nan
        case UInt8(ascii: "I"):
            let start = index
            try literal("Infinity")
            return .number(JSONNumber(value: .infinity, int64: nil, isInteger: false, range: start..<index))
        default: return .number(try number())
        }
    }
}
