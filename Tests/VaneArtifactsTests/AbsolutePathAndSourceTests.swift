import Foundation
import Testing
import VaneArtifacts
import VaneCore

/// Issue 12: an absolute artifact path must be refused, never quietly made relative; a model
/// version source with a backslash or NUL byte is refused when it is registered, not when it
/// is loaded; no URI holds a NUL byte; locations are bounded.
@Suite("Absolute artifact paths and unsafe sources")
struct AbsolutePathAndSourceTests {
    @Test("what MLflow's validate_path_is_safe refuses is refused, '#' included", arguments: [
        "a#b", "model/x#1.txt", "a%23b", "%2523", "/etc/passwd", "//etc/passwd", "///etc/passwd", "%2fetc/passwd", "%2F%2Fetc%2Fpasswd",
        "a\\b", "..\\x", "C:\\Windows", "C:/Windows", "c:x", "\\\\server\\share\\x",
        "a\u{0}b", "a%00b", "../x", "a/../../x",
    ])
    func pathRefused(raw: String) {
        expectVaneError(.invalidParameter, raw) { try ArtifactPath(validating: raw) }
    }

    @Test("a proxy URI whose path is itself absolute is refused, not made relative", arguments: [
        "mlflow-artifacts:////etc/passwd", "mlflow-artifacts://host:5000//etc/passwd", "mlflow-artifacts://///x",
    ])
    func absoluteInsideProxyURIRefused(uri: String) {
        expectVaneError(.invalidParameter, uri) { try ArtifactURI.storePath(of: uri) }
    }

    @Test("the one leading slash of a proxy URI's path is still fine")
    func ordinaryProxyURIs() throws {
        #expect(try ArtifactURI.storePath(of: "mlflow-artifacts:/1/r/artifacts")?.components == ["1", "r", "artifacts"])
        #expect(try ArtifactURI.storePath(of: "mlflow-artifacts:///1/r")?.components == ["1", "r"])
        #expect(try ArtifactURI.storePath(of: "mlflow-artifacts://h:1/1/r")?.components == ["1", "r"])
    }

    @Test("model version sources with backslashes or NUL bytes are refused in every scheme", arguments: [
        "runs:/abc/model\\..\\..\\x", "runs:/abc/model\\x", "models:/m\\1", "s3://bucket/a\\b", "s3://bucket/a%5Cb",
        "s3://bucket/a%255cb", "{root}/1/r/artifacts\\model", "file://{root}/1/r/artifacts\\model",
        "s3://bucket/a\u{0}b", "s3://bucket/a%00b", "runs:/abc/m%2500", "models:/m\u{0}/1",
    ])
    func sourceRefused(template: String) throws {
        try ScratchDirectory.withStore { store, _ in
            let root = store.root
            let uri = template.replacingOccurrences(of: "{root}", with: root)
            expectVaneError(.invalidParameter, uri) {
                try ArtifactURI.validateModelSource(uri, runID: nil, ownerArtifactURIs: [root, "mlflow-artifacts:/1"], localRoot: root)
            }
        }
    }

    @Test("experiment locations: NUL bytes are refused; 2048 characters at most (MLflow's default)")
    func experimentLocations() throws {
        try ScratchDirectory.withStore { store, _ in
            let root = store.root
            for uri in ["s3://bucket/a\u{0}b", "s3://bucket/a%00b", "mlflow-artifacts:/1/\u{0}"] {
                expectVaneError(.invalidParameter, uri) { try ArtifactURI.validateExperimentLocation(uri, localRoot: root) }
            }
            let prefix = "s3://bucket/"
            let atLimit = prefix + String(repeating: "k", count: ArtifactURI.maxLocationLength - prefix.count)
            try ArtifactURI.validateExperimentLocation(atLimit, localRoot: root)
            let error = expectVaneError(.invalidParameter, "over") { try ArtifactURI.validateExperimentLocation(atLimit + "k", localRoot: root) }
            #expect(error?.message.contains("2048") == true)
            let huge = prefix + String(repeating: "k", count: 10 * 1024 * 1024)
            let hugeError = expectVaneError(.invalidParameter, "10 MB") { try ArtifactURI.validateExperimentLocation(huge, localRoot: root) }
            #expect((hugeError?.message.utf8.count ?? 0) < 1000)
        }
    }

    @Test("errors quote at most 200 characters of a source")
    func longSourceNotEchoed() throws {
        try ScratchDirectory.withStore { store, _ in
            let source = "runs:/abc/" + String(repeating: "x", count: 1_000_000) + "/../y"
            let error = expectVaneError(.invalidParameter, "long") {
                try ArtifactURI.validateModelSource(source, runID: nil, ownerArtifactURIs: [], localRoot: store.root)
            }
            #expect((error?.message.utf8.count ?? 0) < 1000)
        }
    }
}
