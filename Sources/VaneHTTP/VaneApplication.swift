import Foundation
import Hummingbird
import Logging
import NIOCore
import VaneArtifacts
import VaneCore
import VaneRegistry
import VaneServer
import VaneServing

/// Builds the Hummingbird application of `vane server`.
public enum VaneApplication {
    /// The router with every surface: MLflow (both prefixes), artifacts, inference over the
    /// registry's models (OIP v2 and MLflow scoring), health, version, metrics.
    public static func makeRouter(stores: VaneStores, crossSite: CrossSitePolicy = .defaults(listenHost: "127.0.0.1")) -> Router<VaneRequestContext> {
        let router = makeBaseRouter(crossSite: crossSite)
        let catalog = RegistryModelCatalog(
            resolver: ModelResolver(tracking: stores.tracking, registry: stores.registry, artifacts: stores.artifacts),
            registry: stores.registry)
        let inference = InferenceRoutes<VaneRequestContext>(catalog: catalog)
        inference.addOpenInferenceRoutes(to: router)
        inference.addRegistryScoringRoutes(to: router)

        let clock = SystemClock()
        let mlflow = MLflowRoutes<VaneRequestContext>(tracking: stores.tracking, registry: stores.registry, artifacts: stores.artifacts, clock: clock)
        let artifactRoutes = MLflowArtifactRoutes<VaneRequestContext>(tracking: stores.tracking, artifacts: stores.artifacts)
        for prefix in ["api", "ajax-api"] {
            let api = router.group(RouterPath("\(prefix)/2.0/mlflow"))
            mlflow.addRoutes(to: api)
            artifactRoutes.addRunArtifactRoutes(to: api)
            artifactRoutes.addProxyRoutes(to: router.group(RouterPath("\(prefix)/2.0/mlflow-artifacts")))
            router.get(RouterPath("\(prefix)/3.0/mlflow/server-info")) { _, _ in MLflowArtifactRoutes<VaneRequestContext>.serverInfo() }
        }
        return router
    }

    /// The router of `vane serve`: one model over OIP v2 and MLflow scoring, with health,
    /// version and metrics.
    public static func makeServeRouter(catalog: SingleModelCatalog, crossSite: CrossSitePolicy = .defaults(listenHost: "127.0.0.1")) -> Router<VaneRequestContext> {
        let router = makeBaseRouter(crossSite: crossSite)
        let inference = InferenceRoutes<VaneRequestContext>(catalog: catalog)
        inference.addOpenInferenceRoutes(to: router)
        inference.addSingleModelScoringRoutes(to: router, modelName: catalog.served.name)
        return router
    }

    /// Middleware and the routes every Vane server has: `/health`, `/version`, `/metrics`.
    ///
    /// Order matters: metrics see every answer; errors below take their surface's shape; the
    /// cross-site checks run before any body is read; large bodies wait for memory before theirs is.
    static func makeBaseRouter(crossSite: CrossSitePolicy) -> Router<VaneRequestContext> {
        let router = Router(context: VaneRequestContext.self)
        router.add(middleware: VaneMetricsMiddleware())
        router.add(middleware: ErrorResponseMiddleware())
        router.add(middleware: CrossSiteMiddleware(policy: crossSite))
        router.add(middleware: LargeBodyMiddleware(gate: .shared, limit: MLflowError.maxJSONBodySize))
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

    /// The application listening on `configuration`'s address.
    public static func make(configuration: VaneServerConfiguration, stores: VaneStores, logger: Logger) -> some ApplicationProtocol {
        _ = VaneMetrics.registry
        return make(router: makeRouter(stores: stores, crossSite: configuration.crossSite), host: configuration.host, port: configuration.port, logger: logger)
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
