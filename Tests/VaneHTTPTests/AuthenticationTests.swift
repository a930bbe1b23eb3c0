import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VaneAuth
import VaneCore
@testable import VaneHTTP

/// Authentication and roles through the router: every surface refuses a request without valid
/// credentials in its own shape (401, with the schemes in WWW-Authenticate), and a role too low
/// for the request with 403; readers read and predict, writers write, admins manage tokens.
@Suite("Authentication")
struct AuthenticationTests {
    static let vane = "/api/vane/v1"

    /// The test's credentials: an admin, a writer and a reader token, and a writer user whose
    /// password hash has bcrypt's lowest cost (verification reads the cost from the hash).
    struct Credentials {
        var admin: String
        var writer: String
        var reader: String
        static let user = "alice"
        static let password = "alice's password"

        static func make(_ client: VaneTestClient) async throws -> Credentials {
            let auth = client.stores.auth
            let cheap = AuthService(store: auth.store, hasher: PasswordHasher(cost: 4))
            _ = try await cheap.createUser(name: user, role: .writer, password: password)
            return Credentials(admin: try await auth.createToken(name: "root", role: .admin).secret,
                               writer: try await auth.createToken(name: "ci", role: .writer).secret,
                               reader: try await auth.createToken(name: "dash", role: .reader).secret)
        }
    }

