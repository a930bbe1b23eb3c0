#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses the variant that answers a request, in proportion to the variants' weights.
///
/// With a routing key the choice is sticky and consistent: weighted rendezvous hashing (each
/// variant scores the key `weight / -ln(u)`, `u` a uniform hash of key and variant name; the
/// highest score wins). The same key always lands on the same variant while the weights stay.
/// When one variant's weight changes and the others keep their proportions (a canary step), keys
/// move only to it (raised) or away from it (lowered), and no more of them than the change of
/// its share; adding or renaming a variant leaves the other variants' scores as they were. The hash is FNV-1a with a SplitMix64 finaliser, fixed across
/// processes and machines, so stickiness survives a restart. Without a key the choice is random
/// per request.
public struct VariantPicker: Sendable, Equatable {
    /// Variant names, in declaration order.
    public let names: [String]
    /// Weights normalised to sum to 1.
    public let shares: [Double]
    private let seeds: [UInt64]
    private let cumulative: [Double]

    /// A picker over `weights` (non-negative, positive sum), in the order of `names`.
    public init(names: [String], weights: [Double]) {
        precondition(names.count == weights.count && !names.isEmpty)
        let total = weights.reduce(0, +)
        precondition(total > 0)
        self.names = names
        shares = weights.map { $0 / total }
        seeds = names.map { Self.hash(Array($0.utf8)) }
        var running = 0.0
        cumulative = shares.map { running += $0; return running }
    }

    /// The variant for routing key `key` (its bytes); never one with weight 0.
    public func pick(key: some Collection<UInt8>) -> Int {
        let h = Self.hash(key)
        var best = 0
        var bestScore = -Double.infinity
        for i in shares.indices where shares[i] > 0 {
            let x = Self.mix(h ^ seeds[i])
            let u = (Double(x >> 11) + 0.5) * 0x1p-53     // in (0, 1)
            let score = shares[i] / -log(u)
            if score > bestScore { bestScore = score; best = i }
        }
        return best
    }

    /// The variant for a uniform draw `u` in [0, 1).
    public func pick(uniform u: Double) -> Int {
        for i in cumulative.indices where u < cumulative[i] && shares[i] > 0 { return i }
        return shares.lastIndex { $0 > 0 } ?? 0
    }

    /// A random variant, by weight.
    public func pickRandom() -> Int {
        if shares.count == 1 { return 0 }
        var g = SystemRandomNumberGenerator()
        return pick(uniform: Double(g.next() >> 11) * 0x1p-53)
    }

    /// FNV-1a, 64 bits.
    static func hash(_ bytes: some Collection<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return mix(h)
    }

    /// SplitMix64's finaliser: every input bit reaches every output bit.
    static func mix(_ x0: UInt64) -> UInt64 {
        var z = x0 &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
