import Foundation
import VaneText

/// Streams rows from a CSV file (header of feature names, empty field = missing) or a JSON
/// lines file (`{feature: value}` per line), in batches ordered as the model's features.
///
/// Columns are matched to the model's features by name when the model records names and
/// every one of them is present; otherwise by position, which needs exactly as many columns
/// as the model has features. Values may be numbers, empty or `null` (missing), or the tokens
/// `NaN`, `Infinity` and `-Infinity`.
public final class RowReader {
    /// The input's layout.
    public enum Format: String, Sendable { case csv, jsonLines }

    private let lines: LineReader
    private let format: Format
    private let featureCount: Int
    private let featureNames: [String]?
    /// For each input column, the model feature it feeds (nil = ignored).
    private var columnTarget: [Int?] = []
    private var jsonNames: [String: Int] = [:]
    private var header: [String]?

    /// Bytes of input consumed so far.
    public var bytesRead: Int { lines.bytesRead }

    /// Opens `path` (`-` = standard input); the format comes from `format` or the extension
    /// (`.jsonl`, `.ndjson`, `.json` → JSON lines, anything else CSV).
    public init(path: String, format: Format? = nil, featureCount: Int, featureNames: [String]?) throws(ModelError) {
        lines = try LineReader(path: path)
        let lower = path.lowercased()
        self.format = format ?? ([".jsonl", ".ndjson", ".json"].contains { lower.hasSuffix($0) } ? .jsonLines : .csv)
        self.featureCount = featureCount
        self.featureNames = featureNames
        if self.format == .csv {
            guard let names = try lines.nextLine({ line throws(ModelError) in try Self.csvFields(line, lineNumber: 1) }) else {
                throw ModelError.badInput("the CSV input is empty: it needs a header of feature names")
            }
            try setColumns(names)
        }
    }

