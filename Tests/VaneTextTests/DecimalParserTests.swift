import Foundation
import Testing
@testable import VaneText

/// A seeded generator, so every run checks the same inputs.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `DecimalParser` against `Double(String)` (the standard library's correctly rounded `strtod`).
struct DecimalParserTests {
    static func parsed(_ text: String, _ grammar: DecimalParser.Grammar = .field) -> Double? {
        DecimalParser.parse(text, grammar: grammar)
    }

    /// Same value, same bits (so -0 differs from 0), NaN equal to NaN.
    static func expectSame(_ text: String, _ grammar: DecimalParser.Grammar = .field, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = Double(text)
        let got = parsed(text, grammar)
        #expect(got?.bitPattern == expected?.bitPattern, "\(text): \(String(describing: got)) != \(String(describing: expected))",
                sourceLocation: sourceLocation)
    }

    @Test("edge cases agree with Double(String), bit for bit")
    func edgeCases() {
        let cases = [
            "0", "-0", "0.0", "-0.0", "1", "-1", "0e0", "-0e-999999", "0e999999", "1e0", "1E+2", "1e-2",
            "9007199254740992", "9007199254740993", "9007199254740995", "18446744073709551615", "18446744073709551616",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            // Halfway and near-halfway cases
            "9007199254740993.0", "9007199254740992.9999999999999999999999", "9007199254740993.0000000000000000001",
            "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308", "2.225073858507201136057409796709131975934819546351645648e-308",
            "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324",
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "179769313486231580793728971405301e276",
            "1e308", "1e309", "1e-324", "1e-325", "1e-400", "1e400", "-1e400", "123456789012345678901234567890e-400",
            "0.1", "0.2", "0.3", "1.1", "3.141592653589793", "2.718281828459045235360287", "0.000000000000000000000000001",
            "1e22", "1e23", "9e22", "4.35679e-10", "7.038531e-26", "1448997445238699", "8.988465674311579e307",
            "4.503599627370496e15", "4503599627370496.5", "4503599627370497.5", "9007199254740991e-308",
            "5e-324", "3e-324", "2e-324", "1.5e-323", "0.00000000000000000000000000000000000000000000000000000000000000001",
            "100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
            String(repeating: "9", count: 400), "0." + String(repeating: "0", count: 400) + "1",
            "1" + String(repeating: "0", count: 308), "1" + String(repeating: "0", count: 309),
            "+1", "+0.5", ".5", "5.", "-.5", "1.e5",
        ]
        for text in cases { Self.expectSame(text) }
    }

    @Test("only whole literals: junk, hex, empty and lone signs are refused")
    func refusals() {
        for text in ["", "-", "+", ".", "e5", "1e", "1e+", "1.5.2", "0x10", "1 ", " 1", "1,0", "--1", "1e5e5", "nan(1)", "inf", "1d"] {
            #expect(Self.parsed(text) == nil, "\(text)")
        }
        // JSON refuses what strtod takes.
        for text in ["+1", ".5", "5.", "-.5"] { #expect(Self.parsed(text, .json) == nil, "\(text)") }
        #expect(Self.parsed("-0.5e-3", .json) == -0.0005)
    }

    @Test("strtod's names: inf, infinity and nan in any case, signed")
    func specials() {
        func p(_ s: String) -> Double? { var c = s; return c.withUTF8 { DecimalParser.parseAllowingSpecials($0.baseAddress!, count: $0.count) } }
        #expect(p("inf") == .infinity)
        #expect(p("-Infinity") == -.infinity)
        #expect(p("+INF") == .infinity)
        #expect(p("NaN")?.isNaN == true)
        #expect(p("infinit") == nil)
        #expect(p("2.5") == 2.5)
    }

    @Test("prefix: length, integer flag and exact Int64")
    func prefixes() {
        func lit(_ s: String, _ g: DecimalParser.Grammar = .json) -> DecimalParser.Literal? {
            var c = s
            return c.withUTF8 { DecimalParser.prefix($0.baseAddress!, count: $0.count, grammar: g) }
        }
        #expect(lit("123,") == .init(value: 123, isInteger: true, length: 3, int64: 123))
        #expect(lit("-9223372036854775808]")?.int64 == .min)
        #expect(lit("9223372036854775808")?.int64 == nil)
        #expect(lit("00012")?.int64 == 12)
        #expect(lit("1.0")?.isInteger == false)
        #expect(lit("1.")?.length == 1)
        #expect(lit("1e+")?.length == 1)
        #expect(lit("2E-3x")?.length == 4)
    }

    @Test("wholeField: its fast loop and the general path agree with Double(String) and the integer flag")
    func wholeFields() {
        func whole(_ s: String) -> (value: Double, isInteger: Bool)? {
            var c = s
            return c.withUTF8 { DecimalParser.wholeField($0.baseAddress!, count: $0.count) }
        }
        #expect(whole("12")?.isInteger == true)
        #expect(whole("-0")?.value.bitPattern == (-0.0).bitPattern)
        #expect(whole("1.")?.isInteger == false)
        #expect(whole(".5")?.value == 0.5)
        #expect(whole("+3.25")?.value == 3.25)
        #expect(whole("2e3")?.isInteger == false)
        for text in ["", "-", "+", ".", "1.2.3", "1,", " 1", "1 ", "1e", "e1", "0x10", "1.#IND", "inf"] {
            #expect(whole(text) == nil, "\(text)")
        }
        // Random decimals of 1–25 digits on each side of the point, signed or not: the fast loop
        // takes the short ones, the general path the rest; both must give Double(String)'s bits.
        var rng = SplitMix(state: 7)
        let digits = Array("0123456789")
        for _ in 0..<50_000 {
            var s = ["", "-", "+"][Int.random(in: 0..<3, using: &rng)]
            let before = Int.random(in: 0...(Bool.random(using: &rng) ? 25 : 9), using: &rng)
            let after = Int.random(in: 0...(Bool.random(using: &rng) ? 25 : 9), using: &rng)
            for _ in 0..<before { s.append(digits[Int.random(in: 0..<10, using: &rng)]) }
            let point = after > 0 || Bool.random(using: &rng)
            if point { s.append(".") }
            for _ in 0..<after { s.append(digits[Int.random(in: 0..<10, using: &rng)]) }
            let got = whole(s)
            guard before + after > 0 else { #expect(got == nil, "\(s)"); continue }
            #expect(got?.value.bitPattern == Double(s)?.bitPattern, "\(s)")
            #expect(got?.isInteger == !point, "\(s)")
        }
    }

    @Test("100,000 random doubles round-trip through their shortest and their %.17g text")
    func randomDoubles() {
        var rng = SplitMix(state: 0x5EED)
        for _ in 0..<100_000 {
            let d = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random(using: &rng) ? 1 : -1)
            let shortest = "\(d)"
            #expect(Self.parsed(shortest)?.bitPattern == d.bitPattern, "\(shortest)")
            Self.expectSame(String(format: "%.17g", d))
        }
    }

    @Test("150,000 random digit strings (long mantissas, wide exponents) agree with Double(String)")
    func randomDigitStrings() {
        var rng = SplitMix(state: 42)
        let digits = Array("0123456789")
        var mismatches: [String] = []
        for round in 0..<150_000 {
            var s = Bool.random(using: &rng) ? "-" : ""
            let intDigits = Int.random(in: 0...(round % 3 == 0 ? 40 : 20), using: &rng)
            for _ in 0..<intDigits { s.append(digits[Int.random(in: 0..<10, using: &rng)]) }
            let fracDigits = Int.random(in: intDigits == 0 ? 1...25 : 0...25, using: &rng)
            if fracDigits > 0 {
                s.append(".")
                for _ in 0..<fracDigits { s.append(digits[Int.random(in: 0..<10, using: &rng)]) }
            }
            if Int.random(in: 0..<3, using: &rng) > 0 {
                s.append(Bool.random(using: &rng) ? "e" : "E")
                s.append(["", "+", "-"][Int.random(in: 0..<3, using: &rng)])
                s.append(String(Int.random(in: 0...(round % 5 == 0 ? 400 : 330), using: &rng)))
            }
            if Double(s)?.bitPattern != Self.parsed(s)?.bitPattern, mismatches.count < 10 { mismatches.append(s) }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("halfway cases: exact midpoints between neighbouring doubles, and just off them")
    func halfway() {
        guard #available(macOS 15, *) else { return }
        var rng = SplitMix(state: 7)
        for _ in 0..<20_000 {
            // The midpoint of m·2^e and (m+1)·2^e is (2m+1)·2^(e-1): for e-1 = -k it is
            // (2m+1)·5^k / 10^k, which UInt128 holds exactly for k ≤ 27.
            let m = UInt128(UInt64.random(in: (1 << 52)..<(1 << 53), using: &rng))
            let k = Int.random(in: -10...27, using: &rng)
            var digits: String
            if k <= 0 {
                digits = String((2 * m + 1) << UInt128(-k))
            } else {
                var scaled = 2 * m + 1
                for _ in 0..<k { scaled *= 5 }
                var text = String(scaled)
                if text.count <= k { text = String(repeating: "0", count: k - text.count + 1) + text }
                text.insert(".", at: text.index(text.endIndex, offsetBy: -k))
                digits = text
            }
            Self.expectSame(digits)
            Self.expectSame(digits + (digits.contains(".") ? "" : ".") + "000000000000000000001")
            Self.expectSame("-" + digits)
        }
        // Subnormals
        for _ in 0..<20_000 {
            let d = Double(bitPattern: UInt64.random(in: 1...0x000F_FFFF_FFFF_FFFF, using: &rng))
            Self.expectSame("\(d)")
            Self.expectSame(String(format: "%.25e", d))
        }
    }

    @Test("Eisel–Lemire alone agrees with Double(String) whenever it decides")
    func eiselLemireDirect() {
        var rng = SplitMix(state: 99)
        var decided = 0
        for _ in 0..<50_000 {
            let w = rng.next() % 10_000_000_000_000_000_000
            let q = Int.random(in: -350...315, using: &rng)
            guard let v = DecimalParser.eiselLemire(mantissa: w, exponent: q, negative: false) else { continue }
            decided += 1
            let expected = Double("\(w)e\(q)")!
            #expect(v.bitPattern == expected.bitPattern, "\(w)e\(q)")
        }
        #expect(decided > 49_000)
    }
}
