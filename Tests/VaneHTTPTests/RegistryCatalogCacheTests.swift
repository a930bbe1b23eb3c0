import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import VaneCore
import VaneHTTP
import VaneRegistry
import VaneServing
import VaneTracking

/// `vane server` resolves a model name once per registry revision: repeated requests read no
/// database, and every registry write (a new version, a moved alias, a deleted version) is seen
/// by the very next request.
@Suite("Registry catalog cache")
struct RegistryCatalogCacheTests {
    static func answeredVersion(_ vane: VaneTestClient, _ path: String) async throws -> String? {
        let r = try await vane.request(.post, path, body: ByteBuffer(string: DeploymentRoutesTests.oneRow),
                                       headers: [.contentType: "application/json"])
        guard r.status == .ok else { return "HTTP \(r.status.code)" }
        return try r.json()["model_version"] as? String
    }

    @Test func everyRegistryWriteIsSeenByTheNextRequest() async throws {
        try await VaneTestClient.with { vane in
            try await DeploymentRoutesTests.register(vane, "cached", files: ["model.json": try ModelLoadHardeningTests.modelBytes(),
                                                                            "MLmodel": DeploymentRoutesTests.xgbMLmodel])
            let latest = "/v2/models/cached/infer", champion = "/v2/models/cached/versions/champion/infer"
            #expect(try await Self.answeredVersion(vane, latest) == "1")
            #expect(try await Self.answeredVersion(vane, latest) == "1")
            let source = try #require(try await vane.get("model-versions/get?name=cached&version=1")
                .json().object("model_version")?["source"] as? String)
            try await vane.post("model-versions/create", jsonBody(["name": "cached", "source": source])).expectOK()
            #expect(try await Self.answeredVersion(vane, latest) == "2")

            #expect(try await Self.answeredVersion(vane, champion) == "HTTP 404")
            try await vane.post("registered-models/alias", jsonBody(["name": "cached", "alias": "champion", "version": "1"])).expectOK()
            #expect(try await Self.answeredVersion(vane, champion) == "1")
            try await vane.post("registered-models/alias", jsonBody(["name": "cached", "alias": "champion", "version": "2"])).expectOK()
            #expect(try await Self.answeredVersion(vane, champion) == "2")

            try await vane.delete("model-versions/delete", jsonBody(["name": "cached", "version": "2"])).expectOK()
            #expect(try await Self.answeredVersion(vane, latest) == "1")
            #expect(try await Self.answeredVersion(vane, "/v2/models/cached/versions/2/infer") == "HTTP 404")
            #expect(try await Self.answeredVersion(vane, champion) == "HTTP 404")
        }
    }

    @Test func repeatedRequestsReadTheRegistryOnce() async throws {
        try await VaneTestClient.with { vane in
            try await DeploymentRoutesTests.register(vane, "counted", files: ["model.json": try ModelLoadHardeningTests.modelBytes(),
                                                                             "MLmodel": DeploymentRoutesTests.xgbMLmodel])
            let counting = CountingRegistryStore(base: vane.stores.registry)
            let catalog = RegistryModelCatalog(
                resolver: ModelResolver(tracking: vane.stores.tracking, registry: counting, artifacts: vane.stores.artifacts),
                registry: counting)
            let revision = counting.revision
            for _ in 0..<20 { #expect(try await catalog.model(named: "counted", version: nil).version == "1") }
            for _ in 0..<20 { #expect(try await catalog.model(named: "counted", version: "1").version == "1") }
            // One lookup per distinct request (latest, then version 1), and one by the loader.
            #expect(counting.reads.load(ordering: .relaxed) <= 3)
            try await vane.post("registered-models/set-tag", jsonBody(["name": "counted", "key": "k", "value": "v"])).expectOK()
            #expect(counting.revision > revision)
            let before = counting.reads.load(ordering: .relaxed)
            #expect(try await catalog.model(named: "counted", version: nil).version == "1")
            #expect(counting.reads.load(ordering: .relaxed) == before + 1)
        }
    }
}

/// A registry store that counts the version lookups it forwards.
final class CountingRegistryStore: RegistryStore {
    let base: any RegistryStore
    let reads = Atomic<Int>(0)
    init(base: any RegistryStore) { self.base = base }
    var revision: UInt64 { base.revision }
    func createRegisteredModel(name: String, description: String?, tags: [VaneTracking.Tag]) async throws -> RegisteredModel { try await base.createRegisteredModel(name: name, description: description, tags: tags) }
    func registeredModel(name: String) async throws -> RegisteredModel { try await base.registeredModel(name: name) }
    func renameRegisteredModel(name: String, newName: String) async throws -> RegisteredModel { try await base.renameRegisteredModel(name: name, newName: newName) }
    func updateRegisteredModel(name: String, description: String?) async throws -> RegisteredModel { try await base.updateRegisteredModel(name: name, description: description) }
    func deleteRegisteredModel(name: String) async throws { try await base.deleteRegisteredModel(name: name) }
    func searchRegisteredModels(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<RegisteredModel> {
        try await base.searchRegisteredModels(filter: filter, orderBy: orderBy, maxResults: maxResults, pageToken: pageToken)
    }
    func setRegisteredModelTag(name: String, tag: VaneTracking.Tag) async throws { try await base.setRegisteredModelTag(name: name, tag: tag) }
    func deleteRegisteredModelTag(name: String, key: String) async throws { try await base.deleteRegisteredModelTag(name: name, key: key) }
    func setAlias(name: String, alias: String, version: Int64) async throws { try await base.setAlias(name: name, alias: alias, version: version) }
    func deleteAlias(name: String, alias: String) async throws { try await base.deleteAlias(name: name, alias: alias) }
    func modelVersion(name: String, alias: String) async throws -> ModelVersion {
        reads.add(1, ordering: .relaxed)
        return try await base.modelVersion(name: name, alias: alias)
    }
    func createModelVersion(name: String, source: String, runID: String?, runLink: String?, description: String?, tags: [VaneTracking.Tag], modelID: String?) async throws -> ModelVersion {
        try await base.createModelVersion(name: name, source: source, runID: runID, runLink: runLink, description: description, tags: tags, modelID: modelID)
    }
    func modelVersion(name: String, version: Int64) async throws -> ModelVersion {
        reads.add(1, ordering: .relaxed)
        return try await base.modelVersion(name: name, version: version)
    }
    func updateModelVersion(name: String, version: Int64, description: String?) async throws -> ModelVersion { try await base.updateModelVersion(name: name, version: version, description: description) }
    func deleteModelVersion(name: String, version: Int64) async throws { try await base.deleteModelVersion(name: name, version: version) }
    func transitionStage(name: String, version: Int64, stage: ModelStage, archiveExisting: Bool) async throws -> ModelVersion {
        try await base.transitionStage(name: name, version: version, stage: stage, archiveExisting: archiveExisting)
    }
    func latestVersions(name: String, stages: [ModelStage]) async throws -> [ModelVersion] {
        reads.add(1, ordering: .relaxed)
        return try await base.latestVersions(name: name, stages: stages)
    }
    func searchModelVersions(filter: String?, orderBy: [String], maxResults: Int, pageToken: String?) async throws -> Page<ModelVersion> {
        try await base.searchModelVersions(filter: filter, orderBy: orderBy, maxResults: maxResults, pageToken: pageToken)
    }
    func setModelVersionTag(name: String, version: Int64, tag: VaneTracking.Tag) async throws { try await base.setModelVersionTag(name: name, version: version, tag: tag) }
    func deleteModelVersionTag(name: String, version: Int64, key: String) async throws { try await base.deleteModelVersionTag(name: name, version: version, key: key) }
}
