import Crypto
import HummingbirdBcrypt
import Synchronization
import VaneCore

/// Tokens and users: creating them, and checking the credentials a request carries.
///
/// Tokens are checked against the store on every request, so revoking one takes effect at once.
/// A password check costs a bcrypt hash, so a successful or failed check of the same name and
/// password is remembered for ``cacheLifetime`` (keyed by the SHA-256 of the password, never the
/// password itself): the mlflow client sends its password with every request. A changed or
/// deleted user is forgotten at once in this process; another process (the CLI) is seen within
/// ``cacheLifetime``.
public struct AuthService: Sendable {
    public let store: any AuthStore
    let hasher: PasswordHasher
    let clock: any VaneClock
    private let cache: PasswordCache

    /// How long a password check is remembered: 30 s.
    public static let cacheLifetime: EpochMillis = 30_000

    public init(store: any AuthStore, hasher: PasswordHasher = PasswordHasher(), clock: any VaneClock = SystemClock()) {
        self.store = store
        self.hasher = hasher
        self.clock = clock
        self.cache = PasswordCache()
    }

    // MARK: Checking credentials

    /// The caller a bearer token names, or nil for an unknown, revoked or expired token.
    public func authenticate(bearer secret: String) async throws -> Principal? {
        guard TokenSecret.looksLikeToken(secret) else { return nil }
        guard let token = try await store.token(secretHash: TokenSecret.hash(secret)),
              !token.isExpired(at: clock.nowMillis()) else { return nil }
        return Principal(name: token.name, role: token.role, method: .token)
    }

    /// The caller a user name and password name, or nil. A token given as the password (with
    /// any user name) is accepted too, for clients that only speak basic authentication.
    public func authenticate(username: String, password: String) async throws -> Principal? {
        if TokenSecret.looksLikeToken(password) { return try await authenticate(bearer: password) }
        guard !username.isEmpty, username.utf8.count <= 4 * AuthLimits.maxNameLength,
              password.utf8.count <= AuthLimits.maxPasswordBytes else { return nil }
        let key = PasswordCache.key(username: username, password: password)
        let now = clock.nowMillis()
        if let remembered = cache.lookup(key, now: now) { return remembered.map { Principal(name: username, role: $0, method: .password) } }
        var role: Role?
        if let (user, hash) = try await store.user(named: username) {
            if try await hasher.verify(password, hash: hash) { role = user.role }
        } else {
            // The same work for an unknown name as for a wrong password: no timing oracle.
            _ = try await hasher.verify(password, hash: Self.unknownUserHash)
        }
        cache.remember(key, role: role, until: now + Self.cacheLifetime)
        return role.map { Principal(name: username, role: $0, method: .password) }
    }

    /// A bcrypt hash (cost 11) of a random secret, checked for unknown users; made once per process.
    static let unknownUserHash = Bcrypt.hash(TokenSecret.generate(), cost: 11)

    // MARK: Tokens

    /// Creates a token; its secret is in the result and nowhere else.
    public func createToken(name: String, role: Role, expiresInDays days: Int? = nil) async throws -> CreatedToken {
        try AuthLimits.validateName(name, what: "token")
        if let days {
            guard (1...AuthLimits.maxExpiryDays).contains(days) else {
                throw VaneError.invalid("A token expires in 1 to \(AuthLimits.maxExpiryDays) days, not \(days).")
            }
        }
        let now = clock.nowMillis()
        let token = APIToken(id: TokenSecret.generateID(), name: name, role: role, createdAt: now,
                             expiresAt: days.map { now + EpochMillis($0) * 86_400_000 })
        let secret = TokenSecret.generate()
        try await store.createToken(token, secretHash: TokenSecret.hash(secret))
        return CreatedToken(token: token, secret: secret)
    }

    // MARK: Users

    /// Creates a user with a password.
    public func createUser(name: String, role: Role, password: String) async throws -> UserAccount {
        try AuthLimits.validateName(name, what: "user")
        try AuthLimits.validatePassword(password)
        let now = clock.nowMillis()
        let user = UserAccount(name: name, role: role, createdAt: now, updatedAt: now)
        try await store.createUser(user, passwordHash: try await hasher.hash(password))
        cache.forget(username: name)
        return user
    }

    /// Changes a user's password and/or role.
    public func updateUser(name: String, password: String?, role: Role?) async throws {
        if let password { try AuthLimits.validatePassword(password) }
        let hash: String? = if let password { try await hasher.hash(password) } else { nil }
        try await store.updateUser(named: name, passwordHash: hash, role: role, at: clock.nowMillis())
        cache.forget(username: name)
    }

    /// Deletes a user.
    public func deleteUser(name: String) async throws {
        try await store.deleteUser(named: name)
        cache.forget(username: name)
    }
}

/// Remembered password checks: key → role (nil for a failed check) and expiry. At most
/// ``capacity`` entries; when full, expired entries go, and if none has expired, all do.
final class PasswordCache: Sendable {
    /// A user name and the SHA-256 of a password: never the password itself.
    struct Key: Hashable, Sendable {
        var username: String
        var digest: SHA256Digest
    }

    struct Entry { var role: Role?; var until: EpochMillis }
    private let entries = Mutex([Key: Entry]())
    static let capacity = 4096

    /// The key of one check: hashed once, no text formatting (it runs on every basic-auth request).
    static func key(username: String, password: String) -> Key {
        Key(username: username, digest: SHA256.hash(data: Array(password.utf8)))
    }

    /// `.some(role)` for a remembered check (role nil: it failed), nil when not remembered.
    func lookup(_ key: Key, now: EpochMillis) -> Role?? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.until > now else { return nil }
            return .some(entry.role)
        }
    }

    func remember(_ key: Key, role: Role?, until: EpochMillis) {
        entries.withLock { entries in
            if entries.count >= Self.capacity {
                let now = until - AuthService.cacheLifetime
                entries = entries.filter { $0.value.until > now }
                if entries.count >= Self.capacity { entries.removeAll() }
            }
            entries[key] = Entry(role: role, until: until)
        }
    }

    /// How many checks are remembered.
    var count: Int { entries.withLock { $0.count } }

    func forget(username: String) {
        entries.withLock { entries in entries = entries.filter { $0.key.username != username } }
    }
}
