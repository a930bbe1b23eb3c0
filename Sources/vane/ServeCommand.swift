import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VaneCore
import VaneHTTP
import VaneServer
import VaneServing

/// `vane serve`: one model over the Open Inference Protocol and MLflow scoring.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve one model over the Open Inference Protocol (v2 REST) and MLflow scoring.",
        discussion: """
            SOURCE is a model file (XGBoost JSON or UBJSON, LightGBM text, ONNX), an MLflow model \
            directory, or a registry URI resolved through the data directory: models:/NAME/VERSION, \
            models:/NAME@ALIAS, models:/NAME/latest, models:/m-ID (a logged model) or runs:/RUN-ID/PATH.

            Listens on 127.0.0.1:8080 by default. The model is loaded before the server listens; a model that cannot be loaded stops \
            the command with exit status 2.

            Endpoints:
              GET  /v2/health/live, /v2/health/ready, /v2       health and server metadata
              GET  /v2/models/NAME[/versions/V][/ready]         model metadata and readiness
              POST /v2/models/NAME[/versions/V]/infer           inference (JSON or binary tensors)
              POST /invocations                                 MLflow scoring: dataframe_split,
                                                                dataframe_records, instances, inputs,
                                                                or text/csv
              GET  /ping, /health, /version, /metrics           liveness, version, Prometheus metrics

            NAME is --name, else the registered model's name, else the file name without its \
            extension. SIGINT or SIGTERM stops the server after requests in flight finish.

            Environment: VANE_HOST, VANE_PORT, VANE_DATA_DIR (flags take precedence), VANE_LOG_LEVEL.
            """)

    @Option(name: .long, help: ArgumentHelp("The model file, MLflow model directory, or models:/ or runs:/ URI.", valueName: "source"))
    var model: String

    @Option(name: .long, help: ArgumentHelp("The name clients address the model by.", valueName: "name"))
    var name: String?

    @OptionGroup var listen: ListenOptions

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        let (host, port) = try listen.address(defaultPort: 8080)
        let logger = ListenOptions.logger()

        // Bootstrap metrics before the model's metric handles are made.
        _ = VaneMetrics.registry
        let catalog: SingleModelCatalog
        do {
            let (source, resolver) = try await ModelSourceResolution.resolve(model, data: data)
            catalog = try await SingleModelCatalog.load(source: source, name: name, resolver: resolver)
        } catch let error as VaneError {
            FileHandle.standardError.write(Data("vane serve: \(error.message)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("vane serve: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let served = catalog.served
        logger.info("serving", metadata: [
            "model": "\(served.name)", "version": "\(served.version ?? "-")", "platform": "\(served.signature.platform)",
            "features": "\(served.signature.featureCount)", "host": "\(host)", "port": "\(port)",
        ])
        let app = VaneApplication.makeServe(catalog: catalog, host: host, port: port,
                                            crossSite: listen.crossSitePolicy(listenHost: host), logger: logger)
        try await app.runService()
        logger.info("stopped")
    }
}
