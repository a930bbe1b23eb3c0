import Foundation

/// Why a table could not be read; names the file and, where known, the line and column.
public struct DataReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened or read.
        case io
        /// The file has no header (or no content at all).
        case emptyFile
        /// A row has a different number of fields than the header.
        case raggedRow
        /// A column declared numerical holds a value that is not a number.
        case nonNumericValue
        /// A column required by the caller is absent.
        case missingColumn
        /// The header names a column twice.
        case duplicateColumn
        /// A quoted field is not closed before the end of the file.
        case unterminatedQuote
        /// A JSON line is not a flat object of strings, numbers, booleans and nulls.
        case invalidJSON
    }

    /// The kind of problem.
    public var kind: Kind
    /// The file (path or name given by the caller).
    public var file: String
    /// 1-based line number in the file, when the problem is on a line.
    public var line: Int?
    /// Column name, when the problem concerns one column.
    public var column: String?
    /// Human-readable detail.
    public var detail: String

    /// Creates an error.
    public init(kind: Kind, file: String, line: Int? = nil, column: String? = nil, detail: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.detail = detail
    }

    /// One line: `file:line: column 'c': detail`.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let column { s += "column '\(column)': " }
        return s + detail
    }
}
