import ArgumentParser
import Foundation
import VaneAuth
import VaneCore
import VaneServer

/// `vane token`: API tokens for a server with authentication on.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API tokens.",
        discussion: """
            A token is a secret that a client sends as `Authorization: Bearer <token>` (the mlflow
            client sends MLFLOW_TRACKING_TOKEN so), or as the password of basic authentication.
            Vane keeps only its SHA-256: the secret is printed once, when the token is created.

            Roles: reader (read, search, predict), writer (also log, register, deploy), admin (also
            tokens, users and configuration). These commands work on the data directory directly,
            with or without a running server; `vane server --auth` sees a new token at once.
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print its secret (once) on standard output.")

        @Option(help: ArgumentHelp("What the token is for (letters, digits, . _ - @; at most 64).", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("reader, writer or admin.", valueName: "role"))
        var role: String

        @Option(name: .customLong("expires-in-days"), help: ArgumentHelp("Days until the token stops working (default: never).", valueName: "days"))
        var expiresInDays: Int?

        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("Invalid --role '\(role)': use one of \(Role.names)") }
            try await AuthCommands.withAuth(data) { auth in
                let created = try await auth.createToken(name: name, role: role, expiresInDays: expiresInDays)
                FileHandle.standardError.write(Data("created token \(created.token.id) '\(created.token.name)' (\(role.rawValue)); keep its secret, it is not shown again:\n".utf8))
                print(created.secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens that are not revoked (never their secrets).")

        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await AuthCommands.withAuth(data) { auth in
                let rows = try await AuthCommands.all(auth.store.listTokens(offset:limit:)).map {
                    [$0.id, $0.name, $0.role.rawValue, AuthCommands.date($0.createdAt), $0.expiresAt.map(AuthCommands.date) ?? "never"]
                }
                print(TextTable(headers: ["ID", "NAME", "ROLE", "CREATED", "EXPIRES"], rows: rows).render(), terminator: "")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id; it stops working at once.")

        @Argument(help: ArgumentHelp("The token's id, as `vane token list` shows it.", valueName: "id"))
        var id: String

        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await AuthCommands.withAuth(data) { auth in
                try await auth.store.revokeToken(id: id)
                FileHandle.standardError.write(Data("revoked token \(id)\n".utf8))
            }
        }
    }
}

/// What `vane token` and `vane user` share.
enum AuthCommands {
    /// Runs `body` with the auth service of the data directory (migrated), closing it after;
    /// a ``VaneError`` is printed as one line and exits 1 (2 for invalid input).
    static func withAuth(_ data: DataDirectoryOption, _ body: (AuthService) async throws -> Void) async throws {
        let stores: VaneStores
        do { stores = try VaneStores.open(dataDirectory: data.resolved) } catch {
            FileHandle.standardError.write(Data("vane: cannot open data directory '\(data.resolved)': \(error)\n".utf8))
            throw ExitCode(2)
        }
        defer { try? stores.database.close() }
        do { try await body(stores.auth) } catch let error as VaneError {
            FileHandle.standardError.write(Data("vane: \(error.message)\n".utf8))
            throw ExitCode(error.code == .invalidParameter ? 2 : 1)
        }
    }

    /// Every item of a paged list, a thousand at a time.
    static func all<Item>(_ fetch: (_ offset: Int, _ limit: Int) async throws -> [Item]) async throws -> [Item] {
        var items: [Item] = []
        while true {
            let page = try await fetch(items.count, 1000)
            items += page
            if page.count < 1000 { return items }
        }
    }

    /// An epoch-milliseconds time as ISO 8601 (UTC, seconds).
    static func date(_ millis: EpochMillis) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
