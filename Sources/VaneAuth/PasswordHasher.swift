import HummingbirdBcrypt
import NIOPosix

/// Passwords as bcrypt hashes (cost 11, about 0.1 s a check on one core). Hashing and checking
/// run on NIO's thread pool, off the cooperative pool, so slow checks never stall other requests.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost.
    public var cost: UInt8

    public init(cost: UInt8 = 11) { self.cost = cost }

    /// The bcrypt hash of `password` (which ``AuthLimits/validatePassword(_:)`` has checked).
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`.
    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
