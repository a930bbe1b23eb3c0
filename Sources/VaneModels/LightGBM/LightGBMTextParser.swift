import Foundation
import VaneText

/// The raw sections of a LightGBM text model (`Booster.save_model`), before any validation:
/// the header's `key=value` lines and one field table per `Tree=i` block.
struct LightGBMTextDocument: Sendable {
    /// The model text's bytes; header and field values are ranges into it.
    let bytes: [UInt8]
    /// Header keys (a line without `=`, such as `average_output`, maps to an empty value).
    var header: [String: Range<Int>]
    /// The tree blocks, in file order.
    var trees: [LightGBMTreeFields]

    /// A header value as text, `nil` when the key is absent.
    func headerString(_ key: String) -> String? {
        header[key].map { LightGBMTextParser.string(bytes, $0) }
    }

    /// The whitespace-separated tokens of a header value, `nil` when the key is absent.
    func headerTokens(_ key: String) -> [String]? {
        header[key].map { range in LightGBMTextParser.tokens(bytes, range).map { LightGBMTextParser.string(bytes, $0) } }
    }
}

/// Splits a LightGBM text model into its header and tree blocks, working on the UTF-8 bytes.
///
/// Only the structure is checked here (first line `tree`, `Tree=i` numbered in order, well-formed
/// `key=value` lines, no duplicate keys, a closing `end of trees` line); the values are read and
/// validated by ``LightGBMTree`` and ``LightGBMModel``. Everything after `end of trees`
/// (feature importances, parameters) is ignored.
enum LightGBMTextParser {
    static func parse(_ bytes: [UInt8]) throws(ModelError) -> LightGBMTextDocument {
        let lines = lineRanges(bytes)
        var cursor = 0
        func nextNonEmpty() -> Range<Int>? {
            while cursor < lines.count {
                let line = lines[cursor]
                cursor += 1
                if !line.isEmpty { return line }
            }
            return nil
        }
        func isTreeStart(_ line: Range<Int>) -> Bool { bytes[line].starts(with: "Tree=".utf8) }
        func isEndOfTrees(_ line: Range<Int>) -> Bool { bytes[line].elementsEqual("end of trees".utf8) }

        guard let first = nextNonEmpty() else { throw .invalidModel("LightGBM: the model text is empty") }
        guard bytes[first].elementsEqual("tree".utf8) else {
            throw .invalidModel("LightGBM: not a LightGBM text model: the first line is '\(clip(bytes, first))', expected 'tree'")
        }

        var header: [String: Range<Int>] = [:]
        var pending: Range<Int>?
        while cursor < lines.count {
            let line = lines[cursor]
            cursor += 1
            if line.isEmpty { continue }
            if isTreeStart(line) || isEndOfTrees(line) { pending = line; break }
            let (key, value) = split(bytes, line)
            guard header.updateValue(value, forKey: key) == nil else {
                throw .invalidModel("LightGBM header: duplicate key '\(key)'")
            }
        }

        var trees: [LightGBMTreeFields] = []
        while true {
            guard let line = pending ?? nextNonEmpty() else {
                throw .invalidModel("LightGBM: truncated model: no 'end of trees' line after \(trees.count) tree(s)")
            }
            pending = nil
            if isEndOfTrees(line) { break }
            guard isTreeStart(line) else {
                throw .invalidModel("LightGBM: expected 'Tree=\(trees.count)' or 'end of trees', found '\(clip(bytes, line))'")
            }
            let number = (line.lowerBound + 5)..<line.upperBound
            guard let index = integer(bytes[number]), index == trees.count else {
                throw .invalidModel("LightGBM: tree blocks out of order: found '\(clip(bytes, line))', expected 'Tree=\(trees.count)'")
            }
            var fields: [String: Range<Int>] = [:]
            while cursor < lines.count {
                let fieldLine = lines[cursor]
                cursor += 1
                if fieldLine.isEmpty { break }
                if isTreeStart(fieldLine) || isEndOfTrees(fieldLine) { pending = fieldLine; break }
                guard bytes[fieldLine].contains(UInt8(ascii: "=")) else {
                    throw .invalidModel("LightGBM tree \(index): malformed line '\(clip(bytes, fieldLine))' (expected key=value)")
                }
                let (key, value) = split(bytes, fieldLine)
                guard fields.updateValue(value, forKey: key) == nil else {
                    throw .invalidModel("LightGBM tree \(index): duplicate key '\(key)'")
                }
            }
            trees.append(LightGBMTreeFields(tree: index, bytes: bytes, fields: fields))
        }
        return LightGBMTextDocument(bytes: bytes, header: header, trees: trees)
    }

