import ArgumentParser
import Foundation
import VaneOps
import VaneServer
import VaneText

/// `vane ops`: the operations side's offline tools.
struct OpsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Replay alert streams through the incident engine.",
        subcommands: [OpsReplayCommand.self])
}

/// `vane ops replay`: the incident engine over a recorded stream, on the stream's own clock.
struct OpsReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Fold a recorded alert stream into incidents and rank their root causes.",
        discussion: """
            Reads EVENTS.jsonl, one event per line in time order: {"at", "kind": "alerts", "alerts": [...]}
            with alerts as Prometheus posts them, or {"at", "kind": "change", "change": {"id", "type",
            "service", "description"}}. Runs the same engine as `vane server` (alert intake, incidents,
            root-cause ranking) on the stream's clock and writes
            {"incidents": [{"id", "alerts": [fingerprints], "root_causes": [{"kind", "name", "score",
            "evidence"}]}]}, suspects best first.

            GRAPH.yaml is `services: [{name, hosts, depends_on}]`. --config reads `alerting:` (its
            resolve_timeout), `incidents:` (qualify_after, window, cooldown, service_label,
            host_label, change_lookback, change_decay) and, without --graph, `services:` from a vane.yaml.

            Exit status: 0 on success, 2 on bad input (naming the file and line).
            """)

    @Option(help: ArgumentHelp("The service graph (services: [{name, hosts, depends_on}]).", valueName: "file"))
    var graph: String?

    @Option(help: ArgumentHelp("The recorded events, JSON lines in time order.", valueName: "file"))
    var events: String

    @Option(help: ArgumentHelp("Where to write the result (default: standard output).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("A vane.yaml whose alerting:, incidents: and services: sections apply.", valueName: "file"))
    var config: String?

    func run() throws {
        func fail(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("vane ops replay: \(message)\n".utf8))
            return ExitCode(2)
        }
        var settings = IncidentCorrelator.Settings()
        var alerting = AlertingConfig.standard
        var serviceGraph = ServiceGraph.empty
        if let config {
            do {
                let file = try VaneConfigFile.load(path: config, environment: ProcessInfo.processInfo.environment)
                settings = file.settings.incidents ?? settings
                alerting = file.settings.alerting ?? alerting
                serviceGraph = file.settings.services ?? serviceGraph
            } catch { throw fail("\(error)") }
        }
        if let graph {
            guard let text = try? String(contentsOfFile: graph, encoding: .utf8) else { throw fail("\(graph): cannot read the file") }
            do { serviceGraph = try ServiceGraph.parse(text) } catch { throw fail("\(graph): \(error)") }
        }
        guard let data = FileManager.default.contents(atPath: events) else { throw fail("\(events): cannot read the file") }
        let text = String(decoding: data, as: UTF8.self)
        let result: Replay.Result
        do {
            result = try Replay(graph: serviceGraph, settings: settings, alerting: alerting).run(lines: text.split(separator: "\n", omittingEmptySubsequences: false))
        } catch let error as Replay.LineError {
            throw fail("\(events):\(error.line): \(error.message)")
        }
        let bytes = Replay.json(result)
        if let json {
            guard FileManager.default.createFile(atPath: json, contents: Data(bytes)) else { throw fail("\(json): cannot write the file") }
        } else {
            FileHandle.standardOutput.write(Data(bytes + [0x0A]))
        }
    }
}
