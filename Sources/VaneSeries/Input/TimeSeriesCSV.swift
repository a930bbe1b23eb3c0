import Foundation
import VaneText

/// Why a time-series file could not be read: the file, the line (1-based) and what was wrong.
public struct TimeSeriesReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name used in messages.
    public var file: String
    /// 1-based line number, when the problem is on a line.
    public var line: Int?
    /// What was wrong.
    public var detail: String

    /// Creates an error.
    public init(file: String, line: Int?, detail: String) {
        self.file = file
        self.line = line
        self.detail = detail
    }

    /// `file:line: detail`.
    public var description: String { line.map { "\(file):\($0): \(detail)" } ?? "\(file): \(detail)" }
}

/// A `timestamp,value` series read from CSV, with each row's original text kept as byte ranges
/// into ``bytes`` so that it can be written back exactly as it was read.
public struct TimeSeriesTable: Sendable {
    /// The file's bytes.
    public var bytes: [UInt8]
    /// Epoch seconds per row, in file order.
    public var timestamps: [Double]
    /// Value per row: NaN for a missing value (empty, `NaN`, `NA`, `null`), ±inf as written.
    public var values: [Double]
    /// Byte range of each row's timestamp field in ``bytes``.
    public var timestampFields: [Range<Int>]
    /// Byte range of each row's value field in ``bytes``.
    public var valueFields: [Range<Int>]
    /// Header names of the timestamp and value columns, as written.
    public var header: (timestamp: String, value: String)

    /// Number of rows.
    public var count: Int { timestamps.count }
}

/// Reads CSV with a header row holding a `timestamp` and a `value` column (by those names, any
/// case; otherwise the first two columns). Fields may be quoted. Lines end in `\n` or `\r\n`;
/// blank lines are skipped. An unparsable timestamp or value is an error naming its line.
public enum TimeSeriesCSV {
    static let missingTokens: Set<String> = ["", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "null", "NULL", "None", "-nan", "-NaN"]

    /// Parses the bytes of a file; `file` names it in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(TimeSeriesReadError) -> TimeSeriesTable {
        var table = TimeSeriesTable(bytes: bytes, timestamps: [], values: [], timestampFields: [], valueFields: [], header: ("", ""))
        var fields: [Range<Int>] = []
        var pos = 0, line = 0
        var tsColumn = 0, valueColumn = 1, columns = 0
        var sawHeader = false
        let n = bytes.count
        try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(TimeSeriesReadError) in
            let base = b.baseAddress!
            while pos < n {
                line += 1
                var end = pos
                while end < n && base[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > pos && base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                defer { pos = end + 1 }
                if lineEnd == pos { continue }   // blank line
                split(base, pos, lineEnd, into: &fields)
                if !sawHeader {
                    sawHeader = true
                    columns = fields.count
                    let names = fields.map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self)
                        .trimmingCharacters(in: .whitespaces).lowercased() }
                    if let t = names.firstIndex(of: "timestamp"), let v = names.firstIndex(of: "value") {
                        tsColumn = t; valueColumn = v
                    } else if columns < 2 {
                        throw TimeSeriesReadError(file: file, line: line, detail: "the header needs a timestamp and a value column")
                    }
                    table.header = (String(decoding: UnsafeBufferPointer(rebasing: b[fields[tsColumn]]), as: UTF8.self),
                                    String(decoding: UnsafeBufferPointer(rebasing: b[fields[valueColumn]]), as: UTF8.self))
                    continue
                }
                guard fields.count == columns else {
                    throw TimeSeriesReadError(file: file, line: line, detail: "expected \(columns) fields, found \(fields.count)")
                }
                let tf = fields[tsColumn], vf = fields[valueColumn]
                guard let t = TimestampParser.parse(base + tf.lowerBound, tf.count) else {
                    throw TimeSeriesReadError(file: file, line: line, detail: "cannot read the timestamp '\(text(b, tf))' "
                        + "(expected YYYY-MM-DD HH:MM:SS, RFC 3339 or epoch seconds)")
                }
                guard let v = value(base + vf.lowerBound, vf.count) else {
                    throw TimeSeriesReadError(file: file, line: line, detail: "cannot read the value '\(text(b, vf))' as a number")
                }
                table.timestamps.append(t)
                table.values.append(v)
                table.timestampFields.append(tf)
                table.valueFields.append(vf)
            }
        }
        guard sawHeader else { throw TimeSeriesReadError(file: file, line: nil, detail: "file is empty (no header row)") }
        return table
    }

    private static func text(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        let s = String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
        return s.count > 40 ? String(s.prefix(40)) + "…" : s
    }

    /// Splits `[start, end)` at commas outside double quotes; a quoted field's range excludes its quotes.
    static func split(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var i = start
        while true {
            if i < end && p[i] == 0x22 {
                let open = i + 1
                var j = open
                while j < end && !(p[j] == 0x22 && (j + 1 == end || p[j + 1] == 0x2C)) { j += 1 }
                fields.append(open..<min(j, end))
                i = min(j + 1, end)
            } else {
                var j = i
                while j < end && p[j] != 0x2C { j += 1 }
                fields.append(i..<j)
                i = j
            }
            if i >= end { break }
            i += 1   // the comma
            if i == end { fields.append(end..<end); break }
        }
    }

    /// A number, NaN for a missing-value token, ±inf for `inf`/`-inf`/`Infinity`; nil otherwise.
    static func value(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var s = p, n = count
        while n > 0 && (s[0] == 0x20 || s[0] == 0x09) { s += 1; n -= 1 }
        while n > 0 && (s[n - 1] == 0x20 || s[n - 1] == 0x09) { n -= 1 }
        if n == 0 { return .nan }
        guard n < 64 else { return nil }
        if let v = DecimalParser.parseAllowingSpecials(s, count: n) { return v.isNaN ? .nan : v }
        let token = String(decoding: UnsafeBufferPointer(start: s, count: n), as: UTF8.self)
        return missingTokens.contains(token) ? .nan : nil
    }
}
