import Foundation
import GRDB
import VaneCore
import VaneStorage

/// Tokens and users on the embedded SQLite database; one transaction per write method.
public struct SQLiteAuthStore: AuthStore {
    let db: any DatabaseWriter
    let clock: any VaneClock

    public init(database: VaneDatabase, clock: any VaneClock = SystemClock()) {
        self.db = database.writer
        self.clock = clock
    }

    func write<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await db.timedWrite(context, body)
    }

    func read<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await db.timedRead(context, body)
    }

    static func token(_ row: Row) -> APIToken {
        APIToken(id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .reader,
                 createdAt: row["created_at"], expiresAt: row["expires_at"])
    }

    static func user(_ row: Row) -> UserAccount {
        UserAccount(name: row["name"], role: Role(rawValue: row["role"]) ?? .reader,
                    createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    // MARK: Tokens

    public func createToken(_ token: APIToken, secretHash: [UInt8]) async throws {
        try await write("create token") { db in
            try db.execute(sql: "INSERT INTO auth_tokens (id, name, role, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [token.id, token.name, token.role.rawValue, Data(secretHash), token.createdAt, token.expiresAt])
        }
    }

    public func token(secretHash: [UInt8]) async throws -> APIToken? {
        try await read("find token") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM auth_tokens WHERE secret_hash = ? AND revoked_at IS NULL",
                             arguments: [Data(secretHash)]).map(Self.token)
        }
    }

    public func listTokens(offset: Int, limit: Int) async throws -> [APIToken] {
        try await read("list tokens") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auth_tokens WHERE revoked_at IS NULL ORDER BY created_at, id LIMIT ? OFFSET ?",
                             arguments: [limit, offset]).map(Self.token)
        }
    }

    public func revokeToken(id: String) async throws {
        let now = clock.nowMillis()
        try await write("revoke token") { db in
            try db.execute(sql: "UPDATE auth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            guard db.changesCount == 1 else { throw VaneError.notFound("No token with id '\(id.prefix(64))'.") }
        }
    }

    // MARK: Users

    public func createUser(_ user: UserAccount, passwordHash: String) async throws {
        try await write("create user") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM auth_users WHERE name = ?", arguments: [user.name]) == true {
                throw VaneError.exists("User '\(user.name)' already exists.")
            }
            try db.execute(sql: "INSERT INTO auth_users (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [user.name, user.role.rawValue, passwordHash, user.createdAt, user.updatedAt])
        }
    }

    public func user(named name: String) async throws -> (user: UserAccount, passwordHash: String)? {
        try await read("find user") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM auth_users WHERE name = ?", arguments: [name]) else { return nil }
            let hash: String = row["password_hash"]
            return (Self.user(row), hash)
        }
    }

    public func listUsers(offset: Int, limit: Int) async throws -> [UserAccount] {
        try await read("list users") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auth_users ORDER BY name LIMIT ? OFFSET ?", arguments: [limit, offset]).map(Self.user)
        }
    }

    public func updateUser(named name: String, passwordHash: String?, role: Role?, at time: EpochMillis) async throws {
        try await write("update user") { db in
            try db.execute(sql: """
                UPDATE auth_users SET password_hash = COALESCE(?, password_hash), role = COALESCE(?, role), updated_at = ?
                WHERE name = ?
                """, arguments: [passwordHash, role?.rawValue, time, name])
            guard db.changesCount == 1 else { throw VaneError.notFound("No user named '\(name.prefix(64))'.") }
        }
    }

    public func deleteUser(named name: String) async throws {
        try await write("delete user") { db in
            try db.execute(sql: "DELETE FROM auth_users WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw VaneError.notFound("No user named '\(name.prefix(64))'.") }
        }
    }

    public func hasCredentials() async throws -> Bool {
        try await read("count credentials") { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM auth_tokens WHERE revoked_at IS NULL) OR EXISTS (SELECT 1 FROM auth_users)
                """) ?? false
        }
    }
}
