import Foundation
import VaneCore

/// Translation between artifact URIs (`mlflow-artifacts:/…`) and paths in the artifact store,
/// and the safety rules for URIs that clients send (experiment locations, model version sources).
public enum ArtifactURI {
    public static let proxyScheme = "mlflow-artifacts"

    /// The longest experiment `artifact_location` accepted: MLflow's
    /// `MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH` default.
    public static let maxLocationLength = 2048

    /// The store path behind an `mlflow-artifacts:` URI, or `nil` for any other scheme.
    public static func storePath(of uri: String) throws(VaneError) -> ArtifactPath? {
        guard uri.hasPrefix(proxyScheme + ":") else { return nil }
        var rest = Substring(uri.dropFirst(proxyScheme.count + 1))
        if rest.hasPrefix("//") {
            // mlflow-artifacts://host:port/path: drop the authority.
            rest = rest.dropFirst(2)
            if let slash = rest.firstIndex(of: "/") { rest = rest[slash...] } else { rest = "" }
        }
        try rejectQueryAndFragment(uri)
        // The URI's path is absolute within the store: one leading `/` belongs to it; a second one
        // (`mlflow-artifacts:////etc/passwd`) makes the artifact path itself absolute, refused below.
        if rest.hasPrefix("/") { rest = rest.dropFirst() }
        return try ArtifactPath(validating: String(rest))
    }

    /// A URI as quoted in an error message: cut to its first 200 characters, so that a
    /// megabyte-long input is never echoed back whole.
    static func shown(_ uri: String) -> String {
        uri.unicodeScalars.count <= 200 ? uri : String(String.UnicodeScalarView(uri.unicodeScalars.prefix(200))) + "…"
    }

    /// Refuses a URI with a NUL byte, also percent-encoded.
    public static func rejectNUL(_ uri: String) throws(VaneError) {
        if uri.utf8.contains(0) || ArtifactPath.fullyDecoded(uri).utf8.contains(0) {
            throw VaneError.invalid("Invalid URI: it must not contain NUL bytes.")
        }
    }

    /// Rejects `?` and `#` anywhere in a URI (MLflow advisories smuggled paths through them).
    public static func rejectQueryAndFragment(_ uri: String) throws(VaneError) {
        let decoded = ArtifactPath.fullyDecoded(uri)
        if decoded.contains("?") || decoded.contains("#") {
            throw VaneError.invalid("Invalid URI '\(shown(uri))': query strings and fragments are not allowed in artifact locations or sources.")
        }
    }

    /// Checks an experiment's `artifact_location` supplied by a client.
    ///
    /// Accepted: the proxy scheme, remote object stores (Vane never reads them), and local paths
    /// or `file:` URIs only when they resolve inside `store` (``ArtifactStore/holds(localPath:)``).
    public static func validateExperimentLocation(_ location: String, in store: some ArtifactStore) throws(VaneError) {
        try validateExperimentLocation(location, holds: store.holds(localPath:))
    }

    /// ``validateExperimentLocation(_:in:)`` for a store rooted at the local directory `localRoot`.
    public static func validateExperimentLocation(_ location: String, localRoot: String) throws(VaneError) {
        try validateExperimentLocation(location, holds: { isInside($0, root: localRoot) })
    }

    static func validateExperimentLocation(_ location: String, holds: (String) -> Bool) throws(VaneError) {
        if location.unicodeScalars.count > maxLocationLength {
            throw VaneError.invalid("Invalid artifact path length. The length of the artifact path cannot be greater than \(maxLocationLength) characters.")
        }
        try rejectNUL(location)
        try rejectQueryAndFragment(location)
        if ArtifactPath.splitPath(ArtifactPath.fullyDecoded(location)).contains("..") {
            throw VaneError.invalid("Invalid artifact location '\(shown(location))': it must not contain '..'.")
        }
        if location.hasPrefix(proxyScheme + ":") { _ = try storePath(of: location); return }
        if let local = try localPath(of: location) {
            guard holds(local) else {
                throw VaneError.invalid("Invalid artifact location '\(shown(location))': local paths must be inside the server's artifact root.")
            }
            return
        }
        try requireRemoteScheme(location)
    }

    /// Checks a model version `source` supplied by a client, as the MLflow server does.
    ///
    /// - `models:/…` is accepted; `runs:/<id>/…` must name `runID` when one is given.
    /// - An `mlflow-artifacts:` source or a local path must lie inside the artifact tree of the
    ///   run or logged model the request names (`ownerArtifactURIs`); without one it is refused.
    /// - Remote object stores are accepted as opaque strings (Vane never reads them).
    /// - Anything with `..`, `?`, `#`, a backslash or a NUL byte (also percent-encoded) is refused.
    public static func validateModelSource(_ source: String, runID: String?, ownerArtifactURIs: [String], in store: some ArtifactStore) throws(VaneError) {
        try validateModelSource(source, runID: runID, ownerArtifactURIs: ownerArtifactURIs, holds: store.holds(localPath:))
    }

