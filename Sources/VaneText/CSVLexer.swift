/// Why CSV text could not be split into fields, and where (``offset`` is a byte offset).
public struct CSVSyntaxError: Error, Sendable, Equatable {
    /// What was wrong.
    public enum Reason: Sendable, Equatable {
        /// A quoted field without its closing quote.
        case unterminatedQuote
        /// Something other than spaces between a closing quote and the next delimiter (only
        /// under ``CSVLexer/AfterClosingQuote/spacesOnly``).
        case textAfterClosingQuote
    }

    /// What was wrong.
    public var reason: Reason
    /// Where: the opening quote of the field, or the stray byte after its closing quote.
    public var offset: Int

    /// Creates an error.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }
}

/// A byte-level CSV lexer (RFC 4180): fields separated by commas, records by `\n`, `\r\n` or a
/// lone `\r`; a field that starts with `"` is quoted, may hold commas, line breaks and doubled
/// quotes (`""` is one `"`), and ends at its closing quote. Fields are reported as byte ranges
/// into the text, so unquoted fields (nearly all of them) are never copied.
public struct CSVLexer {
    /// What may follow a closing quote before the delimiter.
    public enum AfterClosingQuote: Sendable {
        /// Anything: it is stepped over (the forgiving choice of spreadsheet-made files).
        case skipToDelimiter
        /// Only spaces; anything else is ``CSVSyntaxError/Reason/textAfterClosingQuote``.
        case spacesOnly
    }

    /// How a field ended.
    public enum Terminator: Sendable, Equatable {
        /// A comma: another field of the same record follows.
        case comma
        /// A line break (consumed) or the end of the text: the record is complete.
        case endOfRecord
    }

    /// One field.
    public struct Field: Sendable, Equatable {
        /// The field's bytes in the text, without its quotes (still holding `""` pairs when
        /// ``hasDoubledQuotes``).
        public var range: Range<Int>
        /// Whether the field was quoted.
        public var isQuoted: Bool
        /// Whether the quoted content holds `""` pairs, so it must be unescaped (``unescape(_:into:)``).
        public var hasDoubledQuotes: Bool
        /// What ended it.
        public var terminator: Terminator

        /// A field.
        @inlinable
        public init(range: Range<Int>, isQuoted: Bool, hasDoubledQuotes: Bool, terminator: Terminator) {
            self.range = range
            self.isQuoted = isQuoted
            self.hasDoubledQuotes = hasDoubledQuotes
            self.terminator = terminator
        }
    }

    /// The text.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    public var position: Int
    /// Whether line breaks end records. False when the text is one line already cut out by a
    /// line reader: then `\r` and `\n` are ordinary bytes of a field.
    public let lineBreaksEndRecords: Bool
    /// What may follow a closing quote.
    public let afterClosingQuote: AfterClosingQuote

    /// A lexer over `bytes`, starting at `position`.
    public init(bytes: UnsafeBufferPointer<UInt8>, position: Int = 0, lineBreaksEndRecords: Bool = true,
                afterClosingQuote: AfterClosingQuote = .skipToDelimiter) {
        self.bytes = bytes
        self.position = position
        self.lineBreaksEndRecords = lineBreaksEndRecords
        self.afterClosingQuote = afterClosingQuote
    }

    /// Whether the text is used up.
    @inlinable public var isAtEnd: Bool { position >= bytes.count }

    /// Whether `c` ends an unquoted field.
    @inlinable
    func isDelimiter(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || (lineBreaksEndRecords && (c == 0x0A || c == 0x0D))
    }

    /// Reads the field at ``position`` and the delimiter after it. After a comma there is
    /// always one more field (empty at the end of a line or of the text).
    @inlinable
    public mutating func nextField() throws(CSVSyntaxError) -> Field {
        let count = bytes.count
        var pos = position
        let range: Range<Int>
        var quoted = false
        var doubled = false
        if pos < count, bytes[pos] == UInt8(ascii: "\"") {
            quoted = true
            let open = pos
            var p = pos + 1
            let begin = p
            while true {
                guard p < count else { throw CSVSyntaxError(.unterminatedQuote, at: open) }
                if bytes[p] == UInt8(ascii: "\"") {
                    if p + 1 < count, bytes[p + 1] == UInt8(ascii: "\"") { doubled = true; p += 2; continue }
                    break
                }
                p += 1
            }
            range = begin..<p
            pos = p + 1
            switch afterClosingQuote {
            case .skipToDelimiter:
                while pos < count, !isDelimiter(bytes[pos]) { pos += 1 }
            case .spacesOnly:
                while pos < count, bytes[pos] == 0x20 { pos += 1 }
                guard pos == count || isDelimiter(bytes[pos]) else { throw CSVSyntaxError(.textAfterClosingQuote, at: pos) }
            }
        } else {
            let begin = pos
            if lineBreaksEndRecords {
                while pos < count {
                    let c = bytes[pos]
                    if c == UInt8(ascii: ",") || c == 0x0A || c == 0x0D { break }
                    pos += 1
                }
            } else {
                while pos < count, bytes[pos] != UInt8(ascii: ",") { pos += 1 }
            }
            range = begin..<pos
        }
        if pos < count, bytes[pos] == UInt8(ascii: ",") {
            position = pos + 1
            return Field(range: range, isQuoted: quoted, hasDoubledQuotes: doubled, terminator: .comma)
        }
        if lineBreaksEndRecords {
            if pos < count, bytes[pos] == 0x0D { pos += 1 }
            if pos < count, bytes[pos] == 0x0A { pos += 1 }
        }
        position = pos
        return Field(range: range, isQuoted: quoted, hasDoubledQuotes: doubled, terminator: .endOfRecord)
    }

    /// Writes the content of a quoted field `range` with each `""` made one `"` to `out`;
    /// returns how many bytes it wrote (at most `range.count`).
    @inlinable
    public func unescape(_ range: Range<Int>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        var q = range.lowerBound
        while q < range.upperBound {
            out[n] = bytes[q]
            n += 1
            q += bytes[q] == UInt8(ascii: "\"") ? 2 : 1
        }
        return n
    }

    /// The content of field `field` as bytes, `""` pairs made single quotes.
    public func content(_ field: Field) -> [UInt8] {
        guard field.hasDoubledQuotes else { return Array(bytes[field.range]) }
        return [UInt8](unsafeUninitializedCapacity: field.range.count) { out, count in
            count = unescape(field.range, into: out.baseAddress!)
        }
    }

    /// The content of field `field` as a string (bad UTF-8 repaired).
    public func string(_ field: Field) -> String {
        String(decoding: content(field), as: UTF8.self)
    }

    /// The 1-based line that byte `offset` of `bytes` is on.
    public static func lineNumber(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A { line += 1 }
        return line
    }
}
