import Foundation

/// A small, defensive UBJSON (Universal Binary JSON, draft 12) reader for XGBoost model files.
///
/// Supports the markers `Z N T F i U I l L d D H C S [ {`, containers with the `#` count and
/// `$` type optimisations (XGBoost writes `[$d#L…` float32 and `[$l#L…` int32 typed arrays,
/// `[#L…` counted arrays and `{…}` objects whose keys are a length then UTF-8 bytes). All numbers
/// are big-endian. Counts are checked against the bytes remaining before anything is allocated;
/// typed containers of zero-size elements (`Z T F N`) are refused; nesting is limited to
/// ``maxDepth``. Every failure is ``ModelError/invalidModel(_:)`` with the byte offset.
struct UBJSONReader {
    /// Deepest container nesting accepted.
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var pos = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one UBJSON value that must span all of `bytes`.
    static func parse(_ bytes: [UInt8]) throws(ModelError) -> XGBoostValue {
        var reader = UBJSONReader(bytes: bytes)
        let value = try reader.parseValue(marker: try reader.readMarker(), depth: 0)
        guard reader.pos == bytes.count else { throw reader.error("unexpected data after the end of the document") }
        return value
    }

    private var remaining: Int { bytes.count - pos }

    private func error(_ message: String) -> ModelError {
        ModelError.invalidModel("UBJSON: \(message) at byte \(pos)")
    }

    private mutating func readByte() throws(ModelError) -> UInt8 {
        guard pos < bytes.count else { throw error("truncated document") }
        defer { pos += 1 }
        return bytes[pos]
    }

    /// The next marker, skipping `N` no-ops.
    private mutating func readMarker() throws(ModelError) -> UInt8 {
        var marker = try readByte()
        while marker == UInt8(ascii: "N") { marker = try readByte() }
        return marker
    }

