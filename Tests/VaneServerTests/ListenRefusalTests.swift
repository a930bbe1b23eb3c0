import Testing
import VaneServer

/// Turning authentication on (flag, VANE_AUTH, `auth.enabled`), and the refusal to listen beyond
/// loopback without it unless `insecure` says so.
@Suite("Authentication settings and the listen refusal")
struct ListenRefusalTests {
    @Test func authenticationFromEveryLayer() throws {
        let file = try VaneConfigFile.parse("auth:\n  enabled: true\n", file: "vane.yaml", environment: [:]).settings
        #expect(file.authentication == true)
        #expect(try VaneConfigFile.parse("auth:\n  enabled: off\n", file: "vane.yaml", environment: [:]).settings.authentication == false)
        #expect(try VaneConfigFile.parse("auth:\n  enabled: ${A}\n", file: "vane.yaml", environment: ["A": "on"]).settings.authentication == true)
        do {
            _ = try VaneConfigFile.parse("server:\n  port: 5000\nauth:\n  enabled: maybe\n", file: "vane.yaml", environment: [:])
            Issue.record("'maybe' was accepted")
        } catch {
            #expect(error.line == 4)
            #expect(error.message.contains("auth.enabled must be true or false"))
        }
        #expect(VaneServerConfiguration(layers: [file]).authentication)
        #expect(!VaneServerConfiguration(layers: []).authentication)
        let envOff = try VaneServerSettings.environment(["VANE_AUTH": "off"])
        #expect(!VaneServerConfiguration(layers: [envOff, file]).authentication)
        #expect(VaneServerConfiguration(layers: [VaneServerSettings(authentication: true), envOff, file]).authentication)
        #expect(throws: VaneServerSettingsError.self) { try VaneServerSettings.environment(["VANE_AUTH": "sometimes"]) }
    }

    @Test(arguments: ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LocalHost", "app.localhost"])
    func loopbackNeedsNothing(host: String) {
        #expect(VaneServerConfiguration.isLoopback(host))
        #expect(VaneServerConfiguration(host: host).refusalToListen == nil)
    }

    @Test(arguments: ["0.0.0.0", "::", "[::]", "10.0.0.5", "192.168.1.2", "vane.example.com", "127.0.0.256", "127.0.0", "localhost.example"])
    func otherAddressesNeedAuthenticationOrInsecure(host: String) {
        #expect(!VaneServerConfiguration.isLoopback(host))
        let refusal = VaneServerConfiguration(host: host).refusalToListen
        #expect(refusal?.contains("refusing to listen on \(host) without authentication") == true)
        #expect(refusal?.contains("--auth") == true && refusal?.contains("--insecure") == true)
        #expect(VaneServerConfiguration(host: host, authentication: true).refusalToListen == nil)
        #expect(VaneServerConfiguration(host: host, insecure: true).refusalToListen == nil)
    }
}
