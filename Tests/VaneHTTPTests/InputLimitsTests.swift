import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP

/// Issue 12's small findings at the wire: absolute artifact paths are refused instead of made
/// relative, sources with backslashes are refused at registration, and names are bounded and
/// free of NUL bytes, all answered in MLflow's error shape with a 400.
@Suite("MLflow input limits")
struct InputLimitsTests {
    static let proxy = VaneTestClient.artifactsAPI
    static let tenMB = String(repeating: "n", count: 10 * 1024 * 1024)

    func put(_ vane: VaneTestClient, _ rawPath: String, _ text: String = "pwned") async throws -> TestResponse {
        try await vane.request(.put, Self.proxy + rawPath, body: ByteBuffer(string: text), headers: [.contentType: "application/octet-stream"])
    }

    /// Every file below the artifact root, relative to it.
    func filesUnderRoot(_ vane: VaneTestClient) -> [String] {
        (FileManager.default.enumerator(atPath: vane.artifactRoot)?.allObjects as? [String] ?? []).sorted()
    }

    @Test("an absolute artifact path (//etc/passwd) is refused with a 400 and writes nothing")
    func absoluteArtifactPath() async throws {
        try await VaneTestClient.with { vane in
            for raw in ["//etc/passwd", "///etc/passwd", "//1/run/artifacts/x.txt", "/%2Fetc/passwd", "/a%23b.txt"] {
                try await put(vane, raw).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
                try await vane.request(.get, Self.proxy + raw).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
                try await vane.request(.delete, Self.proxy + raw).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            }
            #expect(filesUnderRoot(vane).isEmpty)

            // The relative spelling still works, and names with spaces too.
            try await put(vane, "/etc/passwd", "relative").expectOK()
            try await put(vane, "/1/run/artifacts/with%20space/a%20b.txt", "ok").expectOK()
            #expect(filesUnderRoot(vane).contains("1/run/artifacts/with space/a b.txt"))
            #expect(try String(contentsOfFile: vane.artifactRoot + "/etc/passwd", encoding: .utf8) == "relative")
        }
    }

    @Test("an absolute path in an artifact listing is refused")
    func absoluteListingPath() async throws {
        try await VaneTestClient.with { vane in
            for path in ["/etc/passwd", "//etc", "C:\\Windows", "a#b"] {
                try await vane.request(.get, Self.proxy + "?path=\(q(path))").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            }
            let run = try await vane.createRun()
            try await vane.get("artifacts/list?run_id=\(run)&path=\(q("//etc"))").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    @Test("a 10 MB experiment name is a 400 in MLflow's shape; the limit itself (500) is accepted")
    func longExperimentName() async throws {
        try await VaneTestClient.with { vane in
            let r = try await vane.post("experiments/create", jsonBody(["name": Self.tenMB]))
            r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            #expect(r.body.readableBytes < 10_000)
            #expect(try r.json().string("message") == "'name' exceeds the maximum length of 500 characters")
            try await vane.post("experiments/create", jsonBody(["name": String(repeating: "é", count: 501)]))
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            _ = try await vane.createExperiment(String(repeating: "é", count: 500))
            let search = try await vane.post("experiments/search", jsonBody(["max_results": 10]))
            try search.expectOK()
            #expect(try search.json().objects("experiments").count == 2)
        }
    }

    @Test("names with a NUL byte are refused with a 400")
    func namesWithNUL() async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("experiments/create", jsonBody(["name": "a\u{0}b"])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/create", jsonBody(["experiment_id": "0", "run_name": "r\u{0}"])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("registered-models/create", jsonBody(["name": "m\u{0}"])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let run = try await vane.createRun()
            try await vane.post("runs/set-tag", jsonBody(["run_id": run, "key": "k\u{0}", "value": "v"])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/update", jsonBody(["run_id": run, "run_name": "x\u{0}y"])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
        }
    }

    @Test("run and registered model names are bounded; '/', spaces and Unicode in model names still work")
    func otherNames() async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("runs/create", jsonBody(["experiment_id": "0", "run_name": Self.tenMB])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("runs/create", jsonBody(["experiment_id": "0", "run_name": String(repeating: "r", count: 251)]))
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            _ = try await vane.createRun(name: String(repeating: "r", count: 250))

            try await vane.post("registered-models/create", jsonBody(["name": Self.tenMB])).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.post("registered-models/create", jsonBody(["name": String(repeating: "m", count: 257)]))
                .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            for name in [String(repeating: "m", count: 256), "team/churn model", "модель ✓"] {
                try await vane.post("registered-models/create", jsonBody(["name": name])).expectOK()
            }
        }
    }

    @Test("a model version source with backslashes is refused at registration")
    func backslashSource() async throws {
        try await VaneTestClient.with { vane in
            try await vane.post("registered-models/create", jsonBody(["name": "m"])).expectOK()
            let run = try await vane.createRun()
            for source in ["runs:/\(run)/model\\..\\..\\secret", "s3://bucket/a\\b", "models:/m\\1", "s3://bucket/a%00b"] {
                try await vane.post("model-versions/create", jsonBody(["name": "m", "source": source, "run_id": run]))
                    .expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            }
            let ok = try await vane.post("model-versions/create", jsonBody(["name": "m", "source": "runs:/\(run)/model", "run_id": run]))
            try ok.expectOK()
            #expect(try ok.json().object("model_version")?.string("version") == "1")
        }
    }
}
