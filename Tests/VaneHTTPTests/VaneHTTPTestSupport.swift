import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VaneArtifacts
import VaneCore
import VaneHTTP
import VaneServer
import VaneServing
import VaneStorage

/// A Vane router over an in-memory database and a fresh temporary artifact root, driven through
/// HummingbirdTesting's router framework (no sockets).
struct VaneTestClient: Sendable {
    let client: any TestClientProtocol
    let stores: VaneStores
    /// The real (symlink-free) artifact root of this server.
    let artifactRoot: String
    /// The temporary directory holding the artifact root; files outside the root live here too.
    let tempDirectory: String

    static let api = "/api/2.0/mlflow/"
    static let ajax = "/ajax-api/2.0/mlflow/"
    static let artifactsAPI = "/api/2.0/mlflow-artifacts/artifacts"

    /// Runs `body` against a fresh server (with `authentication` on or off); the temporary
    /// directory is removed afterwards.
    static func with<T: Sendable>(authentication: Bool = false, _ body: @Sendable (VaneTestClient) async throws -> T) async throws -> T {
        let tmp = FileManager.default.temporaryDirectory
            .appendingPathComponent("vane-http-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let db = try VaneDatabase.inMemory()
        try db.migrate(VaneStores.migrations)
        let artifacts = try LocalArtifactStore(root: tmp + "/artifacts")
        let stores = try VaneStores(database: db, artifacts: artifacts, predictionDirectory: tmp + "/predictions",
                                    predictionLog: .init(flushInterval: .milliseconds(50)))
        let router = VaneApplication.makeRouter(stores: stores, authentication: authentication)
        let app = Application(router: router)
        let realTmp = URL(fileURLWithPath: tmp).resolvingSymlinksInPath().path
        // The services `vane server` runs beside the router.
        let shadows = Task { try await stores.deployments.shadowScorer.run() }
        let rollouts = Task { try await RolloutController(deployments: stores.deployments, tick: .milliseconds(20)).run() }
        let log = Task { try await stores.deployments.predictionLog?.run() }
        defer { stores.deployments.shadowScorer.finish(); stores.deployments.predictionLog?.finish(); shadows.cancel(); rollouts.cancel(); log.cancel() }
        return try await app.test(.router) { client in
            try await body(VaneTestClient(client: client, stores: stores, artifactRoot: artifacts.root, tempDirectory: realTmp))
        }
    }

    // MARK: Raw requests

    func request(_ method: HTTPRequest.Method, _ uri: String, body: ByteBuffer? = nil,
                 headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// A request with a JSON body (a string, sent as is).
    func json(_ method: HTTPRequest.Method, _ uri: String, _ body: String) async throws -> TestResponse {
        try await request(method, uri, body: ByteBuffer(string: body), headers: [.contentType: "application/json"])
    }

    /// `POST <prefix><endpoint>` with a JSON body.
    func post(_ endpoint: String, _ body: String, prefix: String = api) async throws -> TestResponse {
        try await json(.post, prefix + endpoint, body)
    }

    func patch(_ endpoint: String, _ body: String, prefix: String = api) async throws -> TestResponse {
        try await json(.patch, prefix + endpoint, body)
    }

    func delete(_ endpoint: String, _ body: String, prefix: String = api) async throws -> TestResponse {
        try await json(.delete, prefix + endpoint, body)
    }

    /// `GET <prefix><endpointAndQuery>`.
    func get(_ endpointAndQuery: String, prefix: String = api) async throws -> TestResponse {
        try await request(.get, prefix + endpointAndQuery)
    }

    // MARK: Shortcuts that must succeed

    func createExperiment(_ name: String, prefix: String = api) async throws -> String {
        let r = try await post("experiments/create", jsonBody(["name": name]), prefix: prefix)
        try r.expectOK()
        return try #require(r.json()["experiment_id"] as? String)
    }

    /// Creates a run and returns its id.
    func createRun(experimentID: String = "0", name: String? = nil, prefix: String = api) async throws -> String {
        var body: [String: Any] = ["experiment_id": experimentID, "start_time": 1_700_000_000_000]
        if let name { body["run_name"] = name }
        let r = try await post("runs/create", jsonBody(body), prefix: prefix)
        try r.expectOK()
        let run = try #require(r.json()["run"] as? [String: Any])
        let info = try #require(run["info"] as? [String: Any])
        return try #require(info["run_id"] as? String)
    }

    /// `runs/get`, returning the `run` object.
    func getRun(_ runID: String, prefix: String = api) async throws -> [String: Any] {
        let r = try await get("runs/get?run_id=\(runID)", prefix: prefix)
        try r.expectOK()
        return try #require(r.json()["run"] as? [String: Any])
    }
}

/// Serialises a JSON object built from Foundation values.
func jsonBody(_ object: [String: Any]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// Percent-encodes a query parameter value.
func q(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}

struct ResponseError: Error, CustomStringConvertible {
    var description: String
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [String: Any] else {
            throw ResponseError(description: "Response body is not a JSON object: \(text.prefix(300))")
        }
        return object
    }

    /// Records an issue (and throws) unless the status is 200.
    func expectOK(sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard status == .ok else {
            Issue.record("Expected 200, got \(status.code): \(text.prefix(500))", sourceLocation: sourceLocation)
            throw ResponseError(description: "Expected 200, got \(status.code)")
        }
    }

    /// Checks MLflow's error shape: the status, a JSON content type, `error_code` and a non-empty `message`.
    func expectMLflowError(_ status: HTTPResponse.Status, _ code: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "body: \(text.prefix(300))", sourceLocation: sourceLocation)
        #expect(self.status.code < 500, sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        guard let object = try? json() else {
            Issue.record("error body is not JSON: \(text.prefix(300))", sourceLocation: sourceLocation)
            return
        }
        #expect(object["error_code"] as? String == code, "body: \(text.prefix(300))", sourceLocation: sourceLocation)
        let message = object["message"] as? String
        #expect(message?.isEmpty == false, sourceLocation: sourceLocation)
    }
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    func string(_ key: String) -> String? { self[key] as? String }
}

/// `[{key, value}]` lists as a dictionary.
func keyValues(_ list: [[String: Any]]) -> [String: String] {
    var out: [String: String] = [:]
    for item in list {
        if let k = item["key"] as? String { out[k] = item["value"] as? String ?? "" }
    }
    return out
}
