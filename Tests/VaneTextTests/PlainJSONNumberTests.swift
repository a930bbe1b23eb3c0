import Testing
@testable import VaneText

/// ``DecimalParser/plainJSON(_:count:)`` answers exactly as ``DecimalParser/prefix(_:count:grammar:)``
/// wherever it answers, and answers for the shapes data is usually written in.
struct PlainJSONNumberTests {
    /// Both readers over `text` followed by `tail` (the plain reader needs bytes to look ahead into).
    static func both(_ text: String, tail: String = ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]") -> (plain: DecimalParser.Literal?, general: DecimalParser.Literal?) {
        let bytes = Array((text + tail).utf8)
        return bytes.withUnsafeBufferPointer { b in
            (DecimalParser.plainJSON(b.baseAddress!, count: b.count),
             DecimalParser.prefix(b.baseAddress!, count: b.count, grammar: .json))
        }
    }

    static func same(_ a: DecimalParser.Literal?, _ b: DecimalParser.Literal?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.value.bitPattern == b.value.bitPattern && a.length == b.length && a.isInteger == b.isInteger && a.int64 == b.int64
    }

    @Test("the usual shapes are read, and read as the general reader reads them")
    func usualShapes() {
        for text in ["0", "-0", "7", "-1.1556673049926758", "0.12175294756889343", "0.0075749908573925495",
                     "123456789012345678", "-9223372036854775808", "9223372036854775807", "1234567890123456789",
                     "9007199254740993", "0.0", "-0.000", "0.000000000000000000000000000001", "3.141592653589793",
                     "100000000", "12345678.87654321", "00012"] {
            let (plain, general) = Self.both(text)
            #expect(plain != nil, "\(text)")
            #expect(Self.same(plain, general), "\(text): \(String(describing: plain)) vs \(String(describing: general))")
            #expect(plain?.length == text.utf8.count, "\(text)")
        }
    }

    @Test("what it leaves to the general reader: exponents, long mantissas, bad endings, the last bytes")
    func leftToTheGeneralReader() {
        for text in ["1e5", "1.5E-3", "12345678901234567890", "1.2345678901234567890", "1.", "1.2.3", "-", "", ".5", "-x", "NaN"] {
            #expect(Self.both(text).plain == nil, "\(text)")
        }
        // Within eight bytes of the end it does not read ahead.
        #expect(Self.both("1.5", tail: "]").plain == nil)
    }

    @Test("random literals of every length agree bit for bit")
    func randomLiterals() {
        var rng = SplitMix(state: 7)
        var answered = 0
        for _ in 0..<20_000 {
            let intDigits = Int(rng.next() % 12)
            let fractionDigits = Int(rng.next() % 22)
            var text = rng.next() % 2 == 0 ? "-" : ""
            for k in 0..<max(intDigits, 1) { text += String(k == 0 && intDigits > 1 ? rng.next() % 9 + 1 : rng.next() % 10) }
            if fractionDigits > 0 {
                text += "."
                let zeros = Int(rng.next() % 6)
                for k in 0..<fractionDigits { text += k < zeros ? "0" : String(rng.next() % 10) }
            }
            let tails = [",", "]", " ,", "}", "e-3,", ".5,", ",123456789"]
            let (plain, general) = Self.both(text, tail: tails[Int(rng.next() % UInt64(tails.count))] + "                        ")
            if plain != nil { answered += 1 }
            #expect(plain == nil || Self.same(plain, general), "\(text)")
        }
        #expect(answered > 8_000)  // the rest: exponent tails, more than 19 digits
    }
}
