import Foundation

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

    private struct LineParser {
        let b: [UInt8]
        var i: Int
        let end: Int

        mutating func skipSpace() { while i < end && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D) { i += 1 } }

        mutating func string() -> [UInt8]? {
            guard i < end && b[i] == 0x22 else { return nil }
            i += 1
            var out: [UInt8] = []
            while i < end {
                let c = b[i]
                if c == 0x22 { i += 1; return out }
                if c == 0x5C {
                    i += 1
                    guard i < end else { return nil }
                    switch b[i] {
                    case 0x22: out.append(0x22)
                    case 0x5C: out.append(0x5C)
                    case 0x2F: out.append(0x2F)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x6E: out.append(0x0A)
                    case 0x72: out.append(0x0D)
                    case 0x74: out.append(0x09)
                    case 0x75:
                        guard var scalar = hex4(i + 1) else { return nil }
                        i += 4
                        if scalar >= 0xD800 && scalar < 0xDC00, i + 2 < end, b[i + 1] == 0x5C, b[i + 2] == 0x75,
                           let low = hex4(i + 3), low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                        let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: return nil
                    }
                    i += 1
                } else {
                    out.append(c)
                    i += 1
                }
            }
            return nil
        }

        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= end else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = b[at + k]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: return nil
                }
                v = v * 16 + d
            }
            return v
        }

        mutating func value() -> Value? {
            guard i < end else { return nil }
            let c = b[i]
            if c == 0x22 { return string().map { .string($0) } }
            if match("true") { return .bool(true) }
            if match("false") { return .bool(false) }
            if match("null") { return .null }
            if match("NaN") { return .null }
            let start = i
            while i < end, b[i] != 0x2C, b[i] != 0x7D, b[i] != 0x20, b[i] != 0x09, b[i] != 0x0D { i += 1 }
            if i == start { return nil }
            if b[start] == 0x5B || b[start] == 0x7B { return nil }
            return .number(b[start..<i])
        }

        mutating func match(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= end, Array(b[i..<(i + w.count)]) == w else { return false }
            i += w.count
            return true
        }

        /// Parses `{ "k": v, ... }`; nil on malformed input.
        mutating func object() -> [(String, Value)]? {
            skipSpace()
            guard i < end && b[i] == 0x7B else { return nil }
            i += 1
            var out: [(String, Value)] = []
            skipSpace()
            if i < end && b[i] == 0x7D { i += 1; return out }
            while true {
                skipSpace()
                guard let k = string() else { return nil }
                skipSpace()
                guard i < end && b[i] == 0x3A else { return nil }
                i += 1
                skipSpace()
                guard let v = value() else { return nil }
                out.append((String(decoding: k, as: UTF8.self), v))
                skipSpace()
                guard i < end else { return nil }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x7D { i += 1; break }
                return nil
            }
            skipSpace()
            return i == end ? out : nil
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
            var p = LineParser(b: bytes, i: start, end: e)
            p.skipSpace()
            if p.i < e {
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
