import Foundation
import Testing
import VaneArtifacts
import VaneCore

/// The path-traversal patterns of MLflow's published advisories (CVE-2023-1177, -2356, -3765,
/// -6014, -6909, -6975, -6976, CVE-2024-1483, -1558, -1560, -1594, -3573…), as they reach
/// `ArtifactPath(validating:)` after the web framework has decoded the request path once.
@Suite("Artifact path security")
struct ArtifactPathSecurityTests {
    @Test("traversal, absolute, home, drive, scheme, backslash and NUL paths are refused", arguments: [
        // plain parent segments
        "..", "../", "../x", "a/..", "a/../../x", "a/b/../../../etc/passwd", "./../x", "a//..//..//x",
        // percent-encoded once (decoded later by a careless consumer)
        "%2e%2e", "%2e%2e/x", "%2E%2E/x", ".%2e/x", "%2e./x", "a/%2e%2e/%2e%2e/x",
        "..%2fetc", "..%2Fetc/passwd", "a/..%2f..%2fx", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        // double and triple encoded
        "%252e%252e/x", "%252E%252E%252Fetc", "%25252e%25252e/x", "a/%252e%252e%252f%252e%252e/x",
        // absolute paths, also encoded
        "/etc/passwd", "/", "//etc/passwd", "%2fetc/passwd", "%252fetc%252fpasswd",
        // home directory expansion
        "~/.ssh", "~/.ssh/id_rsa", "~root/.ssh", "%7e/.ssh",
        // Windows separators and drives
        "..\\x", "a\\..\\..\\x", "a\\b", "%5c..%5cx", "..%5cx", "C:/x", "c:\\x", "C:x", "%43:/x",
        // NUL bytes
        "a\u{0}b", "x.txt\u{0}.png", "a%00b", "a%2500b",
        // URIs smuggled into a path
        "file:///etc/passwd", "file://localhost/etc/passwd", "s3://bucket/key", "file%3a%2f%2f%2fetc%2fpasswd",
    ])
    func refused(raw: String) {
        let error = expectVaneError(.invalidParameter, raw) { try ArtifactPath(validating: raw) }
        // The message names the offending input, so a client can tell what was wrong.
        if let error { #expect(error.message.contains("Invalid path")) }
    }

    @Test("ordinary names are accepted with the expected components", arguments: [
        ("", [String]()),
        (".", []),
        ("./", []),
        ("model", ["model"]),
        ("model/MLmodel", ["model", "MLmodel"]),
        ("a.b/c d/ü.txt", ["a.b", "c d", "ü.txt"]),
        ("a..b", ["a..b"]),
        ("..a/b..", ["..a", "b.."]),
        ("...", ["..."]),
        ("x/.../y", ["x", "...", "y"]),
        ("a/./b", ["a", "b"]),
        ("a//b/", ["a", "b"]),
        (".hidden/.env", [".hidden", ".env"]),
        ("with space.txt", ["with space.txt"]),
        ("日本語/ファイル.bin", ["日本語", "ファイル.bin"]),
        ("emoji 🚀/naïve café.csv", ["emoji 🚀", "naïve café.csv"]),
        ("100% done.txt", ["100% done.txt"]),
        ("v1.0~rc1/model.pkl", ["v1.0~rc1", "model.pkl"]),
        ("metrics:loss/part-0", ["metrics:loss", "part-0"]),
        ("%41bc", ["%41bc"]), // decoded once already: kept literally, not decoded again
    ])
    func accepted(raw: String, expected: [String]) throws {
        let p = try ArtifactPath(validating: raw)
        #expect(p.components == expected)
        #expect(p.description == expected.joined(separator: "/"))
        #expect(p.lastComponent == (expected.last ?? ""))
        #expect(!p.components.contains(".."))
        #expect(!p.components.contains("."))
        #expect(!p.components.contains(""))
    }

    @Test("the root, appending and equality")
    func rootAndAppending() throws {
        #expect(try ArtifactPath(validating: "") == ArtifactPath.root)
        #expect(ArtifactPath.root.components.isEmpty)
        #expect(ArtifactPath.root.description == "")
        let base = try ArtifactPath(validating: "1/abc/artifacts")
        let joined = base.appending(try ArtifactPath(validating: "model/MLmodel"))
        #expect(joined.components == ["1", "abc", "artifacts", "model", "MLmodel"])
        #expect(joined == (try ArtifactPath(validating: "1/abc/artifacts/model/MLmodel")))
        #expect(base.appending(.root) == base)
    }

    @Test("a string that stops decoding cleanly (a stray '%') still has its encoded '..' refused",
          arguments: ["%zz/%2e%2e/x", "100%/%2e%2e/%2e%2e/etc/passwd", "%/..%2f..%2fx"])
    func encodedTraversalBehindInvalidEscape(raw: String) {
        // Python's urllib.parse.unquote (what MLflow and most consumers use) decodes the valid
        // escapes and leaves '%zz' alone, giving '%zz/../x'. Foundation returns nil for the whole
        // string, and ArtifactPath then stops checking further decodings.
        expectVaneError(.invalidParameter, raw) { try ArtifactPath(validating: raw) }
    }

    @Test("a '..' segment whose following '/' carries a combining mark is refused",
          arguments: ["../\u{301}x", "../\u{200D}x", "..%2F\u{301}x", "../\u{301}"])
    func traversalHiddenByCombiningMark(raw: String) {
        expectVaneError(.invalidParameter, raw.debugDescription) { try ArtifactPath(validating: raw) }
    }

    @Test("a '..' hidden by a combining mark does not let the store write outside its root")
    func combiningMarkTraversalDoesNotEscapeStore() throws {
        try ScratchDirectory.withStore { store, scratch in
            let escaped = scratch.base + "/\u{301}pwned.txt"
            if let p = try? ArtifactPath(validating: "../\u{301}pwned.txt") {
                _ = try? store.put(p, "written outside the root")
            }
            #expect(!fileExists(escaped), "the store wrote \(escaped), outside \(scratch.root)")
        }
    }
}
