import VaneText
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import VaneAuth
import VaneCore
import VaneOps
import VaneServer
import VaneServing

/// One wire surface a Vane server serves, as `GET /api/vane/v1/server` lists it.
struct ServedSurface: Sendable {
    /// A stable name: `mlflow`, `mlflow-artifacts`, `open-inference-v2`, `mlflow-scoring`, `vane`.
    var name: String
    /// The path prefixes it answers under.
    var basePaths: [String]
}

/// Vane's own JSON API, under ``basePath``: one table of routes, registered as is, so that the
/// OpenAPI document (``VaneOpenAPI``) can be checked against exactly what the router serves.
///
/// Later issues add their endpoints (deployments, alerts, incidents…) to ``routes`` and to the
/// document; the test that compares the two fails until both say the same.
struct VaneAPIRoutes<Context: AuthRequestContext<Principal>>: Sendable {
    /// The prefix of every route of this surface.
    static var basePath: String { "/api/vane/v1" }

    /// One route: its method, its path below ``basePath`` (Hummingbird syntax, `:name` for a
    /// parameter) and its handler.
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var handler: @Sendable (Request, Context) async throws -> Response
    }

    /// The surfaces of the server this API belongs to, for `GET server`.
    let surfaces: [ServedSurface]
    /// Tokens and users, for the routes of ``authRoutes``.
    let auth: AuthService
    /// The configuration file's reloader; nil when the server has no file (or is a test's).
    var reloader: ConfigurationReloader? = nil
    /// The deployments, for the routes of ``deploymentRoutes``; nil serves none.
    var deployments: DeploymentService? = nil
    /// Feedback and experiments on the deployments.
    var experiments: ExperimentService? = nil
    /// The alerts and the incidents, for the routes of ``opsRoutes``; nil serves none.
    var alerting: Alerting? = nil
    var incidents: IncidentService? = nil
    /// Alert episodes, for `alerts/history`.
    var history: AlertHistory? = nil
    /// Where changes posted to `changes` are kept (the change log).
    var changes: (any ChangeRecorder)? = nil

    /// Every route of the surface, in the order they are registered.
    var routes: [Route] {
        [
            Route(method: .get, path: "server") { _, _ in server() },
            Route(method: .get, path: "openapi.json") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"],
                         body: .init(byteBuffer: ByteBuffer(string: VaneOpenAPI.document)))
            },
            Route(method: .post, path: "-/reload") { _, context in try reload(context) },
        ] + authRoutes + deploymentRoutes + opsRoutes
    }

    /// `POST -/reload`: reads the configuration file again, as `SIGHUP` does. A file with an
    /// error changes nothing and is a 400 naming the file and line; a server started without
    /// `--config` answers 409.
    func reload(_ context: Context) throws -> Response {
        guard let reloader else {
            throw VaneError(.invalidState, ConfigurationReloader.Failure.noFile.description)
        }
        switch reloader.reload(loggingTo: context.logger, trigger: "POST \(Self.basePath)/-/reload") {
        case .success(let outcome):
            var w = JSONWriter()
            w.beginObject()
            w.field("file", reloader.file ?? "")
            w.beginArray("applied")
            for name in outcome.applied { w.element(name) }
            w.endArray()
            w.beginArray("restart_required")
            for name in outcome.restartRequired { w.element(name) }
            w.endArray()
            w.endObject()
            return w.response()
        case .failure(.noFile):
            throw VaneError(.invalidState, ConfigurationReloader.Failure.noFile.description)
        case .failure(let failure):
            throw VaneError.invalid(failure.description)
        }
    }

    /// Registers ``routes`` on `group` (the ``basePath`` group, which carries Vane's error shape).
    func addRoutes(to group: RouterGroup<Context>) {
        for route in routes {
            group.on(RouterPath(route.path), method: route.method, use: route.handler)
        }
    }

    /// `GET server`: the server's name, version and the surfaces it serves.
    func server() -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.field("name", "vane")
        w.field("version", vaneVersion)
        w.beginArray("surfaces")
        for surface in surfaces {
            w.beginObject()
            w.field("name", surface.name)
            w.beginArray("base_paths")
            for path in surface.basePaths { w.element(path) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.response()
    }
}
