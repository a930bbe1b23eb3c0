import Foundation
import HTTPTypes
import Hummingbird
import Testing
import VaneAuth
import VaneCore
import VaneModels
import VaneServing
import VaneStorage
import VaneOps
@testable import VaneHTTP

/// Vane's own API under `/api/vane/v1`: its OpenAPI document says exactly what the router
/// serves, and every error under `/api/vane/` has Vane's shape with an honest status.
@Suite("Vane API")
struct VaneAPITests {
    static let base = "/api/vane/v1"

    /// `(method, path)` pairs, paths in OpenAPI syntax (`{name}` for a parameter).
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var description: String { "\(method) \(path)" }
    }

    /// The routes the Vane group registers, as OpenAPI would name them.
    static var registered: Set<Operation> {
        // The table only: no route runs, so the store behind the auth service is never opened.
        let database = try! VaneDatabase.inMemory()
        let auth = AuthService(store: SQLiteAuthStore(database: database))
        let deployments = DeploymentService(store: SQLiteDeploymentStore(database: database), resolver: ModelResolver(),
                                            catalog: SingleModelCatalog(ServedModel(name: "unused", version: nil, model: UnusedModel())))
        let alerting = Alerting()
        let incidents = IncidentService(alerting: alerting, graph: .empty)
        return Set(VaneAPIRoutes<VaneRequestContext>(surfaces: [], auth: auth, deployments: deployments, alerting: alerting,
                                                     incidents: incidents, history: AlertHistory(directory: nil, store: alerting.store)).routes.map { route in
            let path = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return Operation(method: route.method.rawValue, path: base + "/" + path.joined(separator: "/"))
        })
    }

    /// The served document is OpenAPI 3.1 with Vane's version, and its operations under
    /// `/api/vane/v1` are exactly the registered routes; each documented path answers.
    @Test func documentMatchesRegisteredRoutes() async throws {
        try await VaneTestClient.with { client in
            let r = try await client.request(.get, Self.base + "/openapi.json")
            try r.expectOK()
            #expect(r.headers[.contentType] == "application/json")
            let document = try r.json()
            #expect(document["openapi"] as? String == "3.1.0")
            #expect(document.object("info")?.string("version") == vaneVersion)
            let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
            var documented = Set<Operation>()
            for (path, item) in try #require(document["paths"] as? [String: Any]) where path.hasPrefix(Self.base + "/") {
                let item = try #require(item as? [String: Any])
                for method in methods where item[method] != nil {
                    documented.insert(Operation(method: method.uppercased(), path: path))
                }
            }
            #expect(!documented.isEmpty)
            #expect(documented == Self.registered, "documented but not registered: \(documented.subtracting(Self.registered)); registered but not documented: \(Self.registered.subtracting(documented))")
            // Every documented operation without parameters answers (a route, not the fallback's 404).
            for operation in documented where !operation.path.contains("{") {
                let answer = try await client.request(HTTPRequest.Method(operation.method)!, operation.path,
                                                      headers: [.contentType: "application/json"])
                #expect(answer.status != .notFound, "\(operation): \(answer.text.prefix(300))")
                #expect(answer.status.code < 500, "\(operation): \(answer.text.prefix(300))")
            }
            // The document's references resolve to components it defines.
            let components = try #require(document["components"] as? [String: Any])
            for reference in r.text.matches(of: /"\$ref": "#\/components\/(\w+)\/(\w+)"/) {
                let section = components[String(reference.1)] as? [String: Any]
                #expect(section?[String(reference.2)] != nil, "unresolved \(reference.0)")
            }
        }
    }

    /// `GET server`: name, version and the surfaces the server serves, Vane's own among them.
    @Test func serverDescribesItself() async throws {
        try await VaneTestClient.with { client in
            let r = try await client.request(.get, Self.base + "/server")
            try r.expectOK()
            let body = try r.json()
            #expect(body.string("name") == "vane")
            #expect(body.string("version") == vaneVersion)
            let surfaces = body.objects("surfaces")
            let names = surfaces.compactMap { $0.string("name") }
            #expect(names == ["mlflow", "mlflow-artifacts", "open-inference-v2", "mlflow-scoring", "alertmanager-v2", "vane"])
            let vane = surfaces.first { $0.string("name") == "vane" }
            #expect(vane?["base_paths"] as? [String] == [Self.base])
        }
    }

    /// An unknown path under `/api/vane/` is a 404 in Vane's shape, not MLflow's.
    @Test func unknownPathIsNotFoundInVaneShape() async throws {
        try await VaneTestClient.with { client in
            for path in [Self.base + "/nothing-here", Self.base + "/server/extra", "/api/vane/v9/server", "/api/vane"] {
                let r = try await client.request(.get, path)
                try expectVaneError(r.status.code, r.headers[.contentType], r.text, 404, "NOT_FOUND", path)
            }
        }
    }

    /// POSTs with a simple content type (what a cross-site form can send) are refused with 415
    /// in Vane's shape, on a route and on an unmatched path alike. PATCH and DELETE, which no
    /// page sends cross-site without a preflight, need no body type.
    @Test func simpleContentTypeWriteIsRefused() async throws {
        try await VaneTestClient.with { client in
            for path in [Self.base + "/server", Self.base + "/tokens", Self.base + "/nothing-here"] {
                let r = try await client.request(.post, path, body: .init(string: "{}"), headers: [.contentType: "text/plain"])
                try expectVaneError(r.status.code, r.headers[.contentType], r.text, 415, "UNSUPPORTED_MEDIA_TYPE", "POST \(path)")
                #expect(r.text.contains("application/json"))
            }
            let delete = try await client.request(.delete, Self.base + "/tokens/000000000000")
            try expectVaneError(delete.status.code, delete.headers[.contentType], delete.text, 404, "NOT_FOUND", "DELETE without a body type")
        }
    }

    /// A foreign `Host` (DNS rebinding) is refused with 403 in Vane's shape.
    @Test func foreignHostIsRefusedInVaneShape() async throws {
        try await LiveServer.with { server in
            for path in [Self.base + "/server", Self.base + "/openapi.json", Self.base + "/unknown"] {
                let r = try await server.exchange(rawRequest("GET", path, host: "evil.example"))
                let type = r.headers.first { $0.0.lowercased() == "content-type" }?.1
                try expectVaneError(r.status, type, r.body, 403, "PERMISSION_DENIED", path)
            }
            let ok = try await server.exchange(rawRequest("GET", Self.base + "/server", host: "127.0.0.1:\(server.port)"))
            #expect(ok.status == 200, "\(ok.body)")
        }
    }

    /// Every `VaneError` code gets its status and code; internal detail never reaches the client.
    @Test func vaneErrorCodesMapToHonestStatuses() {
        let expected: [(VaneError.Code, Int, String)] = [
            (.invalidParameter, 400, "INVALID_ARGUMENT"), (.notFound, 404, "NOT_FOUND"),
            (.alreadyExists, 409, "ALREADY_EXISTS"), (.invalidState, 409, "FAILED_PRECONDITION"),
            (.tooLarge, 413, "PAYLOAD_TOO_LARGE"), (.permissionDenied, 403, "PERMISSION_DENIED"),
            (.unavailable, 503, "UNAVAILABLE"), (.internalError, 500, "INTERNAL"),
        ]
        for (code, status, name) in expected {
            let error = VaneAPIError(MLflowError(VaneError(code, "detail: /var/lib/vane/vane.db")))
            #expect(error.status.code == status, "\(code)")
            #expect(error.code == name, "\(code)")
            #expect(error.message.contains("/var/lib") == (code != .internalError), "\(code): \(error.message)")
        }
    }

    /// Checks Vane's error shape: status, JSON, `{"error": {"code", "message"}}` and nothing else.
    func expectVaneError(_ status: Int, _ contentType: String?, _ body: String, _ expectedStatus: Int, _ code: String,
                         _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(status == expectedStatus, "\(what): \(body.prefix(300))", sourceLocation: sourceLocation)
        #expect(contentType?.hasPrefix("application/json") == true, "\(what)", sourceLocation: sourceLocation)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                                  "\(what): \(body.prefix(300))", sourceLocation: sourceLocation)
        #expect(object.keys.sorted() == ["error"], "\(what): \(body.prefix(300))", sourceLocation: sourceLocation)
        let error = object.object("error")
        #expect(error?.string("code") == code, "\(what): \(body.prefix(300))", sourceLocation: sourceLocation)
        #expect(error?.string("message")?.isEmpty == false, "\(what)", sourceLocation: sourceLocation)
        #expect(error?.keys.sorted() == ["code", "message"], "\(what)", sourceLocation: sourceLocation)
    }
}

/// A model no test scores: the route table needs a catalog to exist, not to answer.
private struct UnusedModel: InferenceModel {
    var signature: ModelSignature {
        ModelSignature(platform: "xgboost", inputName: "input-0", inputDatatype: .fp32, featureCount: 1, featureNames: nil, outputs: [])
    }
    func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput] { [] }
}
