import Foundation
import VaneText

/// Reads a CSV file with a header row into a ``DataTable``.
///
/// Fields are separated by commas; a field may be quoted with `"` (a doubled `""` inside is a
/// quote; quoted fields may hold commas and line breaks). An empty field, and the tokens pandas
/// reads as missing by default (`NA`, `null`, `NaN`, `nan`, …), are missing values. Numbers may be
/// written as decimal or exponent literals, or as `inf`/`-inf`/`Infinity`/`-Infinity`. Lines end in
/// `\n` or `\r\n`; blank lines are skipped. Columns not named in the ``TableSchemaHint`` become
/// numeric when every value parses as a number, strings otherwise.
///
/// Numbers are parsed straight from the file's bytes (no per-field allocation); strings are interned.
public enum CSVReader {
    /// Reads the file at `path`.
    public static func read(path: String, schema: TableSchemaHint = .init()) throws(DataReadError) -> DataTable {
        var bytes = try readFile(path)
        return try parse(&bytes, file: path, schema: schema)
    }

    /// Parses CSV text held in memory; `file` names it in errors.
    public static func parse(text: String, file: String = "<memory>", schema: TableSchemaHint = .init()) throws(DataReadError) -> DataTable {
        var bytes = Array(text.utf8)
        return try parse(&bytes, file: file, schema: schema)
    }

    /// Largest file read (each window is held in memory while it is parsed): a quarter of the
    /// machine's physical memory.
    public static var maximumFileBytes: Int { Int(min(ProcessInfo.processInfo.physicalMemory / 4, UInt64(Int.max))) }

