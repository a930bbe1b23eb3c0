import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP

/// The mlflow-artifacts proxy, run artifact listing and server-info.
@Suite("MLflow artifact routes")
struct MLflowArtifactRoutesTests {
    static let proxy = VaneTestClient.artifactsAPI

    func put(_ vane: VaneTestClient, _ path: String, _ bytes: [UInt8], contentType: String = "application/octet-stream") async throws -> TestResponse {
        try await vane.request(.put, Self.proxy + "/" + path, body: ByteBuffer(bytes: bytes), headers: [.contentType: contentType])
    }

    /// Deterministic pseudo-random bytes covering every byte value.
    static func binary(count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test func putThenGetBinaryRoundTrip() async throws {
        try await VaneTestClient.with { vane in
            let bytes = Self.binary(count: 3 * 1024 * 1024 + 17)
            let uploaded = try await put(vane, "1/run/artifacts/model/model.bin", bytes)
            #expect(uploaded.status == .ok)
            #expect(uploaded.body.readableBytes == 0)

            let got = try await vane.request(.get, Self.proxy + "/1/run/artifacts/model/model.bin")
            #expect(got.status == .ok)
            #expect(got.headers[.contentType] == "application/octet-stream")
            #expect(got.body.readableBytes == bytes.count)
            #expect(Array(got.body.readableBytesView) == bytes)

            // The file is where the path says, inside the root.
            let onDisk = try Data(contentsOf: URL(fileURLWithPath: vane.artifactRoot + "/1/run/artifacts/model/model.bin"))
            #expect(onDisk.count == bytes.count)

            // Overwrite with a text file.
            let text = Array("hello, artifacts\n".utf8)
            #expect(try await put(vane, "1/run/artifacts/model/model.bin", text).status == .ok)
            let again = try await vane.request(.get, Self.proxy + "/1/run/artifacts/model/model.bin")
            #expect(Array(again.body.readableBytesView) == text)

            // Empty file.
            #expect(try await put(vane, "1/run/artifacts/empty.txt", []).status == .ok)
            let empty = try await vane.request(.get, Self.proxy + "/1/run/artifacts/empty.txt")
            #expect(empty.status == .ok)
            #expect(empty.body.readableBytes == 0)
            #expect(empty.headers[.contentType] == "text/plain")
        }
    }

    @Test func listRootNestedAndEmpty() async throws {
        try await VaneTestClient.with { vane in
            #expect(try await put(vane, "5/r1/artifacts/a.txt", Array("abc".utf8)).status == .ok)
            #expect(try await put(vane, "5/r1/artifacts/dir/b.json", Array("{}".utf8)).status == .ok)
            #expect(try await put(vane, "5/r1/artifacts/dir/sub/c.bin", [1, 2, 3, 4, 5]).status == .ok)

            let root = try await vane.request(.get, Self.proxy)
            try root.expectOK()
            let rootFiles = try root.json().objects("files")
            #expect(rootFiles.count == 1)
            #expect(rootFiles.first?.string("path") == "5")
            #expect(rootFiles.first?["is_dir"] as? Bool == true)
            #expect(rootFiles.first?["file_size"] == nil)

            let level = try await vane.request(.get, Self.proxy + "?path=5/r1/artifacts")
            try level.expectOK()
            let files = try level.json().objects("files")
            #expect(files.compactMap { $0.string("path") } == ["a.txt", "dir"])
            let a = try #require(files.first { $0.string("path") == "a.txt" })
            #expect(a["is_dir"] as? Bool == false)
            #expect((a["file_size"] as? NSNumber)?.intValue == 3)
            let dir = try #require(files.first { $0.string("path") == "dir" })
            #expect(dir["is_dir"] as? Bool == true)

            let nested = try await vane.request(.get, Self.proxy + "?path=\(q("5/r1/artifacts/dir/sub"))")
            try nested.expectOK()
            let sub = try nested.json().objects("files")
            #expect(sub.count == 1)
            #expect(sub.first?.string("path") == "c.bin")
            #expect((sub.first?["file_size"] as? NSNumber)?.intValue == 5)

            // A missing directory and a file both list as `{}`.
            let missing = try await vane.request(.get, Self.proxy + "?path=5/r1/artifacts/nothing-here")
            try missing.expectOK()
            #expect(missing.text == "{}")
            let file = try await vane.request(.get, Self.proxy + "?path=5/r1/artifacts/a.txt")
            try file.expectOK()
            #expect(file.text == "{}")
            // An empty directory too.
            try FileManager.default.createDirectory(atPath: vane.artifactRoot + "/5/r1/artifacts/emptydir", withIntermediateDirectories: true)
            let emptyDir = try await vane.request(.get, Self.proxy + "?path=5/r1/artifacts/emptydir")
            #expect(emptyDir.text == "{}")
        }
    }

    @Test func deleteArtifacts() async throws {
        try await VaneTestClient.with { vane in
            #expect(try await put(vane, "7/r/artifacts/keep.txt", [1]).status == .ok)
            #expect(try await put(vane, "7/r/artifacts/tree/x.txt", [2]).status == .ok)
            #expect(try await put(vane, "7/r/artifacts/tree/y/z.txt", [3]).status == .ok)

            let deleteFile = try await vane.request(.delete, Self.proxy + "/7/r/artifacts/keep.txt")
            try deleteFile.expectOK()
            #expect(deleteFile.text == "{}")
            try await vane.request(.get, Self.proxy + "/7/r/artifacts/keep.txt").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")

            try await vane.request(.delete, Self.proxy + "/7/r/artifacts/tree").expectOK()
            let listing = try await vane.request(.get, Self.proxy + "?path=7/r/artifacts")
            #expect(listing.text == "{}")
            #expect(!FileManager.default.fileExists(atPath: vane.artifactRoot + "/7/r/artifacts/tree"))
            // Deleting what is not there is not an error.
            try await vane.request(.delete, Self.proxy + "/7/r/artifacts/never").expectOK()
        }
    }

    @Test func getMissingIs404JSON() async throws {
        try await VaneTestClient.with { vane in
            try await vane.request(.get, Self.proxy + "/0/nope/artifacts/missing.txt").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            // A directory is not a file.
            #expect(try await put(vane, "0/d/artifacts/f.txt", [1]).status == .ok)
            try await vane.request(.get, Self.proxy + "/0/d/artifacts").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test(arguments: [VaneTestClient.api, VaneTestClient.ajax])
    func runArtifactListAndGet(prefix: String) async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("arts")
            let run = try await vane.createRun(experimentID: exp)
            #expect(try await put(vane, "\(exp)/\(run)/artifacts/model/MLmodel", Array("flavors: {}\n".utf8)).status == .ok)
            #expect(try await put(vane, "\(exp)/\(run)/artifacts/metrics.json", Array("{\"a\": 1}".utf8)).status == .ok)

            let root = try await vane.get("artifacts/list?run_id=\(run)", prefix: prefix)
            try root.expectOK()
            let json = try root.json()
            #expect(json.string("root_uri") == "mlflow-artifacts:/\(exp)/\(run)/artifacts")
            let files = json.objects("files")
            #expect(files.compactMap { $0.string("path") } == ["metrics.json", "model"])
            #expect(files.first { $0.string("path") == "model" }?["is_dir"] as? Bool == true)
            #expect((files.first { $0.string("path") == "metrics.json" }?["file_size"] as? NSNumber)?.intValue == 8)

            let nested = try await vane.get("artifacts/list?run_id=\(run)&path=model", prefix: prefix)
            try nested.expectOK()
            #expect(try nested.json().objects("files").compactMap { $0.string("path") } == ["model/MLmodel"])

            let uuid = try await vane.get("artifacts/list?run_uuid=\(run)", prefix: prefix)
            try uuid.expectOK()
            #expect(try uuid.json().objects("files").count == 2)

            let file = try await vane.get("get-artifact?run_id=\(run)&path=model/MLmodel", prefix: prefix)
            try file.expectOK()
            #expect(file.text == "flavors: {}\n")
            #expect(file.headers[.contentType] == "text/plain")

            // A run without artifacts lists only its root.
            let bare = try await vane.createRun(experimentID: exp)
            let bareList = try await vane.get("artifacts/list?run_id=\(bare)", prefix: prefix)
            try bareList.expectOK()
            #expect(try bareList.json().objects("files").isEmpty)

            try await vane.get("artifacts/list?run_id=0123456789abcdef0123456789abcdef", prefix: prefix).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("artifacts/list?run_id=\(run)&path=\(q("../../.."))", prefix: prefix).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.get("get-artifact?run_id=\(run)&path=\(q("../../../../etc/passwd"))", prefix: prefix).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await vane.get("get-artifact?run_id=\(run)&path=missing", prefix: prefix).expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
        }
    }

    /// Places a secret file next to (outside) the artifact root: no request may read, list, write or delete it.
    @Test func traversalThroughHTTPNeverLeavesTheRoot() async throws {
        try await VaneTestClient.with { vane in
            let secretPath = vane.tempDirectory + "/secret.txt"
            try Data("TOP SECRET".utf8).write(to: URL(fileURLWithPath: secretPath))
            let outsideDir = vane.tempDirectory + "/outside"
            try FileManager.default.createDirectory(atPath: outsideDir, withIntermediateDirectories: true)

            let readAttempts = [
                "/%2e%2e/secret.txt", "/%2e%2e/%2e%2e/etc/passwd", "/..%2fsecret.txt", "/..%2f..%2fetc/passwd",
                "/%252e%252e/secret.txt", "/a/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "/%2fetc%2fpasswd",
                "/a/../../secret.txt", "/%2e%2e%2fsecret.txt", "/a%00b", "/~/secret.txt", "/%7e/secret.txt",
            ]
            for attempt in readAttempts {
                let r = try await vane.request(.get, Self.proxy + attempt)
                #expect(r.status.code >= 400 && r.status.code < 500, "GET \(attempt) → \(r.status.code)")
                #expect(!r.text.contains("TOP SECRET"), "GET \(attempt) leaked the file")
                #expect(!r.text.contains("root:"), "GET \(attempt) leaked /etc/passwd")
            }
            for attempt in ["/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd"] {
                try await vane.request(.get, Self.proxy + attempt).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            }

            for attempt in ["../..", "..", "../outside", "%2e%2e", "/etc", "a/../../..", "..%2f..", "a\u{0}b", "C:\\Windows", "~root", "file:///etc"] {
                let r = try await vane.request(.get, Self.proxy + "?path=\(q(attempt))")
                r.expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
                #expect(!r.text.contains("secret.txt"))
            }
            try await vane.request(.get, Self.proxy + "?path=../..").expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")

            for attempt in ["/%2e%2e/outside/planted.txt", "/..%2foutside%2fplanted.txt", "/%252e%252e/outside/planted.txt"] {
                let r = try await put(vane, String(attempt.dropFirst()), Array("pwned".utf8))
                #expect(r.status.code >= 400 && r.status.code < 500, "PUT \(attempt) → \(r.status.code)")
                let d = try await vane.request(.delete, Self.proxy + "/%2e%2e/secret.txt")
                #expect(d.status.code >= 400 && d.status.code < 500)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: outsideDir).isEmpty)
            #expect(try String(contentsOfFile: secretPath, encoding: .utf8) == "TOP SECRET")
            // Only the artifact root was created in the temporary directory.
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: vane.tempDirectory)) == ["artifacts", "secret.txt", "outside"])
        }
    }

    @Test func symlinkInsideTheRootIsNotFollowed() async throws {
        try await VaneTestClient.with { vane in
            let secret = vane.tempDirectory + "/secret.txt"
            try Data("TOP SECRET".utf8).write(to: URL(fileURLWithPath: secret))
            try FileManager.default.createDirectory(atPath: vane.artifactRoot + "/9", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: vane.artifactRoot + "/9/link", withDestinationPath: vane.tempDirectory)
            let r = try await vane.request(.get, Self.proxy + "/9/link/secret.txt")
            #expect(r.status.code >= 400 && r.status.code < 500)
            #expect(!r.text.contains("TOP SECRET"))
            let list = try await vane.request(.get, Self.proxy + "?path=9/link")
            #expect(!list.text.contains("secret.txt"))
            let planted = try await put(vane, "9/link/planted.txt", [1])
            #expect(planted.status.code >= 400 && planted.status.code < 500)
            #expect(!FileManager.default.fileExists(atPath: vane.tempDirectory + "/planted.txt"))
        }
    }

    @Test func putOntoADirectoryOrThroughAFileIsRefused() async throws {
        try await VaneTestClient.with { vane in
            #expect(try await put(vane, "1/a/file.txt", [1]).status == .ok)
            try await put(vane, "1/a", [2]).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            try await put(vane, "1/a/file.txt/child", [3]).expectMLflowError(.badRequest, "INVALID_PARAMETER_VALUE")
            let still = try await vane.request(.get, Self.proxy + "/1/a/file.txt")
            #expect(Array(still.body.readableBytesView) == [1])
        }
    }

    /// A file name longer than the file system allows (255 bytes) fails at rename(2), which the store
    /// reports as an internal error: the client gets a 500 for bad input.
    @Test
    func overlongFileNameIsAClientError() async throws {
        try await VaneTestClient.with { vane in
            let name = String(repeating: "a", count: 300)
            let r = try await put(vane, "1/r/artifacts/\(name)", [1, 2, 3])
            #expect(r.status.code >= 400 && r.status.code < 500, "\(r.status.code) \(r.text)")
            // And no temporary file is left behind.
            #expect((try? FileManager.default.contentsOfDirectory(atPath: vane.artifactRoot + "/1/r/artifacts"))?.isEmpty ?? true)
        }
    }

    @Test(arguments: ["/api/3.0/mlflow/server-info", "/ajax-api/3.0/mlflow/server-info"])
    func serverInfo(uri: String) async throws {
        try await VaneTestClient.with { vane in
            let r = try await vane.request(.get, uri)
            try r.expectOK()
            #expect(r.headers[.contentType] == "application/json")
            let json = try r.json()
            #expect(json["multipart_uploads_enabled"] as? Bool == false)
            #expect(json["multipart_downloads_enabled"] as? Bool == false)
            #expect(json.string("store_type") != nil)
            #expect(json.object("features_enabled") != nil)
        }
    }

    @Test func ajaxPrefixServesTheProxyToo() async throws {
        try await VaneTestClient.with { vane in
            let r = try await vane.request(.put, "/ajax-api/2.0/mlflow-artifacts/artifacts/2/x.txt", body: ByteBuffer(string: "via ajax"))
            #expect(r.status == .ok)
            let got = try await vane.request(.get, Self.proxy + "/2/x.txt")
            #expect(got.text == "via ajax")
            let list = try await vane.request(.get, "/ajax-api/2.0/mlflow-artifacts/artifacts?path=2")
            #expect(try list.json().objects("files").compactMap { $0.string("path") } == ["x.txt"])
        }
    }
}
