import ArgumentParser
import Foundation
import VaneOps
import VaneText

/// `vane alerts`: the alerts a running server holds (its Alertmanager API).
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List the alerts a running server holds.",
        discussion: """
            Talks to `vane server` (--server, default $VANE_SERVER or http://127.0.0.1:5000) through its
            Alertmanager API v2, as amtool does.
            """,
        subcommands: [List.self, History.self], defaultSubcommand: List.self)

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "What fired, when and for how long, resolved or not.")

        @OptionGroup var server: ServerOptions

        @Argument(help: ArgumentHelp("Matchers the alerts must satisfy.", valueName: "matcher"))
        var matchers: [String] = []

        @Option(help: ArgumentHelp("From when: an RFC 3339 time or a duration back from now.", valueName: "time"))
        var since = "24h"

        @Option(help: ArgumentHelp("At most this many episodes.", valueName: "n"))
        var limit = 1000

        func run() async throws {
            try await reportingCLIErrors("vane alerts history") {
                var query = ["since=" + percentEncoded(since), "limit=\(limit)"] + matchers.map { "filter=" + percentEncoded($0) }
                query.sort()
                let answer = try await VaneAPIClient(server).send(.GET, "alerts/history?" + query.joined(separator: "&"))
                let rows: [[String]] = (try answer.json()["episodes"] as? [[String: Any]] ?? []).map { e in
                    let labels = e["labels"] as? [String: String] ?? [:]
                    let rest = labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                    let duration = (e["duration_seconds"] as? Double).map { String(format: "%.0f s", $0) } ?? "firing"
                    return [labels["alertname"] ?? "", e["starts_at"] as? String ?? "", e["ends_at"] as? String ?? "", duration, rest]
                }
                print(TextTable(headers: ["ALERTNAME", "STARTS", "ENDS", "LASTED", "LABELS"], rows: rows).render(), terminator: "")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Alerts not resolved, by fingerprint.")

        @OptionGroup var server: ServerOptions

        @Argument(help: ArgumentHelp("Matchers the alerts must satisfy (alertname=X, severity=~\"crit.*\").", valueName: "matcher"))
        var matchers: [String] = []

        @Flag(help: "Leave out silenced and inhibited alerts.")
        var activeOnly = false

        @Flag(help: "Write the server's JSON instead of a table.")
        var json = false

        func run() async throws {
            try await reportingCLIErrors("vane alerts") {
                for matcher in matchers {
                    do { _ = try MatcherParser.parse(matcher) } catch { throw CLIError("invalid matcher '\(matcher)': \(error)") }
                }
                var query = matchers.map { "filter=" + percentEncoded($0) }
                if activeOnly { query += ["silenced=false", "inhibited=false"] }
                let client = try VaneAPIClient(server, prefix: "/api/v2")
                let answer = try await client.send(.GET, "alerts" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
                if json {
                    FileHandle.standardOutput.write(Data(answer.body + [0x0A]))
                    return
                }
                let rows: [[String]] = try answer.list().map { alert in
                    let labels = alert["labels"] as? [String: String] ?? [:]
                    let status = alert["status"] as? [String: Any] ?? [:]
                    let rest = labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                    return [alert["fingerprint"] as? String ?? "", labels["alertname"] ?? "", status["state"] as? String ?? "",
                            alert["startsAt"] as? String ?? "", rest]
                }
                print(TextTable(headers: ["FINGERPRINT", "ALERTNAME", "STATE", "STARTS", "LABELS"], rows: rows).render(), terminator: "")
            }
        }
    }
}

/// `vane silence`: silences on a running server.
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Add, list and expire silences on a running server.",
        subcommands: [Add.self, List.self, Expire.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Silence the alerts that match every matcher; prints the silence's id.")

        @OptionGroup var server: ServerOptions

        @Argument(help: ArgumentHelp("Matchers (alertname=X, service=~\"pay.*\", severity!=info).", valueName: "matcher"))
        var matchers: [String]

        @Option(help: ArgumentHelp("How long it lasts (a duration: 2h, 30m).", valueName: "duration"))
        var duration = "1h"

        @Option(help: "Why.")
        var comment: String

        @Option(help: ArgumentHelp("Who (default: $USER).", valueName: "name"))
        var author: String?

        @Flag(help: "Mute until resolved: the silence expires by itself once none of its alerts fires (--duration is ignored).")
        var untilResolved = false

        func run() async throws {
            try await reportingCLIErrors("vane silence add") {
                guard !matchers.isEmpty else { throw CLIError("give at least one matcher") }
                var list: [[String: Any]] = []
                for text in matchers {
                    let matcher: Matcher
                    do { matcher = try MatcherParser.parse(text) } catch { throw CLIError("invalid matcher '\(text)': \(error)") }
                    list.append(["name": matcher.name, "value": matcher.value, "isRegex": matcher.kind.isRegex, "isEqual": matcher.kind.isEqual])
                }
                guard let ms = DurationText.milliseconds(duration), ms > 0 else { throw CLIError("invalid duration '\(duration)'") }
                let now = Date()
                let formatter = ISO8601DateFormatter()
                let body: [String: Any] = ["matchers": list, "startsAt": formatter.string(from: now),
                                           "endsAt": formatter.string(from: now.addingTimeInterval(Double(ms) / 1000)),
                                           "createdBy": author ?? ProcessInfo.processInfo.environment["USER"] ?? "vane", "comment": comment]
                let answer: VaneAPIClient.Answer
                if untilResolved {
                    answer = try await VaneAPIClient(server).send(.POST, "silences/until-resolved", body: Array(try JSONSerialization.data(withJSONObject: body)),
                                                                  contentType: "application/json")
                } else {
                    answer = try await VaneAPIClient(server, prefix: "/api/v2").send(.POST, "silences", body: Array(try JSONSerialization.data(withJSONObject: body)),
                                                                                      contentType: "application/json")
                }
                print(try answer.json()["silenceID"] as? String ?? "")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Silences: active, pending, then expired.")

        @OptionGroup var server: ServerOptions

        @Flag(help: "Include expired silences.")
        var expired = false

        func run() async throws {
            try await reportingCLIErrors("vane silence list") {
                let client = try VaneAPIClient(server, prefix: "/api/v2")
                let rows: [[String]] = try await client.send(.GET, "silences").list().compactMap { silence in
                    let state = (silence["status"] as? [String: Any])?["state"] as? String ?? ""
                    if !expired, state == "expired" { return nil }
                    let matchers = (silence["matchers"] as? [[String: Any]] ?? []).map { m -> String in
                        let op = (m["isRegex"] as? Bool == true ? "=~" : "=")
                        return "\(m["name"] as? String ?? "")\(m["isEqual"] as? Bool == false ? "!" + op.dropFirst() : op)\"\(m["value"] as? String ?? "")\""
                    }.joined(separator: " ")
                    return [silence["id"] as? String ?? "", state, matchers, silence["endsAt"] as? String ?? "", silence["createdBy"] as? String ?? "",
                            silence["comment"] as? String ?? ""]
                }
                print(TextTable(headers: ["ID", "STATE", "MATCHERS", "ENDS", "BY", "COMMENT"], rows: rows).render(), terminator: "")
            }
        }
    }

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "expire", abstract: "Expire silences now.")

        @OptionGroup var server: ServerOptions

        @Argument(help: ArgumentHelp("The silences' ids.", valueName: "id"))
        var ids: [String]

        func run() async throws {
            try await reportingCLIErrors("vane silence expire") {
                let client = try VaneAPIClient(server, prefix: "/api/v2")
                for id in ids {
                    _ = try await client.send(.DELETE, "silence/" + percentEncoded(id))
                    print("silence \(id) expired")
                }
            }
        }
    }
}

