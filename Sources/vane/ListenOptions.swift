import ArgumentParser
import Foundation
import Logging

/// `--host` and `--port`, shared by the commands that run a server.
struct ListenOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Address to listen on (env VANE_HOST; default 127.0.0.1).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on (env VANE_PORT; default: see above).", valueName: "port"))
    var port: Int?

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