    private mutating func readBigEndian<T: FixedWidthInteger>(_: T.Type) throws(ModelError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw error("truncated number") }
        var value: T = 0
        for i in 0..<size { value = value << 8 | T(truncatingIfNeeded: bytes[pos + i]) }
        pos += size
        return value
    }

    /// Reads an integer whose marker is `marker`; `nil` when the marker is not an integer type.
    private mutating func readInteger(marker: UInt8) throws(ModelError) -> Int64? {
        switch marker {
        case UInt8(ascii: "i"): return Int64(Int8(bitPattern: try readBigEndian(UInt8.self)))
        case UInt8(ascii: "U"): return Int64(try readBigEndian(UInt8.self))
        case UInt8(ascii: "I"): return Int64(try readBigEndian(Int16.self))
        case UInt8(ascii: "l"): return Int64(try readBigEndian(Int32.self))
        case UInt8(ascii: "L"): return try readBigEndian(Int64.self)
        default: return nil
        }
    }

    /// A length or count: an integer marker and a non-negative value no larger than `limit`.
    private mutating func readLength(limit: Int, what: String) throws(ModelError) -> Int {
        let marker = try readByte()
        guard let value = try readInteger(marker: marker) else { throw error("\(what) must be an integer") }
        guard value >= 0, value <= Int64(limit) else {
            throw error("\(what) \(value) is negative or larger than the \(limit) bytes remaining")
        }
        return Int(value)
    }

    private mutating func readUTF8(count: Int) throws(ModelError) -> String {
        guard count <= remaining else { throw error("truncated string") }
        guard let text = String(bytes: bytes[pos..<(pos + count)], encoding: .utf8) else {
            throw error("string is not valid UTF-8")
        }
        pos += count
        return text
    }

    private mutating func parseValue(marker: UInt8, depth: Int) throws(ModelError) -> XGBoostValue {
        if let integer = try readInteger(marker: marker) { return .int(integer) }
        switch marker {
        case UInt8(ascii: "Z"): return .null
        case UInt8(ascii: "T"): return .bool(true)
        case UInt8(ascii: "F"): return .bool(false)
        case UInt8(ascii: "d"): return .double(Double(Float(bitPattern: try readBigEndian(UInt32.self))))
        case UInt8(ascii: "D"): return .double(Double(bitPattern: try readBigEndian(UInt64.self)))
        case UInt8(ascii: "C"):
            let c = try readByte()
            guard c < 0x80 else { throw error("char value is not ASCII") }
            return .string(String(UnicodeScalar(c)))
        case UInt8(ascii: "S"):
            return .string(try readUTF8(count: try readLength(limit: remaining, what: "string length")))
        case UInt8(ascii: "H"):
            let text = try readUTF8(count: try readLength(limit: min(remaining, 400), what: "high-precision number length"))
            guard let value = Double(text), text.utf8.allSatisfy({ Self.isNumberCharacter($0) }) else {
                throw error("invalid high-precision number")
            }
            return .double(value)
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
            return try parseArray(depth: depth)
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
            return try parseObject(depth: depth)
        default:
            pos -= 1
            throw error("unknown marker 0x\(String(marker, radix: 16))")
        }
    }

    private static func isNumberCharacter(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
    }

    /// Reads the optional `$type` and `#count` of a container.
    private mutating func readContainerHeader() throws(ModelError) -> (type: UInt8?, count: Int?) {
        var type: UInt8?
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "$") {
            pos += 1
            let t = try readByte()
            switch t {
            case UInt8(ascii: "i"), UInt8(ascii: "U"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"),
                 UInt8(ascii: "d"), UInt8(ascii: "D"), UInt8(ascii: "C"), UInt8(ascii: "S"), UInt8(ascii: "H"),
                 UInt8(ascii: "["), UInt8(ascii: "{"):
                type = t
            default:
                pos -= 1
                throw error("unsupported container element type 0x\(String(t, radix: 16))")
            }
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "#") else { throw error("typed container without a count") }
        }
        var count: Int?
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "#") {
            pos += 1
            count = try readLength(limit: remaining, what: "container count")
        }
        return (type, count)
    }

    private mutating func parseArray(depth: Int) throws(ModelError) -> XGBoostValue {
        let (type, count) = try readContainerHeader()
        if let type, let count {
            switch type {
            case UInt8(ascii: "d"):
                guard count <= remaining / 4 else { throw error("float32 array of \(count) exceeds the data") }
                var out = [Float]()
                out.reserveCapacity(count)
                for _ in 0..<count { out.append(Float(bitPattern: try readBigEndian(UInt32.self))) }
                return .floats(out)
            case UInt8(ascii: "D"):
                guard count <= remaining / 8 else { throw error("float64 array of \(count) exceeds the data") }
                var out = [Double]()
                out.reserveCapacity(count)
                for _ in 0..<count { out.append(Double(bitPattern: try readBigEndian(UInt64.self))) }
                return .doubles(out)
            case UInt8(ascii: "i"), UInt8(ascii: "U"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"):
                let size = type == UInt8(ascii: "L") ? 8 : type == UInt8(ascii: "l") ? 4 : type == UInt8(ascii: "I") ? 2 : 1
                guard count <= remaining / size else { throw error("integer array of \(count) exceeds the data") }
                var out = [Int64]()
                out.reserveCapacity(count)
                for _ in 0..<count {
                    guard let v = try readInteger(marker: type) else { throw error("invalid integer") }
                    out.append(v)
                }
                return .ints(out)
            default:
                var items: [XGBoostValue] = []
                items.reserveCapacity(min(count, 4096))
                for _ in 0..<count { items.append(try parseValue(marker: type, depth: depth + 1)) }
                return .array(items)
            }
        }
        var items: [XGBoostValue] = []
        if let count {
            items.reserveCapacity(min(count, 4096))
            for _ in 0..<count { items.append(try parseValue(marker: try readMarker(), depth: depth + 1)) }
        } else {
            while true {
                let marker = try readMarker()
                if marker == UInt8(ascii: "]") { break }
                items.append(try parseValue(marker: marker, depth: depth + 1))
            }
        }
        return .array(items)
    }

    private mutating func parseObject(depth: Int) throws(ModelError) -> XGBoostValue {
        let (type, count) = try readContainerHeader()
        var members: [String: XGBoostValue] = [:]
        func add(_ key: String, _ value: XGBoostValue) throws(ModelError) {
            guard members.updateValue(value, forKey: key) == nil else { throw error("duplicate key \"\(key)\"") }
        }
        if let count {
            for _ in 0..<count {
                let key = try readUTF8(count: try readLength(limit: remaining, what: "key length"))
                let marker: UInt8
                if let type { marker = type } else { marker = try readMarker() }
                try add(key, try parseValue(marker: marker, depth: depth + 1))
            }
        } else {
            while true {
                guard pos < bytes.count else { throw error("truncated object") }
                if bytes[pos] == UInt8(ascii: "}") {
                    pos += 1
                    break
                }
                if bytes[pos] == UInt8(ascii: "N") {
                    pos += 1
                    continue
                }
                let key = try readUTF8(count: try readLength(limit: remaining, what: "key length"))
                try add(key, try parseValue(marker: try readMarker(), depth: depth + 1))
            }
        }
        return .object(members)
    }
}
