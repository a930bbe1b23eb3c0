#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Generators for the identifiers MLflow clients expect, and for request ids.
public enum Identifiers {
    /// A random 32-character lowercase hex id, the shape of MLflow run ids.
    public static func hex32() -> String {
        let (hi, lo) = randomPool.next()
        return String(unsafeUninitializedCapacity: 32) { out in
            write(hi, into: out, at: 0)
            write(lo, into: out, at: 16)
            return 32
        }
    }

    /// A random (version 4) UUID in its lowercase 36-character form, `8-4-4-4-12` hex digits.
    /// Built from the bytes directly, without Foundation's formatter.
    public static func uuid() -> String {
        var (hi, lo) = randomPool.next()
        hi = (hi & ~0xF000) | 0x4000                              // version 4
        lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        return format(hi, lo)
    }

    /// A time-ordered (version 7, RFC 9562) UUID: the first 48 bits are `millis` (Unix time in
    /// milliseconds), the rest random. The id Vane gives a request that came without one: ids
    /// made later sort later, so indexes keyed by them grow at one end instead of everywhere.
    public static func timeOrderedUUID(millis: Int64 = SystemClock().nowMillis()) -> String {
        let (random, lo) = randomPool.next()
        let hi = (UInt64(truncatingIfNeeded: max(0, millis)) << 16) | 0x7000 | (random & 0x0FFF)
        return format(hi, (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }

    /// The system's random bytes, fetched 4 KiB at a time, for every identifier made here: one
    /// call per id is a system call per request, which shows at tens of thousands a second.
    private static let randomPool = RandomPool()

    private static func format(_ hi: UInt64, _ lo: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            let digits: StaticString = "0123456789abcdef"
            let d = digits.utf8Start
            var o = 0
            for i in 0..<32 {
                if i == 8 || i == 12 || i == 16 || i == 20 { out[o] = UInt8(ascii: "-"); o += 1 }
                let word = i < 16 ? hi : lo
                out[o] = d[Int((word >> UInt64(60 - 4 * (i & 15))) & 0xF)]
                o += 1
            }
            return 36
        }
    }

    /// Writes `v` as 16 lowercase hex digits at `offset`.
    private static func write(_ v: UInt64, into out: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        let digits: StaticString = "0123456789abcdef"
        let d = digits.utf8Start
        for i in 0..<16 {
            out[offset + i] = d[Int((v >> UInt64(60 - 4 * i)) & 0xF)]
        }
    }
}

/// Random words from the system generator (the kernel's CSPRNG), fetched in blocks and handed out
/// under a lock; each word is handed out once.
final class RandomPool: Sendable {
    private static let size = 512
    private let state = Mutex((words: [UInt64](repeating: 0, count: RandomPool.size), next: RandomPool.size))

    /// Two fresh random words.
    func next() -> (UInt64, UInt64) {
        state.withLock { s in
            if s.next + 2 > Self.size {
                s.words.withUnsafeMutableBytes { buffer in
                    #if canImport(Glibc)
                    // One call (glibc 2.36's arc4random_buf reads the kernel's getrandom).
                    arc4random_buf(buffer.baseAddress!, buffer.count)
                    #else
                    var g = SystemRandomNumberGenerator()
                    for i in 0..<Self.size { buffer.storeBytes(of: g.next() as UInt64, toByteOffset: i * 8, as: UInt64.self) }
                    #endif
                }
                s.next = 0
            }
            defer { s.next += 2 }
            return (s.words[s.next], s.words[s.next + 1])
        }
    }
}
