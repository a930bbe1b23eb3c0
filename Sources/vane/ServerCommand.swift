import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import VaneCore
import VaneHTTP
import VaneOps
import VaneServer
import VaneServing

/// `vane server`: the tracking server, registry and artifact proxy.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Vane server (MLflow-compatible tracking, registry and artifacts).",
        discussion: """
            Listens on 127.0.0.1:5000 by default, MLflow's port, and keeps its data in ./vane-data:
            vane.db (SQLite in WAL mode) and artifacts/. Both are created on first start and the
            schema is migrated automatically.

            Point the mlflow client at it with MLFLOW_TRACKING_URI=http://127.0.0.1:5000.

            Logs go to standard error. SIGINT or SIGTERM stops the server gracefully: requests in
            flight finish, then the database is closed.

            Requests must name an allowed host (--allowed-hosts), and requests that change state
            must come without a foreign Origin (--cors-origins) and, as POSTs to the MLflow and Vane
            APIs, with Content-Type: application/json, so that no web page can act on the server through a
            user's browser. Listening on 0.0.0.0 needs --allowed-hosts with the names clients use.

            --auth (env VANE_AUTH=on) makes every request but /health and /version carry credentials:
            a token (Authorization: Bearer; the mlflow client's MLFLOW_TRACKING_TOKEN) or a user's
            name and password (basic authentication; MLFLOW_TRACKING_USERNAME and
            MLFLOW_TRACKING_PASSWORD). Create them with `vane token create` and `vane user create`.
            Readers read, search and predict; writers also log, register and deploy; admins also
            manage tokens, users and the configuration. Authentication is off by default, and the
            server refuses to listen on an address other than loopback without it unless
            --insecure is given.

            --config (env VANE_CONFIG) names a YAML file for what is not a flag:
              server:  { host, port, allowed_hosts: [..], cors_origins: [..] }
              storage: { data_dir }
              auth:    { enabled }
              predictions: { sample, retention }   (the deployments' prediction log)
            String values may name environment variables as ${VAR} ($${ for a literal ${). A file
            with an error stops the server before it listens, naming the file and the line.
            SIGHUP or POST /api/vane/v1/-/reload (admin) reads the file again and applies
            allowed_hosts, cors_origins and auth.enabled; host, port, data_dir and predictions need a restart.
            A file with an error changes nothing: the server keeps running as it was.

            Environment: VANE_HOST, VANE_PORT, VANE_DATA_DIR, VANE_ALLOWED_HOSTS, VANE_CORS_ORIGINS,
            VANE_AUTH, VANE_PREDICTION_SAMPLE, VANE_PREDICTION_RETENTION, VANE_CONFIG, VANE_LOG_LEVEL. Precedence: flags, then environment, then the config file,
            then the defaults.
            """)

    @OptionGroup var listen: ListenOptions

    @OptionGroup var data: DataDirectoryOption

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "YAML configuration file (env VANE_CONFIG); flags and environment variables override it.", valueName: "path"))
    var config: String?

    @Flag(inversion: .prefixedNo, help: "Require a token or a user's password on every request (env VANE_AUTH; default off).")
    var auth: Bool?

    @Flag(help: "Allow listening on a non-loopback address without authentication.")
    var insecure = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var file = VaneConfigFile()
        let configPath = config ?? env["VANE_CONFIG"]
        if let path = configPath {
            do { file = try VaneConfigFile.load(path: path, environment: env) } catch {
                FileHandle.standardError.write(Data("vane server: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if let port = listen.port, !(0...65535).contains(port) { throw ValidationError("Invalid port '\(port)'") }
        let environment: VaneServerSettings
        do { environment = try VaneServerSettings.environment(env) } catch { throw ValidationError(error.message) }
        var flags = listen.flags
        flags.dataDirectory = data.dataDir
        flags.authentication = auth
        var configuration = VaneServerConfiguration(layers: [flags, environment, file.settings], defaultPort: 5000)
        configuration.insecure = insecure
        if let refusal = configuration.refusalToListen {
            FileHandle.standardError.write(Data("vane server: \(refusal)\n".utf8))
            throw ExitCode(2)
        }
        let (host, port) = (configuration.host, configuration.port)
        let logger = ListenOptions.logger()

        // Metrics first: the stores and the restored deployments make their handles as they open.
        _ = VaneMetrics.registry
        let stores: VaneStores
        do {
            stores = try VaneStores.open(dataDirectory: configuration.dataDirectory, predictionLog: configuration.predictionLog)
        } catch {
            FileHandle.standardError.write(Data("vane server: cannot open data directory '\(configuration.dataDirectory)': \(error)\n".utf8))
            throw ExitCode(2)
        }
        logger.info("starting", metadata: [
            "host": "\(host)", "port": "\(port)", "data_dir": "\(configuration.dataDirectory)", "version": "\(vaneVersion)",
            "auth": "\(configuration.authentication ? "on" : "off")",
        ])
        if configuration.authentication, (try? await stores.auth.store.hasCredentials()) == false {
            logger.warning("authentication is on but no token or user exists: create one with `vane token create --name admin --role admin --data-dir \(configuration.dataDirectory)`")
        } else if !configuration.authentication, !VaneServerConfiguration.isLoopback(host) {
            logger.warning("listening on \(host) without authentication (--insecure): anyone who can reach it can read and change everything")
        }
        do {
            for (name, reason) in try await stores.deployments.restore().sorted(by: { $0.key < $1.key }) {
                logger.error("deployment \(name) cannot be served: \(reason)")
            }
        } catch {
            FileHandle.standardError.write(Data("vane server: cannot read the deployments: \(error)\n".utf8))
            throw ExitCode(2)
        }
        stores.alerting.apply(configuration.alerting)
        stores.incidents.apply(graph: configuration.services, settings: configuration.incidents)
        // The changes of the last hour are suspects again after a restart.
        let since = Int64(Date().timeIntervalSince1970 * 1000) - configuration.incidents.changeLookback / 1000
        for event in (try? await stores.changes.events(since: since, limit: 100_000)) ?? [] { await stores.incidents.record(event) }
        let reloader = ConfigurationReloader(file: configPath, flags: flags, environment: environment, variables: env,
                                             running: configuration, live: LiveSettings(configuration), alerting: stores.alerting,
                                             incidents: stores.incidents)
        let app = VaneApplication.make(configuration: configuration, stores: stores, reloader: reloader, logger: logger)
        let dispatcher = Dispatcher(alerting: stores.alerting, transport: HTTPNotificationTransport(), log: stores.notificationLog,
                                    externalURL: "http://\(configuration.host):\(configuration.port)", logger: logger)
        var services: [any Service] = [app, ReloadOnHangupService(reloader: reloader, logger: logger), stores.deployments.shadowScorer,
                                       RolloutController(deployments: stores.deployments), dispatcher, stores.incidents]
        // Shut down in reverse order: the state is written last, after the server stopped taking requests.
        if let snapshots = stores.opsSnapshots { services.insert(snapshots, at: 0) }
        if let log = stores.deployments.predictionLog { services.append(log) }
        try await VaneServiceGroup.run(services, logger: logger)
        try stores.database.close()
        logger.info("stopped")
    }
}
