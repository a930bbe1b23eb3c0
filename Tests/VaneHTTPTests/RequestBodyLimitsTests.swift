import Foundation
import NIOCore
import Testing
import VaneCore
@testable import VaneHTTP

/// Request bodies are bounded before work starts and broken framing is a 400: over a real socket,
/// as an attacker would send them.
@Suite("Request body limits and framing")
struct RequestBodyLimitsTests {
    static let create = "/api/2.0/mlflow/experiments/create"
    static let json = [("Content-Type", "application/json")]

    @Test("a length header is digits with optional spaces around, within Int")
    func lengthHeaderValues() {
        #expect(BodyReader.nonNegativeInteger("0") == 0)
        #expect(BodyReader.nonNegativeInteger(" 1234\t") == 1234)
        #expect(BodyReader.nonNegativeInteger(String(Int.max)) == Int.max)
        for bad in ["", " ", "-1", "+1", "1 2", "12a", "0x10", "1e3", "9223372036854775808", "１２"] {
            #expect(BodyReader.nonNegativeInteger(bad) == nil, "\(bad)")
        }
    }

    /// A body shorter than its Content-Length (the client gives up and half-closes) is malformed,
    /// not too large.
    @Test func shortBodyIs400() async throws {
        try await LiveServer.with { server in
            let host = "127.0.0.1:\(server.port)"
            let body = #"{"name": "short"}"#
            let r = try await server.exchange(rawRequest("POST", Self.create, host: host, headers: Self.json, body: body,
                                                         contentLength: body.utf8.count + 100), halfClose: true)
            #expect(r.status == 400, "\(r.status) \(r.body)")
            #expect(r.json()?["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            let infer = try await server.exchange(rawRequest("POST", "/models/m/invocations", host: host, headers: Self.json,
                                                             body: "{}", contentLength: 500), halfClose: true)
            #expect(infer.status == 400 || infer.status == 404, "\(infer.status) \(infer.body)")
        }
    }

    /// A chunked body with a chunk size that is not hexadecimal is malformed.
    @Test func badChunkSizeIs400() async throws {
        try await LiveServer.with { server in
            let host = "127.0.0.1:\(server.port)"
            let request = "POST \(Self.create) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{\"nam\r\nzz\r\nxx\r\n0\r\n\r\n"
            let r = try await server.exchange(request, halfClose: true)
            #expect(r.status == 400, "\(r.status) \(r.body)")
        }
    }

    /// A Content-Length over the limit is refused at once, before the body is read: the client
    /// that declared 1 GiB and sent nothing gets its 413 without sending a byte.
    @Test func declaredOversizeIs413BeforeReading() async throws {
        try await LiveServer.with { server in
            let host = "127.0.0.1:\(server.port)"
            for path in [Self.create, "/v2/models/m/infer", "/models/m/invocations"] {
                let r = try await server.exchange(rawRequest("POST", path, host: host, headers: Self.json, contentLength: 1 << 30), timeout: 30)
                #expect(r.status == 413, "\(path): \(r.status) \(r.body)")
            }
            let bad = try await server.exchange(rawRequest("POST", Self.create, host: host, headers: Self.json + [("Content-Length", "-5")]))
            #expect(bad.status == 400, "\(bad.status) \(bad.body)")
        }
    }

    /// An MLflow body holding more values than any MLflow request needs is refused while it is
    /// parsed, before its tree grows: a 62 MB `runs/search` took 1.4 GB this way.
    @Test func tooManyValuesIs400() async throws {
        try await VaneTestClient.with { vane in
            let junk = Array(repeating: "0", count: JSONValue.maxValues + 1).joined(separator: ",")
            let r = try await vane.post("runs/search", #"{"experiment_ids": ["0"], "page_token": null, "junk": [\#(junk)]}"#)
            r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            #expect((try? r.json())?.string("message")?.contains("values") == true)
            let nested = try await vane.post("experiments/create", #"{"name": "x", "junk": [\#(String(repeating: "[1,", count: 10) + "1" + String(repeating: "]", count: 10)), \#(Array(repeating: "1", count: JSONValue.maxValues).joined(separator: ","))]}"#)
            nested.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    /// A name with invalid UTF-8 is refused, not stored with replacement characters.
    @Test func invalidUTF8IsRefused() async throws {
        try await VaneTestClient.with { vane in
            let body = Array(#"{"name": "a"#.utf8) + [0xFF, 0xFE] + Array(#"b"}"#.utf8)
            let r = try await vane.request(.post, VaneTestClient.api + "experiments/create", body: ByteBuffer(bytes: body),
                                           headers: [.contentType: "application/json"])
            r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let listed = try await vane.get("experiments/search?max_results=100").text
            #expect(!listed.contains("\u{FFFD}"))
        }
    }

    @Test func parserValueBudgetCountsEveryValue() throws {
        #expect(throws: VaneError.self) { try JSONValue.parse(Array("[1,2,3]".utf8), maxValues: 3) }
        #expect(try JSONValue.parse(Array("[1,2,3]".utf8), maxValues: 4) == .array([.int(1), .int(2), .int(3)]))
        #expect(throws: VaneError.self) { try JSONValue.parse(Array(#"{"a": {"b": 1}}"#.utf8), maxValues: 2) }
    }
}
