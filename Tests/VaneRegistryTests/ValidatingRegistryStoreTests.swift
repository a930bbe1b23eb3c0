import Testing
import VaneCore
import VaneRegistry
import VaneTracking

/// ``ValidatingRegistryStore`` checks MLflow's rules before the store it wraps sees a request: a
/// refused request never reaches the store, and an accepted one reaches it. (The rules' messages
/// and limits are in RegistryLimitsTests and the validated contract tests.)
@Suite("ValidatingRegistryStore")
struct ValidatingRegistryStoreTests {
    let store = ValidatingRegistryStore(UnreachableRegistryStore())

    func refused(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(what): accepted", sourceLocation: sourceLocation)
        } catch let error as VaneError {
            #expect(error.code == .invalidParameter, "\(what): \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(what): reached the store (\(error))", sourceLocation: sourceLocation)
        }
    }

    func forwarded(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(what): the store was not called", sourceLocation: sourceLocation)
        } catch is ReachedRegistryStore {
        } catch {
            Issue.record("\(what): refused (\(error))", sourceLocation: sourceLocation)
        }
    }

    @Test("invalid requests are refused before the store")
    func refusedBeforeTheStore() async {
        await refused("empty name") { _ = try await store.registeredModel(name: "") }
        await refused("long name") { _ = try await store.createRegisteredModel(name: String(repeating: "n", count: 257), description: nil, tags: []) }
        await refused("new name") { _ = try await store.renameRegisteredModel(name: "m", newName: "") }
        await refused("description") {
            _ = try await store.updateRegisteredModel(name: "m", description: String(repeating: "d", count: RegistryValidation.maxDescriptionLength + 1))
        }
        await refused("tag") { try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "a//b", value: "")) }
        await refused("alias") { try await store.setAlias(name: "m", alias: "latest", version: 1) }
        await refused("source") {
            _ = try await store.createModelVersion(name: "m", source: "", runID: nil, runLink: nil, description: nil, tags: [], modelID: nil)
        }
        await refused("archive existing") { _ = try await store.transitionStage(name: "m", version: 1, stage: .archived, archiveExisting: true) }
        await refused("version tag") { try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "", value: "")) }
        await refused("model search") { _ = try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 1001, pageToken: nil) }
        await refused("version search") { _ = try await store.searchModelVersions(filter: nil, orderBy: [], maxResults: 0, pageToken: nil) }
    }

    @Test("valid requests reach the store")
    func validRequestsReachTheStore() async {
        await forwarded("create") { _ = try await store.createRegisteredModel(name: "a/b c", description: "d", tags: [Tag(key: "k", value: "v")]) }
        await forwarded("version") {
            _ = try await store.createModelVersion(name: "m", source: "mlflow-artifacts:/1/r/artifacts/model", runID: nil, runLink: nil,
                                                   description: nil, tags: [], modelID: nil)
        }
        await forwarded("alias") { try await store.setAlias(name: "m", alias: "champion", version: 1) }
        await forwarded("transition") { _ = try await store.transitionStage(name: "m", version: 1, stage: .production, archiveExisting: true) }
        await forwarded("search") { _ = try await store.searchModelVersions(filter: "the store parses this", orderBy: [], maxResults: 10, pageToken: nil) }
        await forwarded("delete") { try await store.deleteRegisteredModel(name: "m") }
    }
}

/// What ``UnreachableRegistryStore`` throws: the request got through.
struct ReachedRegistryStore: Error {}

/// A registry store that answers every request with ``ReachedRegistryStore``.
struct UnreachableRegistryStore: RegistryStore {
    var revision: UInt64 { 0 }
    func createRegisteredModel(name: String, description: String?, tags: [Tag]) async throws -> RegisteredModel { throw ReachedRegistryStore() }
    func registeredModel(name: String) async throws -> RegisteredModel { throw ReachedRegistryStore() }
    func renameRegisteredModel(name: String, newName: String) async throws -> RegisteredModel { throw ReachedRegistryStore() }
    func updateRegisteredModel(name: String, description: String?) async throws -> RegisteredModel { throw ReachedRegistryStore() }
    func deleteRegisteredModel(name: String) async throws { throw ReachedRegistryStore() }
    func searchRegisteredModels(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<RegisteredModel> { throw ReachedRegistryStore() }
    func setRegisteredModelTag(name: String, tag: Tag) async throws { throw ReachedRegistryStore() }
    func deleteRegisteredModelTag(name: String, key: String) async throws { throw ReachedRegistryStore() }
    func setAlias(name: String, alias: String, version: Int64) async throws { throw ReachedRegistryStore() }
    func deleteAlias(name: String, alias: String) async throws { throw ReachedRegistryStore() }
    func modelVersion(name: String, alias: String) async throws -> ModelVersion { throw ReachedRegistryStore() }
    func createModelVersion(name: String, source: String, runID: String?, runLink: String?, description: String?, tags: [Tag], modelID: String?) async throws -> ModelVersion { throw ReachedRegistryStore() }
    func modelVersion(name: String, version: Int64) async throws -> ModelVersion { throw ReachedRegistryStore() }
    func updateModelVersion(name: String, version: Int64, description: String?) async throws -> ModelVersion { throw ReachedRegistryStore() }
    func deleteModelVersion(name: String, version: Int64) async throws { throw ReachedRegistryStore() }
    func transitionStage(name: String, version: Int64, stage: ModelStage, archiveExisting: Bool) async throws -> ModelVersion { throw ReachedRegistryStore() }
    func latestVersions(name: String, stages: [ModelStage]) async throws -> [ModelVersion] { throw ReachedRegistryStore() }
    func searchModelVersions(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<ModelVersion> { throw ReachedRegistryStore() }
    func setModelVersionTag(name: String, version: Int64, tag: Tag) async throws { throw ReachedRegistryStore() }
    func deleteModelVersionTag(name: String, version: Int64, key: String) async throws { throw ReachedRegistryStore() }
}
