import Foundation
import Testing
import VaneArtifacts
import VaneCore

@Suite("Artifact URIs")
struct ArtifactURITests {
    // MARK: storePath(of:)

    @Test("proxy URIs map to store paths", arguments: [
        ("mlflow-artifacts:/1/abc/artifacts", ["1", "abc", "artifacts"]),
        ("mlflow-artifacts:/1/abc/artifacts/", ["1", "abc", "artifacts"]),
        ("mlflow-artifacts:///1/abc/artifacts", ["1", "abc", "artifacts"]),
        ("mlflow-artifacts://host:5000/1/x", ["1", "x"]),
        ("mlflow-artifacts://localhost/7/models/m-abc/artifacts", ["7", "models", "m-abc", "artifacts"]),
        ("mlflow-artifacts:1/x", ["1", "x"]),
        ("mlflow-artifacts:/", []),
        ("mlflow-artifacts://host:5000", []),
        ("mlflow-artifacts:/0/run id/artifacts/ü", ["0", "run id", "artifacts", "ü"]),
    ])
    func proxyStorePath(uri: String, expected: [String]) throws {
        let p = try #require(try ArtifactURI.storePath(of: uri))
        #expect(p.components == expected)
    }

    @Test("other schemes are not store paths", arguments: [
        "s3://bucket/1/abc/artifacts", "file:///tmp/x", "/tmp/x", "runs:/abc/model", "models:/m/1",
        "mlflow-artifact:/1/x", "", "relative/path", "http://host/mlflow-artifacts:/1",
    ])
    func nonProxyIsNil(uri: String) throws {
        #expect(try ArtifactURI.storePath(of: uri) == nil)
    }

    @Test("proxy URIs with traversal, queries or fragments are refused", arguments: [
        "mlflow-artifacts:/1/../../etc", "mlflow-artifacts:/..", "mlflow-artifacts:/1/%2e%2e/%2e%2e/x",
        "mlflow-artifacts:/1/%252e%252e/x", "mlflow-artifacts://host/../x", "mlflow-artifacts:/1/x?y=z",
        "mlflow-artifacts:/1/x#frag", "mlflow-artifacts:/1/x%3Fy", "mlflow-artifacts:/1/x%23y",
        "mlflow-artifacts:/1/..\\x", "mlflow-artifacts://host:5000/~/.ssh",
    ])
    func proxyRefused(uri: String) {
        expectVaneError(.invalidParameter, uri) { try ArtifactURI.storePath(of: uri) }
    }

    // MARK: URI validation

    /// A real (symlink-free) local artifact root for the validation calls.
    static func withRoot(_ body: (String, ScratchDirectory) throws -> Void) throws {
        try ScratchDirectory.withStore { store, scratch in try body(store.root, scratch) }
    }

    /// URIs both validators must refuse, with `{root}` standing for the local artifact root.
    static let refusedEverywhere: [String] = [
        // queries and fragments, also percent-encoded (once and twice)
        "s3://bucket/x?versionId=1", "s3://bucket/x#frag", "s3://bucket/x%3Fa=b", "s3://bucket/x%23frag",
        "s3://bucket/x%3fa", "s3://bucket/x%2523frag", "s3://bucket/x%253Fa", "file://{root}/x?y", "file://{root}/x#y",
        "file://{root}/x%23y", "mlflow-artifacts:/1/x?y", "mlflow-artifacts:/1/x%23y",
        // local paths outside the root
        "file:///etc", "file:///etc/passwd", "file:/etc/passwd", "file://localhost/etc", "/etc/passwd", "/",
        // remote file hosts
        "file://remotehost/x", "file://evil.example.com{root}/x", "file://remotehost",
        // relative paths and traversal
        "../x", "..", "./x", "x", "~/.ssh", "relative/dir",
        "file://{root}/../x", "file://{root}/a/../../x", "file://{root}/%2e%2e/x", "file://{root}/%252e%252e/outside",
        "{root}/../outside", "{root}/../../etc/passwd",
        "mlflow-artifacts:/1/../../x", "mlflow-artifacts:/1/%2e%2e/%2e%2e/x",
        // a sibling that merely shares the root's name as a prefix
        "{root}-evil/x", "file://{root}-evil/x",
        // unknown schemes
        "ftpx://host/x", "javascript:alert(1)", "FILE:///etc/passwd",
    ]

    @Test("validateExperimentLocation refuses unsafe locations", arguments: refusedEverywhere)
    func experimentLocationRefused(template: String) throws {
        try Self.withRoot { root, _ in
            let uri = template.replacingOccurrences(of: "{root}", with: root)
            expectVaneError(.invalidParameter, uri) { try ArtifactURI.validateExperimentLocation(uri, localRoot: root) }
        }
    }

    /// Owners that cover the whole local root and all of experiment 1's proxy tree, so that a
    /// refusal below is caused by the property under test, not by a missing owner.
    static func broadOwners(_ root: String) -> [String] { [root, "mlflow-artifacts:/1"] }

