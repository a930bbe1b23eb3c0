import ArgumentParser
import Foundation
import NIOHTTP1
import VaneServing

/// `vane deploy`: deployments on a running server, through Vane's API.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Apply, list, show and delete deployments on a running server.",
        discussion: """
            A deployment is a named endpoint over registry models: weighted variants, shadows that \
            see a copy of the traffic, a routing key that keeps a client on one variant. It answers \
            at /v2/models/<name>/infer and /models/<name>/invocations. Declare it in YAML or JSON:

              name: fraud
              variants:
                - {name: stable, model: "models:/fraud/1", weight: 90}
                - {name: challenger, model: "models:/fraud@candidate", weight: 10}
              routing: {key: "header:x-user-id"}

            `apply` is idempotent: applying what is applied changes nothing. An alias is resolved \
            when the deployment is applied; move it and apply again to follow it.

            The server is --server, else $VANE_SERVER, else http://127.0.0.1:5000; with \
            authentication on, give a token with --token or $VANE_TOKEN (writer to apply or delete).

            Exit status: 0 on success, 2 when the server refuses the request or cannot be reached.
            """,
        subcommands: [Apply.self, List.self, Get.self, Delete.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply a declaration from a file (- for standard input).")

        @Option(name: .shortAndLong, help: ArgumentHelp("The declaration, YAML or JSON.", valueName: "file"))
        var file: String

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await DeployCommand.reporting {
                let text = try DeployCommand.readDeclaration(file)
                // Read locally first: a mistake is reported with its line before anything is sent.
                let spec: DeploymentSpec
                do { spec = try DeploymentSpec.read(text) } catch { throw CLIError("\(file): \(error)") }
                let client = try VaneAPIClient(server)
                let answer = try await client.send(.PUT, "deployments/" + spec.name, body: Array(text.utf8),
                                                   contentType: "application/yaml", expect: [200, 201])
                let json = try answer.json()
                let generation = (json["deployment"] as? [String: Any])?["generation"] as? Int ?? 0
                let verb = answer.status == 201 ? "created" : (json["changed"] as? Bool == true ? "configured" : "unchanged")
                print("deployment \(spec.name) \(verb) (generation \(generation))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the deployments with their variants' shares and versions.")

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await DeployCommand.reporting {
                let client = try VaneAPIClient(server)
                var rows: [[String]] = []
                var token: String?
                repeat {
                    let query = token.map { "?page_token=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
                    let page = try await client.send(.GET, "deployments" + query).json()
                    for d in page["deployments"] as? [[String: Any]] ?? [] {
                        let variants = (d["variants"] as? [[String: Any]] ?? []).map(DeployCommand.describeVariant).joined(separator: ", ")
                        rows.append([d["name"] as? String ?? "", d["state"] as? String ?? "", String(d["generation"] as? Int ?? 0), variants])
                    }
                    token = page["next_page_token"] as? String
                } while token != nil
                print(TextTable(headers: ["NAME", "STATE", "GENERATION", "VARIANTS"], rows: rows).render(), terminator: "")
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one deployment as JSON: its declaration, resolved versions and state.")

        @Argument(help: ArgumentHelp("The deployment's name.", valueName: "name"))
        var name: String

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await DeployCommand.reporting {
                let answer = try await VaneAPIClient(server).send(.GET, "deployments/" + DeployCommand.pathComponent(name))
                let object = try answer.json()["deployment"] ?? [:]
                let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: pretty, as: UTF8.self))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a deployment; requests in flight on it finish.")

        @Argument(help: ArgumentHelp("The deployment's name.", valueName: "name"))
        var name: String

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await DeployCommand.reporting {
                _ = try await VaneAPIClient(server).send(.DELETE, "deployments/" + DeployCommand.pathComponent(name), expect: [204])
                print("deployment \(name) deleted")
            }
        }
    }

    /// Runs `body`, printing a ``CLIError`` on one line and exiting 2.
    static func reporting(_ body: () async throws -> Void) async throws {
        try await reportingCLIErrors("vane deploy", body)
    }

    /// The declaration in `file` (`-` reads standard input), at most ``DeploymentSpec/Limits/maxBytes``.
    static func readDeclaration(_ file: String) throws -> String {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw CLIError("cannot read \(file): \((error as NSError).localizedDescription)")
            }
        }
        guard data.count <= DeploymentSpec.Limits.maxBytes else {
            throw CLIError("\(file) is \(data.count) bytes; a declaration is at most \(DeploymentSpec.Limits.maxBytes)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(file) is not UTF-8 text") }
        return text
    }

    /// `name` escaped for a URL path.
    static func pathComponent(_ name: String) -> String { percentEncoded(name) }

    /// `stable 90% v1`.
    static func describeVariant(_ v: [String: Any]) -> String {
        let share = (v["share"] as? Double).map { String(format: "%g%%", ($0 * 1000).rounded() / 10) } ?? "?"
        let resolved = v["resolved"] as? [String: Any]
        let version = (resolved?["version"] as? String).map { " v" + $0 } ?? ""
        return "\(v["name"] as? String ?? "") \(share)\(version)"
    }
}
