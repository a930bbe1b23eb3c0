import Foundation
import Hummingbird
import Logging
import NIOCore
import VaneArtifacts
import VaneAuth
import VaneCore
import VaneOps
import VaneRegistry
import VaneServer
import VaneServing

/// Builds the Hummingbird application of `vane server`.
public enum VaneApplication {
    /// The router with every surface: MLflow (both prefixes), artifacts, inference over the
    /// registry's models (OIP v2 and MLflow scoring), Vane's own API, health, version, metrics.
    ///
    /// With `authentication` on, every request but `/health` and `/version` needs credentials that
    /// ``VaneStores/auth`` accepts, with a role that allows it (see ``AccessRule``).
    public static func makeRouter(stores: VaneStores, crossSite: CrossSitePolicy = .defaults(listenHost: "127.0.0.1"),
                                  authentication: Bool = false) -> Router<VaneRequestContext> {
        makeRouter(stores: stores, settings: LiveSettings(.init(crossSite: crossSite, authentication: authentication)), reloader: nil)
    }

    /// The router over `settings`, which `reloader` (when the server has a configuration file)
    /// replaces on `POST /api/vane/v1/-/reload` and `SIGHUP`.
    public static func makeRouter(stores: VaneStores, settings: LiveSettings, reloader: ConfigurationReloader?) -> Router<VaneRequestContext> {
        let builder = RouterBuilder(settings: settings, auth: stores.auth)
        let inference = InferenceRoutes<VaneRequestContext>(catalog: stores.models, deployments: stores.deployments)
        inference.addOpenInferenceRoutes(to: builder.surface("v2", errors: OIPErrorMiddleware(), access: .reader))
        inference.addRegistryScoringRoutes(to: builder.surface("models", errors: ScoringErrorMiddleware(), access: .reader))

        let clock = SystemClock()
        let mlflow = MLflowRoutes<VaneRequestContext>(tracking: stores.tracking, registry: stores.registry, artifacts: stores.artifacts, clock: clock)
        let artifactRoutes = MLflowArtifactRoutes<VaneRequestContext>(tracking: stores.tracking, artifacts: stores.artifacts)
        for prefix in ["api", "ajax-api"] {
            let api = builder.surface(RouterPath("\(prefix)/2.0/mlflow"), errors: MLflowErrorMiddleware(), access: .mlflow)
            mlflow.addRoutes(to: api)
            artifactRoutes.addRunArtifactRoutes(to: api)
            artifactRoutes.addProxyRoutes(to: builder.surface(RouterPath("\(prefix)/2.0/mlflow-artifacts"), errors: MLflowErrorMiddleware(), access: .mlflow))
            builder.surface(RouterPath("\(prefix)/3.0/mlflow"), errors: MLflowErrorMiddleware(), access: .mlflow)
                .get("server-info") { _, _ in MLflowArtifactRoutes<VaneRequestContext>.serverInfo() }
        }
        AlertmanagerRoutes<VaneRequestContext>(alerting: stores.alerting)
            .addRoutes(to: builder.surface("api/v2", errors: AlertmanagerErrorMiddleware(), access: .byMethod()))
        VaneAPIRoutes<VaneRequestContext>(surfaces: servedSurfaces, auth: stores.auth, reloader: reloader, deployments: stores.deployments,
                                          experiments: stores.experiments, alerting: stores.alerting, incidents: stores.incidents,
                                          history: stores.history, changes: stores.changes)
            .addRoutes(to: builder.surface(RouterPath(VaneAPIRoutes<VaneRequestContext>.basePath), errors: VaneErrorMiddleware(),
                                           access: VaneAPIRoutes<VaneRequestContext>.access))
        return builder.finish()
    }