    static func validateSource(_ uri: String, runID: String? = nil, owners: [String], root: String) throws(VaneError) {
        try ArtifactURI.validateModelSource(uri, runID: runID, ownerArtifactURIs: owners, localRoot: root)
    }

    @Test("validateModelSource refuses unsafe sources even when the owner covers the whole root", arguments: refusedEverywhere + [
        // '..' is refused in every scheme for sources
        "s3://bucket/a/../b", "s3://bucket/..", "runs:/abc/../../x", "models:/m/../../x", "models:/..",
        "https://host/a/%2e%2e/b", "runs:/abc/%252e%252e/x", "gs://b/x/..%2f..%2fy",
        // sources inside the root but written with '..' are refused too
        "file://{root}/a/../b", "mlflow-artifacts:/1/a/../b",
    ])
    func modelSourceRefused(template: String) throws {
        try Self.withRoot { root, _ in
            let uri = template.replacingOccurrences(of: "{root}", with: root)
            expectVaneError(.invalidParameter, uri) { try Self.validateSource(uri, owners: Self.broadOwners(root), root: root) }
        }
    }

    @Test("validateExperimentLocation refuses '..' segments in remote URIs too",
          arguments: ["s3://bucket/a/../b", "s3://bucket/..", "gs://b/%2e%2e/x", "https://host/a/../../b"])
    func experimentLocationRemoteTraversal(uri: String) throws {
        try Self.withRoot { root, _ in
            expectVaneError(.invalidParameter, uri) { try ArtifactURI.validateExperimentLocation(uri, localRoot: root) }
        }
    }

    /// Experiment locations that must be accepted, with `{root}` standing for the local artifact root.
    static let acceptedLocations: [String] = [
        "s3://bucket/x", "s3://bucket/path/to/artifacts", "gs://bucket/x", "wasbs://c@acct.blob.core.windows.net/x",
        "mlflow-artifacts:/1/x", "mlflow-artifacts://host:5000/1/abc/artifacts", "mlflow-artifacts:/",
        "file://{root}", "file://{root}/", "file://{root}/1/abc/artifacts", "file:{root}/x", "file://localhost{root}/x",
        "{root}", "{root}/1/artifacts", "file://{root}/a..b/c d",
    ]

    @Test("validateExperimentLocation accepts safe locations", arguments: acceptedLocations)
    func experimentLocationAccepted(template: String) throws {
        try Self.withRoot { root, _ in
            let uri = template.replacingOccurrences(of: "{root}", with: root)
            do { try ArtifactURI.validateExperimentLocation(uri, localRoot: root) } catch {
                Issue.record("\(uri) was refused: \(error)")
            }
        }
    }

    @Test("validateModelSource accepts safe sources", arguments: [
        "models:/m-123", "models:/my model/3", "models:/m@champion", "runs:/abc/model", "runs:/0123456789abcdef/artifacts/model",
        "s3://bucket/x", "s3://bucket/path/to/artifacts", "gs://bucket/x", "wasbs://c@acct.blob.core.windows.net/x",
        "mlflow-artifacts:/1/x", "mlflow-artifacts://host:5000/1/abc/artifacts", "mlflow-artifacts:/1",
        "file://{root}", "file://{root}/1/abc/artifacts", "file:{root}/x", "file://localhost{root}/x",
        "{root}", "{root}/1/artifacts", "file://{root}/a..b/c d",
    ])
    func modelSourceAccepted(template: String) throws {
        try Self.withRoot { root, _ in
            let uri = template.replacingOccurrences(of: "{root}", with: root)
            do { try Self.validateSource(uri, owners: Self.broadOwners(root), root: root) } catch {
                Issue.record("\(uri) was refused: \(error)")
            }
        }
    }

    @Test("models:/ and remote sources need no owner")
    func modelSourceWithoutOwner() throws {
        try Self.withRoot { root, _ in
            for uri in ["models:/m-123", "models:/name/1", "s3://bucket/x", "runs:/abc/model"] {
                do { try Self.validateSource(uri, owners: [], root: root) } catch { Issue.record("\(uri) was refused: \(error)") }
            }
        }
    }

