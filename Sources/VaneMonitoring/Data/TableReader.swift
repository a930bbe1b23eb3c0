import Foundation

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
    ///
    /// With `sameColumns` false, the columns are not compared and `schema` applies to the
    /// reference only (a data quality check reports the current file's differences itself).
    public static func readPair(reference: String, current: String, schema: TableSchemaHint = .init(),
                                sameColumns: Bool = true) throws(DataReadError) -> (reference: DataTable, current: DataTable) {
        let slots = ResultSlots<Result<DataTable, DataReadError>>(count: 2)
        let paths = [reference, current]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do throws(DataReadError) {
                slots.set(i, .success(try read(path: paths[i], schema: i == 0 || sameColumns ? schema : .init())))
            } catch {
                slots.set(i, .failure(error))
            }
        }
        let results = slots.values()
        let ref = try results[0].get(), cur = try results[1].get()
        guard sameColumns else { return (ref, cur) }
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