    static func bearer(_ token: String, json: Bool = true) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(token)"]
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString(), .contentType: "application/json"]
    }

    @Test func offByDefaultEveryoneIsAnAdmin() async throws {
        try await VaneTestClient.with { client in
            let r = try await client.request(.get, Self.vane + "/whoami")
            try r.expectOK()
            #expect(try r.json() as NSDictionary == ["name": "anonymous", "role": "admin", "method": "none"])
            try await client.post("experiments/create", #"{"name": "open"}"#).expectOK()
        }
    }

    /// No credentials: each surface answers 401 in its own shape, naming both schemes.
    @Test func missingCredentialsInEverySurfacesShape() async throws {
        try await VaneTestClient.with(authentication: true) { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let mlflow = try await client.request(.post, VaneTestClient.api + "experiments/create", body: ByteBuffer(string: #"{"name":"x"}"#), headers: json)
            mlflow.expectMLflowError(.unauthorized, "UNAUTHENTICATED")
            #expect(mlflow.headers[.wwwAuthenticate]?.contains("Bearer") == true)
            #expect(mlflow.headers[.wwwAuthenticate]?.contains("Basic") == true)
            try await client.request(.get, "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0").expectMLflowError(.unauthorized, "UNAUTHENTICATED")
            try await client.request(.get, "/api/2.0/mlflow-artifacts/artifacts").expectMLflowError(.unauthorized, "UNAUTHENTICATED")

            let oip = try await client.request(.post, "/v2/models/m/infer", body: ByteBuffer(string: "{}"), headers: json)
            #expect(oip.status == .unauthorized)
            #expect((try oip.json()["error"] as? String)?.contains("Authentication required") == true)

            let api = try await client.request(.get, Self.vane + "/server")
            #expect(api.status == .unauthorized)
            #expect(try api.json().object("error")?.string("code") == "UNAUTHENTICATED")

            #expect(try await client.request(.get, "/metrics").status == .unauthorized)
            #expect(try await client.request(.get, "/no/such/path").status == .unauthorized)
            // Probes stay open.
            try await client.request(.get, "/health").expectOK()
            try await client.request(.get, "/version").expectOK()
        }
    }

    @Test func invalidCredentialsAreRefused() async throws {
        try await VaneTestClient.with(authentication: true) { client in
            let creds = try await Credentials.make(client)
            let search = VaneTestClient.api + "experiments/search"
            let body = ByteBuffer(string: "{}")
            var refused: [HTTPFields] = [
                Self.bearer("vane_" + String(repeating: "A", count: 43)),
                Self.bearer(String(creds.reader.dropLast())),
                Self.bearer(""),
                Self.basic(Credentials.user, "not the password"),
                Self.basic("mallory", Credentials.password),
                Self.basic(Credentials.user, ""),
                [.authorization: "Digest username=alice", .contentType: "application/json"],
                [.authorization: "Basic !!!not-base64!!!", .contentType: "application/json"],
                [.authorization: "Basic " + Data("no-colon".utf8).base64EncodedString(), .contentType: "application/json"],
            ]
            // An Authorization header far longer than any credential is refused before any work.
            refused.append(Self.bearer(String(repeating: "x", count: 64 * 1024)))
            for headers in refused {
                let r = try await client.request(.post, search, body: body, headers: headers)
                r.expectMLflowError(.unauthorized, "UNAUTHENTICATED")
            }
            // The same request with good credentials of every kind passes.
            for headers in [Self.bearer(creds.reader), Self.basic(Credentials.user, Credentials.password), Self.basic("anyone", creds.reader)] {
                try await client.request(.post, search, body: body, headers: headers).expectOK()
            }
        }
    }

    @Test func readersReadSearchAndPredictButDoNotWrite() async throws {
        try await VaneTestClient.with(authentication: true) { client in
            let creds = try await Credentials.make(client)
            let reader = Self.bearer(creds.reader)
            let api = VaneTestClient.api
            try await client.request(.get, api + "experiments/get?experiment_id=0", headers: reader).expectOK()
            for search in ["experiments/search", "runs/search", "registered-models/search", "model-versions/search", "logged-models/search"] {
                let body = search == "runs/search" ? #"{"experiment_ids":["0"]}"# : (search == "logged-models/search" ? #"{"experiment_ids":["0"]}"# : "{}")
                let r = try await client.request(.post, api + search, body: ByteBuffer(string: body), headers: reader)
                #expect(r.status == .ok, "\(search): \(r.text.prefix(200))")
            }
            for (endpoint, body) in [("experiments/create", #"{"name":"r"}"#), ("runs/create", #"{"experiment_id":"0"}"#),
                                     ("registered-models/create", #"{"name":"m"}"#), ("experiments/delete", #"{"experiment_id":"0"}"#)] {
                let r = try await client.request(.post, api + endpoint, body: ByteBuffer(string: body), headers: reader)
                r.expectMLflowError(.forbidden, "PERMISSION_DENIED")
                #expect(r.text.contains("'dash' has the role reader"))
            }
            let upload = try await client.request(.put, VaneTestClient.artifactsAPI + "/0/x.txt", body: ByteBuffer(string: "x"), headers: reader)
            upload.expectMLflowError(.forbidden, "PERMISSION_DENIED")
            // Predicting is reading: past the role check, to the catalog's own 404.
            let predict = try await client.request(.post, "/v2/models/none/infer", body: ByteBuffer(string: #"{"inputs":[]}"#), headers: reader)
            #expect(predict.status == .notFound)
            // Nothing was written.
            let experiments = try await client.request(.post, api + "experiments/search", body: ByteBuffer(string: "{}"), headers: reader).json()
            #expect(experiments.objects("experiments").count == 1)
        }
    }

    @Test func writersWriteButDoNotManageTokens() async throws {
        try await VaneTestClient.with(authentication: true) { client in
            let creds = try await Credentials.make(client)
            for writer in [Self.bearer(creds.writer), Self.basic(Credentials.user, Credentials.password)] {
                let r = try await client.request(.post, VaneTestClient.api + "experiments/create",
                                                 body: ByteBuffer(string: #"{"name":"w-\#(UUID().uuidString)"}"#), headers: writer)
                try r.expectOK()
                let tokens = try await client.request(.get, Self.vane + "/tokens", headers: writer)
                #expect(tokens.status == .forbidden)
                #expect(try tokens.json().object("error")?.string("code") == "PERMISSION_DENIED")
                #expect(try await client.request(.post, Self.vane + "/users", body: ByteBuffer(string: "{}"), headers: writer).status == .forbidden)
            }
            let me = try await client.request(.get, Self.vane + "/whoami", headers: Self.basic(Credentials.user, Credentials.password))
            #expect(try me.json() as NSDictionary == ["name": "alice", "role": "writer", "method": "password"])
        }
    }

    /// Admins create, page through and revoke tokens, and manage users, in Vane's API.
    @Test func adminsManageTokensAndUsers() async throws {
        try await VaneTestClient.with(authentication: true) { client in
            let creds = try await Credentials.make(client)
            let admin = Self.bearer(creds.admin)
            let created = try await client.request(.post, Self.vane + "/tokens",
                                                   body: ByteBuffer(string: #"{"name":"new","role":"reader","expires_in_days":30}"#), headers: admin)
            #expect(created.status == .created, "\(created.text)")
            let body = try created.json()
            let secret = try #require(body.string("secret"))
            let id = try #require(body.object("token")?.string("id"))
            #expect(TokenSecret.looksLikeToken(secret))
            #expect(body.object("token")?.string("role") == "reader")
            try await client.request(.get, Self.vane + "/whoami", headers: Self.bearer(secret)).expectOK()

            // Four tokens (three made by Credentials, one here), two a page.
            let first = try await client.request(.get, Self.vane + "/tokens?page_size=2", headers: admin).json()
            #expect(first.objects("tokens").count == 2)
            #expect(first.objects("tokens").allSatisfy { $0["secret"] == nil })
            let next = try #require(first.string("next_page_token"))
            let second = try await client.request(.get, Self.vane + "/tokens?page_size=2&page_token=\(q(next))", headers: admin).json()
            #expect(second.objects("tokens").count == 2)
            #expect(second.string("next_page_token") == nil)
            let names = Set((first.objects("tokens") + second.objects("tokens")).compactMap { $0.string("name") })
            #expect(names == ["root", "ci", "dash", "new"])
            for bad in ["page_size=0", "page_size=1001", "page_size=x", "page_token=%21%21"] {
                let r = try await client.request(.get, Self.vane + "/tokens?\(bad)", headers: admin)
                #expect(r.status == .badRequest, "\(bad): \(r.text)")
                #expect(try r.json().object("error")?.string("code") == "INVALID_ARGUMENT")
            }

            #expect(try await client.request(.delete, Self.vane + "/tokens/\(id)", headers: admin).status == .noContent)
            #expect(try await client.request(.get, Self.vane + "/whoami", headers: Self.bearer(secret)).status == .unauthorized)
            #expect(try await client.request(.delete, Self.vane + "/tokens/\(id)", headers: admin).status == .notFound)

            for bad in [#"{"name":"x","role":"root"}"#, #"{"name":"x"}"#, #"{"role":"reader"}"#, #"{"name":"a b","role":"reader"}"#,
                        #"{"name":"x","role":"reader","expires_in_days":0}"#, #"{"name":"x","role":"reader","extra":1}"#, "[]", "{"] {
                let r = try await client.request(.post, Self.vane + "/tokens", body: ByteBuffer(string: bad), headers: admin)
                #expect(r.status == .badRequest, "\(bad): \(r.text)")
            }

            let user = try await client.request(.post, Self.vane + "/users",
                                                body: ByteBuffer(string: #"{"name":"bob","role":"reader","password":"bob's password"}"#), headers: admin)
            #expect(user.status == .created, "\(user.text)")
            #expect(try await client.request(.post, Self.vane + "/users",
                                             body: ByteBuffer(string: #"{"name":"bob","role":"reader","password":"bob's password"}"#), headers: admin).status == .conflict)
            #expect(try await client.request(.post, Self.vane + "/users",
                                             body: ByteBuffer(string: #"{"name":"carol","role":"reader","password":"short"}"#), headers: admin).status == .badRequest)
            let changed = try await client.request(.patch, Self.vane + "/users/bob", body: ByteBuffer(string: #"{"role":"writer"}"#), headers: admin)
            #expect(changed.status == .noContent, "\(changed.text)")
            let users = try await client.request(.get, Self.vane + "/users", headers: admin).json()
            #expect(users.objects("users").map { "\($0.string("name") ?? "")=\($0.string("role") ?? "")" } == ["alice=writer", "bob=writer"])
            #expect(try await client.request(.delete, Self.vane + "/users/bob", headers: admin).status == .noContent)
            #expect(try await client.request(.delete, Self.vane + "/users/bob", headers: admin).status == .notFound)
        }
    }
}