    /// The next batch of at most `maxRows` rows, or nil at the end of the input.
    public func nextBatch(maxRows: Int) throws(ModelError) -> FeatureBatch? {
        var values: [Double] = []
        values.reserveCapacity(maxRows * featureCount)
        var rows = 0
        while rows < maxRows {
            let got: Bool? = try lines.nextLine { line throws(ModelError) -> Bool in
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return false }
                switch format {
                case .csv: try appendCSVRow(line, to: &values)
                case .jsonLines: try appendJSONRow(line, to: &values)
                }
                return true
            }
            guard let got else { break }
            if got { rows += 1 }
        }
        return rows == 0 ? nil : FeatureBatch(rowCount: rows, featureCount: featureCount, values: values)
    }

    private func setColumns(_ names: [String]) throws(ModelError) {
        header = names
        if let featureNames, Set(featureNames).isSubset(of: names) {
            var position: [String: Int] = [:]
            for (i, name) in featureNames.enumerated() { position[name] = i }
            var seen = Set<String>()
            columnTarget = names.map { name in seen.insert(name).inserted ? position[name] : nil }
            return
        }
        guard names.count == featureCount else {
            let missing = featureNames.map { Set($0).subtracting(names).sorted().prefix(5).joined(separator: ", ") } ?? ""
            throw ModelError.badInput("the input has \(names.count) columns; the model takes \(featureCount) features"
                + (missing.isEmpty ? "" : " (missing: \(missing))"))
        }
        columnTarget = Array(0..<featureCount)
    }

    private func appendCSVRow(_ line: UnsafeBufferPointer<UInt8>, to values: inout [Double]) throws(ModelError) {
        let base = values.count
        values.append(contentsOf: repeatElement(.nan, count: featureCount))
        var column = 0
        let lineNumber = lines.lineNumber
        try Self.forEachCSVField(line, lineNumber: lineNumber) { field throws(ModelError) in
            guard column < columnTarget.count else {
                throw ModelError.badInput("line \(lineNumber) has more fields than the header's \(columnTarget.count)")
            }
            if let target = columnTarget[column] {
                values[base + target] = try Self.number(field, lineNumber: lineNumber, column: self.header?[column] ?? "\(column)")
            }
            column += 1
        }
        guard column == columnTarget.count else {
            throw ModelError.badInput("line \(lineNumber) has \(column) fields; the header has \(columnTarget.count)")
        }
    }

    private func appendJSONRow(_ line: UnsafeBufferPointer<UInt8>, to values: inout [Double]) throws(ModelError) {
        let lineNumber = lines.lineNumber
        let fields = try FlatJSONObject.parse(line, lineNumber: lineNumber)
        if header == nil {
            // The first object's keys play the CSV header's part.
            try setColumns(fields.map(\.key))
            for (i, target) in columnTarget.enumerated() { if let target { jsonNames[fields[i].key] = target } }
        }
        let base = values.count
        values.append(contentsOf: repeatElement(.nan, count: featureCount))
        for field in fields {
            guard let target = jsonNames[field.key] else {
                if featureNames == nil {
                    throw ModelError.badInput("line \(lineNumber): key '\(field.key)' is not among the first line's keys")
                }
                continue
            }
            guard let value = field.value else {
                throw ModelError.badInput("line \(lineNumber), key '\(field.key)': '\((field.text ?? "").prefix(40))' is not a number")
            }
            values[base + target] = value
        }
    }

    // MARK: Fields

    static func csvFields(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws(ModelError) -> [String] {
        var fields: [String] = []
        try forEachCSVField(line, lineNumber: lineNumber) { field throws(ModelError) in
            fields.append(String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces))
        }
        return fields
    }

    /// Calls `body` with each field of a CSV line, unquoted (`""` inside quotes is one quote);
    /// after a closing quote only spaces may come before the comma.
    static func forEachCSVField(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int,
                                _ body: (UnsafeBufferPointer<UInt8>) throws(ModelError) -> Void) throws(ModelError) {
        var lexer = CSVLexer(bytes: line, lineBreaksEndRecords: false, afterClosingQuote: .spacesOnly)
        while true {
            let field: CSVLexer.Field
            do {
                field = try lexer.nextField()
            } catch {
                switch error.reason {
                case .unterminatedQuote: throw ModelError.badInput("line \(lineNumber): unterminated quoted field")
                case .textAfterClosingQuote: throw ModelError.badInput("line \(lineNumber): text after a closing quote")
                }
            }
            if field.hasDoubledQuotes {
                try lexer.content(field).withUnsafeBufferPointer { content throws(ModelError) in try body(content) }
            } else {
                try body(UnsafeBufferPointer(rebasing: line[field.range]))
            }
            if field.terminator == .endOfRecord { return }
        }
    }

    /// A field as a number: empty, `null`, `NA` and `NaN` are missing.
    /// `column` names the column in the error message; it is only evaluated for a bad field.
    static func number(_ field: UnsafeBufferPointer<UInt8>, lineNumber: Int, column: @autoclosure () -> String) throws(ModelError) -> Double {
        var lo = 0, hi = field.count
        while lo < hi, field[lo] == 0x20 || field[lo] == 0x09 { lo += 1 }
        while hi > lo, field[hi - 1] == 0x20 || field[hi - 1] == 0x09 { hi -= 1 }
        if lo == hi { return .nan }
        let trimmed = UnsafeBufferPointer(rebasing: field[lo..<hi])
        if let value = parseDouble(trimmed) { return value }
        let text = String(decoding: trimmed, as: UTF8.self)
        switch text.lowercased() {
        case "nan", "null", "na", "none": return .nan
        case "inf", "infinity", "+inf", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default:
            throw ModelError.badInput("line \(lineNumber), column '\(column())': '\(text.prefix(40))' is not a number")
        }
    }

    /// The whole field as a decimal number (or `inf`, `infinity`, `nan` in any case, as `strtod`
    /// reads them); nil if any byte is left over, or the field is 64 bytes or longer.
    static func parseDouble(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        guard field.count < 64, let base = field.baseAddress else { return nil }
        return DecimalParser.parseAllowingSpecials(base, count: field.count)
    }
}
