import Foundation
import Testing
import VaneServer

/// `vane server --config vane.yaml`: the file's sections, its errors (each naming the line),
/// `${VAR}` substitution, its bounds, and its place below flags and environment.
@Suite("Configuration file")
struct ConfigFileTests {
    static func parse(_ text: String, env: [String: String] = [:]) throws(VaneConfigFileError) -> VaneConfigFile {
        try VaneConfigFile.parse(text, file: "vane.yaml", environment: env)
    }

    /// The error for `text`, which must be refused.
    static func refusal(_ text: String, env: [String: String] = [:]) -> VaneConfigFileError? {
        do { _ = try parse(text, env: env); return nil } catch { return error }
    }

    @Test("a full valid file sets every setting")
    func fullFile() throws {
        let file = try Self.parse("""
            # Vane's configuration
            server:
              host: 0.0.0.0
              port: 5001
              allowed_hosts: [vane.example.com, "10.0.*"]
              cors_origins:
                - https://ui.example.com
            storage:
              data_dir: /var/lib/vane
            """)
        #expect(file.settings == VaneServerSettings(host: "0.0.0.0", port: 5001, dataDirectory: "/var/lib/vane",
                                                    allowedHosts: ["vane.example.com", "10.0.*"],
                                                    corsOrigins: ["https://ui.example.com"]))
    }

    @Test("predictions: sample and retention reach the prediction log's settings; flags and environment come first")
    func predictionLog() throws {
        let file = try Self.parse("predictions:\n  sample: 0.25\n  retention: 36h\n")
        #expect(file.settings.predictionSample == 0.25)
        #expect(file.settings.predictionRetentionMilliseconds == Int64(36) * 3_600_000)
        var configuration = VaneServerConfiguration(layers: [VaneServerSettings(), file.settings])
        #expect(configuration.predictionLog.sample == 0.25)
        #expect(configuration.predictionLog.retentionMilliseconds == 36 * 3_600_000)
        let environment = try VaneServerSettings.environment(["VANE_PREDICTION_SAMPLE": "1", "VANE_PREDICTION_RETENTION": "2d"])
        configuration = VaneServerConfiguration(layers: [environment, file.settings])
        #expect(configuration.predictionLog.sample == 1)
        #expect(configuration.predictionLog.retentionMilliseconds == 2 * 86_400_000)
        // Silent everywhere: every request's payload, a week.
        #expect(VaneServerConfiguration(layers: []).predictionLog.sample == 1)
        #expect(VaneServerConfiguration(layers: []).predictionLog.retentionMilliseconds == 7 * 86_400_000)

        for (key, value) in [("sample", "1.5"), ("sample", "-0.1"), ("sample", "nan"), ("sample", "most"),
                             ("retention", "30m"), ("retention", "forever"), ("retention", "-1d")] {
            let error = Self.refusal("predictions:\n  \(key): \(value)\n")
            #expect(error?.line == 2, "\(key): \(value)")
            #expect(error?.message.contains("predictions.\(key) must be") == true, "\(String(describing: error))")
        }
        #expect(throws: VaneServerSettingsError.self) { try VaneServerSettings.environment(["VANE_PREDICTION_SAMPLE": "2"]) }
        #expect(throws: VaneServerSettingsError.self) { try VaneServerSettings.environment(["VANE_PREDICTION_RETENTION": "10s"]) }
    }

    @Test("an empty file, an empty section and a comment-only file set nothing")
    func emptyFile() throws {
        #expect(try Self.parse("").settings == VaneServerSettings())
        #expect(try Self.parse("# nothing yet\n").settings == VaneServerSettings())
        #expect(try Self.parse("server:\nstorage:\n").settings == VaneServerSettings())
    }

    @Test("an unknown section names its line and the known sections")
    func unknownSection() {
        let error = Self.refusal("server:\n  port: 5000\ndeployment:\n  x: 1\n")
        #expect(error?.line == 3)
        #expect(error?.message.contains("unknown key 'deployment'") == true)
        #expect(error?.message.contains("server") == true && error?.message.contains("storage") == true)
        #expect(error?.description.hasPrefix("vane.yaml:3: ") == true)
    }

    @Test("an unknown key names its line and the section's known keys")
    func unknownKey() {
        let error = Self.refusal("server:\n  host: 127.0.0.1\n  prot: 5000\n")
        #expect(error?.line == 3)
        #expect(error?.message.contains("'prot'") == true)
        #expect(error?.message.contains("host, port, allowed_hosts, cors_origins") == true)
    }

    @Test("a port that is not an integer from 1 to 65535 names its line", arguments: ["http", "0", "70000", "5000.5", "[5000]"])
    func badPort(value: String) {
        let error = Self.refusal("storage:\n  data_dir: d\nserver:\n  port: \(value)\n")
        #expect(error?.line == 4)
        #expect(error?.message.contains("server.port must be") == true)
    }

    @Test("lists must be lists of strings; strings must be scalars")
    func wrongTypes() {
        let scalarList = Self.refusal("server:\n  allowed_hosts: vane.example.com\n")
        #expect(scalarList?.line == 2)
        #expect(scalarList?.message.contains("must be a list of strings") == true)
        let nested = Self.refusal("server:\n  cors_origins:\n    - https://a.example\n    - [https://b.example]\n")
        #expect(nested?.line == 4)
        let mappingHost = Self.refusal("server:\n  host:\n    name: x\n")
        #expect(mappingHost?.line == 3)
        #expect(mappingHost?.message.contains("server.host must be a string") == true)
        let section = Self.refusal("server: 5000\n")
        #expect(section?.line == 1)
        #expect(section?.message.contains("must be a mapping") == true)
        let duplicate = Self.refusal("server:\n  port: 1\n  port: 2\n")
        #expect(duplicate?.line == 3)
        #expect(duplicate?.message.contains("duplicate key 'port'") == true)
    }

    @Test("${VAR} is substituted from the environment; $${ is a literal ${")
    func substitution() throws {
        let file = try Self.parse("""
            server:
              host: ${VANE_TEST_HOST}
              port: ${VANE_TEST_PORT}
              cors_origins: ["https://${DOMAIN}:8443", "$${kept}"]
            storage:
              data_dir: /data/${TEAM}/vane
            """, env: ["VANE_TEST_HOST": "10.1.2.3", "VANE_TEST_PORT": "6000", "DOMAIN": "ui.example.com", "TEAM": "ml"])
        #expect(file.settings.host == "10.1.2.3")
        #expect(file.settings.port == 6000)
        #expect(file.settings.corsOrigins == ["https://ui.example.com:8443", "${kept}"])
        #expect(file.settings.dataDirectory == "/data/ml/vane")
    }

    @Test("an unset ${VAR} is an error naming the variable and the line")
    func unsetVariable() {
        let error = Self.refusal("server:\n  host: 127.0.0.1\nstorage:\n  data_dir: ${VANE_NOT_SET_ANYWHERE}\n")
        #expect(error?.line == 4)
        #expect(error?.message.contains("VANE_NOT_SET_ANYWHERE is not set") == true)
        #expect(Self.refusal("server:\n  host: ${OPEN\n")?.line == 2)
        #expect(Self.refusal("server:\n  host: ${1BAD}\n")?.message.contains("not a variable name") == true)
    }

    @Test("an alias bomb and deep nesting are refused by the bounds before a tree is built")
    func bounds() {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { bomb += "a\(level): &a\(level) [" + Array(repeating: "*a\(level == 1 ? "" : String(level - 1))", count: 9).joined(separator: ", ") + "]\n" }
        let aliasError = Self.refusal(bomb)
        #expect(aliasError?.line != nil)
        #expect(aliasError?.message.contains("aliases") == true || aliasError?.message.contains("nodes") == true)

        let deep = "server:\n  host: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let depthError = Self.refusal(deep)
        #expect(depthError?.line == 2)
        #expect(depthError?.message.contains("nested more than 32 levels") == true)

        let syntax = Self.refusal("server:\n  host: [unclosed\n")
        #expect(syntax?.line != nil)
        #expect(syntax?.message.contains("not valid YAML") == true)
    }

    @Test("a missing file is an error naming the file")
    func missingFile() {
        #expect(throws: VaneConfigFileError.self) {
            try VaneConfigFile.load(path: "/nonexistent/vane-\(UUID().uuidString).yaml", environment: [:])
        }
    }

    @Test("precedence: flags over environment over the file over the defaults")
    func precedence() throws {
        let file = try Self.parse("""
            server:
              host: 10.0.0.5
              port: 7000
              allowed_hosts: [file.example]
              cors_origins: [https://file.example]
            storage:
              data_dir: /from/file
            """).settings
        let fromFile = VaneServerConfiguration(layers: [VaneServerSettings(), try VaneServerSettings.environment([:]), file])
        #expect(fromFile.host == "10.0.0.5")
        #expect(fromFile.port == 7000)
        #expect(fromFile.dataDirectory == "/from/file")
        #expect(fromFile.crossSite.allowedHosts == ["file.example"])
        #expect(fromFile.crossSite.corsOrigins == ["https://file.example"])

        let env = try VaneServerSettings.environment(["VANE_PORT": "7100", "VANE_DATA_DIR": "/from/env", "VANE_ALLOWED_HOSTS": "env.example"])
        let flags = VaneServerSettings(port: 7200, corsOrigins: ["https://flag.example"])
        let layered = VaneServerConfiguration(layers: [flags, env, file])
        #expect(layered.host == "10.0.0.5")
        #expect(layered.port == 7200)
        #expect(layered.dataDirectory == "/from/env")
        #expect(layered.crossSite.allowedHosts == ["env.example"])
        #expect(layered.crossSite.corsOrigins == ["https://flag.example"])

        let defaults = VaneServerConfiguration(layers: [], defaultPort: 5000)
        #expect(defaults.host == "127.0.0.1" && defaults.port == 5000 && defaults.dataDirectory == "./vane-data")
        #expect(throws: VaneServerSettingsError.self) { try VaneServerSettings.environment(["VANE_PORT": "x"]) }
    }
}
