import Foundation

/// A small, fast JSON writer for responses.
///
/// Hot paths (metric history of 100,000 points, run search pages) write bytes directly instead of
/// building `Codable` trees. Non-finite doubles are written the way protobuf-JSON does
/// (`"NaN"`, `"Infinity"`, `"-Infinity"`), which the MLflow client parses.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Makes room for `count` more bytes at once (a large array's elements), so the buffer does
    /// not regrow and copy itself on the way.
    public mutating func reserve(additional count: Int) { bytes.reserveCapacity(bytes.count + count) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    /// Forgets the bytes written so far (they were sent), keeping where the writer is in the
    /// document: the next value still gets its comma.
    public mutating func dropWritten() { bytes.removeAll(keepingCapacity: true) }

    /// Starts a new top-level value without a comma before it (JSON lines).
    public mutating func startNextValue() { needsComma = [false] }

    /// Opens an object as a value (top level or in an array).
    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    /// Opens an object under `key`.
    public mutating func beginObject(_ key: String) { writeKey(key); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    public mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    /// Opens an array under `key`.
    public mutating func beginArray(_ key: String) { writeKey(key); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    public mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    private mutating func writeKey(_ key: String) {
        separate()
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func field(_ key: String, _ value: String) { writeKey(key); writeString(value) }
    public mutating func field(_ key: String, _ value: String?) { if let value { field(key, value) } }
    public mutating func field(_ key: String, _ value: Int64) { writeKey(key); writeInt(value) }
    public mutating func field(_ key: String, _ value: Int64?) { if let value { field(key, value) } }
    public mutating func field(_ key: String, _ value: Bool) { writeKey(key); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    public mutating func field(_ key: String, _ value: Double) { writeKey(key); writeDouble(value) }
    /// `"key": null`.
    public mutating func nullField(_ key: String) { writeKey(key); bytes.append(contentsOf: "null".utf8) }
    /// Appends bytes that are already valid JSON (a prepared fragment).
    public mutating func raw(_ fragment: [UInt8]) { bytes.append(contentsOf: fragment) }
    /// Appends one byte of prepared JSON.
    public mutating func rawByte(_ byte: UInt8) { bytes.append(byte) }

    /// Appends an integer or a double as a JSON number, without a key.
    public mutating func rawNumber(_ value: Int64) { writeInt(value) }
    public mutating func rawNumber(_ value: Double) { writeDouble(value) }

    /// A string element of an array.
    public mutating func element(_ value: String) { separate(); writeString(value) }
    /// Opens an array as a value (top level or in an array).
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    /// An integer element of an array.
    public mutating func rawElement(_ value: Int64) { separate(); writeInt(value) }
    /// A boolean element of an array.
    public mutating func rawElement(_ value: Bool) { separate(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    /// A number element of an array in its shortest round-trip form (the `Float`'s when `float`);
    /// non-finite values as the bare tokens `NaN`, `Infinity`, `-Infinity` that Python's json reads.
    public mutating func rawElementNumber(_ value: Double, float: Bool) {
        separate()
        if value.isNaN { bytes.append(contentsOf: "NaN".utf8); return }
        if value.isInfinite { bytes.append(contentsOf: (value > 0 ? "Infinity" : "-Infinity").utf8); return }
        writeFinite(value, float: float)
    }

    mutating func writeInt(_ v: Int64) {
        if v == 0 { bytes.append(UInt8(ascii: "0")); return }
        var n = v.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            while n > 0 { buf[19 - count] = UInt8(ascii: "0") + UInt8(n % 10); n /= 10; count += 1 }
            if v < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: buf[(20 - count)...])
        }
    }

    mutating func writeDouble(_ v: Double) {
        if v.isNaN { writeString("NaN"); return }
        if v.isInfinite { writeString(v > 0 ? "Infinity" : "-Infinity"); return }
        writeFinite(v, float: false)
    }

    /// A finite number: whole values as `12.0`, others in their shortest round-trip form (the `Float`'s when `float`).
    mutating func writeFinite(_ v: Double, float: Bool) {
        if v == v.rounded(), abs(v) < 1e15 {
            writeInt(Int64(v))
            bytes.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "0")])
            return
        }
        var text = float ? Float(v).description : v.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: scanned and copied as one buffer.
        let plain = s.utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            for b in buffer where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: buffer)
            return true
        }
        if plain == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        if plain == nil, !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: s.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
