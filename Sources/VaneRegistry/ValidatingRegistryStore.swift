import VaneCore
import VaneTracking

/// A ``RegistryStore`` that checks MLflow's rules on every request before handing it to the
/// store it wraps: model names, aliases, tags, descriptions, sources, `max_results` bounds, with
/// MLflow's `INVALID_PARAMETER_VALUE` messages (``RegistryValidation``).
///
/// A store implementation receives only input that MLflow would accept and keeps only the checks
/// that depend on stored state (an unknown model or version, a name already taken).
public struct ValidatingRegistryStore: RegistryStore {
    /// The store that receives validated requests.
    public let base: any RegistryStore

    /// Validates in front of `base`.
    public init(_ base: any RegistryStore) {
        self.base = base
    }

    public var revision: UInt64 { base.revision }

    /// A registered model name that names an existing model: only required.
    static func validateName(_ name: String) throws(VaneError) {
        if name.isEmpty { throw VaneError.invalid("Missing value for required parameter 'name'.") }
    }

    // MARK: Registered models

    public func createRegisteredModel(name: String, description: String?, tags: [Tag]) async throws -> RegisteredModel {
        try RegistryValidation.validateNewModelName(name)
        try RegistryValidation.validateDescription(description)
        for t in tags { try RegistryValidation.validateTag(t) }
        return try await base.createRegisteredModel(name: name, description: description, tags: tags)
    }

    public func registeredModel(name: String) async throws -> RegisteredModel {
        try Self.validateName(name)
        return try await base.registeredModel(name: name)
    }

    public func renameRegisteredModel(name: String, newName: String) async throws -> RegisteredModel {
        try Self.validateName(name)
        try RegistryValidation.validateNewModelName(newName, parameter: "new_name")
        return try await base.renameRegisteredModel(name: name, newName: newName)
    }

    public func updateRegisteredModel(name: String, description: String?) async throws -> RegisteredModel {
        try Self.validateName(name)
        try RegistryValidation.validateDescription(description)
        return try await base.updateRegisteredModel(name: name, description: description)
    }

    public func deleteRegisteredModel(name: String) async throws {
        try Self.validateName(name)
        try await base.deleteRegisteredModel(name: name)
    }

    public func searchRegisteredModels(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<RegisteredModel> {
        guard maxResults >= 1, maxResults <= RegistryValidation.maxRegisteredModelResults else {
            throw VaneError.invalid("Invalid value for max_results. It must be at most \(RegistryValidation.maxRegisteredModelResults), but got value \(maxResults)")
        }
        return try await base.searchRegisteredModels(filter: filter, orderBy: orderBy, maxResults: maxResults, pageToken: pageToken)
    }

    public func setRegisteredModelTag(name: String, tag: Tag) async throws {
        try Self.validateName(name)
        try RegistryValidation.validateTag(tag)
        try await base.setRegisteredModelTag(name: name, tag: tag)
    }

    public func deleteRegisteredModelTag(name: String, key: String) async throws {
        try Self.validateName(name)
        try await base.deleteRegisteredModelTag(name: name, key: key)
    }

    public func setAlias(name: String, alias: String, version: Int64) async throws {
        try Self.validateName(name)
        try RegistryValidation.validateAlias(alias)
        try await base.setAlias(name: name, alias: alias, version: version)
    }

    public func deleteAlias(name: String, alias: String) async throws {
        try Self.validateName(name)
        try await base.deleteAlias(name: name, alias: alias)
    }

    public func modelVersion(name: String, alias: String) async throws -> ModelVersion {
        try Self.validateName(name)
        return try await base.modelVersion(name: name, alias: alias)
    }

    // MARK: Model versions

    public func createModelVersion(name: String, source: String, runID: String?, runLink: String?, description: String?, tags: [Tag], modelID: String?) async throws -> ModelVersion {
        try Self.validateName(name)
        try RegistryValidation.validateSource(source, runLink: runLink)
        try RegistryValidation.validateDescription(description)
        for t in tags { try RegistryValidation.validateTag(t) }
        return try await base.createModelVersion(name: name, source: source, runID: runID, runLink: runLink, description: description, tags: tags, modelID: modelID)
    }

    public func modelVersion(name: String, version: Int64) async throws -> ModelVersion {
        try Self.validateName(name)
        return try await base.modelVersion(name: name, version: version)
    }

    public func updateModelVersion(name: String, version: Int64, description: String?) async throws -> ModelVersion {
        try Self.validateName(name)
        try RegistryValidation.validateDescription(description)
        return try await base.updateModelVersion(name: name, version: version, description: description)
    }

    public func deleteModelVersion(name: String, version: Int64) async throws {
        try Self.validateName(name)
        try await base.deleteModelVersion(name: name, version: version)
    }

    public func transitionStage(name: String, version: Int64, stage: ModelStage, archiveExisting: Bool) async throws -> ModelVersion {
        try Self.validateName(name)
        if archiveExisting && !(stage == .staging || stage == .production) {
            throw VaneError.invalid("Model version transition cannot archive existing model versions because '\(stage.rawValue)' is not an Active stage. Valid stages are Staging, Production")
        }
        return try await base.transitionStage(name: name, version: version, stage: stage, archiveExisting: archiveExisting)
    }

    public func latestVersions(name: String, stages: [ModelStage]) async throws -> [ModelVersion] {
        try Self.validateName(name)
        return try await base.latestVersions(name: name, stages: stages)
    }

    public func searchModelVersions(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<ModelVersion> {
        guard maxResults >= 1, maxResults <= RegistryValidation.maxModelVersionResults else {
            throw VaneError.invalid("Invalid value for max_results. It must be at most \(RegistryValidation.maxModelVersionResults), but got value \(maxResults)")
        }
        return try await base.searchModelVersions(filter: filter, orderBy: orderBy, maxResults: maxResults, pageToken: pageToken)
    }

    public func setModelVersionTag(name: String, version: Int64, tag: Tag) async throws {
        try Self.validateName(name)
        try RegistryValidation.validateTag(tag)
        try await base.setModelVersionTag(name: name, version: version, tag: tag)
    }

    public func deleteModelVersionTag(name: String, version: Int64, key: String) async throws {
        try Self.validateName(name)
        try await base.deleteModelVersionTag(name: name, version: version, key: key)
    }
}
