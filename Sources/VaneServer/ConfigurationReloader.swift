import Logging
import Synchronization
import VaneOps

/// Re-reads `vane server`'s configuration file and applies what can change while it runs: the
/// allowed hosts, the CORS origins and whether authentication is on. The flags and environment
/// of the start keep their precedence over the file. A file with an error, or one that would
/// leave a non-loopback server without authentication, changes nothing: the running
/// configuration stays as it was. Settings that need a restart (host, port, data directory, the prediction log's) are
/// reported, not applied.
public final class ConfigurationReloader: Sendable {
    /// The configuration file, as named at start; nil when the server started without one.
    public let file: String?
    /// The layers above the file: the flags and the environment, as they were at start.
    let flags: VaneServerSettings
    let environment: VaneServerSettings
    /// The environment, for `${VAR}` in the file.
    let variables: [String: String]
    /// The configuration the server runs with (its address and data directory are fixed).
    private let running: Mutex<VaneServerConfiguration>
    /// The settings the request checks read.
    public let live: LiveSettings
    /// Where a changed `alerting:` section goes; nil where nothing takes it.
    let alerting: Alerting?
    /// Where changed `services:` and `incidents:` sections go.
    let incidents: IncidentService?

    public init(file: String?, flags: VaneServerSettings, environment: VaneServerSettings, variables: [String: String],
                running: VaneServerConfiguration, live: LiveSettings, alerting: Alerting? = nil, incidents: IncidentService? = nil) {
        self.file = file
        self.flags = flags
        self.environment = environment
        self.variables = variables
        self.running = Mutex(running)
        self.live = live
        self.alerting = alerting
        self.incidents = incidents
    }

    /// What a reload did.
    public struct Outcome: Sendable, Equatable {
        /// The settings that changed and took effect, by their file names (`server.allowed_hosts`).
        public var applied: [String]
        /// The settings that changed in the file but need a restart.
        public var restartRequired: [String]

        public init(applied: [String], restartRequired: [String]) {
            self.applied = applied
            self.restartRequired = restartRequired
        }
    }

    /// Why a reload changed nothing.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The server started without `--config`.
        case noFile
        /// The file has an error (named with its line).
        case invalid(VaneConfigFileError)
        /// The file is valid but the server must not run so.
        case refused(String)

        public var description: String {
            switch self {
            case .noFile: "the server was started without --config; there is no file to reload"
            case .invalid(let error): "\(error); the running configuration is unchanged"
            case .refused(let reason): "\(reason); the running configuration is unchanged"
            }
        }
    }

    /// Reads the file again and applies it, or changes nothing and throws.
    public func reload() throws(Failure) -> Outcome {
        guard let file else { throw .noFile }
        let contents: VaneConfigFile
        do { contents = try VaneConfigFile.load(path: file, environment: variables) } catch { throw .invalid(error) }
        return try running.withLock { (running: inout VaneServerConfiguration) throws(Failure) -> Outcome in
            var next = VaneServerConfiguration(layers: [flags, environment, contents.settings], defaultPort: running.port)
            next.insecure = running.insecure
            var restart: [String] = []
            if next.host != running.host { restart.append("server.host") }
            if next.port != running.port { restart.append("server.port") }
            if next.dataDirectory != running.dataDirectory { restart.append("storage.data_dir") }
            if next.predictionLog.sample != running.predictionLog.sample { restart.append("predictions.sample") }
            if next.predictionLog.retentionMilliseconds != running.predictionLog.retentionMilliseconds { restart.append("predictions.retention") }
            // The address, the data and the log stay what the server started with, whatever the file now says.
            next.host = running.host
            next.port = running.port
            next.dataDirectory = running.dataDirectory
            next.predictionLog = running.predictionLog
            if let refusal = next.refusalToListen { throw .refused(refusal) }
            var applied: [String] = []
            if next.crossSite.allowedHosts != running.crossSite.allowedHosts { applied.append("server.allowed_hosts") }
            if next.crossSite.corsOrigins != running.crossSite.corsOrigins { applied.append("server.cors_origins") }
            if next.authentication != running.authentication { applied.append("auth.enabled") }
            if next.alerting != running.alerting {
                applied.append("alerting")
                alerting?.apply(next.alerting)
            }
            if next.services != running.services || next.incidents != running.incidents {
                if next.services != running.services { applied.append("services") }
                if next.incidents != running.incidents { applied.append("incidents") }
                incidents?.apply(graph: next.services, settings: next.incidents)
            }
            running = next
            live.replace(with: LiveSettings.Snapshot(crossSite: next.crossSite, authentication: next.authentication))
            return Outcome(applied: applied, restartRequired: restart)
        }
    }

    /// Reloads once and logs the outcome (what SIGHUP and the reload endpoint both do); returns
    /// it, or the failure.
    @discardableResult
    public func reload(loggingTo logger: Logger, trigger: String) -> Result<Outcome, Failure> {
        do {
            let outcome = try reload()
            logger.info("configuration reloaded", metadata: [
                "trigger": "\(trigger)", "file": "\(file ?? "")",
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
