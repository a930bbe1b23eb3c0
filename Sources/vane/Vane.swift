import ArgumentParser

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
            """,
        version: VersionCommand.versionString,
        subcommands: [ServerCommand.self, ServeCommand.self, VersionCommand.self, DBCommand.self, GCCommand.self, PredictCommand.self])
}
