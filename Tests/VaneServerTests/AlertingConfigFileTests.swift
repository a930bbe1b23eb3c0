import Foundation
import Testing
import VaneOps
import VaneServer

/// `alerting:` in `vane.yaml`: an alertmanager.yml as it is, its errors naming the line of
/// vane.yaml, `${VAR}` in it, and reloads that apply a good section and keep the old on a bad one.
@Suite("Alerting configuration")
struct AlertingConfigFileTests {
    static let section = """
        server:
          port: 5000
        alerting:
          global:
            resolve_timeout: 1m
          route:
            receiver: hook
            group_by: [alertname]
          receivers:
            - name: hook
              webhook_configs:
                - url: ${HOOK_URL}
        """

    @Test func theSectionIsReadAsAnAlertmanagerFile() throws {
        let file = try VaneConfigFile.parse(Self.section, file: "vane.yaml", environment: ["HOOK_URL": "http://127.0.0.1:9/hook"])
        let alerting = try #require(file.settings.alerting)
        #expect(alerting.resolveTimeout == 60_000_000)
        #expect(alerting.receiver(named: "hook")?.webhooks.first?.url == "http://127.0.0.1:9/hook")
        #expect(alerting.original.contains("resolve_timeout"))
        let configuration = VaneServerConfiguration(layers: [file.settings])
        #expect(configuration.alerting.route.groupBy == ["alertname"])
        #expect(VaneServerConfiguration(layers: []).alerting == AlertingConfig.standard)
    }

    @Test func errorsNameTheLineOfTheFile() {
        func refusal(_ text: String, env: [String: String] = [:]) -> VaneConfigFileError? {
            do { _ = try VaneConfigFile.parse(text, file: "vane.yaml", environment: env); return nil } catch { return error }
        }
        let unset = refusal(Self.section)
        #expect(unset?.line == 12)
        #expect(unset?.message.contains("HOOK_URL") == true)
        let undefined = refusal("alerting:\n  route:\n    receiver: nobody\n  receivers:\n    - name: x\n")
        #expect(undefined?.line == 3)
        #expect(undefined?.description == #"vane.yaml:3: alerting.route.receiver: undefined receiver "nobody" used in route"#)
    }

    @Test func aReloadAppliesTheSectionAndABrokenOneChangesNothing() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vane-alerting-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let env = ["HOOK_URL": "http://127.0.0.1:9/hook"]
        try Self.section.write(toFile: path, atomically: true, encoding: .utf8)
        let file = try VaneConfigFile.load(path: path, environment: env)
        let running = VaneServerConfiguration(layers: [file.settings])
        let alerting = Alerting(config: running.alerting)
        let reloader = ConfigurationReloader(file: path, flags: VaneServerSettings(), environment: VaneServerSettings(), variables: env,
                                             running: running, live: LiveSettings(running), alerting: alerting)
        try Self.section.replacingOccurrences(of: "resolve_timeout: 1m", with: "resolve_timeout: 2m")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try reloader.reload().applied == ["alerting"])
        #expect(alerting.config.resolveTimeout == 120_000_000)
        try Self.section.replacingOccurrences(of: "receiver: hook", with: "receiver: missing")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationReloader.Failure.self) { try reloader.reload() }
        #expect(alerting.config.resolveTimeout == 120_000_000)
        #expect(alerting.config.route.receiver == "hook")
    }

    @Test func theServiceGraphIsInlineOrInAFileBesideIt() throws {
        let inline = try VaneConfigFile.parse("services:\n  - {name: web, hosts: [h1], depends_on: [db]}\n  - {name: db}\nincidents:\n  qualify_after: 2m\n",
                                              file: "vane.yaml", environment: [:])
        #expect(inline.settings.services?.services["web"]?.dependsOn == ["db"])
        #expect(inline.settings.incidents?.qualifyAfter == 120_000_000)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-graph-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "services:\n  - {name: api, depends_on: [db]}\n  - {name: db}\n".write(toFile: dir + "/graph.yaml", atomically: true, encoding: .utf8)
        try "services: graph.yaml\n".write(toFile: dir + "/vane.yaml", atomically: true, encoding: .utf8)
        let fromFile = try VaneConfigFile.load(path: dir + "/vane.yaml", environment: [:])
        #expect(fromFile.settings.services?.callers["db"] == ["api"])
        try "services:\n  - {name: api}\n  - {name: api}\n".write(toFile: dir + "/graph.yaml", atomically: true, encoding: .utf8)
        #expect(throws: VaneConfigFileError.self) { try VaneConfigFile.load(path: dir + "/vane.yaml", environment: [:]) }
        try "services: missing.yaml\n".write(toFile: dir + "/vane.yaml", atomically: true, encoding: .utf8)
        #expect(throws: VaneConfigFileError.self) { try VaneConfigFile.load(path: dir + "/vane.yaml", environment: [:]) }
        #expect(throws: VaneConfigFileError.self) { try VaneConfigFile.parse("incidents:\n  window: soon\n", file: "vane.yaml", environment: [:]) }
    }
}
