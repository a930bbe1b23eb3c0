import ArgumentParser
import Foundation
import VaneAuth
import VaneServer

/// `vane user`: users who sign in with a name and a password.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Create, change, list and delete users (name and password).",
        discussion: """
            Users sign in with HTTP basic authentication; the mlflow client does so with
            MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD. Vane keeps a bcrypt hash of each
            password (8 to 72 bytes). A password is read from standard input with --password-stdin
            (its first line), or asked for at the terminal.

            Roles: reader (read, search, predict), writer (also log, register, deploy), admin (also
            tokens, users and configuration). A running server sees a changed password or role
            within 30 seconds.
            """,
        subcommands: [Create.self, Set.self, List.self, Delete.self])

    struct PasswordOption: ParsableArguments {
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
        var fromStdin = false

        /// The password from standard input or the terminal.
        func read() throws -> String {
            if fromStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("No password on standard input") }
                return line
            }
            guard isatty(STDIN_FILENO) != 0, let typed = getpass("Password: ") else {
                throw ValidationError("Give the password with --password-stdin, or run at a terminal")
            }
            return String(cString: typed)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")

        @Argument(help: ArgumentHelp("The user's name (letters, digits, . _ - @; at most 64).", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("reader, writer or admin.", valueName: "role"))
        var role: String

        @OptionGroup var password: PasswordOption
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("Invalid --role '\(role)': use one of \(Role.names)") }
            let secret = try password.read()
            try await AuthCommands.withAuth(data) { auth in
                _ = try await auth.createUser(name: name, role: role, password: secret)
                FileHandle.standardError.write(Data("created user '\(name)' (\(role.rawValue))\n".utf8))
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's password (--password-stdin) or role (--role).")

        @Argument(help: ArgumentHelp("The user's name.", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("A new role: reader, writer or admin.", valueName: "role"))
        var role: String?

        @OptionGroup var password: PasswordOption
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let newRole = try role.map { text in
                guard let role = Role(rawValue: text) else { throw ValidationError("Invalid --role '\(text)': use one of \(Role.names)") }
                return role
            }
            guard newRole != nil || password.fromStdin else { throw ValidationError("Give --role, --password-stdin or both") }
            let secret = password.fromStdin ? try password.read() : nil
            try await AuthCommands.withAuth(data) { auth in
                try await auth.updateUser(name: name, password: secret, role: newRole)
                FileHandle.standardError.write(Data("updated user '\(name)'\n".utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users.")

        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await AuthCommands.withAuth(data) { auth in
                let rows = try await AuthCommands.all(auth.store.listUsers(offset:limit:)).map {
                    [$0.name, $0.role.rawValue, AuthCommands.date($0.createdAt), AuthCommands.date($0.updatedAt)]
                }
                print(TextTable(headers: ["NAME", "ROLE", "CREATED", "UPDATED"], rows: rows).render(), terminator: "")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user.")

        @Argument(help: ArgumentHelp("The user's name.", valueName: "name"))
        var name: String

        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            try await AuthCommands.withAuth(data) { auth in
                try await auth.deleteUser(name: name)
                FileHandle.standardError.write(Data("deleted user '\(name)'\n".utf8))
            }
        }
    }
}
