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

/// Growable buffer of doubles without per-append uniqueness checks.
struct NumericBuffer {
    private(set) var pointer: UnsafeMutablePointer<Double>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ v: Double) {
        if count == capacity { grow() }
        pointer[count] = v
        count += 1
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let p = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        p.update(from: pointer, count: count)
        pointer.deallocate()
        pointer = p
        capacity = newCapacity
    }

    func toArray() -> [Double] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Frees the storage; the buffer must not be used afterwards.
    func release() { pointer.deallocate() }
}

/// Accumulates one column while a file is parsed. Call ``finish()`` exactly once.
struct ColumnBuilder {
    enum Mode { case auto, numerical, categorical }
    let name: String
    let mode: Mode
    var isText: Bool
    var numbers: NumericBuffer
    var codes: [Int32] = []
    var levels: [String] = []
    var index: [String: Int32] = [:]
    var integerLiteralsOnly = true
    var booleanLiteralsOnly = true
    var sawMissing = false

    init(name: String, mode: Mode, capacity: Int) {
        self.name = name
        self.mode = mode
        self.isText = mode == .categorical
        numbers = NumericBuffer(capacity: isText ? 16 : capacity)
        if isText { codes.reserveCapacity(capacity) }
    }

    /// Adds a field's bytes. Returns false when the field is not a number and the column is
    /// not (yet) text: an error for a numerical column; an automatic column must then switch to
    /// text (``switchToText()``) and be re-fed its earlier rows with ``appendText(_:_:)``.
    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if isText { appendText(p, n); return true }
        switch FieldParser.parse(p, n) {
        case .number(let v, let isInteger):
            numbers.append(v)
            if !isInteger { integerLiteralsOnly = false }
            return true
        case .missing:
            numbers.append(.nan)
            sawMissing = true
            return true
        case .invalid:
            return false
        }
    }

    mutating func appendMissing() {
        sawMissing = true
        booleanLiteralsOnly = false
        if isText { codes.append(-1) } else { numbers.append(.nan) }
    }

    mutating func switchToText() {
        isText = true
        numbers.release()
        numbers = NumericBuffer(capacity: 16)
        codes = []
        integerLiteralsOnly = false
        booleanLiteralsOnly = true
        sawMissing = false
    }

    @inline(__always)
    mutating func appendText(_ p0: UnsafePointer<UInt8>, _ n0: Int) {
        if n0 == 0 || FieldParser.isMissingToken(p0, n0) {
            codes.append(-1)
            sawMissing = true
            booleanLiteralsOnly = false
            return
        }
        if !FieldParser.isBooleanLiteral(p0, n0) { booleanLiteralsOnly = false }
        let s = String(decoding: UnsafeBufferPointer(start: p0, count: n0), as: UTF8.self)
        if let c = index[s] { codes.append(c); return }
        let c = Int32(levels.count)
        index[s] = c
        levels.append(s)
        codes.append(c)
    }

    /// The finished column and its hints; releases the numeric storage.
    func finish() -> (DataTable.Column, DataTable.SourceHints) {
        defer { numbers.release() }
        if isText {
            return (.categorical(CategoricalColumn(codes: codes, levels: levels)),
                    .init(integerLiteralsOnly: false, booleanLiteralsOnly: booleanLiteralsOnly && !codes.isEmpty))
        }
        return (.numeric(numbers.toArray()),
                .init(integerLiteralsOnly: integerLiteralsOnly && !sawMissing && numbers.count > 0, booleanLiteralsOnly: false))
    }
}

/// Which columns a reader must parse as numbers or keep as strings; others are detected.
public struct TableSchemaHint: Sendable, Equatable {
    /// Columns that must hold numbers (a non-number is an error).
    public var numericalColumns: Set<String>
    /// Columns read as strings.
    public var categoricalColumns: Set<String>

    /// Creates a hint.
    public init(numericalColumns: Set<String> = [], categoricalColumns: Set<String> = []) {
        self.numericalColumns = numericalColumns
        self.categoricalColumns = categoricalColumns
    }

    func mode(for name: String) -> ColumnBuilder.Mode {
        if numericalColumns.contains(name) { return .numerical }
        if categoricalColumns.contains(name) { return .categorical }
        return .auto
    }
}

/// Reads tables from CSV or JSON-lines files.
public enum TableReader {
    /// Reads a file, choosing JSON lines for `.jsonl`/`.ndjson` and CSV otherwise.
    public static func read(path: String, schema: TableSchemaHint = .init()) throws(DataReadError) -> DataTable {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            return try JSONLinesReader.read(path: path, schema: schema)
        }
        return try CSVReader.read(path: path, schema: schema)
    }

    /// Reads a reference and a current file (concurrently) and checks that both have the same
    /// columns and hold every column named in `schema`; a column absent from one file is a
    /// ``DataReadError/Kind/missingColumn`` error naming that file (line 1, the header).
    public static func readPair(reference: String, current: String,
                                schema: TableSchemaHint = .init()) throws(DataReadError) -> (reference: DataTable, current: DataTable) {
        let slots = ResultSlots<Result<DataTable, DataReadError>>(count: 2)
        let paths = [reference, current]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do throws(DataReadError) {
                slots.set(i, .success(try read(path: paths[i], schema: schema)))
            } catch {
                slots.set(i, .failure(error))
            }
        }
        let results = slots.values()
        let ref = try results[0].get(), cur = try results[1].get()
        try checkSameColumns(ref, referenceFile: reference, cur, currentFile: current, schema: schema)
        return (ref, cur)
    }

    /// Checks that two tables have the same columns and hold every column named in `schema`.
    public static func checkSameColumns(_ ref: DataTable, referenceFile: String, _ cur: DataTable, currentFile: String,
                                        schema: TableSchemaHint = .init()) throws(DataReadError) {
        let declared = schema.numericalColumns.union(schema.categoricalColumns).sorted()
        for name in declared {
            if ref.column(named: name) == nil {
                throw DataReadError(kind: .missingColumn, file: referenceFile, line: 1, column: name, detail: "column not found in header")
            }
            if cur.column(named: name) == nil {
                throw DataReadError(kind: .missingColumn, file: currentFile, line: 1, column: name, detail: "column not found in header")
            }
        }
        for name in ref.columnNames where cur.column(named: name) == nil {
            throw DataReadError(kind: .missingColumn, file: currentFile, line: 1, column: name,
                                detail: "column present in \(referenceFile) but not in this file")
        }
        for name in cur.columnNames where ref.column(named: name) == nil {
            throw DataReadError(kind: .missingColumn, file: referenceFile, line: 1, column: name,
                                detail: "column present in \(currentFile) but not in this file")
        }
    }
}

extension ColumnBuilder {
    /// The table the finished builders hold; a failure is reported as `kind` in `file`.
    static func table(from builders: [ColumnBuilder], file: String, kind: DataReadError.Kind) throws(DataReadError) -> DataTable {
        var columns: [(name: String, values: DataTable.Column)] = []
        var hints: [DataTable.SourceHints] = []
        for b in builders {
            let (col, hint) = b.finish()
            columns.append((b.name, col))
            hints.append(hint)
        }
        do {
            return try DataTable(columns: columns, hints: hints)
        } catch {
            throw DataReadError(kind: kind, file: file, detail: "\(error)")
        }
    }
}