    /// The lines of `bytes` without their terminators (`\n`, `\r\n` or `\r`).
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { buffer in
            var lines: [Range<Int>] = []
            var start = 0
            var index = 0
            while index < buffer.count {
                let byte = buffer[index]
                if byte == 0x0A || byte == 0x0D {
                    lines.append(start..<index)
                    if byte == 0x0D, index + 1 < buffer.count, buffer[index + 1] == 0x0A { index += 1 }
                    start = index + 1
                }
                index += 1
            }
            if start < buffer.count { lines.append(start..<buffer.count) }
            return lines
        }
    }

    /// `key=value` split at the first `=`; a line without `=` is a key with an empty value.
    private static func split(_ bytes: [UInt8], _ line: Range<Int>) -> (String, Range<Int>) {
        guard let equals = bytes[line].firstIndex(of: UInt8(ascii: "=")) else {
            return (string(bytes, line), line.upperBound..<line.upperBound)
        }
        return (string(bytes, line.lowerBound..<equals), (equals + 1)..<line.upperBound)
    }

    /// The whitespace-separated tokens of `range` (runs of spaces or tabs count as one separator).
    static func tokens(_ bytes: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { buffer in
            var result: [Range<Int>] = []
            var index = range.lowerBound
            while index < range.upperBound {
                while index < range.upperBound, buffer[index] == 0x20 || buffer[index] == 0x09 { index += 1 }
                guard index < range.upperBound else { break }
                let start = index
                while index < range.upperBound, buffer[index] != 0x20, buffer[index] != 0x09 { index += 1 }
                result.append(start..<index)
            }
            return result
        }
    }

    static func string(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// A value shortened for error messages.
    static func clip(_ bytes: [UInt8], _ range: Range<Int>, limit: Int = 60) -> String {
        clip(string(bytes, range.lowerBound..<min(range.upperBound, range.lowerBound + limit * 4)), limit: limit)
    }

    static func clip(_ text: String, limit: Int = 60) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// A decimal integer (optional sign, digits only), `nil` on anything else or on `Int` overflow.
    static func integer(_ digits: ArraySlice<UInt8>) -> Int? {
        var index = digits.startIndex
        var negative = false
        if index < digits.endIndex, digits[index] == 0x2D || digits[index] == 0x2B {
            negative = digits[index] == 0x2D
            index += 1
        }
        guard index < digits.endIndex else { return nil }
        var value = 0
        while index < digits.endIndex {
            let digit = Int(digits[index]) - 0x30
            guard digit >= 0, digit <= 9 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        return value
    }

    /// A decimal floating-point number, correctly rounded (``DecimalParser``; `nan`, `inf` accepted).
    static func double(_ token: ArraySlice<UInt8>) -> Double? {
        token.withUnsafeBufferPointer { b in
            b.baseAddress.flatMap { DecimalParser.parseAllowingSpecials($0, count: b.count) }
        }
    }
}

/// The `key=value` fields of one `Tree=i` block, with typed, count-checked readers whose errors
/// name the tree and the key.
struct LightGBMTreeFields: Sendable {
    let tree: Int
    let bytes: [UInt8]
    let fields: [String: Range<Int>]

    func has(_ key: String) -> Bool { fields[key] != nil }

    private func value(_ key: String) throws(ModelError) -> Range<Int> {
        guard let value = fields[key] else { throw .invalidModel("LightGBM tree \(tree): missing key '\(key)'") }
        return value
    }

    /// A required integer scalar.
    func int(_ key: String) throws(ModelError) -> Int {
        let range = try value(key)
        let tokens = LightGBMTextParser.tokens(bytes, range)
        guard tokens.count == 1, let number = LightGBMTextParser.integer(bytes[tokens[0]]) else {
            throw .invalidModel("LightGBM tree \(tree): '\(key)' value '\(LightGBMTextParser.clip(bytes, range))' is not an integer")
        }
        return number
    }

    /// Exactly `count` doubles.
    func doubles(_ key: String, count: Int) throws(ModelError) -> [Double] {
        try array(key, count: count, LightGBMTextParser.double)
    }

    /// Exactly `count` 32-bit signed integers.
    func int32s(_ key: String, count: Int) throws(ModelError) -> [Int32] {
        try array(key, count: count) { LightGBMTextParser.integer($0).flatMap(Int32.init(exactly:)) }
    }

    /// Exactly `count` 32-bit unsigned integers.
    func uint32s(_ key: String, count: Int) throws(ModelError) -> [UInt32] {
        try array(key, count: count) { LightGBMTextParser.integer($0).flatMap(UInt32.init(exactly:)) }
    }

    private func array<T>(_ key: String, count: Int, _ parse: (ArraySlice<UInt8>) -> T?) throws(ModelError) -> [T] {
        let tokens = LightGBMTextParser.tokens(bytes, try value(key))
        guard tokens.count == count else {
            throw .invalidModel("LightGBM tree \(tree): '\(key)' has \(tokens.count) values, expected \(count)")
        }
        var result: [T] = []
        result.reserveCapacity(count)
        for (position, token) in tokens.enumerated() {
            guard let number = parse(bytes[token]) else {
                throw .invalidModel("LightGBM tree \(tree): '\(key)' value \(position) '\(LightGBMTextParser.clip(bytes, token))' is not a valid number")
            }
            result.append(number)
        }
        return result
    }
}
