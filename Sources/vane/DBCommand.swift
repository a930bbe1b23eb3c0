import ArgumentParser
import Foundation
import VaneServer
import VaneStorage

/// `vane db …`: database maintenance.
struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Database maintenance.", subcommands: [Upgrade.self])

    /// `vane db upgrade`.
    struct Upgrade: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upgrade",
            abstract: "Apply every pending schema migration.",
            discussion: "Creates the database if it does not exist. Safe to run repeatedly; prints each migration applied.")

        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            let db = try VaneStores.openDatabase(dataDirectory: data.resolved)
            let migrations = VaneStores.migrations
            let before = Set(try db.appliedMigrations(migrations))
            try db.migrate(migrations)
            let applied = migrations.identifiers.filter { !before.contains($0) }
            for id in applied { print("applied \(id)") }
            print(applied.isEmpty ? "database is up to date (\(migrations.identifiers.count) migrations)" : "database upgraded")
            try db.close()
        }
    }
}
