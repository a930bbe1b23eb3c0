import HTTPTypes
import Hummingbird
import HummingbirdAuth
import VaneAuth
import VaneCore
import VaneServer

/// Checks who is calling and whether their role allows the request, before any body is read.
///
/// With authentication off (``auth`` nil, or ``LiveSettings/Snapshot/authentication`` false now)
/// every caller is ``Principal/anonymous``, an admin.
/// With it on, a request carries `Authorization: Bearer vane_…` (a token; the mlflow client's
/// `MLFLOW_TRACKING_TOKEN`) or `Authorization: Basic …` (a user's name and password; the mlflow
/// client's `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD`, or any name and a token as
/// the password). Missing or wrong credentials are a 401, a role too low for the request a 403,
/// both thrown so that each surface answers in its own error shape.
struct AuthMiddleware<Context: AuthRequestContext<Principal>>: RouterMiddleware {
    /// The credentials checker; nil where there is none (`vane serve`).
    let auth: AuthService?
    /// Whether authentication is on, read on every request (a reload may change it).
    let settings: LiveSettings
    /// The role each request of this surface needs.
    let access: AccessRule

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard let auth, settings.current.authentication else {
            context.identity = .anonymous
            return try await next(request, context)
        }
        guard let required = access.required(request) else { return try await next(request, context) }
        let principal = try await Self.authenticate(request, auth: auth)
        guard principal.role.allows(required) else {
            throw VaneError(.permissionDenied,
                            "Permission denied: '\(principal.name)' has the role \(principal.role.rawValue); this request needs \(required.rawValue).")
        }
        context.identity = principal
        return try await next(request, context)
    }

    /// The caller the request's credentials name; throws ``VaneError/Code/unauthenticated``.
    static func authenticate(_ request: Request, auth: AuthService) async throws -> Principal {
        guard let header = request.headers[.authorization] else {
            throw VaneError(.unauthenticated, "Authentication required: send a token (Authorization: Bearer) or a user name and password (basic authentication).")
        }
        // Credentials longer than any token or password are refused before any work.
        guard header.utf8.count <= 1024 else { throw VaneError(.unauthenticated, "Invalid credentials.") }
        var principal: Principal?
        if let bearer = request.headers.bearer {
            principal = try await auth.authenticate(bearer: bearer.token)
        } else if let basic = request.headers.basic {
            principal = try await auth.authenticate(username: basic.username, password: basic.password)
        } else {
            throw VaneError(.unauthenticated, "Unsupported Authorization scheme: use Bearer or Basic.")
        }
        guard let principal else { throw VaneError(.unauthenticated, "Invalid credentials.") }
        return principal
    }
}

/// The role each request of a surface needs; nil for a request anyone may make.
struct AccessRule: Sendable {
    let required: @Sendable (Request) -> Role?

    /// Reads (GET, HEAD, and POSTs to paths ending in one of `readPOSTs`) need a reader, writes a
    /// writer; paths under one of `adminPaths` need an admin whatever the method.
    static func byMethod(readPOSTs: [String] = [], adminPaths: [String] = []) -> AccessRule {
        // Matched by suffix and prefix on the raw path: nothing is allocated per request.
        let readSuffixes = readPOSTs.map { "/" + $0 }
        let adminPrefixes = adminPaths.map { $0 + "/" }
        return AccessRule { request in
            let path = request.uri.path
            if adminPaths.contains(path) || adminPrefixes.contains(where: { path.hasPrefix($0) }) { return .admin }
            switch request.method {
            case .get, .head, .options: return .reader
            case .post: return readSuffixes.contains(where: { path.hasSuffix($0) }) ? .reader : .writer
            default: return .writer
            }
        }
    }

    /// Every request needs a reader: predictions change nothing.
    static let reader = AccessRule { _ in .reader }

    /// The MLflow REST API: its searches are POSTs that only read.
    static let mlflow = byMethod(readPOSTs: [
        "experiments/search", "runs/search", "registered-models/search", "registered-models/get-latest-versions",
        "model-versions/search", "logged-models/search",
    ])

    /// Everything outside the surfaces: `/health` and `/version` are open (probes), the rest
    /// (`/metrics`, unknown paths) needs a reader.
    static let server = AccessRule { request in
        let path = request.uri.path
        return path == "/health" || path == "/version" || path == "/ping" ? nil : .reader
    }
}
