import VaneText
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import VaneAuth
import VaneCore

/// Tokens and users in Vane's API: admins list, create and revoke tokens and manage users;
/// anyone signed in may ask who they are.
extension VaneAPIRoutes {
    /// The paths below ``basePath`` that only admins may use, whatever the method.
    static var adminPaths: [String] { ["tokens", "users", "-/reload"].map { basePath + "/" + $0 } }

    /// The role each request of this surface needs: reads need a reader, writes a writer,
    /// ``adminPaths`` (tokens, users, the configuration) an admin.
    static var access: AccessRule { .byMethod(adminPaths: adminPaths) }

    /// The routes of this extension.
    var authRoutes: [Route] {
        [
            Route(method: .get, path: "whoami") { _, context in whoami(context) },
            Route(method: .get, path: "tokens") { request, _ in try await listTokens(request) },
            Route(method: .post, path: "tokens") { request, _ in try await createToken(request) },
            Route(method: .delete, path: "tokens/:id") { _, context in
                try await auth.store.revokeToken(id: try context.parameters.require("id"))
                return Response(status: .noContent)
            },
            Route(method: .get, path: "users") { request, _ in try await listUsers(request) },
            Route(method: .post, path: "users") { request, _ in try await createUser(request) },
            Route(method: .patch, path: "users/:name") { request, context in
                let name = try context.parameters.require("name")
                let body = try await Self.jsonObject(request)
                try Self.allowOnly(["password", "role"], in: body)
                let password = try Self.string(body, "password", required: false)
                let role = try Self.role(body, required: false)
                guard password != nil || role != nil else { throw VaneError.invalid("Give a new password, a new role or both.") }
                try await auth.updateUser(name: name, password: password, role: role)
                return Response(status: .noContent)
            },
            Route(method: .delete, path: "users/:name") { _, context in
                try await auth.deleteUser(name: try context.parameters.require("name"))
                return Response(status: .noContent)
            },
        ]
    }

    func whoami(_ context: Context) -> Response {
        let principal = context.identity ?? .anonymous
        var w = JSONWriter()
        w.beginObject()
        w.field("name", principal.name)
        w.field("role", principal.role.rawValue)
        w.field("method", principal.method.rawValue)
        w.endObject()
        return w.response()
    }

    func listTokens(_ request: Request) async throws -> Response {
        try await Self.page(request, key: "tokens", fetch: auth.store.listTokens(offset:limit:), write: Self.write)
    }

    /// One page of a list endpoint: `{"<key>": [...], "next_page_token": ...}`.
    static func page<Item>(_ request: Request, key: String, fetch: (Int, Int) async throws -> [Item],
                           write: (Item, inout JSONWriter) -> Void) async throws -> Response {
        let page = try VanePage(request: request)
        let (items, next) = page.page(try await fetch(page.offset, page.fetchLimit))
        var w = JSONWriter()
        w.beginObject()
        w.beginArray(key)
        for item in items { w.beginObject(); write(item, &w); w.endObject() }
        w.endArray()
        w.field("next_page_token", next)
        w.endObject()
        return w.response()
    }

    func createToken(_ request: Request) async throws -> Response {
        let body = try await Self.jsonObject(request)
        try Self.allowOnly(["name", "role", "expires_in_days"], in: body)
        let name = try Self.string(body, "name", required: true) ?? ""
        let role = try Self.role(body, required: true) ?? .reader
        var days: Int?
        switch body["expires_in_days"] {
        case nil, .null?: days = nil
        case .int(let value)?: days = Int(exactly: value)
        default: throw VaneError.invalid("expires_in_days must be an integer.")
        }
        let created = try await auth.createToken(name: name, role: role, expiresInDays: days)
        var w = JSONWriter()
        w.beginObject()
        w.beginObject("token")
        Self.write(created.token, to: &w)
        w.endObject()
        w.field("secret", created.secret)
        w.endObject()
        return w.response(status: .created)
    }

    func listUsers(_ request: Request) async throws -> Response {
        try await Self.page(request, key: "users", fetch: auth.store.listUsers(offset:limit:), write: Self.write)
    }

    func createUser(_ request: Request) async throws -> Response {
        let body = try await Self.jsonObject(request)
        try Self.allowOnly(["name", "role", "password"], in: body)
        let user = try await auth.createUser(name: try Self.string(body, "name", required: true) ?? "",
                                             role: try Self.role(body, required: true) ?? .reader,
                                             password: try Self.string(body, "password", required: true) ?? "")
        var w = JSONWriter()
        w.beginObject()
        w.beginObject("user")
        Self.write(user, to: &w)
        w.endObject()
        w.endObject()
        return w.response(status: .created)
    }

    static func write(_ token: APIToken, to w: inout JSONWriter) {
        w.field("id", token.id)
        w.field("name", token.name)
        w.field("role", token.role.rawValue)
        w.field("created_at", token.createdAt)
        w.field("expires_at", token.expiresAt)
    }

    static func write(_ user: UserAccount, to w: inout JSONWriter) {
        w.field("name", user.name)
        w.field("role", user.role.rawValue)
        w.field("created_at", user.createdAt)
        w.field("updated_at", user.updatedAt)
    }

    // MARK: Request bodies

    /// The body as a JSON object (at most 64 KiB).
    static func jsonObject(_ request: Request) async throws -> [String: JSONValue] {
        let bytes = try await BodyReader.collect(request, limit: 64 * 1024)
        guard case .object(let object) = try JSONValue.parse(bytes) else {
            throw VaneError.invalid("The request body must be a JSON object.")
        }
        return object
    }

    static func allowOnly(_ keys: Set<String>, in body: [String: JSONValue]) throws(VaneError) {
        if let unknown = body.keys.sorted().first(where: { !keys.contains($0) }) {
            throw VaneError.invalid("Unknown field '\(unknown.prefix(64))'; the fields are \(keys.sorted().joined(separator: ", ")).")
        }
    }

    static func string(_ body: [String: JSONValue], _ key: String, required: Bool) throws(VaneError) -> String? {
        switch body[key] {
        case .string(let value)?: return value
        case nil, .null?:
            if required { throw VaneError.invalid("Missing field '\(key)'.") }
            return nil
        default: throw VaneError.invalid("'\(key)' must be a string.")
        }
    }

    static func role(_ body: [String: JSONValue], required: Bool) throws(VaneError) -> Role? {
        guard let text = try string(body, "role", required: required) else { return nil }
        guard let role = Role(rawValue: text) else {
            throw VaneError.invalid("'\(text.prefix(64))' is not a role; the roles are \(Role.names).")
        }
        return role
    }
}
