/// What a caller may do. Each role may do everything the roles below it may.
///
/// - ``reader``: read experiments, runs, models and artifacts; search; predict.
/// - ``writer``: also log runs, metrics and artifacts, register models, deploy.
/// - ``admin``: also change the server's configuration, runbooks, users and tokens.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case reader
    case writer
    case admin

    /// Whether a caller with this role may do what needs `required`.
    public func allows(_ required: Role) -> Bool { self >= required }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    var rank: Int {
        switch self {
        case .reader: 0
        case .writer: 1
        case .admin: 2
        }
    }

    /// The names, for messages: "reader, writer, admin".
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Who is calling, once their credentials are checked.
public struct Principal: Sendable, Equatable {
    /// How the caller proved who they are.
    public enum Method: String, Sendable, Equatable {
        /// A bearer token (`Authorization: Bearer vane_…`).
        case token
        /// A user name and password (HTTP basic authentication).
        case password
        /// Nobody: authentication is off, every caller is an admin.
        case none
    }

    /// The token's or the user's name.
    public var name: String
    public var role: Role
    public var method: Method

    public init(name: String, role: Role, method: Method) {
        self.name = name; self.role = role; self.method = method
    }

    /// The caller when authentication is off.
    public static let anonymous = Principal(name: "anonymous", role: .admin, method: .none)
}
