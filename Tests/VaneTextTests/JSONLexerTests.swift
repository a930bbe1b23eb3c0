import Testing
import VaneText

/// The JSON lexer's tokens, strings, numbers and errors with their byte offsets.
struct JSONLexerTests {
    static func tokens(_ text: String) throws(JSONSyntaxError) -> [JSONToken] {
        var lexer = JSONLexer(bytes: Array(text.utf8))
        var out: [JSONToken] = []
        while true {
            let token = try lexer.nextToken()
            if token == .end { return out }
            out.append(token)
        }
    }

    static func error(_ text: String, rules: JSONLexer.StringRules = .strict) -> JSONSyntaxError? {
        var lexer = JSONLexer(bytes: Array(text.utf8), stringRules: rules)
        do {
            while try lexer.nextToken() != .end {}
            return nil
        } catch {
            return error
        }
    }

    static func number(_ v: Double, _ range: Range<Int>, int: Int64? = nil) -> JSONToken {
        .number(JSONNumber(value: v, int64: int, isInteger: int != nil, range: range))
    }

    @Test("punctuation, literals, strings and numbers, with the ranges of numbers")
    func tokenStream() throws {
        let got = try Self.tokens(#" {"a": [1, -2.5e1, true, false, null, NaN, Infinity, -Infinity], "b\n": "x"} "#)
        #expect(got == [
            .beginObject, .string("a"), .colon, .beginArray,
            Self.number(1, 8..<9, int: 1), .comma, Self.number(-25, 11..<17), .comma,
            .bool(true), .comma, .bool(false), .comma, .null, .comma, .nan, .comma,
            Self.number(.infinity, 43..<51), .comma, Self.number(-.infinity, 53..<62), .endArray, .comma,
            .string("b\n"), .colon, .string("x"), .endObject,
        ])
    }

    @Test("escapes: the short ones, \\u, surrogate pairs, and UTF-8 passed through")
    func escapes() throws {
        #expect(try Self.tokens(#""\"\\\/\b\f\n\r\t""#) == [.string("\"\\/\u{08}\u{0C}\n\r\t")])
        #expect(try Self.tokens(#""\u00e9\u20AC\ud83d\ude00 ok""#) == [.string("é€😀 ok")])
        #expect(try Self.tokens("\"héllo ✓\"") == [.string("héllo ✓")])
    }

    @Test("errors name the reason and the byte")
    func errors() {
        let cases: [(String, JSONSyntaxError.Reason, Int)] = [
            ("\"abc", .unterminatedString, 4),
            ("\"a\u{01}b\"", .controlCharacterInString, 2),
            (#""a\qb""#, .invalidEscape, 3),
            (#""\u12G4""#, .invalidUnicodeEscape, 5),
            (#""\u12""#, .invalidUnicodeEscape, 3),
            (#""\ud800x""#, .unpairedSurrogate, 7),
            (#""\udc00""#, .unpairedSurrogate, 7),
            ("[tru]", .invalidLiteral, 1),
            ("nul", .invalidLiteral, 0),
            ("[1.]", .invalidNumber, 3),
            ("[1e+]", .invalidNumber, 4),
            ("-", .invalidValue, 1),
            ("[-x]", .invalidValue, 2),
            ("[.5]", .invalidValue, 1),
        ]
        for (text, reason, offset) in cases {
            let e = Self.error(text)
            #expect(e == JSONSyntaxError(reason, at: offset), "\(text): \(String(describing: e))")
        }
        #expect(Self.error(String(decoding: [0x22, 0x61, 0xFF, 0x22], as: UTF8.self)) == nil)  // decoding repaired it
        var lexer = JSONLexer(bytes: [0x22, 0x61, 0xFF, 0x22])
        #expect(throws: JSONSyntaxError(.invalidUTF8, at: 3)) { try lexer.string() }
        #expect(JSONSyntaxError(.invalidEscape, at: 3).description == "invalid escape at byte 3")
    }

    @Test("lenient strings: control characters, bad UTF-8 and lone surrogates pass; unknown escapes do not")
    func lenient() throws {
        var lexer = JSONLexer(bytes: [0x22, 0x61, 0x09, 0xFF, 0x22], stringRules: .lenient)
        #expect(try lexer.string() == "a\t\u{FFFD}")
        lexer = JSONLexer(bytes: Array(#""\ud800!""#.utf8), stringRules: .lenient)
        #expect(try lexer.string() == "\u{FFFD}!")
        #expect(Self.error(#""\q""#, rules: .lenient)?.reason == .invalidEscape)
        var keeping = JSONLexer.StringRules.lenient
        keeping.rejectsUnknownEscapes = false
        lexer = JSONLexer(bytes: Array(#""\q""#.utf8), stringRules: keeping)
        #expect(try lexer.string() == "q")
    }

    @Test("skipString checks what string() checks; stringBytes decodes")
    func skipping() throws {
        var lexer = JSONLexer(bytes: Array(#""a\u00e9" "\x""#.utf8))
        try lexer.skipString()
        #expect(lexer.index == 9)
        lexer.skipSpace()
        #expect(throws: JSONSyntaxError.self) { try lexer.skipString() }
        lexer = JSONLexer(bytes: Array(#""a\n""#.utf8))
        #expect(try lexer.stringBytes() == [0x61, 0x0A])
    }

    @Test("a lexer over part of the bytes stops at its end")
    func subrange() throws {
        var lexer = JSONLexer(bytes: Array("[1]\n[22]".utf8), start: 4, end: 8)
        #expect(try lexer.nextToken() == .beginArray)
        #expect(try lexer.nextToken() == Self.number(22, 5..<7, int: 22))
        #expect(try lexer.nextToken() == .endArray)
        #expect(try lexer.nextToken() == .end)
        lexer = JSONLexer(bytes: Array("12x, 3".utf8))
        #expect(lexer.bareWord() == 0..<3)
    }

    @Test("the budget refuses depth past its limit and values past its count")
    func budget() {
        var budget = JSONBudget(maxDepth: 2, maxValues: 3)
        #expect(budget.enter(depth: 3) == .depth)
        #expect(budget.enter(depth: 0) == nil)
        #expect(budget.enter(depth: 2) == nil)
        #expect(budget.enter(depth: 1) == nil)
        #expect(budget.enter(depth: 1) == .values)
    }

    @Test("numbers: integers exact to Int64, larger ones as doubles, -0 an integer zero")
    func numbers() throws {
        var lexer = JSONLexer(bytes: Array("9223372036854775807 -9223372036854775809 -0 1E400 0.1".utf8))
        var n = try lexer.number()
        #expect(n.int64 == .max)
        lexer.skipSpace(); n = try lexer.number()
        #expect(n.int64 == nil && n.value == -9223372036854775809.0 && n.isInteger)
        lexer.skipSpace(); n = try lexer.number()
        #expect(n.int64 == 0)
        lexer.skipSpace(); n = try lexer.number()
        #expect(n.value == .infinity && !n.isInteger)
        lexer.skipSpace(); n = try lexer.number()
        #expect(n.value == 0.1)
    }
}