    /// ``validateModelSource(_:runID:ownerArtifactURIs:in:)`` for a store rooted at the local directory `localRoot`.
    public static func validateModelSource(_ source: String, runID: String?, ownerArtifactURIs: [String], localRoot: String) throws(VaneError) {
        try validateModelSource(source, runID: runID, ownerArtifactURIs: ownerArtifactURIs, holds: { isInside($0, root: localRoot) })
    }

    static func validateModelSource(_ source: String, runID: String?, ownerArtifactURIs: [String], holds: (String) -> Bool) throws(VaneError) {
        try rejectNUL(source)
        try rejectQueryAndFragment(source)
        let decoded = ArtifactPath.fullyDecoded(source)
        if decoded.contains("\\") {
            throw VaneError.invalid("Invalid model version source: '\(shown(source))'. It must not contain backslashes.")
        }
        if ArtifactPath.splitPath(decoded).contains("..") {
            throw VaneError.invalid("Invalid model version source: '\(shown(source))'. It must not contain '..'.")
        }
        if source.hasPrefix("models:/") { return }
        if source.hasPrefix("runs:/") {
            let id = source.dropFirst("runs:/".count).split(separator: "/").first.map(String.init) ?? ""
            if let runID, !runID.isEmpty, id != runID {
                throw VaneError.invalid("Invalid model version source: '\(shown(source))'. The run_id request parameter must identify the resource that contains the source.")
            }
            return
        }
        let containedMessage = "Invalid model version source: '\(shown(source))'. The run_id request parameter must identify the resource that contains the source."
        if source.hasPrefix(proxyScheme + ":") {
            guard let path = try storePath(of: source) else { throw VaneError.invalid(containedMessage) }
            for owner in ownerArtifactURIs {
                if let base = try? storePath(of: owner), path.components.starts(with: base.components) { return }
            }
            throw VaneError.invalid(containedMessage)
        }
        if let local = try localPath(of: source) {
            for owner in ownerArtifactURIs {
                guard let ownerLocal = try? localPath(of: owner), holds(ownerLocal) else { continue }
                if isInside(local, root: ownerLocal) { return }
            }
            throw VaneError.invalid("Invalid model version source: '\(shown(source))'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.")
        }
        try requireRemoteScheme(source)
    }

    static let remoteSchemes: Set<String> = ["s3", "gs", "wasbs", "abfss", "hdfs", "viewfs", "dbfs", "oss", "ftp", "sftp", "http", "https", "uc", "models", "runs"]

    static func requireRemoteScheme(_ uri: String) throws(VaneError) {
        guard let colon = uri.firstIndex(of: ":") else {
            throw VaneError.invalid("Invalid URI '\(shown(uri))'")
        }
        let scheme = uri[..<colon].lowercased()
        guard remoteSchemes.contains(scheme) else {
            throw VaneError.invalid("Invalid URI '\(shown(uri))': unsupported scheme '\(shown(scheme))'")
        }
    }

    /// The local file system path of a `file:` URI or a plain path; `nil` for other schemes.
    static func localPath(of uri: String) throws(VaneError) -> String? {
        if uri.hasPrefix("file:") {
            var rest = Substring(uri.dropFirst(5))
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                guard let slash = rest.firstIndex(of: "/") else { throw VaneError.invalid("Invalid file URI '\(shown(uri))'") }
                let host = rest[..<slash]
                guard host.isEmpty || host == "localhost" else { throw VaneError.invalid("Invalid file URI '\(shown(uri))': remote hosts are not allowed") }
                rest = rest[slash...]
            }
            return ArtifactPath.fullyDecoded(String(rest))
        }
        if uri.hasPrefix("/") || uri.hasPrefix(".") || uri.hasPrefix("~") || !uri.contains(":") {
            return ArtifactPath.fullyDecoded(uri)
        }
        return nil
    }

    /// Whether `path` (made absolute, `..` resolved lexically, symlinks resolved where they exist) lies inside `root`.
    static func isInside(_ path: String, root: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        var parts: [String] = []
        for p in ArtifactPath.splitPath(path) {
            if p == "." || p.isEmpty { continue }
            if p == ".." { if parts.isEmpty { return false }; parts.removeLast(); continue }
            parts.append(p)
        }
        var resolved = "/" + parts.joined(separator: "/")
        // Resolve the deepest existing ancestor's symlinks.
        var probe = resolved
        var suffix = ""
        while !FileManager.default.fileExists(atPath: probe), probe != "/" {
            let idx = probe.lastIndex(of: "/")!
            suffix = String(probe[idx...]) + suffix
            probe = idx == probe.startIndex ? "/" : String(probe[..<idx])
        }
        if let real = realpath(probe, nil) { resolved = String(cString: real) + suffix; free(real) }
        let r = root.hasSuffix("/") ? String(root.dropLast()) : root
        return resolved == r || resolved.hasPrefix(r + "/")
    }
}
