import HTTPTypes
import Hummingbird
import VaneCore
import VaneServer

/// Enforces a ``CrossSitePolicy`` before any route runs: the `Host` allow-list, the `Origin` of
/// state-changing requests, a non-simple content type on MLflow and Vane API POSTs, and CORS preflights
/// and headers for configured origins. Refusals are thrown, so each surface answers in its own
/// error shape: it runs inside each surface's route group, below the group's error middleware
/// (and, for paths no group matches, below ``FallbackErrorMiddleware``).
struct CrossSiteMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where the policy is read from on every request (a reload may change it).
    let settings: LiveSettings

    static var invalidHost: String { "Invalid Host header - possible DNS rebinding attack detected" }
    static var blockedOrigin: String { "Cross-origin request blocked" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let policy = settings.current.crossSite
        let path = request.uri.path
        let host = request.head.authority
        if let host, path != "/health", path != "/version", !policy.allows(host: host) {
            throw VaneError(.permissionDenied, Self.invalidHost)
        }
        let origin = request.headers[.origin]
        if request.method == .options, let origin, let method = request.headers[.accessControlRequestMethod] {
            return preflight(origin: origin, method: method, headers: request.headers[.accessControlRequestHeaders], policy: policy)
        }
        if Self.changesState(request.method) {
            if let origin, !policy.allows(origin: origin, host: host, scheme: request.head.scheme ?? "http") {
                throw VaneError(.permissionDenied, Self.blockedOrigin)
            }
            // POST is the one state-changing method a page may send cross-site without a CORS
            // preflight, and only with a "simple" content type: PUT, PATCH and DELETE always need
            // a preflight, which foreign origins fail, so they may come without a body type.
            // A bodiless POST to Vane's API (a rollout action) may come without a content type:
            // it carries nothing a form could forge, and a page's request has an Origin, checked above.
            let bodiless = request.headers[.contentType] == nil && request.headers[.transferEncoding] == nil
                && (request.headers[.contentLength].map { BodyReader.nonNegativeInteger($0) == 0 } ?? true)
            if request.method == .post, Self.isJSONAPI(path), CrossSitePolicy.isSimple(contentType: request.headers[.contentType]),
               !(bodiless && VaneErrorMiddleware<Context>.isVaneAPI(path)) {
                let api = VaneErrorMiddleware<Context>.isVaneAPI(path) ? "Vane API" : path.hasPrefix("/api/v2/") ? "Alertmanager API" : "MLflow API"
                throw MLflowError(status: .unsupportedMediaType, errorCode: "BAD_REQUEST",
                                  message: "\(api) requests that change state must be sent with Content-Type: application/json")
            }
        }
        var response = try await next(request, context)
        if let origin, policy.isCORSOrigin(origin) {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        }
        return response
    }

    /// The answer to a CORS preflight: allowed for configured origins, 403 otherwise.
    func preflight(origin: String, method: String, headers: String?, policy: CrossSitePolicy) -> Response {
        guard policy.isCORSOrigin(origin) else {
            return Response(status: .forbidden, headers: [.contentType: "text/plain", .vary: "Origin"],
                            body: .init(byteBuffer: .init(string: Self.blockedOrigin)))
        }
        var fields: HTTPFields = [
            .accessControlAllowOrigin: origin,
            .accessControlAllowMethods: "GET, HEAD, POST, PUT, PATCH, DELETE",
            .accessControlMaxAge: "600",
            .vary: "Origin",
        ]
        if let headers, headers.utf8.count <= 1024 { fields[.accessControlAllowHeaders] = headers }
        return Response(status: .noContent, headers: fields)
    }

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        method == .post || method == .put || method == .patch || method == .delete
    }

    /// The JSON APIs whose writes must say `application/json`: MLflow's REST API (not the
    /// artifact proxy, whose bodies are files of any type) and Vane's own API (`/api/vane/`).
    static func isJSONAPI(_ path: String) -> Bool {
        (path.hasPrefix("/api/") || path.hasPrefix("/ajax-api/")) && !path.contains("/mlflow-artifacts/")
    }
}
