import Foundation
import VaneCore

extension LocalArtifactStore {
    /// The store path behind an artifact URI that this store holds.
    ///
    /// Accepted: `mlflow-artifacts:` URIs, and `file:` URIs or plain paths that lie inside the
    /// store's root. The result is checked like every store access (no `..`, no symbolic link
    /// below the root), so nothing a client registers can make Vane read outside its data root.
    /// Remote object stores are refused: Vane reads models only from its own store.
    public func path(ofURI uri: String) throws(VaneError) -> ArtifactPath {
        try ArtifactURI.rejectNUL(uri)
        try ArtifactURI.rejectQueryAndFragment(uri)
        if let path = try ArtifactURI.storePath(of: uri) {
            try checkLinks(path, uri: uri)
            return path
        }
        guard let local = try ArtifactURI.localPath(of: uri) else {
            throw VaneError.invalid("Cannot read '\(uri)': Vane loads models from its own artifact store only (mlflow-artifacts: or a path under its artifact root).")
        }
        if ArtifactPath.splitPath(local).contains("..") {
            throw VaneError.invalid("Invalid artifact location '\(uri)': it must not contain '..'.")
        }
        let parts = ArtifactPath.splitPath(local).filter { $0 != "." }
        let rootParts = ArtifactPath.splitPath(root)
        guard local.hasPrefix("/"), parts.starts(with: rootParts) else {
            throw VaneError.invalid("Cannot read '\(uri)': local paths must be inside the server's artifact root.")
        }
        let relative = parts.dropFirst(rootParts.count)
        let path = try ArtifactPath(validating: relative.joined(separator: "/"))
        try checkLinks(path, uri: uri)
        return path
    }

    /// Refuses a path with a symbolic link below the root, as every access does.
    private func checkLinks(_ path: ArtifactPath, uri: String) throws(VaneError) {
        do { _ = try resolve(path) } catch let error as VaneError { throw error } catch {
            throw VaneError.invalid("Cannot read '\(uri)': \(error)")
        }
    }
}
