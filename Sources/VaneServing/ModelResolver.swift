import VaneArtifacts
import VaneCore
import VaneModels
import VaneRegistry
import VaneTracking

/// Turns a ``ModelSource`` into a file or directory to load, through the registry, the
/// tracking store and the artifact store.
///
/// Every path it returns lies inside the artifact store's root: model version sources and run
/// artifact locations are client-supplied strings, so they are checked like any artifact access,
/// and the loader is told (``Resolved/access``) to open what lies below that path the same way.
public struct ModelResolver: Sendable {
    /// A source resolved to something loadable.
    public struct Resolved: Sendable, Equatable {
        /// The model file or MLflow model directory.
        public var path: String
        /// The registered model version it came from, when it came from the registry.
        public var registeredName: String?
        public var version: Int64?
        /// Identifies what was loaded: a registry version's source and creation time, or the path.
        public var cacheKey: String
        /// How the loader may reach the model's files: confined to the artifact root, links
        /// refused, for everything that comes from Vane's stores; as given for a plain path.
        public var access: ModelFileAccess

        /// Loads the model, every file it opens (the `MLmodel`, its flavour's `data:` file and
        /// the directories on the way) reached under ``access``.
        public func loadModel() throws(ModelError) -> any InferenceModel {
            try ModelLoader.load(path: path, access: access)
        }
    }

    let tracking: (any TrackingStore)?
    let registry: (any RegistryStore)?
    let artifacts: (any ArtifactStore)?

    /// A resolver over Vane's stores.
    public init(tracking: any TrackingStore, registry: any RegistryStore, artifacts: any ArtifactStore) {
        self.tracking = tracking
        self.registry = registry
        self.artifacts = artifacts
    }

    /// A resolver for plain paths only (no data directory).
    public init() {
        self.tracking = nil
        self.registry = nil
        self.artifacts = nil
    }

    /// Resolves `source`. Registry sources that point at further `models:` URIs are followed a
    /// few levels deep, never in a loop.
    public func resolve(_ source: ModelSource) async throws -> Resolved {
        try await resolve(source, depth: 0)
    }

    /// The registry version `source` names, without loading anything.
    public func modelVersion(_ source: ModelSource) async throws -> ModelVersion? {
        guard let registry = registry else { return nil }
        switch source {
        case .registryVersion(let name, let version):
            return try await registry.modelVersion(name: name, version: version)
        case .registryAlias(let name, let alias):
            return try await registry.modelVersion(name: name, alias: alias)
        case .registryLatest(let name, let stage):
            var stages: [ModelStage] = []
            if let stage {
                do { stages = [try ModelStage(parsing: stage)] } catch {
                    throw VaneError.invalid("Invalid model URI 'models:/\(name)/\(stage)': '\(stage)' is neither a version number, 'latest' nor a stage (None, Staging, Production, Archived); write an alias as models:/\(name)@alias.")
                }
            }
            let latest = try await registry.latestVersions(name: name, stages: stages)
            guard let newest = latest.max(by: { $0.version < $1.version }) else {
                throw VaneError.notFound("Registered model '\(name)' has no versions\(stage.map { " in stage '\($0)'" } ?? "").")
            }
            return newest
        default:
            return nil
        }
    }

    private func resolve(_ source: ModelSource, depth: Int) async throws -> Resolved {
        guard depth < 4 else { throw VaneError.invalid("Model source '\(source)' refers to other model URIs too many levels deep.") }
        switch source {
        case .path(let path):
            return Resolved(path: path, registeredName: nil, version: nil, cacheKey: "path:" + path, access: .followingLinks)
        case .registryVersion, .registryAlias, .registryLatest:
            guard let version = try await modelVersion(source) else { throw Self.needsStore(source) }
            var resolved = try await resolveURI(version.source, depth: depth)
            resolved.registeredName = version.name
            resolved.version = version.version
            resolved.cacheKey = "registry:\(version.name)/\(version.version)/\(version.creationTimestamp)/\(version.source)"
            return resolved
        case .loggedModel(let id):
            guard let tracking, let artifacts else { throw Self.needsStore(source) }
            let model = try await tracking.loggedModel(id: id)
            let copy = try await artifacts.localCopy(of: try artifacts.path(ofURI: model.artifactLocation))
            return Resolved(path: copy.path, registeredName: nil, version: nil, cacheKey: "logged:\(id)", access: .confined(root: copy.root))
        case .run(let id, let relative):
            guard let tracking, let artifacts else { throw Self.needsStore(source) }
            let run = try await tracking.run(id: id)
            let base = try artifacts.path(ofURI: run.info.artifactURI)
            let inner = try ArtifactPath(validating: relative)
            // The joined path is checked as any store access, so that no link inside the run's tree leads out.
            let copy = try await artifacts.localCopy(of: base.appending(inner))
            return Resolved(path: copy.path, registeredName: nil, version: nil, cacheKey: "run:\(id)/\(inner)", access: .confined(root: copy.root))
        }
    }

    /// A model version's `source`: another model URI, or an artifact location in the store.
    private func resolveURI(_ uri: String, depth: Int) async throws -> Resolved {
        if uri.hasPrefix("models:") || uri.hasPrefix("runs:") {
            return try await resolve(try ModelSource(parsing: uri), depth: depth + 1)
        }
        guard let artifacts else { throw VaneError.invalid("Model source '\(uri)' needs Vane's data directory.") }
        let copy = try await artifacts.localCopy(of: try artifacts.path(ofURI: uri))
        return Resolved(path: copy.path, registeredName: nil, version: nil, cacheKey: "uri:" + uri, access: .confined(root: copy.root))
    }

    private static func needsStore(_ source: ModelSource) -> VaneError {
        VaneError.invalid("Model source '\(source)' is resolved through Vane's registry: give a data directory (--data-dir) that holds it.")
    }
}
