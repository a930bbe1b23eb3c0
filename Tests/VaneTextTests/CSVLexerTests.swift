import Testing
import VaneText

/// The CSV lexer: RFC 4180 quoting, line endings, empty fields and errors with offsets.
struct CSVLexerTests {
    /// The records of `text` as unescaped strings, with a marker for quoted fields.
    static func records(_ text: String, lineBreaksEndRecords: Bool = true,
                        after: CSVLexer.AfterClosingQuote = .skipToDelimiter) throws(CSVSyntaxError) -> [[String]] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { b throws(CSVSyntaxError) in
            var lexer = CSVLexer(bytes: b, lineBreaksEndRecords: lineBreaksEndRecords, afterClosingQuote: after)
            var out: [[String]] = []
            var record: [String] = []
            while !lexer.isAtEnd {
                let field = try lexer.nextField()
                record.append((field.isQuoted ? "q:" : "") + lexer.string(field))
                if field.terminator == .endOfRecord { out.append(record); record = [] }
            }
            return out
        }
    }

    @Test("plain fields, empty fields, and the three line endings")
    func plain() throws {
        #expect(try Self.records("a,b,c\n1,,3\r\n,\r4,5,6") == [["a", "b", "c"], ["1", "", "3"], ["", ""], ["4", "5", "6"]])
        #expect(try Self.records("x,\n") == [["x", ""]])
    }

    @Test("quoted fields hold commas, line breaks and doubled quotes")
    func quoted() throws {
        #expect(try Self.records("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\"\",x") ==
                [["q:a,b", "q:say \"hi\"", "q:two\nlines"], ["q:", "x"]])
        // A quote inside an unquoted field is an ordinary byte.
        #expect(try Self.records("a\"b,c") == [["a\"b", "c"]])
        // Doubled quotes are reported so the reader knows to unescape.
        let bytes = Array("\"a\"\"b\",\"c\"".utf8)
        bytes.withUnsafeBufferPointer { b in
            var lexer = CSVLexer(bytes: b)
            let first = try? lexer.nextField()
            #expect(first == CSVLexer.Field(range: 1..<5, isQuoted: true, hasDoubledQuotes: true, terminator: .comma))
            let second = try? lexer.nextField()
            #expect(second == CSVLexer.Field(range: 8..<9, isQuoted: true, hasDoubledQuotes: false, terminator: .endOfRecord))
        }
    }

    @Test("after a closing quote: stepped over, or only spaces allowed")
    func afterQuote() throws {
        #expect(try Self.records("\"a\"junk,b") == [["q:a", "b"]])
        #expect(try Self.records("\"a\"  ,b", after: .spacesOnly) == [["q:a", "b"]])
        #expect(throws: CSVSyntaxError(.textAfterClosingQuote, at: 3)) { try Self.records("\"a\"x,b", after: .spacesOnly) }
    }

    @Test("an unterminated quote names its opening quote")
    func unterminated() {
        #expect(throws: CSVSyntaxError(.unterminatedQuote, at: 4)) { try Self.records("a,b\n\"c,d\n") }
    }

    @Test("one line cut out by a line reader: CR and LF are field bytes")
    func lineMode() throws {
        #expect(try Self.records("a\rb,c", lineBreaksEndRecords: false) == [["a\rb", "c"]])
    }

    @Test("line numbers count line feeds before the offset")
    func lineNumbers() {
        let bytes = Array("a\nb\r\nc".utf8)
        bytes.withUnsafeBufferPointer { b in
            #expect(CSVLexer.lineNumber(of: 0, in: b) == 1)
            #expect(CSVLexer.lineNumber(of: 2, in: b) == 2)
            #expect(CSVLexer.lineNumber(of: 5, in: b) == 3)
        }
    }
}
