import Foundation
import Testing
import VaneHTTP
import VaneServer

/// No web page can make a user's browser change Vane's state, and no rebound DNS name reaches
/// it: the `Host` allow-list, the `Origin` check and the non-simple content type on MLflow
/// writes, through a real socket as a browser would send them.
@Suite("Cross-site protection")
struct CrossSiteProtectionTests {
    static let create = "/api/2.0/mlflow/experiments/create"

    func experimentCount(_ server: LiveServer) async throws -> Int {
        let r = try await server.exchange(rawRequest("GET", "/api/2.0/mlflow/experiments/search?max_results=1000", host: "127.0.0.1:\(server.port)"))
        #expect(r.status == 200, "\(r.body)")
        return (r.json()?["experiments"] as? [Any])?.count ?? 0
    }

    /// A cross-site form or `fetch` can only send simple content types without a preflight:
    /// every one of them, and none at all, is refused on MLflow writes and writes nothing.
    @Test func simpleContentTypesCannotWrite() async throws {
        try await LiveServer.with { server in
            let host = "127.0.0.1:\(server.port)"
            let before = try await experimentCount(server)
            for type in ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", nil] {
                let headers = type.map { [("Content-Type", $0)] } ?? []
                let r = try await server.exchange(rawRequest("POST", Self.create, host: host, headers: headers, body: #"{"name": "csrf"}"#))
                #expect(r.status == 415, "\(type ?? "none"): \(r.body)")
                #expect(r.json()?["error_code"] as? String == "BAD_REQUEST")
            }
            // Also with the parameters in the query and no body at all.
            let query = try await server.exchange(rawRequest("POST", "/api/2.0/mlflow/experiments/delete?experiment_id=0", host: host))
            #expect(query.status == 415)
            #expect(try await experimentCount(server) == before)
            // The same write as the mlflow client sends it succeeds.
            let ok = try await server.exchange(rawRequest("POST", Self.create, host: host, headers: [("Content-Type", "application/json")], body: #"{"name": "real"}"#))
            #expect(ok.status == 200, "\(ok.body)")
            #expect(try await experimentCount(server) == before + 1)
        }
    }

    /// DNS rebinding: a page at evil.example rebinds its name to 127.0.0.1; its requests still
    /// say `Host: evil.example`, and are refused in the surface's error shape, reads included.
    @Test func foreignHostIsRefused() async throws {
        try await LiveServer.with { server in
            for host in ["evil.example", "evil.example:\(server.port)", "127.0.0.1.evil.example", "localhost.evil.example", ""] {
                let r = try await server.exchange(rawRequest("GET", "/api/2.0/mlflow/experiments/search", host: host))
                #expect(r.status == 403, "Host \(host): \(r.body)")
                #expect(r.json()?["error_code"] as? String == "PERMISSION_DENIED")
                let oip = try await server.exchange(rawRequest("GET", "/v2/models/m", host: host))
                #expect(oip.status == 403)
                #expect(oip.json()?["error"] is String, "\(oip.body)")
            }
            // Health checks answer whatever the name (load balancers probe by address).
            #expect(try await server.exchange(rawRequest("GET", "/health", host: "evil.example")).status == 200)
            // Every loopback spelling and the listen address are allowed, with any port.
            for host in ["127.0.0.1:\(server.port)", "localhost:\(server.port)", "LOCALHOST", "[::1]:\(server.port)", "127.0.0.1"] {
                let r = try await server.exchange(rawRequest("GET", "/api/2.0/mlflow/experiments/search", host: host))
                #expect(r.status == 200, "Host \(host): \(r.body)")
            }
        }
    }

    /// A state-changing request from another origin is refused even with a JSON content type
    /// (which would need a preflight that Vane does not grant); its own origin passes.
    @Test func foreignOriginCannotWrite() async throws {
        try await LiveServer.with { server in
            let host = "127.0.0.1:\(server.port)"
            let json = [("Content-Type", "application/json")]
            let before = try await experimentCount(server)
            for origin in ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:\(server.port)", "http://localhost:3000"] {
                let r = try await server.exchange(rawRequest("POST", Self.create, host: host, headers: json + [("Origin", origin)], body: #"{"name": "x-\#(origin.count)"}"#))
                #expect(r.status == 403, "Origin \(origin): \(r.body)")
                #expect(r.json()?["error_code"] as? String == "PERMISSION_DENIED")
                let delete = try await server.exchange(rawRequest("DELETE", "/api/2.0/mlflow-artifacts/artifacts/x.txt", host: host, headers: [("Origin", origin)]))
                #expect(delete.status == 403)
            }
            #expect(try await experimentCount(server) == before)
            let same = try await server.exchange(rawRequest("POST", Self.create, host: host, headers: json + [("Origin", "http://\(host)")], body: #"{"name": "same-origin"}"#))
            #expect(same.status == 200, "\(same.body)")
            // Reads from another origin are not state changes (and get no CORS headers to read them with).
            let read = try await server.exchange(rawRequest("GET", "/api/2.0/mlflow/experiments/search", host: host, headers: [("Origin", "http://evil.example")]))
            #expect(read.status == 200)
            #expect(read.header("Access-Control-Allow-Origin") == nil)
        }
    }

    /// With `--cors-origins`, the named origin gets preflights and CORS headers and may write;
    /// others still may not.
    @Test func configuredCORSOrigin() async throws {
        let policy = CrossSitePolicy(allowedHosts: CrossSitePolicy.loopbackHosts, corsOrigins: ["https://ui.example.com"])
        try await LiveServer.with(crossSite: policy) { server in
            let host = "127.0.0.1:\(server.port)"
            let preflight = try await server.exchange(rawRequest("OPTIONS", Self.create, host: host, headers: [
                ("Origin", "https://ui.example.com"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ]))
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "https://ui.example.com")
            #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(preflight.header("Access-Control-Allow-Headers") == "content-type")
            let refused = try await server.exchange(rawRequest("OPTIONS", Self.create, host: host, headers: [
                ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
            ]))
            #expect(refused.status == 403)
            #expect(refused.header("Access-Control-Allow-Origin") == nil)
            let write = try await server.exchange(rawRequest("POST", Self.create, host: host, headers: [
                ("Content-Type", "application/json"), ("Origin", "https://ui.example.com"),
            ], body: #"{"name": "from-ui"}"#))
            #expect(write.status == 200, "\(write.body)")
            #expect(write.header("Access-Control-Allow-Origin") == "https://ui.example.com")
            let foreign = try await server.exchange(rawRequest("POST", Self.create, host: host, headers: [
                ("Content-Type", "application/json"), ("Origin", "https://evil.example"),
            ], body: #"{"name": "from-evil"}"#))
            #expect(foreign.status == 403)
        }
    }

    /// Inference is not a state change: clients that send no content type (tritonclient) or
    /// `text/csv` keep working without an Origin.
    @Test func inferenceKeepsItsContentTypes() async throws {
        try await LiveServer.with { server in
            let host = "127.0.0.1:\(server.port)"
            // No such model: the answer is the protocol's 404, not a content-type refusal.
            let oip = try await server.exchange(rawRequest("POST", "/v2/models/nope/infer", host: host, body: #"{"inputs": []}"#))
            #expect(oip.status == 404, "\(oip.body)")
            let csv = try await server.exchange(rawRequest("POST", "/models/nope/invocations", host: host, headers: [("Content-Type", "text/csv")], body: "a,b\n1,2\n"))
            #expect(csv.status == 404, "\(csv.body)")
        }
    }

    @Test func hostPatterns() {
        let policy = CrossSitePolicy(allowedHosts: ["vane.internal", "*.corp.example", "10.*", "ml.example.com:8443", "[fd00::1]"])
        #expect(policy.allows(host: "vane.internal"))
        #expect(policy.allows(host: "VANE.internal:5000"))
        #expect(policy.allows(host: "a.b.corp.example"))
        #expect(!policy.allows(host: "corp.example.evil"))
        #expect(policy.allows(host: "10.1.2.3:80"))
        #expect(!policy.allows(host: "100.1.2.3"))
        #expect(policy.allows(host: "ml.example.com:8443"))
        #expect(!policy.allows(host: "ml.example.com:80"))
        #expect(!policy.allows(host: "ml.example.com"))
        #expect(policy.allows(host: "[fd00::1]:5000"))
        #expect(!policy.allows(host: "[fd00::2]"))
        #expect(!policy.allows(host: "vane.internal:99999"))
        #expect(!policy.allows(host: "vane.internal:5000:1"))
        #expect(!policy.allows(host: ":5000"))
        #expect(!policy.allows(host: "vane.internal:"))
        #expect(CrossSitePolicy(allowedHosts: ["*"]).allows(host: "anything.example"))
        // Patterns set after creation are the ones checked.
        var changed = policy
        changed.allowedHosts = ["other.example:9000"]
        #expect(!changed.allows(host: "vane.internal"))
        #expect(changed.allows(host: "OTHER.example:9000"))
        #expect(!changed.allows(host: "other.example"))
        let defaults = CrossSitePolicy.defaults(listenHost: "192.168.1.5")
        #expect(defaults.allows(host: "192.168.1.5:5000"))
        #expect(defaults.allows(host: "localhost"))
        #expect(!defaults.allows(host: "192.168.1.6"))
        #expect(!CrossSitePolicy.defaults(listenHost: "0.0.0.0").allows(host: "0.0.0.0"))
        // A pathological pattern is matched in linear time.
        let stars = CrossSitePolicy(allowedHosts: [String(repeating: "*a", count: 200) + "b"])
        #expect(!stars.allows(host: String(repeating: "a", count: 4000)))
    }

    @Test func originRules() {
        let policy = CrossSitePolicy.defaults(listenHost: "127.0.0.1")
        #expect(policy.allows(origin: "http://127.0.0.1:5000", host: "127.0.0.1:5000"))
        #expect(policy.allows(origin: "http://localhost", host: "localhost:80"))
        #expect(!policy.allows(origin: "http://localhost:5001", host: "localhost:5000"))
        #expect(!policy.allows(origin: "null", host: "localhost:5000"))
        #expect(!policy.allows(origin: "file://", host: "localhost:5000"))
        #expect(!policy.allows(origin: "http://127.0.0.1:5000", host: nil))
        #expect(CrossSitePolicy.isSimple(contentType: nil))
        #expect(CrossSitePolicy.isSimple(contentType: "Text/Plain; charset=utf-8"))
        #expect(!CrossSitePolicy.isSimple(contentType: "application/json"))
    }
}
