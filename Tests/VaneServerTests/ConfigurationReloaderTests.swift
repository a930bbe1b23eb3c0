import Foundation
import Testing
import VaneServer

/// Reloading `vane.yaml` while the server runs: what is applied, what waits for a restart, and
/// that a bad file or a refused one leaves the running settings exactly as they were.
@Suite("Configuration reload")
struct ConfigurationReloaderTests {
    /// A reloader over a temporary file with `text`, as a server started with `flags` would have it.
    final class Fixture {
        let path: String
        let reloader: ConfigurationReloader

        init(_ text: String, flags: VaneServerSettings = VaneServerSettings(), insecure: Bool = false) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("vane-reload-\(UUID().uuidString).yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let file = try VaneConfigFile.load(path: path, environment: [:])
            var running = VaneServerConfiguration(layers: [flags, file.settings])
            running.insecure = insecure
            reloader = ConfigurationReloader(file: path, flags: flags, environment: VaneServerSettings(), variables: ["SECRET_HOST": "env.example"],
                                             running: running, live: LiveSettings(running))
        }

        func write(_ text: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }

        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func appliesHostsOriginsAndAuthentication() throws {
        let fixture = try Fixture("server:\n  allowed_hosts: [a.example]\n")
        #expect(fixture.reloader.live.current.crossSite.allowedHosts == ["a.example"])
        #expect(fixture.reloader.live.current.authentication == false)
        try fixture.write("""
            server:
              allowed_hosts: [b.example, "${SECRET_HOST}"]
              cors_origins: [https://ui.example]
            auth:
              enabled: true
            """)
        let outcome = try fixture.reloader.reload()
        #expect(outcome.applied == ["server.allowed_hosts", "server.cors_origins", "auth.enabled"])
        #expect(outcome.restartRequired.isEmpty)
        let live = fixture.reloader.live.current
        #expect(live.crossSite.allowedHosts == ["b.example", "env.example"])
        #expect(live.crossSite.corsOrigins == ["https://ui.example"])
        #expect(live.authentication)
        // The same file again changes nothing.
        #expect(try fixture.reloader.reload() == .init(applied: [], restartRequired: []))
    }

    @Test func aBadFileChangesNothing() throws {
        let fixture = try Fixture("server:\n  allowed_hosts: [a.example]\n")
        let before = fixture.reloader.live.current
        for bad in ["server:\n  allowed_hosts: [b.example]\n  hots: x\n", "server: [unclosed\n", "server:\n  allowed_hosts: [\"${UNSET}\"]\n",
                    "auth:\n  enabled: perhaps\n"] {
            try fixture.write(bad)
            #expect(throws: ConfigurationReloader.Failure.self) { try fixture.reloader.reload() }
            #expect(fixture.reloader.live.current == before)
        }
        try FileManager.default.removeItem(atPath: fixture.path)
        do {
            _ = try fixture.reloader.reload()
            Issue.record("a missing file reloaded")
        } catch {
            #expect(error.description.contains(fixture.path))
            #expect(error.description.contains("the running configuration is unchanged"))
        }
        #expect(fixture.reloader.live.current == before)
    }

    @Test func errorsNameTheLine() throws {
        let fixture = try Fixture("server:\n  port: 5000\n")
        try fixture.write("server:\n  port: 5000\n  colour: blue\n")
        #expect(throws: ConfigurationReloader.Failure.invalid(VaneConfigFileError(
            file: fixture.path, line: 3, message: "unknown key 'colour' in 'server'; known keys: host, port, allowed_hosts, cors_origins"))) {
            try fixture.reloader.reload()
        }
    }

    @Test func addressAndDataDirectoryWaitForARestart() throws {
        let fixture = try Fixture("server:\n  port: 5001\n  allowed_hosts: [a.example]\nstorage:\n  data_dir: /one\n")
        try fixture.write("server:\n  host: localhost\n  port: 5002\n  allowed_hosts: [b.example]\nstorage:\n  data_dir: /two\n")
        let outcome = try fixture.reloader.reload()
        #expect(outcome.restartRequired == ["server.host", "server.port", "storage.data_dir"])
        #expect(outcome.applied == ["server.allowed_hosts"])
        try fixture.write("server:\n  host: localhost\n  port: 5002\n  allowed_hosts: [b.example]\nstorage:\n  data_dir: /two\npredictions:\n  sample: 0.5\n  retention: 2d\n")
        #expect(try fixture.reloader.reload().restartRequired == ["server.host", "server.port", "storage.data_dir", "predictions.sample", "predictions.retention"])
    }

    /// Flags given at start keep their precedence over the file.
    @Test func flagsStillWin() throws {
        let fixture = try Fixture("server:\n  allowed_hosts: [a.example]\n", flags: VaneServerSettings(allowedHosts: ["flag.example"]))
        try fixture.write("server:\n  allowed_hosts: [b.example]\n")
        #expect(try fixture.reloader.reload().applied.isEmpty)
        #expect(fixture.reloader.live.current.crossSite.allowedHosts == ["flag.example"])
    }

    /// A server on a non-loopback address cannot have its authentication turned off by a reload
    /// unless it was started with --insecure.
    @Test func authenticationCannotBeDroppedBeyondLoopback() throws {
        let fixture = try Fixture("server:\n  host: 0.0.0.0\n  allowed_hosts: ['*']\nauth:\n  enabled: true\n")
        try fixture.write("server:\n  host: 0.0.0.0\n  allowed_hosts: ['*']\nauth:\n  enabled: false\n")
        #expect(throws: ConfigurationReloader.Failure.self) { try fixture.reloader.reload() }
        #expect(fixture.reloader.live.current.authentication)

        let insecure = try Fixture("server:\n  host: 0.0.0.0\nauth:\n  enabled: true\n", insecure: true)
        try insecure.write("server:\n  host: 0.0.0.0\nauth:\n  enabled: false\n")
        #expect(try insecure.reloader.reload().applied == ["auth.enabled"])
        #expect(!insecure.reloader.live.current.authentication)
    }

    @Test func withoutAFileThereIsNothingToReload() {
        let running = VaneServerConfiguration()
        let reloader = ConfigurationReloader(file: nil, flags: VaneServerSettings(), environment: VaneServerSettings(), variables: [:],
                                             running: running, live: LiveSettings(running))
        #expect(throws: ConfigurationReloader.Failure.noFile) { try reloader.reload() }
    }
}
