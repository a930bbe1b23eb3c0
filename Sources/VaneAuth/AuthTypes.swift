import VaneCore

/// An API token as stored: never its secret, which is shown once when it is created.
public struct APIToken: Sendable, Equatable {
    /// A short public identifier (12 hex digits), for listing and revoking.
    public var id: String
    /// What the token is for, e.g. "ci" or "prometheus".
    public var name: String
    public var role: Role
    public var createdAt: EpochMillis
    /// When the token stops working; nil for never.
    public var expiresAt: EpochMillis?

    public init(id: String, name: String, role: Role, createdAt: EpochMillis, expiresAt: EpochMillis?) {
        self.id = id; self.name = name; self.role = role; self.createdAt = createdAt; self.expiresAt = expiresAt
    }

    /// Whether the token has expired at `now`.
    public func isExpired(at now: EpochMillis) -> Bool { expiresAt.map { now >= $0 } ?? false }
}

/// A new token: the stored record and the secret, which the caller must keep (Vane keeps only its hash).
public struct CreatedToken: Sendable, Equatable {
    public var token: APIToken
    /// `vane_` followed by 43 characters; shown once.
    public var secret: String

    public init(token: APIToken, secret: String) { self.token = token; self.secret = secret }
}

/// A user who signs in with a name and a password (HTTP basic authentication; the mlflow
/// client's `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD`).
public struct UserAccount: Sendable, Equatable {
    public var name: String
    public var role: Role
    public var createdAt: EpochMillis
    public var updatedAt: EpochMillis

    public init(name: String, role: Role, createdAt: EpochMillis, updatedAt: EpochMillis) {
        self.name = name; self.role = role; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// The limits of names and passwords, checked before any work.
public enum AuthLimits {
    /// Token and user names: 1–64 characters of letters, digits, `.`, `_`, `-` and `@`.
    public static let maxNameLength = 64
    /// Passwords: 8–72 bytes (bcrypt reads at most 72).
    public static let minPasswordBytes = 8
    public static let maxPasswordBytes = 72
    /// Tokens expire after at most ten years.
    public static let maxExpiryDays = 3650

    /// Checks a token or user name.
    public static func validateName(_ name: String, what: String) throws(VaneError) {
        guard !name.isEmpty else { throw VaneError.invalid("A \(what) name is required.") }
        guard name.count <= maxNameLength else {
            throw VaneError.invalid("A \(what) name has at most \(maxNameLength) characters; this one has \(name.count).")
        }
        guard name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0)) }) else {
            throw VaneError.invalid("A \(what) name may hold letters, digits, '.', '_', '-' and '@' only.")
        }
    }

    /// Checks a password's length.
    public static func validatePassword(_ password: String) throws(VaneError) {
        let bytes = password.utf8.count
        guard bytes >= minPasswordBytes, bytes <= maxPasswordBytes else {
            throw VaneError.invalid("A password has \(minPasswordBytes) to \(maxPasswordBytes) bytes; this one has \(bytes).")
        }
    }
}
