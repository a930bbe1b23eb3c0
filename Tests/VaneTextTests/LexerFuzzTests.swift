import Testing
import VaneText

/// Seeded mutations of valid JSON, CSV and numbers: the lexers return tokens or errors, never
/// crash, never loop, and every error's offset lies inside the text.
struct LexerFuzzTests {
    static let json = Array(#"{"id": "x\u00e9\ud83d\ude00", "data": [[1, -2.5e-3, 1e400, NaN, -Infinity, true, null], [0.1, "3"]], "p": {"a\n": false}}"#.utf8)
    static let csv = Array("a,b,\"c, d\"\n1,2.5,\"x\"\"y\"\r\n,-3e2,\"multi\nline\"\n".utf8)

    static func mutate(_ seed: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var b = seed
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !b.isEmpty else { break }
            let at = Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: b[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: b.remove(at: at)
            case 2: b.insert(Array(#"{}[]",:\.eE-+0u"#.utf8).randomElement(using: &rng)!, at: at)
            case 3: b = Array(b[0..<at])
            default: b.insert(contentsOf: b[at..<min(b.count, at + 8)], at: at)
            }
        }
        return b
    }

    @Test("20,000 mutated JSON texts lex to the end or to an error inside the text")
    func json() {
        var rng = SplitMix(state: 2026)
        for _ in 0..<20_000 {
            let bytes = Self.mutate(Self.json, &rng)
            var lexer = JSONLexer(bytes: bytes)
            var steps = 0
            do throws(JSONSyntaxError) {
                while try lexer.nextToken() != .end {
                    steps += 1
                    #expect(steps <= bytes.count)
                }
            } catch {
                #expect(error.offset >= 0 && error.offset <= bytes.count)
            }
        }
    }

    @Test("20,000 mutated CSV texts split into fields or fail inside the text")
    func csv() {
        var rng = SplitMix(state: 4180)
        for round in 0..<20_000 {
            let bytes = Self.mutate(Self.csv, &rng)
            bytes.withUnsafeBufferPointer { b in
                var lexer = CSVLexer(bytes: b, lineBreaksEndRecords: round % 2 == 0,
                                     afterClosingQuote: round % 3 == 0 ? .spacesOnly : .skipToDelimiter)
                do throws(CSVSyntaxError) {
                    while !lexer.isAtEnd {
                        let before = lexer.position
                        let field = try lexer.nextField()
                        #expect(lexer.position > before || lexer.isAtEnd)
                        #expect(field.range.upperBound <= b.count)
                        _ = lexer.content(field)
                    }
                } catch {
                    #expect(error.offset >= 0 && error.offset <= b.count)
                }
            }
        }
    }

    @Test("20,000 mutated numbers parse as Double(String) does, or are refused by both")
    func numbers() {
        var rng = SplitMix(state: 754)
        let seeds = ["-1.2345678901234567890e-300", "0.000123", "9007199254740993", "1e308", "4.9e-324", "-0"]
        for _ in 0..<20_000 {
            let bytes = Self.mutate(Array(seeds.randomElement(using: &rng)!.utf8), &rng)
            let text = String(decoding: bytes, as: UTF8.self)
            let ours = bytes.withUnsafeBufferPointer { DecimalParser.parse($0) }
            // Double(String) also reads hex, "inf" and "nan": only compare decimal literals.
            let decimal = !text.isEmpty && text.utf8.allSatisfy { "0123456789+-.eE".utf8.contains($0) }
            if decimal, let expected = Double(text) {
                #expect(ours?.bitPattern == expected.bitPattern, "\(text)")
            } else if ours != nil {
                #expect(decimal, "\(text) read as a number")
            }
        }
    }
}
