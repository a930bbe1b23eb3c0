import ArgumentParser
import Foundation
import VaneServer
import VaneTracking

/// `vane gc`: permanently removes deleted runs and experiments, like `mlflow gc`.
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Permanently delete runs and experiments in the deleted state, with their artifacts.",
        discussion: """
            Runs and experiments that were deleted (soft-deleted, restorable) are removed for good,
            together with the artifacts Vane stores for them. With --older-than, only those deleted
            longer ago than the given age, e.g. 30d, 12h, 1d2h30m, 90s.
            """)

    @Option(name: .customLong("older-than"), help: ArgumentHelp("Only remove what was deleted longer ago than this (e.g. 30d, 1d2h).", valueName: "age"))
    var olderThan: String?

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        var cutoff: Int64?
        if let olderThan {
            guard let ms = GarbageCollector.parseAge(olderThan) else {
                throw ValidationError("Invalid --older-than '\(olderThan)': use a number followed by d, h, m or s, e.g. 30d or 1d2h")
            }
            cutoff = Int64(Date().timeIntervalSince1970 * 1000) - ms
        }
        let stores = try VaneStores.open(dataDirectory: data.resolved)
        let report = try await GarbageCollector(tracking: stores.tracking, artifacts: ArtifactStoreRemover(store: stores.artifacts)).collect(deletedBefore: cutoff)
        print("removed \(report.runs) run(s) and \(report.experiments) experiment(s)")
        try stores.database.close()
    }
}
