import VaneCore

/// Where tokens and users are kept. Implementations store only hashes: the SHA-256 of a
/// token's secret, the bcrypt hash of a password.
public protocol AuthStore: Sendable {
    /// Stores a new token whose secret hashes to `secretHash`.
    func createToken(_ token: APIToken, secretHash: [UInt8]) async throws
    /// The token whose secret hashes to `secretHash`, if it exists and is not revoked.
    func token(secretHash: [UInt8]) async throws -> APIToken?
    /// Tokens by creation time, then id; `offset`/`limit` page through them.
    func listTokens(offset: Int, limit: Int) async throws -> [APIToken]
    /// Revokes a token; throws ``VaneError/Code/notFound`` for an unknown id.
    func revokeToken(id: String) async throws

    /// Stores a new user; throws ``VaneError/Code/alreadyExists`` if the name is taken.
    func createUser(_ user: UserAccount, passwordHash: String) async throws
    /// The user and their password hash.
    func user(named name: String) async throws -> (user: UserAccount, passwordHash: String)?
    /// Users by name.
    func listUsers(offset: Int, limit: Int) async throws -> [UserAccount]
    /// Changes a user's password hash and, when given, role; throws notFound for an unknown user.
    func updateUser(named name: String, passwordHash: String?, role: Role?, at time: EpochMillis) async throws
    /// Deletes a user; throws notFound for an unknown user.
    func deleteUser(named name: String) async throws
    /// Whether any token or user exists (a server with authentication on and neither can't be used).
    func hasCredentials() async throws -> Bool
}