    @Test("a proxy source must lie inside the artifact tree of the run or logged model that owns it")
    func proxySourceBoundToOwner() throws {
        try Self.withRoot { root, _ in
            let owner = "mlflow-artifacts:/1/abc/artifacts"
            try Self.validateSource("mlflow-artifacts:/1/abc/artifacts/model", owners: [owner], root: root)
            try Self.validateSource("mlflow-artifacts:/1/abc/artifacts", owners: [owner], root: root)
            try Self.validateSource("mlflow-artifacts://host:5000/1/abc/artifacts/model", owners: [owner], root: root)
            try Self.validateSource("mlflow-artifacts:/1/abc/artifacts/model", owners: ["mlflow-artifacts://h:1/1/abc/artifacts"], root: root)
            try Self.validateSource("mlflow-artifacts:/1/abc/artifacts/model", owners: ["s3://elsewhere", owner], root: root)
            for (source, owners) in [
                ("mlflow-artifacts:/1/abc/artifacts/model", [String]()),                       // no owner at all
                ("mlflow-artifacts:/1/other/artifacts/model", [owner]),                       // another run's tree
                ("mlflow-artifacts:/1/abcdef/artifacts/model", ["mlflow-artifacts:/1/abc"]),  // string prefix is not a path prefix
                ("mlflow-artifacts:/1/abc", [owner]),                                         // a parent of the owner's tree
                ("mlflow-artifacts:/2/abc/artifacts/model", [owner]),                         // another experiment
                ("mlflow-artifacts:/1/abc/artifacts/model", ["s3://bucket/1/abc/artifacts"]), // owner in another scheme
            ] {
                expectVaneError(.invalidParameter, "\(source) owned by \(owners)") {
                    try Self.validateSource(source, owners: owners, root: root)
                }
            }
        }
    }

    @Test("a local source must lie inside a local owner that is itself inside the root")
    func localSourceBoundToOwner() throws {
        try Self.withRoot { root, scratch in
            let runDir = root + "/1/abc/artifacts"
            for owner in [runDir, "file://\(runDir)", "file://localhost\(runDir)/"] {
                try Self.validateSource("file://\(runDir)/model", owners: [owner], root: root)
                try Self.validateSource("\(runDir)/model/MLmodel", owners: [owner], root: root)
            }
            for (source, owners) in [
                ("file://\(runDir)/model", [String]()),
                ("file://\(root)/1/other/artifacts/model", [runDir]),
                ("file://\(root)/1/abcdef/model", [root + "/1/abc"]),
                ("file://\(root)/1", [runDir]),
                // An owner outside the root does not make its tree acceptable.
                ("file:///etc/passwd", ["file:///etc"]),
                ("\(scratch.outside)/model", [scratch.outside]),
                ("file://\(runDir)/model", ["mlflow-artifacts:/1/abc/artifacts"]),
            ] {
                expectVaneError(.invalidParameter, "\(source) owned by \(owners)") {
                    try Self.validateSource(source, owners: owners, root: root)
                }
            }
        }
    }

    @Test("a runs:/ source must name the run given as run_id")
    func runsSourceBoundToRunID() throws {
        try Self.withRoot { root, _ in
            try Self.validateSource("runs:/abc/model", runID: "abc", owners: [], root: root)
            try Self.validateSource("runs:/abc/model", runID: nil, owners: [], root: root)
            try Self.validateSource("runs:/abc/model", runID: "", owners: [], root: root)
            expectVaneError(.invalidParameter) { try Self.validateSource("runs:/abc/model", runID: "other", owners: [], root: root) }
            expectVaneError(.invalidParameter) { try Self.validateSource("runs:/abcd/model", runID: "abc", owners: [], root: root) }
            expectVaneError(.invalidParameter) { try Self.validateSource("runs:/abc/model", runID: "ab", owners: [], root: root) }
        }
    }

    @Test("a local URI through a symlink inside the root that points outside is refused")
    func symlinkInsideRootPointingOutside() throws {
        try Self.withRoot { root, scratch in
            try FileManager.default.createSymbolicLink(atPath: root + "/escape", withDestinationPath: scratch.outside)
            for uri in ["file://\(root)/escape", "file://\(root)/escape/model", "\(root)/escape/x/y"] {
                expectVaneError(.invalidParameter, uri) { try ArtifactURI.validateExperimentLocation(uri, localRoot: root) }
                expectVaneError(.invalidParameter, uri) { try Self.validateSource(uri, owners: Self.broadOwners(root), root: root) }
            }
        }
    }

    @Test("a query or fragment behind an invalid percent escape is still refused",
          arguments: ["s3://bucket/100%/x%3Fa=b", "s3://bucket/%zz%23frag", "runs:/abc/%zz/%3F"])
    func queryBehindInvalidEscape(uri: String) throws {
        try Self.withRoot { root, _ in
            expectVaneError(.invalidParameter, uri) { try Self.validateSource(uri, owners: Self.broadOwners(root), root: root) }
            expectVaneError(.invalidParameter, uri) { try ArtifactURI.validateExperimentLocation(uri, localRoot: root) }
        }
    }

    @Test("a local source whose '..' is hidden by a combining mark is refused")
    func combiningMarkSourceOutsideRoot() throws {
        try Self.withRoot { root, _ in
            let uri = "file://\(root)/../\u{301}x"
            expectVaneError(.invalidParameter, uri) { try Self.validateSource(uri, owners: Self.broadOwners(root), root: root) }
            expectVaneError(.invalidParameter, uri) { try ArtifactURI.validateExperimentLocation(uri, localRoot: root) }
        }
    }
}
