import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration file on every `SIGHUP`, logging what changed or why nothing did,
/// until the server shuts down.
public struct ReloadOnHangupService: Service {
    let reloader: ConfigurationReloader
    let logger: Logger

    public init(reloader: ConfigurationReloader, logger: Logger) {
        self.reloader = reloader
        self.logger = logger
    }

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            reloader.reload(loggingTo: logger, trigger: "SIGHUP")
        }
    }
}
