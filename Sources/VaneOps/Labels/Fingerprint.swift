/// An alert's identity: Alertmanager's fingerprint of its label set (prometheus/common
/// `labelSetToFingerprint`), FNV-1a 64 over the names in ascending order, each name and value
/// followed by the byte 0xFF; written as 16 lower-case hex digits.
public struct Fingerprint: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The 64-bit value.
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// The FNV-1a offset basis: the fingerprint of the empty label set.
    static let offsetBasis: UInt64 = 14_695_981_039_346_656_037
    static let prime: UInt64 = 1_099_511_628_211

    /// The fingerprint of `labels` (sorted by name, as ``LabelSet`` keeps them).
    public init(sorted labels: [Label]) {
        var hash = Fingerprint.offsetBasis
        @inline(__always) func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= Fingerprint.prime
        }
        @inline(__always) func mix(_ text: String) {
            let done: Bool? = text.utf8.withContiguousStorageIfAvailable { buffer in
                for byte in buffer { mix(byte) }
                return true
            }
            if done == nil {
                for byte in text.utf8 { mix(byte) }
            }
            mix(0xFF)
        }
        for label in labels {
            mix(label.name)
            mix(label.value)
        }
        value = hash
    }

    /// Reads 16 (or fewer) hex digits; nil for anything else.
    public init?(hex: some StringProtocol) {
        guard !hex.isEmpty, hex.utf8.count <= 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.value = value
    }

    /// 16 lower-case hex digits, zero-padded.
    public var description: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public static func < (a: Fingerprint, b: Fingerprint) -> Bool { a.value < b.value }
}
