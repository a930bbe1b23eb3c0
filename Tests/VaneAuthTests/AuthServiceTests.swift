import Foundation
import GRDB
import Synchronization
import Testing
import VaneCore
import VaneStorage
import VaneTestSupport
@testable import VaneAuth

/// A clock the tests move by hand.
final class ManualClock: VaneClock, Sendable {
    private let now = Mutex<EpochMillis>(1_800_000_000_000)
    func nowMillis() -> EpochMillis { now.withLock { $0 } }
    func advance(by millis: EpochMillis) { now.withLock { $0 += millis } }
}

/// Tokens and users through ``AuthService`` over the auth store, on both SQLite modes: what is
/// stored (hashes only), what authenticates, and what is refused.
@Suite("Auth service")
struct AuthServiceTests {
    static var backends: [StoreBackend<SQLiteAuthStore>] {
        var migrations = SchemaMigrations()
        AuthSchema.register(in: &migrations)
        return StoreBackend.sqlite(label: "auth", migrations: migrations) { db, clock in SQLiteAuthStore(database: db, clock: clock) }
    }

    /// bcrypt's lowest cost keeps the suite fast; the cost does not change what is checked.
    static func service(_ store: SQLiteAuthStore, clock: ManualClock) -> AuthService {
        AuthService(store: store, hasher: PasswordHasher(cost: 4), clock: clock)
    }

    @Test(arguments: backends)
    func tokenAuthenticatesUntilRevoked(backend: StoreBackend<SQLiteAuthStore>) async throws {
        let clock = ManualClock()
        try await backend.withStore(clock: clock) { store in
            let auth = Self.service(store, clock: clock)
            #expect(try await store.hasCredentials() == false)
            let created = try await auth.createToken(name: "ci", role: .writer)
            #expect(created.secret.hasPrefix("vane_") && created.secret.count == TokenSecret.length)
            #expect(created.token.id.count == 12)
            #expect(try await store.hasCredentials())
            #expect(try await auth.authenticate(bearer: created.secret) == Principal(name: "ci", role: .writer, method: .token))
            // A different secret of the same shape, a truncated one, and garbage do not.
            #expect(try await auth.authenticate(bearer: TokenSecret.generate()) == nil)
            #expect(try await auth.authenticate(bearer: String(created.secret.dropLast())) == nil)
            #expect(try await auth.authenticate(bearer: "") == nil)
            #expect(try await store.listTokens(offset: 0, limit: 10) == [created.token])
            try await store.revokeToken(id: created.token.id)
            #expect(try await auth.authenticate(bearer: created.secret) == nil)
            #expect(try await store.listTokens(offset: 0, limit: 10).isEmpty)
            await #expect(throws: VaneError.self) { try await store.revokeToken(id: created.token.id) }
        }
    }

    @Test(arguments: backends)
    func tokenExpires(backend: StoreBackend<SQLiteAuthStore>) async throws {
        let clock = ManualClock()
        try await backend.withStore(clock: clock) { store in
            let auth = Self.service(store, clock: clock)
            let created = try await auth.createToken(name: "short", role: .reader, expiresInDays: 1)
            #expect(created.token.expiresAt == created.token.createdAt + 86_400_000)
            clock.advance(by: 86_400_000 - 1)
            #expect(try await auth.authenticate(bearer: created.secret)?.role == .reader)
            clock.advance(by: 1)
            #expect(try await auth.authenticate(bearer: created.secret) == nil)
            for days in [0, -1, AuthLimits.maxExpiryDays + 1] {
                await #expect(throws: VaneError.self) { try await auth.createToken(name: "x", role: .reader, expiresInDays: days) }
            }
        }
    }

