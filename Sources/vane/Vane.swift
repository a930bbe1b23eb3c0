import ArgumentParser
import Foundation

/// `vane`: one server and CLI for the whole life of a production model.
@main
struct Vane: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vane",
        abstract: "Track, register, deploy, watch and heal production models.",
        discussion: """
            Vane is an MLflow-compatible tracking server and model registry on embedded SQLite,
            and a toolkit for the models' life after training.
            Run `vane server` to start the server on 127.0.0.1:5000 with data in ./vane-data.

            Exit status: 0 on success, 1 when a check finds drift or a violation (vane drift,
            vane quality, vane evaluate), 2 on bad input or a usage error.
            """,
        version: VersionCommand.versionString,
        subcommands: [ServerCommand.self, ServeCommand.self, VersionCommand.self, DBCommand.self, GCCommand.self, TokenCommand.self, UserCommand.self, DeployCommand.self, PredictCommand.self,
                      DriftCommand.self, QualityCommand.self, EvaluateCommand.self, AnomalyCommand.self, ForecastCommand.self, OpsCommand.self, AlertsCommand.self, SilenceCommand.self, IncidentsCommand.self])

    /// Parses and runs the command; a usage error exits with status 2 (bad input), as the
    /// checks' documented statuses promise, instead of ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
