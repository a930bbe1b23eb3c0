#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line through a fixed buffer, so input of any size streams in flat memory.
///
/// Lines end with `\n` (a trailing `\r` is dropped). A line longer than ``maxLineBytes`` is an
/// error rather than an unbounded allocation.
final class LineReader {
    static let maxLineBytes = 16 << 20
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0
    private var eof = false
    /// Bytes consumed so far (for progress).
    private(set) var bytesRead = 0
    /// 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(path: String) throws(ModelError) {
        if path == "-" {
            guard let f = fdopen(dup(0), "rb") else {
                throw ModelError.badInput("cannot read standard input")
            }
            file = f
            ownsFile = true
        } else {
            guard let f = fopen(path, "rb") else {
                throw ModelError.badInput("cannot open input '\(path)': \(String(cString: strerror(errno)))")
            }
            file = f
            ownsFile = true
        }
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    deinit { if ownsFile { fclose(file) } }

    /// Calls `body` with the next line's bytes (valid only during the call); false at the end.
    func nextLine<T>(_ body: (UnsafeBufferPointer<UInt8>) throws(ModelError) -> T) throws(ModelError) -> T? {
        while true {
            if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                let lineStart = start
                start = newline + 1
                bytesRead += newline + 1 - lineStart
                lineNumber += 1
                var lineEnd = newline
                if lineEnd > lineStart, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                return try buffer.withUnsafeBufferPointer { all throws(ModelError) in
                    try body(UnsafeBufferPointer(rebasing: all[lineStart..<lineEnd]))
                }
            }
            if eof {
                guard start < end else { return nil }
                let lineStart = start
                bytesRead += end - start
                lineNumber += 1
                var lineEnd = end
                start = end
                if buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                return try buffer.withUnsafeBufferPointer { all throws(ModelError) in
                    try body(UnsafeBufferPointer(rebasing: all[lineStart..<lineEnd]))
                }
            }
            try fill()
        }
    }

    private func fill() throws(ModelError) {
        if start > 0 {
            buffer.withUnsafeMutableBufferPointer { b in
                if end > start { _ = memmove(b.baseAddress!, b.baseAddress! + start, end - start) }
            }
            end -= start
            start = 0
        }
        if end == buffer.count {
            guard buffer.count < Self.maxLineBytes else {
                throw ModelError.badInput("line \(lineNumber + 1) is longer than \(Self.maxLineBytes) bytes")
            }
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        let capacity = buffer.count - end
        let n = buffer.withUnsafeMutableBufferPointer { b in fread(b.baseAddress! + end, 1, capacity, file) }
        if n == 0 {
            if ferror(file) != 0 { throw ModelError.badInput("cannot read the input: \(String(cString: strerror(errno)))") }
            eof = true
        }
        end += n
    }
}
