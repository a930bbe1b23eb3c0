import Foundation

/// Parses one text field into a number without allocating.
enum FieldParser {
    enum Parsed {
        /// A number; `isInteger` when written as an integer literal.
        case number(Double, isInteger: Bool)
        /// Empty field or a pandas missing-value token (`NA`, `null`, `nan`, …).
        case missing
        /// Not a number.
        case invalid
    }

    /// Exact powers of ten 10^0 … 10^22.
    @inline(__always)
    static func powerOf10(_ e: Int) -> Double {
        switch e {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    /// Lower-cases ASCII letters.
    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c }

    static func equalsIgnoringCase(_ p: UnsafePointer<UInt8>, _ n: Int, _ word: StaticString) -> Bool {
        guard n == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<n where lower(p[i]) != w[i] { return false }
        return true
    }

    /// Tokens pandas reads as missing by default (besides the empty field).
    static func isMissingToken(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        switch n {
        case 2: return matches(p, n, "NA")
        case 3:
            return matches(p, n, "nan") || matches(p, n, "NaN") || matches(p, n, "N/A") || matches(p, n, "n/a")
                || matches(p, n, "#NA")
        case 4:
            return matches(p, n, "NULL") || matches(p, n, "null") || matches(p, n, "None") || matches(p, n, "-NaN")
                || matches(p, n, "-nan") || matches(p, n, "<NA>") || matches(p, n, "#N/A")
        case 6: return matches(p, n, "1.#IND")
        case 7: return matches(p, n, "1.#QNAN") || matches(p, n, "-1.#IND")
        case 8: return matches(p, n, "-1.#QNAN") || matches(p, n, "#N/A N/A")
        default: return false
        }
    }

    static func matches(_ p: UnsafePointer<UInt8>, _ n: Int, _ word: StaticString) -> Bool {
        guard n == word.utf8CodeUnitCount else { return false }
        return memcmp(p, word.utf8Start, n) == 0
    }

    /// Parses `p[0..<n]` (surrounding spaces ignored).
    @inline(__always)
    static func parse(_ p0: UnsafePointer<UInt8>, _ n0: Int) -> Parsed {
        var p = p0, n = n0
        while n > 0 && isSpace(p[0]) { p += 1; n -= 1 }
        while n > 0 && isSpace(p[n - 1]) { n -= 1 }
        if n == 0 { return .missing }
        var i = 0
        var negative = false
        if p[0] == 0x2D { negative = true; i = 1 } else if p[0] == 0x2B { i = 1 }
        var mantissa: UInt64 = 0
        var truncated = false   // more digits than fit exactly: use the slow path
        var droppedExp = 0      // integer digits not kept add to the exponent
        var anyDigit = false
        var isInteger = true
        let limit: UInt64 = 100_000_000_000_000_000
        while i < n, p[i] >= 0x30, p[i] <= 0x39 {
            anyDigit = true
            if mantissa < limit { mantissa = mantissa * 10 + UInt64(p[i] - 0x30) } else { droppedExp += 1; truncated = true }
            i += 1
        }
        var fracExp = 0
        if i < n && p[i] == 0x2E {
            isInteger = false
            i += 1
            while i < n, p[i] >= 0x30, p[i] <= 0x39 {
                anyDigit = true
                if mantissa < limit { mantissa = mantissa * 10 + UInt64(p[i] - 0x30); fracExp -= 1 } else { truncated = true }
                i += 1
            }
        }
        if !anyDigit { return parseSpecial(p, n) }
        var exp10 = 0
        if i < n && (p[i] == 0x65 || p[i] == 0x45) {
            isInteger = false
            i += 1
            var eneg = false
            if i < n && (p[i] == 0x2D || p[i] == 0x2B) { eneg = p[i] == 0x2D; i += 1 }
            var any = false
            while i < n, p[i] >= 0x30, p[i] <= 0x39 {
                any = true
                if exp10 < 100_000 { exp10 = exp10 * 10 + Int(p[i] - 0x30) }
                i += 1
            }
            if !any { return .invalid }
            if eneg { exp10 = -exp10 }
        }
        if i != n { return .invalid }
        let e = exp10 + fracExp + droppedExp
        if !truncated && mantissa <= (UInt64(1) << 53) && e >= -22 && e <= 22 {
            var v = Double(mantissa)
            if e < 0 { v /= powerOf10(-e) } else if e > 0 { v *= powerOf10(e) }
            return .number(negative ? -v : v, isInteger: isInteger)
        }
        return slowParse(p, n, isInteger: isInteger)
    }

    /// Correctly rounded conversion through `strtod` for long or extreme literals.
    private static func slowParse(_ p: UnsafePointer<UInt8>, _ n: Int, isInteger: Bool) -> Parsed {
        var buffer = [CChar](repeating: 0, count: n + 1)
        for i in 0..<n { buffer[i] = CChar(bitPattern: p[i]) }
        return buffer.withUnsafeBufferPointer { b -> Parsed in
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(b.baseAddress!, &end)
            guard let end, end - UnsafeMutablePointer(mutating: b.baseAddress!) == n else { return .invalid }
            return .number(v, isInteger: isInteger)
        }
    }

    /// `inf`, `infinity` (any case, optional sign) and `nan`.
    private static func parseSpecial(_ p0: UnsafePointer<UInt8>, _ n0: Int) -> Parsed {
        var p = p0, n = n0
        var negative = false
        if n > 0 && (p[0] == 0x2D || p[0] == 0x2B) { negative = p[0] == 0x2D; p += 1; n -= 1 }
        if equalsIgnoringCase(p, n, "inf") || equalsIgnoringCase(p, n, "infinity") {
            return .number(negative ? -.infinity : .infinity, isInteger: false)
        }
        if equalsIgnoringCase(p, n, "nan") { return .missing }
        if isMissingToken(p0, n0) { return .missing }
        return .invalid
    }

    /// Whether the bytes are a boolean literal pandas recognises (`True`, `TRUE`, `true`, `False`, …).
    static func isBooleanLiteral(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        matches(p, n, "True") || matches(p, n, "TRUE") || matches(p, n, "true")
            || matches(p, n, "False") || matches(p, n, "FALSE") || matches(p, n, "false")
    }
}

extension FieldParser {
    /// Parses a whole string as a field (an empty string is missing).
    static func parse(_ text: String) -> Parsed {
        var s = text
        return s.withUTF8 { b -> Parsed in
            guard let p = b.baseAddress, b.count > 0 else { return .missing }
            return parse(p, b.count)
        }
    }

    /// A number written as a category: integers without a fraction (`3`, not `3.0`; `-0` is `0`),
    /// others in their shortest round-trip form, `inf`/`-inf`/`nan` as Python writes them. Distinct
    /// numbers give distinct texts.
    static func categoryText(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(.towardZero), abs(v) < 9_007_199_254_740_992 { return String(Int64(v)) }
        return pythonRepr(v)
    }
}
