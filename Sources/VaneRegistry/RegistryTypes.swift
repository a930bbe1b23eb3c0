import VaneCore
import VaneTracking

/// The legacy deployment stages of a model version.
public enum ModelStage: String, Sendable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// Parses a stage name case-insensitively, as MLflow does.
    public init(parsing text: String) throws(VaneError) {
        guard let s = ModelStage.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw VaneError.invalid("Invalid Model Version stage: \(text). Value must be one of None, Staging, Production, Archived.")
        }
        self = s
    }
}

/// An alias pointing at one version of a registered model.
public struct ModelAlias: Sendable, Equatable {
    public var alias: String
    public var version: Int64
}

/// One version of a registered model.
public struct ModelVersion: Sendable, Equatable {
    public var name: String
    public var version: Int64
    public var creationTimestamp: EpochMillis
    public var lastUpdatedTimestamp: EpochMillis
    public var description: String?
    public var userID: String?
    public var currentStage: ModelStage
    public var source: String
    public var runID: String?
    public var runLink: String?
    public var status: String
    public var statusMessage: String?
    public var modelID: String?
    public var tags: [Tag]
    public var aliases: [String]
}

/// A named model with its versions' summary.
public struct RegisteredModel: Sendable, Equatable {
    public var name: String
    public var creationTimestamp: EpochMillis
    public var lastUpdatedTimestamp: EpochMillis
    public var description: String?
    public var tags: [Tag]
    public var aliases: [ModelAlias]
    /// The newest version in each stage.
    public var latestVersions: [ModelVersion]
}

/// What the HTTP layer needs from registry storage. The SQLite implementation is
/// ``SQLiteRegistryStore``.
///
/// An implementation receives input that already satisfies MLflow's rules (names, aliases, tags,
/// descriptions, sources, `max_results`): the rest of Vane reaches a store only through
/// ``ValidatingRegistryStore``. What depends on stored state (an unknown model, a taken name) is
/// the store's.
public protocol RegistryStore: Sendable {
    func createRegisteredModel(name: String, description: String?, tags: [Tag]) async throws -> RegisteredModel
    func registeredModel(name: String) async throws -> RegisteredModel
    func renameRegisteredModel(name: String, newName: String) async throws -> RegisteredModel
    func updateRegisteredModel(name: String, description: String?) async throws -> RegisteredModel
    func deleteRegisteredModel(name: String) async throws
    func searchRegisteredModels(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<RegisteredModel>
    func setRegisteredModelTag(name: String, tag: Tag) async throws
    func deleteRegisteredModelTag(name: String, key: String) async throws
    func setAlias(name: String, alias: String, version: Int64) async throws
    func deleteAlias(name: String, alias: String) async throws
    func modelVersion(name: String, alias: String) async throws -> ModelVersion

    func createModelVersion(name: String, source: String, runID: String?, runLink: String?, description: String?, tags: [Tag], modelID: String?) async throws -> ModelVersion
    func modelVersion(name: String, version: Int64) async throws -> ModelVersion
    func updateModelVersion(name: String, version: Int64, description: String?) async throws -> ModelVersion
    func deleteModelVersion(name: String, version: Int64) async throws
    func transitionStage(name: String, version: Int64, stage: ModelStage, archiveExisting: Bool) async throws -> ModelVersion
    func latestVersions(name: String, stages: [ModelStage]) async throws -> [ModelVersion]
    func searchModelVersions(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<ModelVersion>
    func setModelVersionTag(name: String, version: Int64, tag: Tag) async throws
    func deleteModelVersionTag(name: String, version: Int64, key: String) async throws

    /// A number that changes after every write this store commits (or attempts): a cache of
    /// what was read while the number was `r` is current as long as the number is still `r`.
    /// It covers this process's writes, which on the embedded database are all of them.
    var revision: UInt64 { get }
}
