#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal text to `Double`, correctly rounded (round to nearest, ties to even), from bytes.
///
/// Three tiers: Clinger's fast path (a mantissa of at most 2^53 times an exact power of ten up to
/// 10^22 is one correctly rounded IEEE operation), then the Eisel–Lemire algorithm (a 64×128-bit
/// product with a table of powers of five, as in Lemire's fast_float, which decides all but a
/// vanishing fraction of inputs), then `strtod` for what neither can decide: more than 19
/// significant digits whose truncation straddles a rounding boundary, or a product too close to a
/// halfway point.
///
/// The table in `DecimalParser+Powers.swift` was generated with fast_float's script:
/// for q < 0, `2^b // 5^-q + 1` (b = z + 127 for q ≥ -27, else 2z + 128, truncated to 128 bits,
/// z the bit length of 5^-q); for q ≥ 0, 5^q shifted so its top bit is bit 127, truncated.
public enum DecimalParser {
    /// The two grammars a literal may follow.
    public enum Grammar: Sendable {
        /// RFC 8259: `-? digits (. digits)? ([eE] [+-]? digits)?` (leading zeros are tolerated).
        case json
        /// What a CSV field or a command-line number may hold: `[+-]? (digits (. digits*)? | . digits)
        /// ([eE] [+-]? digits)?`, as `strtod` reads a decimal.
        case field
    }

    /// A decimal literal read from text.
    public struct Literal: Sendable, Equatable {
        /// The value, correctly rounded.
        public var value: Double
        /// Whether the text had neither a fraction nor an exponent.
        public var isInteger: Bool
        /// How many bytes the literal took.
        public var length: Int
        /// The value as an exact `Int64`, when the text is an integer that fits one; nil otherwise.
        public var int64: Int64?

        /// A literal.
        @inlinable
        public init(value: Double, isInteger: Bool, length: Int, int64: Int64?) {
            self.value = value
            self.isInteger = isInteger
            self.length = length
            self.int64 = int64
        }
    }

    /// Smallest and largest decimal exponents with a row in the power table.
    @usableFromInline static let smallestPowerOfFive = -342
    @usableFromInline static let largestPowerOfFive = 308

