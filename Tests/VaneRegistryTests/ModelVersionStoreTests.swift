import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneTracking

@Suite("Model versions")
struct ModelVersionStoreTests {
    // MARK: Create

    @Test("versions are numbered 1, 2, 3… per model and store every field")
    func numbering() async throws {
        let clock = ManualClock(500)
        let store = try makeRegistryStore(clock: clock)
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        _ = try await store.createRegisteredModel(name: "other", description: nil, tags: [])

        clock.advance(by: 500)
        let v1 = try await store.createModelVersion(
            name: "m", source: "runs:/r1/model", runID: "r1", runLink: "http://ui/r1", description: "first",
            tags: [Tag(key: "z", value: "last"), Tag(key: "a", value: "first")], modelID: "m-abc")
        #expect(v1.name == "m")
        #expect(v1.version == 1)
        #expect(v1.source == "runs:/r1/model")
        #expect(v1.runID == "r1")
        #expect(v1.runLink == "http://ui/r1")
        #expect(v1.description == "first")
        #expect(v1.modelID == "m-abc")
        #expect(v1.tags == [Tag(key: "a", value: "first"), Tag(key: "z", value: "last")])
        #expect(v1.currentStage == .none)
        #expect(v1.status == "READY")
        #expect(v1.aliases.isEmpty)
        #expect(v1.creationTimestamp == 1_000)
        #expect(v1.lastUpdatedTimestamp == 1_000)
        #expect(try await store.modelVersion(name: "m", version: 1) == v1)

        #expect(try await store.addVersion("m").version == 2)
        #expect(try await store.addVersion("other").version == 1)
        #expect(try await store.addVersion("m").version == 3)
        #expect(try await store.addVersion("other").version == 2)
        // Creating a version touches the model.
        #expect(try await store.registeredModel(name: "m").lastUpdatedTimestamp == 1_000)
    }

    @Test("create errors: unknown model is notFound; empty source, bad tag key or overlong tag value is invalid")
    func createErrors() async throws {
        let store = try makeRegistryStore()
        await expectVaneError(.notFound) { try await store.addVersion("ghost") }
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        await expectVaneError(.invalidParameter) { try await store.addVersion("m", source: "") }
        await expectVaneError(.invalidParameter) { try await store.addVersion("m", tags: [Tag(key: "bad!", value: "v")]) }
        let long = String(repeating: "x", count: RegistryValidation.maxTagValueLength + 1)
        await expectVaneError(.invalidParameter) { try await store.addVersion("m", tags: [Tag(key: "k", value: long)]) }
        // None of the failed attempts consumed a number.
        #expect(try await store.addVersion("m").version == 1)
    }

    // MARK: Delete