    /// The bytes of a regular file, or of a pipe read to its end; a directory, or a file larger
    /// than ``maximumFileBytes``, is refused with a ``DataReadError``.
    public static func readFile(_ path: String, limit: Int = maximumFileBytes) throws(DataReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw DataReadError(kind: .io, file: path, detail: "cannot open file (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DataReadError(kind: .io, file: path, detail: "cannot read file") }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { throw DataReadError(kind: .io, file: path, detail: "is a directory, not a file") }
        func tooLarge(_ size: Int) -> DataReadError {
            DataReadError(kind: .io, file: path, detail: "file is \(megabytes(size)) MB; each window is read into memory, "
                          + "and files up to \(megabytes(limit)) MB (a quarter of this machine's memory) are accepted")
        }
        var bytes: [UInt8]
        if type == S_IFREG {
            let size = Int(st.st_size)
            guard size <= limit else { throw tooLarge(size) }
            bytes = [UInt8](repeating: 0, count: size)
            var got = 0
            while got < size {
                let n = bytes.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress! + got, size - got) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw DataReadError(kind: .io, file: path, detail: "short read") }
                got += n
            }
        } else {
            // a pipe or device: read to the end, within the limit
            bytes = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw DataReadError(kind: .io, file: path, detail: "cannot read file") }
                if n == 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
                guard bytes.count <= limit else { throw tooLarge(bytes.count) }
            }
        }
        return bytes
    }

    private static func megabytes(_ n: Int) -> String { String(format: "%.1f", Double(n) / 1_048_576) }

    static func lineNumber(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int) -> Int {
        CSVLexer.lineNumber(of: offset, in: bytes)
    }

    static func parse(_ bytes: inout [UInt8], file: String, schema: TableSchemaHint) throws(DataReadError) -> DataTable {
        let result: Result<DataTable, DataReadError> = bytes.withUnsafeBufferPointer { buf in
            do throws(DataReadError) {
                return .success(try parse(buf, file: file, schema: schema))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Where one record's fields are: pointers into the file, or into `scratch` for quoted
    /// fields holding `""` (unescaped there), reused from record to record.
    private struct RecordFields {
        var starts: UnsafeMutableBufferPointer<UnsafePointer<UInt8>>
        var lengths: UnsafeMutableBufferPointer<Int>
        /// Offset in `scratch` of each field copied there, -1 for a field read in place.
        var scratchOffsets: UnsafeMutableBufferPointer<Int>
        var scratch: [UInt8] = []

        init(columns: Int, base: UnsafePointer<UInt8>) {
            starts = .allocate(capacity: max(columns, 1))
            starts.initialize(repeating: base)
            lengths = .allocate(capacity: max(columns, 1))
            lengths.initialize(repeating: 0)
            scratchOffsets = .allocate(capacity: max(columns, 1))
            scratchOffsets.initialize(repeating: -1)
        }

        func deallocate() {
            starts.deallocate()
            lengths.deallocate()
            scratchOffsets.deallocate()
        }

        /// Reads the record at the lexer's position, keeping the first `columns` fields; returns
        /// how many fields it had.
        @inline(__always)
        mutating func read(_ lexer: inout CSVLexer, columns: Int) throws(CSVSyntaxError) -> Int {
            var count = 0
            var copied = false
            while true {
                let field = try lexer.nextField()
                if count < columns {
                    if field.hasDoubledQuotes {
                        // Unescape into scratch; pointers are taken once the record is whole,
                        // as scratch may grow meanwhile.
                        if !copied { scratch.removeAll(keepingCapacity: true); copied = true }
                        let offset = scratch.count
                        scratch.append(contentsOf: repeatElement(0, count: field.range.count))
                        let n = scratch.withUnsafeMutableBufferPointer { lexer.unescape(field.range, into: $0.baseAddress! + offset) }
                        scratch.removeLast(field.range.count - n)
                        scratchOffsets[count] = offset
                        lengths[count] = n
                    } else {
                        starts[count] = lexer.bytes.baseAddress! + field.range.lowerBound
                        lengths[count] = field.range.count
                        scratchOffsets[count] = -1
                    }
                }
                count += 1
                if field.terminator == .endOfRecord { break }
            }
            if copied {
                scratch.withUnsafeBufferPointer { s in
                    for c in 0..<min(count, columns) where scratchOffsets[c] >= 0 {
                        starts[c] = s.baseAddress! + scratchOffsets[c]
                    }
                }
            }
            return count
        }
    }

    private static func parse(_ buf: UnsafeBufferPointer<UInt8>, file: String, schema: TableSchemaHint) throws(DataReadError) -> DataTable {
        guard let base = buf.baseAddress, buf.count > 0 else {
            throw DataReadError(kind: .emptyFile, file: file, line: 1, detail: "file is empty (no header row)")
        }
        var pos = 0
        if buf.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { pos = 3 }
        // skip leading blank lines
        while pos < buf.count && (base[pos] == 0x0A || base[pos] == 0x0D) { pos += 1 }
        if pos >= buf.count {
            throw DataReadError(kind: .emptyFile, file: file, line: 1, detail: "file is empty (no header row)")
        }
        var lexer = CSVLexer(bytes: buf, position: pos)
        var header: [String] = []
        do throws(CSVSyntaxError) {
            while true {
                let field = try lexer.nextField()
                header.append(lexer.string(field))
                if field.terminator == .endOfRecord { break }
            }
        } catch {
            throw DataReadError(kind: .unterminatedQuote, file: file, line: lineNumber(buf, offset: pos), detail: "unterminated quoted field in header")
        }
        var names: [String] = []
        var seen = Set<String>()
        for name in header {
            if seen.contains(name) {
                throw DataReadError(kind: .duplicateColumn, file: file, line: lineNumber(buf, offset: pos), column: name, detail: "column named twice in header")
            }
            seen.insert(name)
            names.append(name)
        }
        let afterHeader = lexer.position
        let ncols = names.count
        // rough row estimate for capacity
        let headerLen = max(afterHeader - pos, 1)
        let estimate = max((buf.count - afterHeader) / headerLen, 16)
        var builders = names.map { ColumnBuilder(name: $0, mode: schema.mode(for: $0), capacity: estimate) }
        var rowStarts: [Int] = []
        rowStarts.reserveCapacity(estimate)
        pos = afterHeader
        let count = buf.count
        var record = RecordFields(columns: ncols, base: base)
        defer { record.deallocate() }
        var failure: DataReadError? = nil
        builders.withUnsafeMutableBufferPointer { builders in
            while pos < count {
                let c0 = base[pos]
                if c0 == 0x0A { pos += 1; continue }
                if c0 == 0x0D && (pos + 1 >= count || base[pos + 1] == 0x0A) { pos += min(2, count - pos); continue }
                let recordStart = pos
                lexer.position = pos
                let nf: Int
                do {
                    nf = try record.read(&lexer, columns: ncols)
                } catch {
                    failure = DataReadError(kind: .unterminatedQuote, file: file, line: lineNumber(buf, offset: recordStart), detail: "unterminated quoted field")
                    return
                }
                if nf != ncols {
                    failure = DataReadError(kind: .raggedRow, file: file, line: lineNumber(buf, offset: recordStart),
                                            detail: "row has \(nf) fields, header has \(ncols)")
                    return
                }
                let next = lexer.position
                rowStarts.append(recordStart)
                for c in 0..<ncols {
                    if builders[c].append(record.starts[c], record.lengths[c]) { continue }
                    if builders[c].mode == .numerical {
                        let text = String(decoding: UnsafeBufferPointer(start: record.starts[c], count: record.lengths[c]), as: UTF8.self)
                        failure = DataReadError(kind: .nonNumericValue, file: file, line: lineNumber(buf, offset: recordStart),
                                                column: names[c], detail: "value '\(text)' is not a number")
                        return
                    }
                    // automatic column holding text: re-read its earlier rows (and this one) as strings
                    builders[c].switchToText()
                    var rescan = RecordFields(columns: ncols, base: base)
                    var relexer = CSVLexer(bytes: buf)
                    for r in rowStarts {
                        relexer.position = r
                        _ = try? rescan.read(&relexer, columns: ncols)
                        builders[c].appendText(rescan.starts[c], rescan.lengths[c])
                    }
                    rescan.deallocate()
                }
                pos = next
            }
        }
        if let failure {
            for b in builders { _ = b.finish() }
            throw failure
        }
        return try ColumnBuilder.table(from: builders, file: file, kind: .raggedRow)
    }
}

/// `read(2)`, outside ``CSVReader`` whose static `read(path:schema:)` would shadow it.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
