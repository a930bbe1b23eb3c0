import HummingbirdBcrypt
import NIOPosix
import Synchronization
import VaneCore

/// Passwords as bcrypt hashes (cost 11, about 0.1 s a check on one core). Hashing and checking
/// run on NIO's thread pool, off the cooperative pool, so slow checks never stall other requests.
///
/// A flood of wrong passwords (each a new bcrypt) must not take the server's CPU: at most
/// ``maxConcurrentChecks`` checks of one hasher (one server) run at once, and a check beyond them
/// is refused at once with ``VaneError/Code/unavailable`` (503) instead of queueing. Remembered
/// checks (``AuthService``) and tokens never reach bcrypt.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost.
    public var cost: UInt8
    /// The checks that may run at once.
    public let maxConcurrentChecks: Int
    /// The checks running now, shared by the copies of this hasher.
    let checks: ConcurrencyLimit

    public init(cost: UInt8 = 11, maxConcurrentChecks: Int = 8) {
        self.cost = cost
        self.maxConcurrentChecks = maxConcurrentChecks
        self.checks = ConcurrencyLimit(maxConcurrentChecks)
    }

    /// The bcrypt hash of `password` (which ``AuthLimits/validatePassword(_:)`` has checked).
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`; throws unavailable when too many checks are running.
    public func verify(_ password: String, hash: String) async throws -> Bool {
        guard checks.tryAcquire() else {
            throw VaneError(.unavailable, "Too many password checks at once; try again shortly, or use a token.")
        }
        defer { checks.release() }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}

/// A count of slots that are taken without waiting: ``tryAcquire()`` fails when all are in use.
final class ConcurrencyLimit: Sendable {
    let limit: Int
    private let inUse = Atomic<Int>(0)

    init(_ limit: Int) { self.limit = limit }

    /// Takes a slot if one is free.
    func tryAcquire() -> Bool {
        if inUse.wrappingAdd(1, ordering: .acquiring).newValue <= limit { return true }
        inUse.wrappingSubtract(1, ordering: .releasing)
        return false
    }

    /// Gives a slot back.
    func release() { inUse.wrappingSubtract(1, ordering: .releasing) }

    /// The slots in use.
    var current: Int { inUse.load(ordering: .relaxed) }
}
