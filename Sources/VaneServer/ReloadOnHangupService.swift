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
            Self.reload(reloader, logger: logger, trigger: "SIGHUP")
        }
    }

    /// Reloads once and logs the outcome; returns it, or the failure.
    @discardableResult
    public static func reload(_ reloader: ConfigurationReloader, logger: Logger, trigger: String) -> Result<ConfigurationReloader.Outcome, ConfigurationReloader.Failure> {
        do {
            let outcome = try reloader.reload()
            logger.info("configuration reloaded", metadata: [
                "trigger": "\(trigger)", "file": "\(reloader.file ?? "")",
                "applied": "\(outcome.applied.joined(separator: ","))",
            ])
            if !outcome.restartRequired.isEmpty {
                logger.warning("changed settings need a restart to take effect", metadata: ["settings": "\(outcome.restartRequired.joined(separator: ","))"])
            }
            return .success(outcome)
        } catch {
            logger.error("configuration reload failed", metadata: ["trigger": "\(trigger)", "error": "\(error)"])
            return .failure(error)
        }
    }
}
