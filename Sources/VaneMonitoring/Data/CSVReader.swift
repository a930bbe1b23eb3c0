import Foundation

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

    /// Parser state over the file bytes.
    private struct Scanner {
        let base: UnsafePointer<UInt8>
        let count: Int
        var scratch: UnsafeMutablePointer<UInt8>
        var scratchCapacity: Int
        var starts: [UnsafePointer<UInt8>]
        var lengths: [Int]

        /// Parses the record at `pos` into `starts`/`lengths`; returns the position after it, or
        /// nil for an unterminated quote.
        mutating func record(at pos0: Int) -> (next: Int, fields: Int)? {
            var pos = pos0
            var nf = 0
            var scratchUsed = 0
            while true {
                if nf == starts.count { starts.append(base); lengths.append(0) }
                if pos < count && base[pos] == 0x22 {
                    // quoted field
                    var p = pos + 1
                    let begin = p
                    var needsCopy = false
                    while true {
                        guard p < count else { return nil }
                        if base[p] == 0x22 {
                            if p + 1 < count && base[p + 1] == 0x22 { needsCopy = true; p += 2; continue }
                            break
                        }
                        p += 1
                    }
                    if needsCopy {
                        let need = scratchUsed + (p - begin)
                        if need > scratchCapacity {
                            // grow (rare); earlier fields of this record move with it
                            let newCap = max(need * 2, 256)
                            let ns = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
                            ns.update(from: scratch, count: scratchUsed)
                            for f in 0..<nf where starts[f] >= UnsafePointer(scratch) && starts[f] < UnsafePointer(scratch + scratchCapacity) {
                                starts[f] = UnsafePointer(ns + (starts[f] - UnsafePointer(scratch)))
                            }
                            scratch.deallocate()
                            scratch = ns
                            scratchCapacity = newCap
                        }
                        let dst = scratch + scratchUsed
                        var n = 0
                        var q = begin
                        while q < p {
                            dst[n] = base[q]; n += 1
                            q += (base[q] == 0x22) ? 2 : 1
                        }
                        starts[nf] = UnsafePointer(dst)
                        lengths[nf] = n
                        scratchUsed += n
                    } else {
                        starts[nf] = base + begin
                        lengths[nf] = p - begin
                    }
                    pos = p + 1
                    // skip anything up to the delimiter (lenient about stray characters)
                    while pos < count && base[pos] != 0x2C && base[pos] != 0x0A && base[pos] != 0x0D { pos += 1 }
                } else {
                    let begin = pos
                    while pos < count {
                        let c = base[pos]
                        if c == 0x2C || c == 0x0A || c == 0x0D { break }
                        pos += 1
                    }
                    starts[nf] = base + begin
                    lengths[nf] = pos - begin
                }
                nf += 1
                if pos < count && base[pos] == 0x2C { pos += 1; continue }
                // end of record
                if pos < count && base[pos] == 0x0D { pos += 1 }
                if pos < count && base[pos] == 0x0A { pos += 1 }
                return (pos, nf)
            }
        }
    }

    static func lineNumber(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int) -> Int {
        var line = 1
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A { line += 1 }
        return line
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
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        var sc = Scanner(base: base, count: buf.count, scratch: scratch, scratchCapacity: 256, starts: [], lengths: [])
        defer { sc.scratch.deallocate() }
        guard let (afterHeader, headerFields) = sc.record(at: pos) else {
            throw DataReadError(kind: .unterminatedQuote, file: file, line: lineNumber(buf, offset: pos), detail: "unterminated quoted field in header")
        }
        var names: [String] = []
        var seen = Set<String>()
        for f in 0..<headerFields {
            let name = String(decoding: UnsafeBufferPointer(start: sc.starts[f], count: sc.lengths[f]), as: UTF8.self)
            if seen.contains(name) {
                throw DataReadError(kind: .duplicateColumn, file: file, line: lineNumber(buf, offset: pos), column: name, detail: "column named twice in header")
            }
            seen.insert(name)
            names.append(name)
        }
        let ncols = names.count
        // rough row estimate for capacity
        let headerLen = max(afterHeader - pos, 1)
        let estimate = max((buf.count - afterHeader) / headerLen, 16)
        var builders = names.map { ColumnBuilder(name: $0, mode: schema.mode(for: $0), capacity: estimate) }
        var rowStarts: [Int] = []
        rowStarts.reserveCapacity(estimate)
        pos = afterHeader
        let count = buf.count
        var fieldStarts = [UnsafePointer<UInt8>](repeating: base, count: ncols)
        var fieldLengths = [Int](repeating: 0, count: ncols)
        var failure: DataReadError? = nil
        builders.withUnsafeMutableBufferPointer { builders in
        fieldStarts.withUnsafeMutableBufferPointer { fs in
        fieldLengths.withUnsafeMutableBufferPointer { fl in
            while pos < count {
                let c0 = base[pos]
                if c0 == 0x0A { pos += 1; continue }
                if c0 == 0x0D && (pos + 1 >= count || base[pos + 1] == 0x0A) { pos += min(2, count - pos); continue }
                let recordStart = pos
                // fast path: a record without quotes and with the right number of fields
                var p = pos
                var fast = true
                for c in 0..<ncols {
                    let start = p
                    while p < count {
                        let ch = base[p]
                        if ch == 0x2C || ch == 0x0A || ch == 0x0D || ch == 0x22 { break }
                        p += 1
                    }
                    fs[c] = base + start
                    fl[c] = p - start
                    if p < count && base[p] == 0x22 { fast = false; break }
                    if c < ncols - 1 {
                        if p < count && base[p] == 0x2C { p += 1 } else { fast = false; break }
                    }
                }
                if fast {
                    if p < count && base[p] == 0x0D { p += 1 }
                    if p < count && base[p] == 0x0A { p += 1 } else if p < count { fast = false }
                }
                var next = p
                if !fast {
                    guard let (n, nf) = sc.record(at: recordStart) else {
                        failure = DataReadError(kind: .unterminatedQuote, file: file, line: lineNumber(buf, offset: recordStart), detail: "unterminated quoted field")
                        return
                    }
                    if nf != ncols {
                        failure = DataReadError(kind: .raggedRow, file: file, line: lineNumber(buf, offset: recordStart),
                                                detail: "row has \(nf) fields, header has \(ncols)")
                        return
                    }
                    for c in 0..<ncols { fs[c] = sc.starts[c]; fl[c] = sc.lengths[c] }
                    next = n
                }
                rowStarts.append(recordStart)
                for c in 0..<ncols {
                    if builders[c].append(fs[c], fl[c]) { continue }
                    if builders[c].mode == .numerical {
                        let text = String(decoding: UnsafeBufferPointer(start: fs[c], count: fl[c]), as: UTF8.self)
                        failure = DataReadError(kind: .nonNumericValue, file: file, line: lineNumber(buf, offset: recordStart),
                                                column: names[c], detail: "value '\(text)' is not a number")
                        return
                    }
                    // automatic column holding text: re-read its earlier rows (and this one) as strings
                    builders[c].switchToText()
                    var rescan = Scanner(base: base, count: count,
                                         scratch: UnsafeMutablePointer<UInt8>.allocate(capacity: 256),
                                         scratchCapacity: 256, starts: [], lengths: [])
                    for r in rowStarts {
                        _ = rescan.record(at: r)
                        builders[c].appendText(rescan.starts[c], rescan.lengths[c])
                    }
                    rescan.scratch.deallocate()
                }
                pos = next
            }
        } } }
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
