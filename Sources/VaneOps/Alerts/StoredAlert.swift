/// An alert's labels, annotations and generator URL packed in one byte buffer: one allocation
/// per alert instead of an array of labels, an array of annotations and a string per long value.
/// The store keeps it, and the incident engine shares the same buffer for the alert's labels.
public struct AlertText: Sendable {
    let bytes: [UInt8]

    /// The labels, the annotations and the generator URL of `alert`.
    public init(_ alert: Alert) { bytes = StoredAlert.pack(alert) }

    /// Labels alone (no annotations, no URL), for what keeps only an alert's labels.
    public init(labels: LabelSet) {
        self.init(Alert(labels: labels, startsAt: WireTime(micros: 0), endsAt: WireTime(micros: 0), updatedAt: WireTime(micros: 0)))
    }

    /// The labels, whose fingerprint is `fingerprint`.
    public func labels(_ fingerprint: Fingerprint) -> LabelSet {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = StoredAlert.Reader(bytes: buffer)
            return LabelSet(sortedUnique: reader.labels(), fingerprint: fingerprint)
        }
    }

    /// The value of one label, read without building the set.
    public func label(_ name: String) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = StoredAlert.Reader(bytes: buffer)
            return reader.value(of: Array(name.utf8))
        }
    }
}

/// An alert as ``AlertStore`` keeps it, small enough for a million of them: its times inline,
/// its strings in an ``AlertText``; the fingerprint is the store's key.
struct StoredAlert: Sendable {
    var text: AlertText
    var startsAt: Int64
    var endsAt: Int64
    var updatedAt: Int64
    var startsOffset: Int32
    var endsOffset: Int32
    var updatedOffset: Int32
    var timeout: Bool

    init(_ alert: Alert, text: AlertText) {
        self.text = text
        startsAt = alert.startsAt.micros
        endsAt = alert.endsAt.micros
        updatedAt = alert.updatedAt.micros
        startsOffset = alert.startsAt.offsetSeconds
        endsOffset = alert.endsAt.offsetSeconds
        updatedOffset = alert.updatedAt.offsetSeconds
        timeout = alert.timeout
    }

    func isResolved(at now: Int64) -> Bool { endsAt <= now }

    /// The alert with `fingerprint`, its strings read back from the buffer.
    func alert(_ fingerprint: Fingerprint) -> Alert {
        text.bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            let labels = reader.labels()
            let annotations = reader.labels()
            let url = reader.string()
            return Alert(labels: LabelSet(sortedUnique: labels, fingerprint: fingerprint), annotations: LabelSet(annotations),
                         startsAt: WireTime(micros: startsAt, offsetSeconds: startsOffset),
                         endsAt: WireTime(micros: endsAt, offsetSeconds: endsOffset),
                         updatedAt: WireTime(micros: updatedAt, offsetSeconds: updatedOffset),
                         generatorURL: url, timeout: timeout)
        }
    }

    // MARK: the buffer

    /// Labels (count, then name and value of each), annotations (the same), generator URL; every
    /// count and length a LEB128 varint.
    static func pack(_ alert: Alert) -> [UInt8] {
        var size = 3 + alert.generatorURL.utf8.count
        for label in alert.labels { size += label.name.utf8.count + label.value.utf8.count + 4 }
        for label in alert.annotations { size += label.name.utf8.count + label.value.utf8.count + 4 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        func varint(_ n: Int) {
            var n = UInt(n)
            while n >= 0x80 {
                bytes.append(UInt8(n & 0x7F) | 0x80)
                n >>= 7
            }
            bytes.append(UInt8(n))
        }
        func string(_ s: String) {
            varint(s.utf8.count)
            bytes.append(contentsOf: s.utf8)
        }
        for set in [alert.labels, alert.annotations] {
            varint(set.count)
            for label in set {
                string(label.name)
                string(label.value)
            }
        }
        string(alert.generatorURL)
        return bytes
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func varint() -> Int {
            var n = 0, shift = 0
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                n |= Int(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            return n
        }

        mutating func string() -> String {
            let count = varint()
            defer { at += count }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<at + count]), as: UTF8.self)
        }

        mutating func labels() -> [Label] {
            let count = varint()
            var labels: [Label] = []
            labels.reserveCapacity(count)
            for _ in 0..<count {
                let name = string()
                labels.append(Label(name, string()))
            }
            return labels
        }

        mutating func value(of name: [UInt8]) -> String? {
            let count = varint()
            for _ in 0..<count {
                let length = varint()
                let matches = length == name.count && (length == 0 || name.withUnsafeBufferPointer { n in
                    memcmp(n.baseAddress!, bytes.baseAddress! + at, length) == 0
                })
                at += length
                if matches { return string() }
                at += varint()
            }
            return nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
