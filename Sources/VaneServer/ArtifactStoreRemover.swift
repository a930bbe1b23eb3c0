import VaneArtifacts
import VaneTracking

/// The garbage collector's ``DeletedArtifactRemover`` over an artifact store. Only trees Vane
/// itself laid out are removed: `<experiment>/<run>/artifacts` for a run and `<experiment>` for
/// an experiment; a client-chosen location is never deleted wholesale.
public struct ArtifactStoreRemover: DeletedArtifactRemover {
    let store: any ArtifactStore

    public init(store: any ArtifactStore) { self.store = store }

    public func removeRunArtifacts(runID: String, artifactURI: String) async {
        if let path = try? ArtifactURI.storePath(of: artifactURI), path.components.count == 3,
           path.components[1] == runID, path.components[2] == "artifacts" {
            try? await store.delete(ArtifactPath(trustedComponents: Array(path.components.prefix(2))))
        }
    }

    public func removeExperimentArtifacts(experimentID: Int64, artifactLocation: String) async {
        if let path = try? ArtifactURI.storePath(of: artifactLocation), path.components == [String(experimentID)] {
            try? await store.delete(path)
        }
    }
}
