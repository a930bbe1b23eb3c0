/// Reading the plain numbers of an array in one tight loop: the inference surfaces receive
/// tensors of hundreds of thousands of numbers, and a call per element (skip space, look at the
/// byte, read the number, build a ``JSONNumber``, look for the separator) cost them a sixth of
/// a 1,000-row request.
extension JSONLexer {
    /// Where ``numberRun(into:maxCount:)`` stopped.
    public enum NumberRunStop: Sendable, Equatable {
        /// At the array's `]`, which was consumed.
        case closed
        /// At an element that is not a plain number (or would pass `maxCount`), after any space:
        /// the caller reads it its own way.
        case element
        /// After an element, at a byte that is neither `,` nor `]` (or at the end): the caller
        /// reports it.
        case separator
    }

    /// Appends the array elements from ``index`` on (the start of an element: just after `[` or
    /// `,`) while they are plain JSON numbers, exactly as ``number()`` reads them, and stops at the
    /// first thing it does not read itself, leaving ``index`` there. Never throws: a malformed
    /// number stops the run at its first byte, where the caller's own reading finds the error.
    @inlinable
    public mutating func numberRun(into values: inout [Double], maxCount: Int) -> NumberRunStop {
        let end = self.end
        return bytes.withUnsafeBufferPointer { buffer -> NumberRunStop in
            let p = buffer.baseAddress!
            var i = index
            while true {
                while i < end, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
                guard i < end, p[i] == UInt8(ascii: "-") || p[i] &- 0x30 < 10, values.count < maxCount,
                      let literal = DecimalParser.plainJSON(p + i, count: end - i)
                        ?? DecimalParser.prefix(p + i, count: end - i, grammar: .json)
                else { index = i; return .element }
                let next = i + literal.length
                // "1." / "1e": not JSON; number() reports them.
                if next < end, p[next] == UInt8(ascii: ".") || p[next] | 0x20 == UInt8(ascii: "e") {
                    index = i
                    return .element
                }
                values.append(literal.value)
                i = next
                while i < end, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
                guard i < end else { index = i; return .separator }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "]") { index = i + 1; return .closed }
                index = i
                return .separator
            }
        }
    }
}