    @Test("deleted version numbers are never reused")
    func deletedNumbersNotReused() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        for _ in 1...3 { try await store.addVersion("m") }
        try await store.deleteModelVersion(name: "m", version: 3)
        #expect(try await store.addVersion("m").version == 4)
        try await store.deleteModelVersion(name: "m", version: 2)
        try await store.deleteModelVersion(name: "m", version: 4)
        #expect(try await store.addVersion("m").version == 5)
        #expect(try await store.allVersionKeys() == ["m/5", "m/1"])
    }

    @Test("a deleted version is gone for every operation")
    func deletedVersionGone() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m", tags: [Tag(key: "k", value: "v")])
        try await store.addVersion("m")
        _ = try await store.transitionStage(name: "m", version: 1, stage: .production, archiveExisting: false)
        try await store.deleteModelVersion(name: "m", version: 1)

        await expectVaneError(.notFound) { try await store.modelVersion(name: "m", version: 1) }
        await expectVaneError(.notFound) { try await store.deleteModelVersion(name: "m", version: 1) }
        await expectVaneError(.notFound) { try await store.updateModelVersion(name: "m", version: 1, description: "x") }
        await expectVaneError(.notFound) { try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "k", value: "v")) }
        await expectVaneError(.notFound) { try await store.deleteModelVersionTag(name: "m", version: 1, key: "k") }
        await expectVaneError(.notFound) {
            try await store.transitionStage(name: "m", version: 1, stage: .staging, archiveExisting: false)
        }
        // It no longer counts as the latest Production version.
        #expect(try await store.latestVersions(name: "m", stages: [.production]).isEmpty)
        #expect(try await store.registeredModel(name: "m").latestVersions.map(\.version) == [2])
    }

    @Test("unknown versions are notFound")
    func unknownVersion() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        await expectVaneError(.notFound) { try await store.modelVersion(name: "m", version: 2) }
        await expectVaneError(.notFound) { try await store.modelVersion(name: "m", version: 0) }
        await expectVaneError(.notFound) { try await store.modelVersion(name: "m", version: -1) }
        await expectVaneError(.notFound) { try await store.modelVersion(name: "ghost", version: 1) }
        await expectVaneError(.notFound) { try await store.deleteModelVersion(name: "m", version: 2) }
    }

    // MARK: Update

    @Test("update changes the description and last_updated_timestamp only")
    func update() async throws {
        let clock = ManualClock(100)
        let store = try makeRegistryStore(clock: clock)
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        let before = try await store.addVersion("m", runID: "r", tags: [Tag(key: "k", value: "v")])
        clock.advance(by: 50)
        let after = try await store.updateModelVersion(name: "m", version: 1, description: "better")
        #expect(after.description == "better")
        #expect(after.lastUpdatedTimestamp == 150)
        #expect(after.creationTimestamp == 100)
        var expected = before
        expected.description = "better"
        expected.lastUpdatedTimestamp = 150
        #expect(after == expected)
        #expect(try await store.updateModelVersion(name: "m", version: 1, description: nil).description == nil)
    }

    // MARK: Stages

    @Test("stage names parse case-insensitively; unknown stages are invalid")
    func stageParsing() throws {
        #expect(try ModelStage(parsing: "production") == .production)
        #expect(try ModelStage(parsing: "STAGING") == .staging)
        #expect(try ModelStage(parsing: "Archived") == .archived)
        #expect(try ModelStage(parsing: "none") == .none)
        for bad in ["", "prod", "Deleted_Internal", "Productionx"] {
            #expect(throws: VaneError.invalid("Invalid Model Version stage: \(bad). Value must be one of None, Staging, Production, Archived.")) {
                try ModelStage(parsing: bad)
            }
        }
    }

    @Test("transition without archiving leaves other versions in the stage")
    func transitionKeepsOthers() async throws {
        let clock = ManualClock(0)
        let store = try makeRegistryStore(clock: clock)
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        for _ in 1...2 { try await store.addVersion("m") }
        clock.advance(by: 10)
        let v1 = try await store.transitionStage(name: "m", version: 1, stage: .staging, archiveExisting: false)
        #expect(v1.currentStage == .staging)
        #expect(v1.lastUpdatedTimestamp == 10)
        _ = try await store.transitionStage(name: "m", version: 2, stage: .staging, archiveExisting: false)
        #expect(try await store.modelVersion(name: "m", version: 1).currentStage == .staging)
        #expect(try await store.modelVersion(name: "m", version: 2).currentStage == .staging)
    }

    @Test("archive_existing_versions archives only the other versions in the target stage")
    func transitionArchivesExisting() async throws {
        let clock = ManualClock(0)
        let store = try makeRegistryStore(clock: clock)
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        _ = try await store.createRegisteredModel(name: "other", description: nil, tags: [])
        for _ in 1...5 { try await store.addVersion("m") }
        try await store.addVersion("other")
        _ = try await store.transitionStage(name: "m", version: 1, stage: .production, archiveExisting: false)
        _ = try await store.transitionStage(name: "m", version: 2, stage: .production, archiveExisting: false)
        _ = try await store.transitionStage(name: "m", version: 3, stage: .staging, archiveExisting: false)
        _ = try await store.transitionStage(name: "other", version: 1, stage: .production, archiveExisting: false)

        clock.advance(by: 42)
        let v4 = try await store.transitionStage(name: "m", version: 4, stage: .production, archiveExisting: true)
        #expect(v4.currentStage == .production)
        var stages: [Int64: ModelStage] = [:]
        for v in Int64(1)...5 { stages[v] = try await store.modelVersion(name: "m", version: v).currentStage }
        #expect(stages == [1: .archived, 2: .archived, 3: .staging, 4: .production, 5: .none])
        #expect(try await store.modelVersion(name: "m", version: 1).lastUpdatedTimestamp == 42)
        // Another model's Production version is not archived.
        #expect(try await store.modelVersion(name: "other", version: 1).currentStage == .production)

        // Re-transitioning the current Production version to Production with archiving keeps it.
        let again = try await store.transitionStage(name: "m", version: 4, stage: .production, archiveExisting: true)
        #expect(again.currentStage == .production)

        // Staging with archiving archives the Staging one, not Production.
        _ = try await store.transitionStage(name: "m", version: 5, stage: .staging, archiveExisting: true)
        #expect(try await store.modelVersion(name: "m", version: 3).currentStage == .archived)
        #expect(try await store.modelVersion(name: "m", version: 4).currentStage == .production)
    }

    @Test("archive_existing_versions is only allowed for Staging and Production", arguments: [ModelStage.none, .archived])
    func archiveExistingNeedsActiveStage(stage: ModelStage) async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        try await store.addVersion("m")
        _ = try await store.transitionStage(name: "m", version: 1, stage: stage == .none ? .staging : .archived, archiveExisting: false)
        await expectVaneError(.invalidParameter) { try await store.transitionStage(name: "m", version: 2, stage: stage, archiveExisting: true) }
        #expect(try await store.modelVersion(name: "m", version: 2).currentStage == .none)
        // Without archiving the same transition works.
        #expect(try await store.transitionStage(name: "m", version: 2, stage: stage, archiveExisting: false).currentStage == stage)
    }

    // MARK: Latest versions

    @Test("latest versions: the newest version of each stage, filtered by the requested stages")
    func latestVersions() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        for _ in 1...7 { try await store.addVersion("m") }
        // v1 Production, v2 Production, v3 Staging, v4 Staging, v5 None, v6 Archived, v7 None
        _ = try await store.transitionStage(name: "m", version: 1, stage: .production, archiveExisting: false)
        _ = try await store.transitionStage(name: "m", version: 2, stage: .production, archiveExisting: false)
        _ = try await store.transitionStage(name: "m", version: 3, stage: .staging, archiveExisting: false)
        _ = try await store.transitionStage(name: "m", version: 4, stage: .staging, archiveExisting: false)
        _ = try await store.transitionStage(name: "m", version: 6, stage: .archived, archiveExisting: false)

        func latest(_ stages: [ModelStage]) async throws -> [String] {
            try await store.latestVersions(name: "m", stages: stages).map { "\($0.version):\($0.currentStage.rawValue)" }
        }
        #expect(try await latest([]) == ["2:Production", "4:Staging", "6:Archived", "7:None"])
        #expect(try await latest([.staging]) == ["4:Staging"])
        #expect(try await latest([.production, .none]) == ["2:Production", "7:None"])
        #expect(try await latest([.archived, .staging, .production, .none]) == ["2:Production", "4:Staging", "6:Archived", "7:None"])
        #expect(try await store.registeredModel(name: "m").latestVersions.map(\.version) == [2, 4, 6, 7])

        // Moving or deleting the newest version of a stage exposes the next one.
        try await store.deleteModelVersion(name: "m", version: 4)
        _ = try await store.transitionStage(name: "m", version: 2, stage: .archived, archiveExisting: false)
        #expect(try await latest([]) == ["1:Production", "3:Staging", "6:Archived", "7:None"])

        await expectVaneError(.notFound) { try await store.latestVersions(name: "ghost", stages: []) }
    }

    @Test("latest versions of a model without versions is empty")
    func latestVersionsEmpty() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        #expect(try await store.latestVersions(name: "m", stages: []).isEmpty)
        try await store.addVersion("m")
        try await store.deleteModelVersion(name: "m", version: 1)
        #expect(try await store.latestVersions(name: "m", stages: []).isEmpty)
    }

    // MARK: Tags

    @Test("version tags: set, overwrite, delete, isolated per version")
    func versionTags() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [Tag(key: "model-level", value: "x")])
        try await store.addVersion("m", tags: [Tag(key: "a", value: "1")])
        try await store.addVersion("m")

        try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "b", value: "2"))
        try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "a", value: "one"))
        try await store.setModelVersionTag(name: "m", version: 2, tag: Tag(key: "a", value: "v2"))
        #expect(try await store.modelVersion(name: "m", version: 1).tags == [Tag(key: "a", value: "one"), Tag(key: "b", value: "2")])
        #expect(try await store.modelVersion(name: "m", version: 2).tags == [Tag(key: "a", value: "v2")])

        try await store.deleteModelVersionTag(name: "m", version: 1, key: "a")
        try await store.deleteModelVersionTag(name: "m", version: 1, key: "missing")
        #expect(try await store.modelVersion(name: "m", version: 1).tags == [Tag(key: "b", value: "2")])
        #expect(try await store.modelVersion(name: "m", version: 2).tags == [Tag(key: "a", value: "v2")])
        // Model tags and version tags are separate.
        #expect(try await store.registeredModel(name: "m").tags == [Tag(key: "model-level", value: "x")])
    }

    @Test("version tag errors")
    func versionTagErrors() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        await expectVaneError(.notFound) { try await store.setModelVersionTag(name: "m", version: 2, tag: Tag(key: "k", value: "v")) }
        await expectVaneError(.notFound) { try await store.setModelVersionTag(name: "ghost", version: 1, tag: Tag(key: "k", value: "v")) }
        await expectVaneError(.invalidParameter) { try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "", value: "v")) }
        await expectVaneError(.invalidParameter) { try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "a//b", value: "v")) }
        let long = String(repeating: "x", count: RegistryValidation.maxTagValueLength + 1)
        await expectVaneError(.invalidParameter) { try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "k", value: long)) }
        #expect(try await store.modelVersion(name: "m", version: 1).tags.isEmpty)
    }
}
