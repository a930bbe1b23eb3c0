import ArgumentParser
import Foundation
import Logging
import VaneServer

/// `--host` and `--port`, shared by the commands that run a server.
struct ListenOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Address to listen on (env VANE_HOST; default 127.0.0.1).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on (env VANE_PORT; default: see above).", valueName: "port"))
    var port: Int?

    @Option(help: ArgumentHelp("""
        Host names (comma-separated, optionally with :port, * as a wildcard) that requests may \
        name in their Host header; others get 403, which stops DNS rebinding (env VANE_ALLOWED_HOSTS; \
        default: the listen address, localhost, 127.0.0.1 and [::1]; '*' allows any).
        """, valueName: "hosts"))
    var allowedHosts: String?

    @Option(help: ArgumentHelp("""
        Browser origins (comma-separated, e.g. https://ui.example.com) whose pages may call this \
        server; they get CORS headers. Any other Origin is refused on requests that change state \
        (env VANE_CORS_ORIGINS; default: none).
        """, valueName: "origins"))
    var corsOrigins: String?

    /// What the flags say, nil where they are not given (for ``VaneServerConfiguration/init(layers:defaultPort:)``).
    var flags: VaneServerSettings {
        VaneServerSettings(host: host, port: port, allowedHosts: allowedHosts.map(CrossSitePolicy.list),
                           corsOrigins: corsOrigins.map(CrossSitePolicy.list))
    }

    /// The cross-site policy for a server listening on `host`: the flags, else the environment, else the defaults.
    func crossSitePolicy(listenHost host: String) -> CrossSitePolicy {
        let env = ProcessInfo.processInfo.environment
        var policy = CrossSitePolicy.defaults(listenHost: host)
        if let hosts = allowedHosts ?? env["VANE_ALLOWED_HOSTS"] { policy.allowedHosts = CrossSitePolicy(allowedHosts: CrossSitePolicy.list(hosts)).allowedHosts }
        if let origins = corsOrigins ?? env["VANE_CORS_ORIGINS"] { policy.corsOrigins = CrossSitePolicy.list(origins) }
        return policy
    }

    /// The flags, else VANE_HOST and VANE_PORT, else 127.0.0.1 and `defaultPort`.
    func address(defaultPort: Int) throws -> (host: String, port: Int) {
        let env = ProcessInfo.processInfo.environment
        let host = self.host ?? env["VANE_HOST"] ?? "127.0.0.1"
        let portText = self.port.map(String.init) ?? env["VANE_PORT"] ?? String(defaultPort)
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ValidationError("Invalid port '\(portText)'")
        }
        return (host, port)
    }

    /// Logging to standard error at VANE_LOG_LEVEL (default info), bootstrapped once per process.
    static func logger() -> Logger {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "vane")
        logger.logLevel = ProcessInfo.processInfo.environment["VANE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}
