import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneCore
import VaneHTTP

/// `/health`, `/version` and the Prometheus `/metrics` exposition.
@Suite("Server endpoints")
struct ServerEndpointsTests {
    @Test func health() async throws {
        try await VaneTestClient.with { vane in
            let r = try await vane.request(.get, "/health")
            #expect(r.status == .ok)
            #expect(r.text == "OK")
            #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    @Test func version() async throws {
        try await VaneTestClient.with { vane in
            let r = try await vane.request(.get, "/version")
            #expect(r.status == .ok)
            #expect(r.text == vaneVersion)
            #expect(!r.text.isEmpty)
            #expect(r.text.split(separator: ".").count == 3)
        }
    }

    /// The request counter carries route, method and status labels. The route label is the matched
    /// pattern, so label cardinality stays bounded whatever the ids in the path.
    @Test func metricsCountRequestsWithLabels() async throws {
        // swift-metrics is bootstrapped once per process, on first access to the registry.
        _ = VaneMetrics.registry
        try await VaneTestClient.with { vane in
            try await vane.request(.get, "/health").expectOK()
            try await vane.get("runs/get?run_id=0123456789abcdef0123456789abcdef").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("logged-models/m-0123").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            // A method of the client's own making is counted as "other", not as a new label value.
            _ = try await vane.request(HTTPRequest.Method("XMINTLABEL")!, "/health")

            let r = try await vane.request(.get, "/metrics")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
            let lines = r.text.split(separator: "\n").map(String.init)
            let counters = lines.filter { $0.hasPrefix("vane_http_requests_total{") }
            #expect(!counters.isEmpty, "\(r.text.prefix(2000))")

            func has(route: String, method: String, status: String) -> Bool {
                counters.contains { line in
                    line.contains("route=\"\(route)\"") && line.contains("method=\"\(method)\"") && line.contains("status=\"\(status)\"")
                }
            }
            #expect(has(route: "/health", method: "GET", status: "200"), "\(counters)")
            #expect(has(route: "/api/2.0/mlflow/runs/get", method: "GET", status: "404"), "\(counters)")
            #expect(has(route: "/api/2.0/mlflow/logged-models/{model_id}", method: "GET", status: "404")
                || has(route: "/api/2.0/mlflow/logged-models/:model_id", method: "GET", status: "404"), "\(counters)")
            #expect(!r.text.contains("m-0123"), "raw ids must not become label values")
            #expect(!r.text.contains("XMINTLABEL"), "client-made methods must not become label values")
            #expect(has(route: "/health", method: "other", status: "405") || has(route: "unmatched", method: "other", status: "404")
                || counters.contains { $0.contains("method=\"other\"") }, "\(counters)")
            // Each counter line ends with a number.
            for line in counters {
                #expect(Double(line.split(separator: " ").last.map(String.init) ?? "") != nil, "\(line)")
            }
            #expect(r.text.contains("vane_http_request_duration_seconds"))
        }
    }

    @Test func metricsCounterIncreases() async throws {
        _ = VaneMetrics.registry
        try await VaneTestClient.with { vane in
            func healthCount() async throws -> Double {
                let r = try await vane.request(.get, "/metrics")
                let line = r.text.split(separator: "\n").first {
                    $0.hasPrefix("vane_http_requests_total{") && $0.contains("route=\"/health\"") && $0.contains("status=\"200\"")
                }
                return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            }
            try await vane.request(.get, "/health").expectOK()
            let before = try await healthCount()
            for _ in 0..<3 { try await vane.request(.get, "/health").expectOK() }
            let after = try await healthCount()
            // Other tests may hit /health concurrently in this process, so at least 3.
            #expect(after - before >= 3)
        }
    }
}
