import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VaneArtifacts
import VaneAuth
import VaneHTTP
import VaneServer
import VaneStorage

/// `POST /api/vane/v1/-/reload`: a reloaded file changes what the very next request is checked
/// against; a bad file is a 400 naming the line and changes nothing; only admins may reload.
@Suite("Configuration reload endpoint")
struct ReloadEndpointTests {
    static let reload = "/api/vane/v1/-/reload"

    /// A router whose settings come from a configuration file at `path` holding `text`.
    static func with(_ text: String, _ body: @Sendable (any TestClientProtocol, String, VaneStores) async throws -> Void) async throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("vane-reload-http-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let path = tmp + "/vane.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let db = try VaneDatabase.inMemory()
        try db.migrate(VaneStores.migrations)
        let stores = try VaneStores(database: db, artifacts: try LocalArtifactStore(root: tmp + "/artifacts"))
        let running = VaneServerConfiguration(layers: [try VaneConfigFile.load(path: path, environment: [:]).settings])
        let reloader = ConfigurationReloader(file: path, flags: VaneServerSettings(), environment: VaneServerSettings(), variables: [:],
                                             running: running, live: LiveSettings(running))
        let app = Application(router: VaneApplication.makeRouter(stores: stores, settings: reloader.live, reloader: reloader))
        try await app.test(.router) { client in try await body(client, path, stores) }
    }

    static func get(_ client: any TestClientProtocol, _ headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: "/api/vane/v1/server", method: .get, headers: headers, body: nil)
    }

    /// The `Access-Control-Allow-Origin` a page at `origin` gets: set only for configured origins.
    static func allowedOrigin(_ client: any TestClientProtocol, _ origin: String) async throws -> String? {
        let r = try await get(client, [.origin: origin])
        #expect(r.status == .ok)
        return r.headers[.accessControlAllowOrigin]
    }

    static func post(_ client: any TestClientProtocol, _ headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await client.execute(uri: reload, method: .post, headers: fields, body: nil)
    }

    @Test func reloadedOriginsApplyToTheNextRequest() async throws {
        try await Self.with("server:\n  cors_origins: [https://a.example]\n") { client, path, _ in
            #expect(try await Self.allowedOrigin(client, "https://a.example") == "https://a.example")
            #expect(try await Self.allowedOrigin(client, "https://b.example") == nil)
            try "server:\n  cors_origins: [https://b.example]\n".write(toFile: path, atomically: true, encoding: .utf8)
            let r = try await Self.post(client)
            #expect(r.status == .ok, "\(String(buffer: r.body))")
            let answer = try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any]
            #expect(answer?["applied"] as? [String] == ["server.cors_origins"])
            #expect(answer?["restart_required"] as? [String] == [])
            #expect(try await Self.allowedOrigin(client, "https://b.example") == "https://b.example")
            #expect(try await Self.allowedOrigin(client, "https://a.example") == nil)
        }
    }

    @Test func aBadFileIsRefusedAndChangesNothing() async throws {
        try await Self.with("server:\n  cors_origins: [https://a.example]\n") { client, path, _ in
            try "server:\n  cors_origins: [https://b.example]\n  hots: x\n".write(toFile: path, atomically: true, encoding: .utf8)
            let r = try await Self.post(client)
            #expect(r.status == .badRequest)
            let text = String(buffer: r.body)
            #expect(text.contains("INVALID_ARGUMENT"))
            #expect(text.contains("vane.yaml:3: unknown key 'hots'"))
            #expect(text.contains("the running configuration is unchanged"))
            #expect(try await Self.allowedOrigin(client, "https://a.example") == "https://a.example")
            #expect(try await Self.allowedOrigin(client, "https://b.example") == nil)
        }
    }

    /// Turning authentication on by a reload guards the next request; only an admin may reload.
    @Test func authenticationOnByReloadAndAdminsOnly() async throws {
        try await Self.with("server:\n  port: 5000\n") { client, path, stores in
            let admin = try await stores.auth.createToken(name: "root", role: .admin).secret
            let writer = try await stores.auth.createToken(name: "ci", role: .writer).secret
            #expect(try await Self.get(client).status == .ok)
            try "server:\n  port: 5000\nauth:\n  enabled: true\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try await Self.post(client).status == .ok)
            #expect(try await Self.get(client).status == .unauthorized)
            #expect(try await Self.get(client, [.authorization: "Bearer \(writer)"]).status == .ok)
            #expect(try await Self.post(client, [.authorization: "Bearer \(writer)"]).status == .forbidden)
            #expect(try await Self.post(client).status == .unauthorized)
            #expect(try await Self.post(client, [.authorization: "Bearer \(admin)"]).status == .ok)
        }
    }

    @Test func withoutAFileReloadIsAConflict() async throws {
        try await VaneTestClient.with { client in
            let r = try await client.json(.post, Self.reload, "")
            #expect(r.status == .conflict)
            #expect(r.text.contains("FAILED_PRECONDITION") && r.text.contains("--config"))
        }
    }
}
