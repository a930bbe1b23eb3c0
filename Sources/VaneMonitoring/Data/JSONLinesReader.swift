import Foundation
import VaneText

/// Reads JSON lines (one flat JSON object per line) into a ``DataTable``.
///
/// Values may be numbers, strings, booleans or `null`; nested arrays/objects are rejected.
/// A key absent from a line is a missing value there. Columns are ordered by first appearance.
/// A column whose values are all numbers (or numeric strings, or null) is numeric; otherwise its
/// values are kept as strings (`true`/`false` become `True`/`False`, as pandas prints booleans).
public enum JSONLinesReader {
    /// Reads the file at `path`.
    public static func read(path: String, schema: TableSchemaHint = .init()) throws(DataReadError) -> DataTable {
        let bytes = try CSVReader.readFile(path)
        return try parse(bytes, file: path, schema: schema)
    }

    /// Parses JSON-lines text held in memory.
    public static func parse(text: String, file: String = "<memory>", schema: TableSchemaHint = .init()) throws(DataReadError) -> DataTable {
        try parse(Array(text.utf8), file: file, schema: schema)
    }

    private enum Value {
        case number(ArraySlice<UInt8>)
        case string([UInt8])
        case bool(Bool)
        case null
    }

    /// One line's object over ``JSONLexer``, forgiving as data files need: raw control
    /// characters and bad UTF-8 pass, a lone `\\u` surrogate becomes U+FFFD; a value that is not a
    /// string, literal or container is taken as the bare word it is (a number, or text the
    /// column decides about).
    private struct LineParser {
        var lexer: JSONLexer

        init(bytes: [UInt8], start: Int, end: Int) {
            lexer = JSONLexer(bytes: bytes, start: start, end: end, stringRules: .lenient)
        }

        mutating func skipSpace() { lexer.skipSpace() }

        mutating func string() -> [UInt8]? {
            guard lexer.current == 0x22 else { return nil }
            return try? lexer.stringBytes()
        }

        mutating func value() -> Value? {
            guard let c = lexer.current else { return nil }
            if c == 0x22 { return string().map { .string($0) } }
            if match("true") { return .bool(true) }
            if match("false") { return .bool(false) }
            if match("null") { return .null }
            if match("NaN") { return .null }
            let word = lexer.bareWord()
            if word.isEmpty { return nil }
            let first = lexer.bytes[word.lowerBound]
            if first == 0x5B || first == 0x7B { return nil }
            return .number(lexer.bytes[word])
        }

        mutating func match(_ word: StaticString) -> Bool {
            (try? lexer.literal(word)) != nil
        }

        /// Parses `{ "k": v, ... }`; nil on malformed input.
        mutating func object() -> [(String, Value)]? {
            guard lexer.consume(0x7B) else { return nil }
            var out: [(String, Value)] = []
            if lexer.consume(0x7D) { return out }
            while true {
                skipSpace()
                guard let k = string() else { return nil }
                guard lexer.consume(0x3A) else { return nil }
                skipSpace()
                guard let v = value() else { return nil }
                out.append((String(decoding: k, as: UTF8.self), v))
                skipSpace()
                guard let next = lexer.current else { return nil }
                lexer.index += 1
                if next == 0x2C { continue }
                if next == 0x7D { break }
                return nil
            }
            return lexerAtEnd() ? out : nil
        }

        /// Whether only space is left on the line.
        mutating func lexerAtEnd() -> Bool {
            skipSpace()
            return lexer.isAtEnd
        }
    }

    static func parse(_ bytes: [UInt8], file: String, schema: TableSchemaHint) throws(DataReadError) -> DataTable {
        // split into lines
        var rows: [[(String, Value)]] = []
        var lineNumbers: [Int] = []
        var start = 0
        var line = 1
        while start < bytes.count {
            var e = start
            while e < bytes.count && bytes[e] != 0x0A { e += 1 }
            var p = LineParser(bytes: bytes, start: start, end: e)
            p.skipSpace()
            if !p.lexer.isAtEnd {
                guard let obj = p.object() else {
                    throw DataReadError(kind: .invalidJSON, file: file, line: line, detail: "not a flat JSON object")
                }
                rows.append(obj)
                lineNumbers.append(line)
            }
            start = e + 1
            line += 1
        }
        if rows.isEmpty { throw DataReadError(kind: .emptyFile, file: file, line: 1, detail: "file has no JSON objects") }
        var names: [String] = []
        var position: [String: Int] = [:]
        for r in rows { for (k, _) in r where position[k] == nil { position[k] = names.count; names.append(k) } }
        // pass 1: which automatic columns hold non-numeric values
        var textual = [Bool](repeating: false, count: names.count)
        for r in rows {
            for (k, v) in r {
                let c = position[k]!
                switch v {
                case .bool: textual[c] = true
                case .string(let s):
                    let ok: Bool = s.withUnsafeBufferPointer { sb in
                        guard let b = sb.baseAddress else { return true }
                        if case .invalid = FieldParser.parse(b, sb.count) { return false }
                        return true
                    }
                    if !ok { textual[c] = true }
                case .number, .null: break
                }
            }
        }
        var builders: [ColumnBuilder] = names.enumerated().map { c, name in
            var mode = schema.mode(for: name)
            if mode == .auto { mode = textual[c] ? .categorical : .numerical }
            return ColumnBuilder(name: name, mode: mode, capacity: rows.count)
        }
        var filled = [Bool](repeating: false, count: names.count)
        for (ri, r) in rows.enumerated() {
            for c in 0..<filled.count { filled[c] = false }
            for (k, v) in r {
                let c = position[k]!
                if filled[c] {
                    for b in builders { _ = b.finish() }
                    throw DataReadError(kind: .invalidJSON, file: file, line: lineNumbers[ri], column: k, detail: "key repeated in object")
                }
                filled[c] = true
                var bytes: [UInt8]
                switch v {
                case .null: builders[c].appendMissing(); continue
                case .bool(let t): bytes = Array((t ? "True" : "False").utf8)
                case .string(let s): bytes = s
                case .number(let s): bytes = Array(s)
                }
                let ok: Bool = bytes.withUnsafeBufferPointer { bb in
                    let p = bb.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    return builders[c].append(p, bb.count)
                }
                if !ok {
                    for b in builders { _ = b.finish() }
                    throw DataReadError(kind: .nonNumericValue, file: file, line: lineNumbers[ri], column: k,
                                        detail: "value '\(String(decoding: bytes, as: UTF8.self))' is not a number")
                }
            }
            for c in 0..<filled.count where !filled[c] { builders[c].appendMissing() }
        }
        return try ColumnBuilder.table(from: builders, file: file, kind: .invalidJSON)
    }
}