    /// Only the SHA-256 of a secret and the bcrypt hash of a password reach the database.
    @Test func onlyHashesAreStored() async throws {
        var migrations = SchemaMigrations()
        AuthSchema.register(in: &migrations)
        let db = try VaneDatabase.inMemory()
        try db.migrate(migrations)
        let auth = AuthService(store: SQLiteAuthStore(database: db), hasher: PasswordHasher(cost: 4))
        let created = try await auth.createToken(name: "ci", role: .admin)
        _ = try await auth.createUser(name: "alice", role: .reader, password: "correct horse")
        let dump = try await db.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auth_tokens").map(\.description).joined()
                + Row.fetchAll(db, sql: "SELECT * FROM auth_users").map(\.description).joined()
        }
        #expect(!dump.contains(created.secret))
        #expect(!dump.contains(String(created.secret.dropFirst(TokenSecret.prefix.count))))
        #expect(!dump.contains("correct horse"))
        let stored = try await db.writer.read { db in try Data.fetchOne(db, sql: "SELECT secret_hash FROM auth_tokens") }
        #expect(stored.map(Array.init) == TokenSecret.hash(created.secret))
        let hash = try await db.writer.read { db in try String.fetchOne(db, sql: "SELECT password_hash FROM auth_users") }
        #expect(hash?.hasPrefix("$2") == true)
    }

    @Test(arguments: backends)
    func usersSignInWithTheirPassword(backend: StoreBackend<SQLiteAuthStore>) async throws {
        let clock = ManualClock()
        try await backend.withStore(clock: clock) { store in
            let auth = Self.service(store, clock: clock)
            _ = try await auth.createUser(name: "alice", role: .writer, password: "first password")
            #expect(try await auth.authenticate(username: "alice", password: "first password") == Principal(name: "alice", role: .writer, method: .password))
            #expect(try await auth.authenticate(username: "alice", password: "first passwore") == nil)
            #expect(try await auth.authenticate(username: "bob", password: "first password") == nil)
            #expect(try await auth.authenticate(username: "", password: "first password") == nil)
            await #expect(throws: VaneError.self) { try await auth.createUser(name: "alice", role: .reader, password: "another one") }
            // A new password and role take effect at once in this process, cached check or not.
            try await auth.updateUser(name: "alice", password: "second password", role: .reader)
            #expect(try await auth.authenticate(username: "alice", password: "first password") == nil)
            #expect(try await auth.authenticate(username: "alice", password: "second password")?.role == .reader)
            try await auth.deleteUser(name: "alice")
            #expect(try await auth.authenticate(username: "alice", password: "second password") == nil)
            await #expect(throws: VaneError.self) { try await auth.deleteUser(name: "alice") }
            await #expect(throws: VaneError.self) { try await auth.updateUser(name: "alice", password: nil, role: .admin) }
        }
    }

    /// Another process (the CLI) changing a password is seen once the remembered check expires.
    @Test func rememberedChecksExpire() async throws {
        let clock = ManualClock()
        try await Self.backends[0].withStore(clock: clock) { store in
            let auth = Self.service(store, clock: clock)
            let other = Self.service(store, clock: clock)
            _ = try await auth.createUser(name: "alice", role: .writer, password: "first password")
            #expect(try await auth.authenticate(username: "alice", password: "first password") != nil)
            try await other.updateUser(name: "alice", password: "second password", role: nil)
            #expect(try await auth.authenticate(username: "alice", password: "first password") != nil)
            clock.advance(by: AuthService.cacheLifetime)
            #expect(try await auth.authenticate(username: "alice", password: "first password") == nil)
            #expect(try await auth.authenticate(username: "alice", password: "second password") != nil)
        }
    }

    /// A token as the password of basic authentication, with any user name.
    @Test func tokenAsBasicPassword() async throws {
        let clock = ManualClock()
        try await Self.backends[0].withStore(clock: clock) { store in
            let auth = Self.service(store, clock: clock)
            let created = try await auth.createToken(name: "ci", role: .reader)
            #expect(try await auth.authenticate(username: "anyone", password: created.secret) == Principal(name: "ci", role: .reader, method: .token))
        }
    }

    @Test func namesAndPasswordsAreBounded() async throws {
        let clock = ManualClock()
        try await Self.backends[0].withStore(clock: clock) { store in
            let auth = Self.service(store, clock: clock)
            for name in ["", String(repeating: "a", count: 65), "a b", "a/b", "ünï", "x\u{0}"] {
                await #expect(throws: VaneError.self) { try await auth.createToken(name: name, role: .reader) }
                await #expect(throws: VaneError.self) { try await auth.createUser(name: name, role: .reader, password: "long enough") }
            }
            _ = try await auth.createToken(name: String(repeating: "a", count: 64), role: .reader)
            for password in ["short", String(repeating: "p", count: 73)] {
                await #expect(throws: VaneError.self) { try await auth.createUser(name: "u", role: .reader, password: password) }
            }
            _ = try await auth.createUser(name: "u", role: .reader, password: String(repeating: "p", count: 72))
            // An over-long password never reaches bcrypt (which would read only 72 bytes of it).
            #expect(try await auth.authenticate(username: "u", password: String(repeating: "p", count: 73)) == nil)
        }
    }

    @Test func rolesAreOrdered() {
        #expect(Role.admin.allows(.writer) && Role.admin.allows(.reader) && Role.writer.allows(.reader))
        #expect(!Role.reader.allows(.writer) && !Role.writer.allows(.admin))
        #expect(Role.allCases.allSatisfy { $0.allows($0) })
    }

    /// The remembered checks stay bounded however many different passwords are tried.
    @Test func passwordCacheIsBounded() {
        let cache = PasswordCache()
        for i in 0..<(PasswordCache.capacity * 2 + 10) {
            cache.remember(PasswordCache.key(username: "u", password: "p\(i)"), role: nil, until: 100)
        }
        #expect(cache.count <= PasswordCache.capacity)
    }
}

/// The gate in front of bcrypt: a flood of password checks is refused, not queued.
@Suite("Password check limit")
struct PasswordCheckLimitTests {
    @Test func slotsAreTakenWithoutWaiting() {
        let limit = ConcurrencyLimit(2)
        #expect(limit.tryAcquire() && limit.tryAcquire())
        #expect(!limit.tryAcquire())
        #expect(limit.current == 2)
        limit.release()
        #expect(limit.tryAcquire())
        limit.release(); limit.release()
        #expect(limit.current == 0)
    }

    /// Checks beyond the limit fail with 503's code at once; those within it complete.
    @Test func floodOfChecksIsRefusedNotQueued() async throws {
        let hasher = PasswordHasher(cost: 4, maxConcurrentChecks: 2)
        let hash = try await hasher.hash("a password")
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    do { return try await hasher.verify("a password", hash: hash) ? "match" : "mismatch" } catch let error as VaneError {
                        return error.code.rawValue
                    } catch { return "other" }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0 == "match" || $0 == VaneError.Code.unavailable.rawValue })
        #expect(outcomes.contains("match"))
        #expect(hasher.checks.current == 0)
    }
}
