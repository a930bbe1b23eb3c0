import ArgumentParser
import Foundation

/// `vane incidents`: incidents on a running server.
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List, show, acknowledge and resolve incidents on a running server.",
        discussion: """
            An incident is alerts that belong to one fault (by time and by the service graph), with
            its suspects ranked (services, hosts, recent changes). `ack` and `resolve` record who did
            it: the token's name with authentication on, else --by.
            """,
        subcommands: [List.self, Show.self, Ack.self, Resolve.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Incidents, newest first.")

        @OptionGroup var server: ServerOptions

        @Option(help: ArgumentHelp("Only incidents in this state: open, acknowledged, resolved.", valueName: "state"))
        var state: String?

        func run() async throws {
            try await reportingCLIErrors("vane incidents list") {
                let client = try VaneAPIClient(server)
                let path = "incidents" + (state.map { "?state=" + percentEncoded($0) } ?? "")
                let incidents = try await client.send(.GET, path).json()["incidents"] as? [[String: Any]] ?? []
                let rows = incidents.map { i in
                    [i["id"] as? String ?? "", i["state"] as? String ?? "", i["opened_at"] as? String ?? "",
                     String((i["alerts"] as? [Any])?.count ?? 0), (i["services"] as? [String] ?? []).prefix(4).joined(separator: ",")]
                }
                print(TextTable(headers: ["ID", "STATE", "OPENED", "ALERTS", "SERVICES"], rightAligned: [3], rows: rows).render(), terminator: "")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One incident: its suspects, alerts and timeline.")

        @OptionGroup var server: ServerOptions

        @Argument(help: "The incident's id.")
        var id: String

        @Flag(help: "Write the server's JSON.")
        var json = false

        func run() async throws {
            try await reportingCLIErrors("vane incidents show") {
                let answer = try await VaneAPIClient(server).send(.GET, "incidents/" + percentEncoded(id))
                if json {
                    FileHandle.standardOutput.write(Data(answer.body + [0x0A]))
                    return
                }
                IncidentsCommand.describe(try answer.json())
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an open incident.")

        @OptionGroup var server: ServerOptions

        @Argument(help: "The incident's id.")
        var id: String

        @Option(help: "A note for the timeline.")
        var comment = ""

        @Option(help: ArgumentHelp("Who (default: $USER; the token's name when the server checks tokens).", valueName: "name"))
        var by: String?

        func run() async throws {
            try await reportingCLIErrors("vane incidents ack") {
                try await IncidentsCommand.act(server, id: id, action: "ack", body: ["comment": comment, "by": by ?? ProcessInfo.processInfo.environment["USER"] ?? "cli"])
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve an incident by hand.")

        @OptionGroup var server: ServerOptions

        @Argument(help: "The incident's id.")
        var id: String

        @Flag(help: "It was a false positive (counted in the noise share).")
        var noise = false

        @Option(help: "A note for the timeline.")
        var comment = ""

        @Option(help: ArgumentHelp("Who (default: $USER).", valueName: "name"))
        var by: String?

        func run() async throws {
            try await reportingCLIErrors("vane incidents resolve") {
                try await IncidentsCommand.act(server, id: id, action: "resolve",
                                               body: ["comment": comment, "noise": noise, "by": by ?? ProcessInfo.processInfo.environment["USER"] ?? "cli"])
            }
        }
    }

    static func act(_ server: ServerOptions, id: String, action: String, body: [String: Any]) async throws {
        let answer = try await VaneAPIClient(server).send(.POST, "incidents/\(percentEncoded(id))/\(action)",
                                                          body: Array(try JSONSerialization.data(withJSONObject: body)), contentType: "application/json")
        let incident = try answer.json()
        print("incident \(incident["id"] as? String ?? id) is \(incident["state"] as? String ?? "?")")
    }

    static func describe(_ incident: [String: Any]) {
        print("incident \(incident["id"] as? String ?? "") — \(incident["state"] as? String ?? "")")
        print("opened \(incident["opened_at"] as? String ?? "")\((incident["resolved_at"] as? String).map { ", resolved \($0)" } ?? "")")
        print("services: \((incident["services"] as? [String] ?? []).joined(separator: ", "))")
        print("hosts: \((incident["hosts"] as? [String] ?? []).joined(separator: ", "))")
        print("\nprobable causes:")
        for (rank, cause) in (incident["root_causes"] as? [[String: Any]] ?? []).prefix(5).enumerated() {
            print("  \(rank + 1). \(cause["kind"] as? String ?? "") \(cause["name"] as? String ?? "")  score \(String(format: "%.3f", cause["score"] as? Double ?? 0))")
            for sentence in cause["evidence"] as? [String] ?? [] { print("       \(sentence)") }
        }
        let alerts = incident["alerts"] as? [[String: Any]] ?? []
        print("\nalerts (\(alerts.count)):")
        for alert in alerts {
            let labels = (alert["labels"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("  \(alert["fingerprint"] as? String ?? "")  \(labels)")
        }
        print("\ntimeline:")
        for event in incident["timeline"] as? [[String: Any]] ?? [] {
            print("  \(event["at"] as? String ?? "")  \(event["kind"] as? String ?? "")  \(event["detail"] as? String ?? "")  (\(event["by"] as? String ?? ""))")
        }
    }
}
