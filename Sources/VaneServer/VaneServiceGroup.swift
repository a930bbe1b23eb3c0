import Logging
import ServiceLifecycle

/// Runs a server's long-running work — the HTTP application and the services beside it
/// (configuration reload on `SIGHUP`, and the monitors, scrapers and runbooks later issues add) —
/// as one `ServiceLifecycle` group: `SIGTERM` or `SIGINT` shuts every service down gracefully
/// (requests in flight finish), and a service that fails stops the others.
public enum VaneServiceGroup {
    /// Runs `services` until a shutdown signal or until one of them fails.
    public static func run(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