    /// The exact power of ten 10^`e`, for `e` in 0...22 (a switch: constants, no table to load).
    @inlinable
    static func exactPowerOfTen(_ e: Int) -> Double {
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

    /// The eight bytes at `p` as a little-endian word (any alignment).
    @inlinable @inline(__always)
    static func loadEight(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// Whether all eight bytes of `word` are ASCII digits.
    @inlinable @inline(__always)
    static func isEightDigits(_ word: UInt64) -> Bool {
        ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0
    }

    /// The value of eight ASCII digits (the first byte the most significant), by pairs, then
    /// fours, then the whole, in three multiplications.
    @inlinable @inline(__always)
    static func eightDigits(_ word: UInt64) -> UInt32 {
        var v = word &- 0x3030_3030_3030_3030
        v = (v &* 10) &+ (v >> 8)
        v = (((v & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064) &+ (((v >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001)) >> 32
        return UInt32(truncatingIfNeeded: v)
    }

    /// Reads the longest literal of `grammar` at the start of `count` bytes at `p`; nil when
    /// they do not start with one. A literal needs a digit; for ``Grammar/json`` a `.` and an
    /// exponent marker must each be followed by a digit.
    ///
    /// Always inlined: it runs once per number in every reader, and a call (with its `Literal`
    /// result in memory) cost `vane drift` about a tenth of its time on a million-row file.
    @inlinable @inline(__always)
    public static func prefix(_ p: UnsafePointer<UInt8>, count: Int, grammar: Grammar) -> Literal? {
        var i = 0
        var negative = false
        if i < count {
            if p[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            else if p[i] == UInt8(ascii: "+"), grammar == .field { i += 1 }
        }
        // Up to 19 significant digits go into `mantissa`; value = mantissa × 10^exponent (exactly,
        // unless `truncated`: then a non-zero digit was dropped and the value lies just above).
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var truncated = false
        var digits = 0
        while i < count {
            // Eight digits at a time once a significant digit is in and eight more fit.
            if mantissa != 0, significant <= 11, i + 8 <= count {
                let word = loadEight(p + i)
                if isEightDigits(word) {
                    mantissa = mantissa &* 100_000_000 &+ UInt64(eightDigits(word))
                    significant += 8
                    digits += 8
                    i += 8
                    continue
                }
            }
            let d = p[i] &- 0x30
            guard d < 10 else { break }
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if d != 0 { truncated = true }
            }
            digits += 1
            i += 1
        }
        var isInteger = true
        if i < count, p[i] == UInt8(ascii: ".") {
            let afterPoint = i + 1
            var j = afterPoint
            var fraction = 0
            while j < count {
                if mantissa != 0, significant <= 11, j + 8 <= count {
                    let word = loadEight(p + j)
                    if isEightDigits(word) {
                        mantissa = mantissa &* 100_000_000 &+ UInt64(eightDigits(word))
                        significant += 8
                        exponent -= 8
                        fraction += 8
                        j += 8
                        continue
                    }
                }
                let d = p[j] &- 0x30
                guard d < 10 else { break }
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    truncated = true
                }
                fraction += 1
                j += 1
            }
            switch grammar {
            case .json:
                // "1." is not JSON: the literal ends before the point, which the caller then sees.
                if digits > 0, fraction > 0 { i = j; isInteger = false; digits += fraction }
            case .field:
                if digits + fraction > 0 { i = j; isInteger = false; digits += fraction }
            }
        }
        guard digits > 0 else { return nil }
        if i < count, p[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            var exponentNegative = false
            if j < count, p[j] == UInt8(ascii: "-") || p[j] == UInt8(ascii: "+") {
                exponentNegative = p[j] == UInt8(ascii: "-")
                j += 1
            }
            let exponentStart = j
            var value = 0
            while j < count {
                let d = p[j] &- 0x30
                guard d < 10 else { break }
                if value < 1_000_000 { value = value * 10 + Int(d) }
                j += 1
            }
            if j > exponentStart {
                i = j
                isInteger = false
                exponent += exponentNegative ? -value : value
            }
        }
        var int64: Int64?
        if isInteger, !truncated, exponent == 0 {
            if negative {
                if mantissa <= UInt64(Int64.max) + 1 { int64 = mantissa == UInt64(Int64.max) + 1 ? .min : -Int64(mantissa) }
            } else if mantissa <= UInt64(Int64.max) {
                int64 = Int64(mantissa)
            }
        }
        let value: Double
        if !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            // Clinger: both operands exact, one rounding.
            var v = Double(mantissa)
            if exponent < 0 { v /= exactPowerOfTen(-exponent) } else if exponent > 0 { v *= exactPowerOfTen(exponent) }
            value = negative ? -v : v
        } else {
            value = slowValue(p, count: i, mantissa: mantissa, exponent: exponent, negative: negative, truncated: truncated)
        }
        return Literal(value: value, isInteger: isInteger, length: i, int64: int64)
    }

    /// The whole of `count` bytes at `p` as a ``Grammar/field`` literal, with whether it was
    /// written as an integer; nil when any byte is not part of it.
    ///
    /// What a numeric column of a CSV file holds nearly always (a sign, at most 19 digits around
    /// an optional point, no exponent, an exact Clinger case) is read in one tight loop that keeps
    /// no other count; everything else goes to ``prefix(_:count:grammar:)``. Always inlined: it runs
    /// once per field of a data file.
    @inlinable @inline(__always)
    public static func wholeField(_ p: UnsafePointer<UInt8>, count: Int) -> (value: Double, isInteger: Bool)? {
        var i = 0
        var negative = false
        if count > 0 {
            if p[0] == UInt8(ascii: "-") { negative = true; i = 1 }
            else if p[0] == UInt8(ascii: "+") { i = 1 }
        }
        let start = i
        var mantissa: UInt64 = 0
        while i < count {
            let d = p[i] &- 0x30
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let integerDigits = i - start
        var fractionDigits = 0
        var isInteger = true
        if i < count, p[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fractionStart = i
            while i < count {
                let d = p[i] &- 0x30
                guard d < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            fractionDigits = i - fractionStart
        }
        let digits = integerDigits + fractionDigits
        // At most 19 digits cannot wrap a UInt64; a mantissa up to 2^53 and 10^≤22 are exact.
        if i == count, digits > 0, digits <= 19, mantissa <= 1 << 53, fractionDigits <= 22 {
            var v = Double(mantissa)
            if fractionDigits > 0 { v /= exactPowerOfTen(fractionDigits) }
            return (negative ? -v : v, isInteger)
        }
        return wholeFieldInGeneral(p, count: count)
    }

    /// ``wholeField(_:count:)`` for the literals its loop does not settle.
    @usableFromInline @inline(never)
    static func wholeFieldInGeneral(_ p: UnsafePointer<UInt8>, count: Int) -> (value: Double, isInteger: Bool)? {
        guard let literal = prefix(p, count: count, grammar: .field), literal.length == count else { return nil }
        return (literal.value, literal.isInteger)
    }

    /// The whole of `count` bytes at `p` as a decimal literal of `grammar`; nil when any byte is
    /// not part of it (surrounding spaces included).
    @inlinable
    public static func parse(_ p: UnsafePointer<UInt8>, count: Int, grammar: Grammar = .field) -> Double? {
        guard let literal = prefix(p, count: count, grammar: grammar), literal.length == count else { return nil }
        return literal.value
    }

    /// Like ``parse(_:count:grammar:)`` over ``Grammar/field``, and also the names `strtod`
    /// gives a meaning to: `inf`, `infinity` and `nan` in any case, optionally signed.
    @inlinable
    public static func parseAllowingSpecials(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        if let v = parse(p, count: count, grammar: .field) { return v }
        return special(p, count: count)
    }

    /// `[+-]?(inf|infinity|nan)`, any case; nil otherwise.
    public static func special(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        var i = 0
        var negative = false
        if count > 0, p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") { negative = p[0] == UInt8(ascii: "-"); i = 1 }
        func matches(_ word: StaticString) -> Bool {
            guard count - i == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for k in 0..<(count - i) where p[i + k] | 0x20 != w[k] { return false }
            return true
        }
        if matches("inf") || matches("infinity") { return negative ? -.infinity : .infinity }
        if matches("nan") { return .nan }
        return nil
    }

    /// Eisel–Lemire, then `strtod` on the literal's `count` bytes when it cannot decide.
    @usableFromInline
    static func slowValue(_ p: UnsafePointer<UInt8>, count: Int, mantissa: UInt64, exponent: Int, negative: Bool, truncated: Bool) -> Double {
        if let v = eiselLemire(mantissa: mantissa, exponent: exponent, negative: negative) {
            guard truncated else { return v }
            // The true value lies in (w, w + 1) × 10^q: both ends rounding alike decides it.
            if mantissa < UInt64.max, let upper = eiselLemire(mantissa: mantissa + 1, exponent: exponent, negative: negative),
               upper.bitPattern == v.bitPattern {
                return v
            }
        }
        return strtodValue(p, count: count)
    }

    /// The correctly rounded `w × 10^q` (negated when `negative`), or nil in the rare cases the
    /// 128-bit product cannot settle. `w` holds at most 19 decimal digits.
    public static func eiselLemire(mantissa w0: UInt64, exponent q: Int, negative: Bool) -> Double? {
        let signBit: UInt64 = negative ? 1 << 63 : 0
        if w0 == 0 || q < smallestPowerOfFive { return Double(bitPattern: signBit) }
        if q > largestPowerOfFive { return Double(bitPattern: signBit | 0x7FF0_0000_0000_0000) }
        let lz = w0.leadingZeroBitCount
        let w = w0 << UInt64(lz)
        let index = 2 * (q - smallestPowerOfFive)
        // The product's top 55 bits (52 + 3) are exact unless its lower bits are all ones, in
        // which case the second word of the power refines it.
        var (high, low) = w.multipliedFullWidth(by: powersOfFive[index])
        let precisionMask: UInt64 = UInt64.max >> 55
        if high & precisionMask == precisionMask {
            let (secondHigh, _) = w.multipliedFullWidth(by: powersOfFive[index + 1])
            let (sum, carry) = low.addingReportingOverflow(secondHigh)
            low = sum
            if carry { high &+= 1 }
        }
        if low == UInt64.max, !(q >= -27 && q <= 55) { return nil }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - 52 - 3)
        var m = high >> shift
        // power(q) = floor(q × log2(10)) + 63, in fixed point.
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - lz - (-1023)
        if power2 <= 0 {
            // Subnormal (or rounds up into the smallest normal).
            if -power2 + 1 >= 64 { return Double(bitPattern: signBit) }
            m >>= UInt64(-power2 + 1)
            m += m & 1
            m >>= 1
            power2 = m < (1 << 52) ? 0 : 1
            return Double(bitPattern: signBit | (UInt64(power2) << 52) | (m & ((1 << 52) - 1)))
        }
        // Exactly halfway between two doubles: round to even (only possible for small |q|).
        if low <= 1, q >= -4, q <= 23, m & 3 == 1, (m << shift) == high {
            m &= ~UInt64(1)
        }
        m += m & 1
        m >>= 1
        if m >= (2 << 52) {
            m = 1 << 52
            power2 += 1
        }
        m &= ~(UInt64(1) << 52)
        if power2 >= 0x7FF { return Double(bitPattern: signBit | 0x7FF0_0000_0000_0000) }
        return Double(bitPattern: signBit | (UInt64(power2) << 52) | m)
    }

    /// `strtod` over exactly `count` bytes (they hold a decimal literal, so it reads them all).
    @usableFromInline
    static func strtodValue(_ p: UnsafePointer<UInt8>, count: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buf in
            for i in 0..<count { buf[i] = CChar(bitPattern: p[i]) }
            buf[count] = 0
            return strtod(buf.baseAddress!, nil)
        }
    }
}

extension DecimalParser {
    /// ``parse(_:count:grammar:)`` over a buffer.
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, grammar: Grammar = .field) -> Double? {
        guard let base = bytes.baseAddress else { return nil }
        return parse(base, count: bytes.count, grammar: grammar)
    }

    /// ``parse(_:count:grammar:)`` over a string's UTF-8.
    public static func parse(_ text: some StringProtocol, grammar: Grammar = .field) -> Double? {
        var copy = String(text)
        return copy.withUTF8 { parse($0, grammar: grammar) }
    }
}
