/// The common case of a JSON number, read without a branch per digit: data written by numpy,
/// pandas or a JSON library is mostly `-?d+.d+` with at most 17 significant digits, and the
/// general reader's digit-at-a-time loop and its exits (a different length every number, so
/// a mispredicted branch or two each) cost more than the value's arithmetic.
extension DecimalParser {
    /// 10^`n` for `n` in 0...8 (a switch: constants the compiler turns into a table, where a
    /// static array would cost a lazy-initialisation check and a bounds check per use).
    @inlinable @inline(__always)
    static func smallPowerOfTen(_ n: Int) -> UInt64 {
        switch n {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        default: 100_000_000
        }
    }

    /// How many of `word`'s bytes, from the first, are ASCII digits (0...8).
    ///
    /// A byte is flagged when it is below `0` or above `9`; borrows and carries only travel
    /// towards later bytes, so the first flagged byte is the first that is not a digit.
    @inlinable @inline(__always)
    static func leadingDigitCount(_ word: UInt64) -> Int {
        let flags = ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
        return flags.trailingZeroBitCount >> 3
    }

    /// The value of the first `n` (0...8) digits of `word`.
    @inlinable @inline(__always)
    static func leadingDigits(_ word: UInt64, count n: Int) -> UInt64 {
        // Move the digits to the end of the word and fill the front with '0's.
        let shift = UInt64(8 * (8 - n))
        let aligned = (word << shift) | (0x3030_3030_3030_3030 >> UInt64(8 * n))
        return UInt64(eightDigits(aligned))
    }

    /// Reads the run of digits at `i` a word at a time into `mantissa` (wrapping past 19 digits:
    /// callers check `digits`), moving `i` past it; false when the run comes within 8 bytes of
    /// `count`.
    @inlinable @inline(__always)
    static func appendDigits(_ p: UnsafePointer<UInt8>, count: Int, at i: inout Int, to mantissa: inout UInt64, digits: inout Int) -> Bool {
        while true {
            guard i &+ 8 <= count else { return false }
            let word = loadEight(p + i)
            let n = leadingDigitCount(word)
            mantissa = mantissa &* smallPowerOfTen(n) &+ leadingDigits(word, count: n)
            digits &+= n
            i &+= n
            if n < 8 { return true }
        }
    }

    /// A ``Grammar/json`` literal of the form `-?digits(.digits)?` with at most 19 significant
    /// digits, not followed by `.`, `e` or `E`, read a word at a time; nil for anything else
    /// (and within 8 bytes of the end), which ``prefix(_:count:grammar:)`` then reads. Where it
    /// answers, it answers exactly as `prefix` does.
    @inlinable @inline(__always)
    public static func plainJSON(_ p: UnsafePointer<UInt8>, count: Int) -> Literal? {
        var i = 0
        let negative = count > 0 && p[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        // The integer part.
        guard appendDigits(p, count: count, at: &i, to: &mantissa, digits: &digits) else { return nil }
        guard digits > 0, digits <= 19 else { return nil }
        var exponent = 0
        var isInteger = true
        if p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            if mantissa == 0 {
                // "0.000123": zeros before the first significant digit only move the point.
                while i < count, p[i] == UInt8(ascii: "0") { i += 1 }
                digits = 0
            }
            guard appendDigits(p, count: count, at: &i, to: &mantissa, digits: &digits) else { return nil }
            guard i > fractionStart, digits <= 19 else { return nil }
            exponent = fractionStart - i
            isInteger = false
        }
        // The byte after is there: the last load reached past it.
        let next = p[i]
        guard next != UInt8(ascii: "."), next | 0x20 != UInt8(ascii: "e") else { return nil }
        var int64: Int64?
        if isInteger {
            if negative {
                if mantissa <= UInt64(Int64.max) + 1 { int64 = mantissa == UInt64(Int64.max) + 1 ? .min : -Int64(mantissa) }
            } else if mantissa <= UInt64(Int64.max) {
                int64 = Int64(mantissa)
            }
        }
        let value: Double
        if mantissa <= 1 << 53, exponent >= -22 {
            // Clinger: both operands exact, one rounding.
            var v = Double(mantissa)
            if exponent < 0 { v /= exactPowerOfTen(-exponent) }
            value = negative ? -v : v
        } else {
            value = slowValue(p, count: i, mantissa: mantissa, exponent: exponent, negative: negative, truncated: false)
        }
        return Literal(value: value, isInteger: isInteger, length: i, int64: int64)
    }
}