    /// The surfaces ``makeRouter(stores:crossSite:)`` serves, as Vane's API lists them.
    static var servedSurfaces: [ServedSurface] {
        [
            ServedSurface(name: "mlflow", basePaths: ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow", "/api/3.0/mlflow", "/ajax-api/3.0/mlflow"]),
            ServedSurface(name: "mlflow-artifacts", basePaths: ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"]),
            ServedSurface(name: "open-inference-v2", basePaths: ["/v2"]),
            ServedSurface(name: "mlflow-scoring", basePaths: ["/models"]),
            ServedSurface(name: "alertmanager-v2", basePaths: ["/api/v2"]),
            ServedSurface(name: "vane", basePaths: [VaneAPIRoutes<VaneRequestContext>.basePath]),
        ]
    }

    /// The router of `vane serve`: one model over OIP v2 and MLflow scoring, with health,
    /// version and metrics.
    public static func makeServeRouter(catalog: SingleModelCatalog, crossSite: CrossSitePolicy = .defaults(listenHost: "127.0.0.1")) -> Router<VaneRequestContext> {
        let builder = RouterBuilder(settings: LiveSettings(.init(crossSite: crossSite, authentication: false)), auth: nil)
        let inference = InferenceRoutes<VaneRequestContext>(catalog: catalog)
        inference.addOpenInferenceRoutes(to: builder.surface("v2", errors: OIPErrorMiddleware(), access: .reader))
        inference.addSingleModelScoringRoutes(to: builder.surface("invocations", errors: ScoringErrorMiddleware(), access: .reader),
                                              modelName: catalog.served.name)
        let router = builder.finish()
        InferenceRoutes<VaneRequestContext>.addPingRoute(to: router)
        return router
    }

    /// Builds a router surface by surface: one route group per wire surface, each with its own
    /// error shape, then the routes every Vane server has.
    ///
    /// Hummingbird resolves the route first and then runs the router's middleware (those added
    /// before the route) and the group's. So the order of each chain is: metrics (they see every
    /// answer), the error shape, the cross-site checks (before any body is read), authentication
    /// and the role check, the large-body gate (bodies wait for memory before they are read), the handler. A surface's checks live in
    /// its group, below its error shape; ``finish()`` adds them once more at the router level,
    /// after every group, for the server's own endpoints and for requests no route matches
    /// (404s and CORS preflights), under ``FallbackErrorMiddleware``.
    struct RouterBuilder {
        let router = Router(context: VaneRequestContext.self)
        /// The cross-site policy and whether authentication is on, read on every request.
        let settings: LiveSettings
        /// The credentials checker; nil where there is none (`vane serve`).
        let auth: AuthService?

        init(settings: LiveSettings, auth: AuthService?) {
            self.settings = settings
            self.auth = auth
            router.add(middleware: VaneMetricsMiddleware())
        }

        /// A route group for one surface: `errors` gives its error shape, `access` the role each
        /// request needs, then the request checks.
        func surface(_ path: RouterPath, errors: some RouterMiddleware<VaneRequestContext>, access: AccessRule) -> RouterGroup<VaneRequestContext> {
            addChecks(to: router.group(path).add(middleware: errors), access: access)
        }

        @discardableResult
        func addChecks<Methods: RouterMethods<VaneRequestContext>>(to methods: Methods, access: AccessRule) -> Methods {
            _ = methods.add(middleware: CrossSiteMiddleware(settings: settings))
            _ = methods.add(middleware: AuthMiddleware<VaneRequestContext>(auth: auth, settings: settings, access: access))
            _ = methods.add(middleware: LargeBodyMiddleware(gate: .shared, limit: MLflowError.maxJSONBodySize))
            return methods
        }

        /// The fallback error shape and the checks for everything no group matched, and the routes
        /// every Vane server has: `/health`, `/version`, `/metrics`. Call it after the last group:
        /// router middleware applies to the routes added after it (and to the not-found answer).
        func finish() -> Router<VaneRequestContext> {
            router.add(middleware: FallbackErrorMiddleware())
            addChecks(to: router, access: .server)
            router.get("health") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "OK")))
            }
            router.get("version") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: vaneVersion)))
            }
            router.get("metrics") { _, _ in
                var buffer: [UInt8] = []
                VaneMetrics.registry.emit(into: &buffer)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
            }
            return router
        }
    }

    /// The application listening on `configuration`'s address, its reloadable settings in
    /// `reloader` when there is a configuration file to reload.
    public static func make(configuration: VaneServerConfiguration, stores: VaneStores, reloader: ConfigurationReloader?,
                            logger: Logger) -> some ApplicationProtocol {
        _ = VaneMetrics.registry
        let settings = reloader?.live ?? LiveSettings(configuration)
        return make(router: makeRouter(stores: stores, settings: settings, reloader: reloader),
                    host: configuration.host, port: configuration.port, logger: logger)
    }

    /// The application of `vane serve` for one model.
    public static func makeServe(catalog: SingleModelCatalog, host: String, port: Int, crossSite: CrossSitePolicy? = nil,
                                 logger: Logger) -> some ApplicationProtocol {
        _ = VaneMetrics.registry
        let policy = crossSite ?? .defaults(listenHost: host)
        return make(router: makeServeRouter(catalog: catalog, crossSite: policy), host: host, port: port, logger: logger)
    }

    static func make(router: Router<VaneRequestContext>, host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "vane/\(vaneVersion)"),
            logger: logger)
    }
}
