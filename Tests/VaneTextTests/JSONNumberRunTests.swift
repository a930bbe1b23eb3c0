import Testing
import VaneText

/// ``JSONLexer/numberRun(into:maxCount:)`` reads exactly what ``JSONLexer/number()`` reads,
/// element after element, and stops where it should leave the rest to its caller.
struct JSONNumberRunTests {
    /// Reads an array's elements as the inference readers do: runs, and ``JSONLexer/nextToken()``
    /// for anything a run leaves (recorded as nil).
    static func readWithRuns(_ text: String) throws -> (values: [Double?], stops: [JSONLexer.NumberRunStop]) {
        var lexer = JSONLexer(bytes: Array(text.utf8))
        #expect(try lexer.nextToken() == .beginArray)
        var values: [Double?] = []
        var stops: [JSONLexer.NumberRunStop] = []
        if lexer.peek(UInt8(ascii: "]")) { return ([], []) }
        while true {
            var run: [Double] = []
            let stop = lexer.numberRun(into: &run, maxCount: .max)
            stops.append(stop)
            values.append(contentsOf: run.map { Optional($0) })
            switch stop {
            case .closed: return (values, stops)
            case .element:
                switch try lexer.nextToken() {
                case .number(let n): values.append(n.value)
                default: values.append(nil)
                }
            case .separator: break
            }
            switch try lexer.nextToken() {
            case .comma: continue
            case .endArray: return (values, stops)
            default: throw JSONSyntaxError(.invalidValue, at: lexer.index)
            }
        }
    }

    /// The same array token by token.
    static func readWithTokens(_ text: String) throws -> [Double?] {
        var lexer = JSONLexer(bytes: Array(text.utf8))
        #expect(try lexer.nextToken() == .beginArray)
        var values: [Double?] = []
        while true {
            switch try lexer.nextToken() {
            case .endArray: return values
            case .comma: continue
            case .number(let n): values.append(n.value)
            default: values.append(nil)
            }
        }
    }

    @Test("plain numbers of every shape are read in one run, bit for bit as number() reads them")
    func plainNumbers() throws {
        let literals = ["0", "-0", "1", "-1", "12345678901234567890", "0.1", "-1.1556673049926758", "1e308", "1e309",
                        "4.9e-324", "2.2250738585072011e-308", "1E+2", "-3.5e-7", "0.000000000000000000001",
                        "9007199254740993", "123456789.123456789123", "7"]
        let text = "[" + literals.joined(separator: ",") + "]"
        let (values, stops) = try Self.readWithRuns(text)
        #expect(stops == [.closed])
        let expected = try Self.readWithTokens(text)
        #expect(values.map { $0?.bitPattern } == expected.map { $0?.bitPattern })
        #expect(values.count == literals.count)
    }

    @Test("random arrays of numbers, spaces and other cells read the same as token by token")
    func randomArrays() throws {
        var rng = SplitMix(state: 42)
        let others = ["null", "NaN", "Infinity", "-Infinity", "true", "false", "\"1.5\""]
        let spaces = ["", " ", "\n", "\t ", "\r\n"]
        for _ in 0..<400 {
            var elements: [String] = []
            for _ in 0..<Int(rng.next() % 12) {
                let pick = rng.next() % 10
                if pick < 2 {
                    elements.append(others[Int(rng.next() % UInt64(others.count))])
                } else {
                    let digits = String(rng.next() % 1_000_000_000_000)
                    let fraction = rng.next() % 2 == 0 ? "" : "." + String(rng.next() % 100_000_000_000_000_000)
                    let exponent = rng.next() % 4 == 0 ? "e" + String(Int(rng.next() % 60) - 30) : ""
                    elements.append((rng.next() % 2 == 0 ? "-" : "") + digits + fraction + exponent)
                }
            }
            let text = "[" + elements.map { spaces[Int(rng.next() % 5)] + $0 + spaces[Int(rng.next() % 5)] }.joined(separator: ",") + "]"
            let runs = try Self.readWithRuns(text).values
            let tokens = try Self.readWithTokens(text)
            #expect(runs.map { $0?.bitPattern } == tokens.map { $0?.bitPattern }, "\(text)")
        }
    }

    @Test("a run stops at what it does not read, leaving the index there")
    func stops() {
        func run(_ text: String, maxCount: Int = .max) -> (JSONLexer.NumberRunStop, [Double], String) {
            var lexer = JSONLexer(bytes: Array(text.utf8), start: 1)
            var values: [Double] = []
            let stop = lexer.numberRun(into: &values, maxCount: maxCount)
            return (stop, values, String(decoding: lexer.bytes[lexer.index...], as: UTF8.self))
        }
        #expect(run("[1, 2 3]") == (.separator, [1, 2], "3]"))
        #expect(run("[1, null]") == (.element, [1], "null]"))
        #expect(run("[1, 2.]") == (.element, [1], "2.]"))
        #expect(run("[1e]") == (.element, [], "1e]"))
        #expect(run("[-]") == (.element, [], "-]"))
        #expect(run("[1,2") == (.separator, [1, 2], ""))
        #expect(run("[1,]") == (.element, [1], "]"))
        #expect(run("[ 4 , 5 ] tail") == (.closed, [4, 5], " tail"))
        #expect(run("[1,2,3,4]", maxCount: 2) == (.element, [1, 2], "3,4]"))
    }
}

