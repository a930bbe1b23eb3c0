import Foundation
import VaneText

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

    /// Parses `p[0..<n]` (surrounding spaces ignored): a decimal through ``DecimalParser``
    /// (correctly rounded), else a name (`inf`, `nan`, a missing token such as `1.#IND`).
    @inline(__always)
    static func parse(_ p0: UnsafePointer<UInt8>, _ n0: Int) -> Parsed {
        var p = p0, n = n0
        while n > 0 && isSpace(p[0]) { p += 1; n -= 1 }
        while n > 0 && isSpace(p[n - 1]) { n -= 1 }
        if n == 0 { return .missing }
        guard let number = DecimalParser.wholeField(p, count: n) else { return parseSpecial(p, n) }
        return .number(number.value, isInteger: number.isInteger)
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
