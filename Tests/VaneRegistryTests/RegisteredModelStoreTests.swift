import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneTracking

@Suite("Registered models")
struct RegisteredModelStoreTests {
    // MARK: Create and get

    @Test("create stores description and tags; get returns the same model")
    func createAndGet() async throws {
        let clock = ManualClock(1_000)
        let store = try makeRegistryStore(clock: clock)
        let created = try await store.createRegisteredModel(
            name: "fraud detector", description: "catches fraud",
            tags: [Tag(key: "team", value: "risk"), Tag(key: "a.key", value: ""), Tag(key: "priority", value: "high")])
        #expect(created.name == "fraud detector")
        #expect(created.description == "catches fraud")
        #expect(created.creationTimestamp == 1_000)
        #expect(created.lastUpdatedTimestamp == 1_000)
        #expect(created.tags == [Tag(key: "a.key", value: ""), Tag(key: "priority", value: "high"), Tag(key: "team", value: "risk")])
        #expect(created.aliases.isEmpty)
        #expect(created.latestVersions.isEmpty)

        clock.advance()
        let fetched = try await store.registeredModel(name: "fraud detector")
        #expect(fetched == created)
    }

    @Test("create without description or tags")
    func createBare() async throws {
        let store = try makeRegistryStore()
        let m = try await store.createRegisteredModel(name: "bare", description: nil, tags: [])
        #expect(m.description == nil)
        #expect(m.tags.isEmpty)
    }

    @Test("creating a model whose name exists is alreadyExists and changes nothing")
    func duplicate() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: "first", tags: [Tag(key: "k", value: "1")])
        let error = await expectVaneError(.alreadyExists) {
            _ = try await store.createRegisteredModel(name: "m", description: "second", tags: [Tag(key: "k", value: "2")])
        }
        #expect(error?.message.contains("m") == true)
        let m = try await store.registeredModel(name: "m")
        #expect(m.description == "first")
        #expect(m.tags == [Tag(key: "k", value: "1")])
    }

    @Test("names are case-sensitive: 'Model' and 'model' are two models")
    func caseSensitiveNames() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "model", description: "lower", tags: [])
        _ = try await store.createRegisteredModel(name: "Model", description: "upper", tags: [])
        #expect(try await store.registeredModel(name: "model").description == "lower")
        #expect(try await store.registeredModel(name: "Model").description == "upper")
    }

    @Test("getting an unknown model is notFound; an empty name is invalid")
    func getUnknown() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "exists", description: nil, tags: [])
        await expectVaneError(.notFound) { try await store.registeredModel(name: "nope") }
        await expectVaneError(.notFound) { try await store.registeredModel(name: "EXISTS") }
        await expectVaneError(.invalidParameter) { try await store.registeredModel(name: "") }
        await expectVaneError(.invalidParameter) { try await store.createRegisteredModel(name: "", description: nil, tags: []) }
    }

    @Test("create with an invalid tag key is refused and creates nothing", arguments: ["", "bad!key", "a/../b", "/abs", "x\u{0}y"])
    func createWithInvalidTagKey(key: String) async throws {
        let store = try makeRegistryStore()
        await expectVaneError(.invalidParameter, key) {
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [Tag(key: "good", value: "v"), Tag(key: key, value: "v")])
        }
        await expectVaneError(.notFound) { try await store.registeredModel(name: "m") }
    }

    @Test("create refuses a tag value that setRegisteredModelTag refuses")
    func createWithOverlongTagValue() async throws {
        let store = try makeRegistryStore()
        let long = String(repeating: "x", count: RegistryValidation.maxTagValueLength + 1)
        _ = try await store.createRegisteredModel(name: "other", description: nil, tags: [])
        await expectVaneError(.invalidParameter) { try await store.setRegisteredModelTag(name: "other", tag: Tag(key: "k", value: long)) }
        await expectVaneError(.invalidParameter) {
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [Tag(key: "k", value: long)])
        }
    }

    // MARK: Rename

    @Test("rename keeps versions, version tags, model tags and aliases")
    func renameKeepsEverything() async throws {
        let clock = ManualClock(1_000)
        let store = try makeRegistryStore(clock: clock)
        _ = try await store.createRegisteredModel(name: "old", description: "d", tags: [Tag(key: "team", value: "ml")])
        try await store.addVersion("old", runID: "run1", tags: [Tag(key: "v", value: "one")])
        try await store.addVersion("old", runID: "run2")
        try await store.setAlias(name: "old", alias: "champion", version: 2)
        try await store.setAlias(name: "old", alias: "challenger", version: 1)
        _ = try await store.transitionStage(name: "old", version: 2, stage: .production, archiveExisting: false)

        clock.advance(by: 5_000)
        let renamed = try await store.renameRegisteredModel(name: "old", newName: "new")
        #expect(renamed.name == "new")
        #expect(renamed.description == "d")
        #expect(renamed.creationTimestamp == 1_000)
        #expect(renamed.lastUpdatedTimestamp == 6_000)
        #expect(renamed.tags == [Tag(key: "team", value: "ml")])
        #expect(renamed.aliasPairs == ["challenger=1", "champion=2"])
        #expect(renamed.latestVersions.map(\.version) == [1, 2])
        #expect(renamed.latestVersions.allSatisfy { $0.name == "new" })

        let v1 = try await store.modelVersion(name: "new", version: 1)
        #expect(v1.runID == "run1")
        #expect(v1.tags == [Tag(key: "v", value: "one")])
        #expect(v1.aliases == ["challenger"])
        let champion = try await store.modelVersion(name: "new", alias: "champion")
        #expect(champion.version == 2)
        #expect(champion.currentStage == .production)

        await expectVaneError(.notFound) { try await store.registeredModel(name: "old") }
        await expectVaneError(.notFound) { try await store.modelVersion(name: "old", version: 1) }
        // New versions continue the numbering under the new name.
        #expect(try await store.addVersion("new").version == 3)
    }

    @Test("after a rename the old name is free and starts from scratch")
    func oldNameReusable() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "a", description: nil, tags: [Tag(key: "k", value: "v")])
        try await store.addVersion("a")
        try await store.setAlias(name: "a", alias: "prod", version: 1)
        _ = try await store.renameRegisteredModel(name: "a", newName: "b")
        let fresh = try await store.createRegisteredModel(name: "a", description: nil, tags: [])
        #expect(fresh.tags.isEmpty)
        #expect(fresh.aliases.isEmpty)
        #expect(fresh.latestVersions.isEmpty)
        #expect(try await store.addVersion("a").version == 1)
        #expect(try await store.modelVersion(name: "b", alias: "prod").version == 1)
    }

    @Test("rename onto an existing name is alreadyExists; unknown source is notFound; empty new name is invalid")
    func renameErrors() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "a", description: "A", tags: [])
        _ = try await store.createRegisteredModel(name: "b", description: "B", tags: [])
        try await store.addVersion("a")
        await expectVaneError(.alreadyExists) { try await store.renameRegisteredModel(name: "a", newName: "b") }
        await expectVaneError(.notFound) { try await store.renameRegisteredModel(name: "zzz", newName: "c") }
        await expectVaneError(.invalidParameter) { try await store.renameRegisteredModel(name: "a", newName: "") }
        #expect(try await store.registeredModel(name: "a").latestVersions.count == 1)
        #expect(try await store.registeredModel(name: "b").description == "B")
        // Renaming to the same name is harmless.
        #expect(try await store.renameRegisteredModel(name: "a", newName: "a").name == "a")
    }

    // MARK: Update

    @Test("update sets and clears the description and bumps last_updated_timestamp")
    func update() async throws {
        let clock = ManualClock(10)
        let store = try makeRegistryStore(clock: clock)
        _ = try await store.createRegisteredModel(name: "m", description: "old", tags: [Tag(key: "k", value: "v")])
        clock.advance(by: 90)
        let updated = try await store.updateRegisteredModel(name: "m", description: "new description")
        #expect(updated.description == "new description")
        #expect(updated.creationTimestamp == 10)
        #expect(updated.lastUpdatedTimestamp == 100)
        #expect(updated.tags == [Tag(key: "k", value: "v")])
        #expect(try await store.registeredModel(name: "m").description == "new description")
        #expect(try await store.updateRegisteredModel(name: "m", description: nil).description == nil)
        await expectVaneError(.notFound) { try await store.updateRegisteredModel(name: "other", description: "x") }
    }

    // MARK: Delete

    @Test("delete removes the model with its versions, tags and aliases")
    func deleteCascades() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "doomed", description: nil, tags: [Tag(key: "k", value: "v")])
        _ = try await store.createRegisteredModel(name: "survivor", description: nil, tags: [Tag(key: "k", value: "s")])
        try await store.addVersion("doomed", tags: [Tag(key: "vt", value: "1")])
        try await store.addVersion("doomed")
        try await store.addVersion("survivor", tags: [Tag(key: "vt", value: "s")])
        try await store.setAlias(name: "doomed", alias: "prod", version: 2)
        try await store.setAlias(name: "survivor", alias: "prod", version: 1)

        try await store.deleteRegisteredModel(name: "doomed")
        await expectVaneError(.notFound) { try await store.registeredModel(name: "doomed") }
        await expectVaneError(.notFound) { try await store.modelVersion(name: "doomed", version: 1) }
        await expectVaneError(.notFound) { try await store.modelVersion(name: "doomed", alias: "prod") }
        #expect(try await store.allVersionKeys() == ["survivor/1"])
        #expect(try await store.allModelNames() == ["survivor"])

        // The other model is untouched.
        let survivor = try await store.registeredModel(name: "survivor")
        #expect(survivor.tags == [Tag(key: "k", value: "s")])
        #expect(survivor.aliasPairs == ["prod=1"])
        #expect(try await store.modelVersion(name: "survivor", version: 1).tags == [Tag(key: "vt", value: "s")])

        // Re-creating the name starts from nothing: no stale tags, aliases or version numbers.
        let again = try await store.createRegisteredModel(name: "doomed", description: nil, tags: [])
        #expect(again.tags.isEmpty)
        #expect(again.aliases.isEmpty)
        #expect(again.latestVersions.isEmpty)
        let v = try await store.addVersion("doomed")
        #expect(v.version == 1)
        #expect(v.tags.isEmpty)
        #expect(v.aliases.isEmpty)
    }

    @Test("deleting an unknown model is notFound")
    func deleteUnknown() async throws {
        let store = try makeRegistryStore()
        await expectVaneError(.notFound) { try await store.deleteRegisteredModel(name: "ghost") }
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.deleteRegisteredModel(name: "m")
        await expectVaneError(.notFound) { try await store.deleteRegisteredModel(name: "m") }
    }

    // MARK: Tags

    @Test("tags: set adds and overwrites, delete removes, deleting a missing key is harmless")
    func tags() async throws {
        let clock = ManualClock(0)
        let store = try makeRegistryStore(clock: clock)
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [Tag(key: "a", value: "1")])
        clock.advance(by: 7)
        try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "b", value: "2"))
        try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "a", value: "overwritten"))
        var m = try await store.registeredModel(name: "m")
        #expect(m.tags == [Tag(key: "a", value: "overwritten"), Tag(key: "b", value: "2")])
        #expect(m.lastUpdatedTimestamp == 7)

        try await store.deleteRegisteredModelTag(name: "m", key: "a")
        try await store.deleteRegisteredModelTag(name: "m", key: "never-set")
        m = try await store.registeredModel(name: "m")
        #expect(m.tags == [Tag(key: "b", value: "2")])
    }

    @Test("tag errors: unknown model, invalid key, overlong value")
    func tagErrors() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        await expectVaneError(.notFound) { try await store.setRegisteredModelTag(name: "ghost", tag: Tag(key: "k", value: "v")) }
        await expectVaneError(.notFound) { try await store.deleteRegisteredModelTag(name: "ghost", key: "k") }
        await expectVaneError(.invalidParameter) { try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "", value: "v")) }
        await expectVaneError(.invalidParameter) { try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "../k", value: "v")) }
        let long = String(repeating: "v", count: RegistryValidation.maxTagValueLength + 1)
        await expectVaneError(.invalidParameter) { try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "k", value: long)) }
        let max = String(repeating: "v", count: RegistryValidation.maxTagValueLength)
        try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "k", value: max))
        #expect(try await store.registeredModel(name: "m").tags == [Tag(key: "k", value: max)])
    }

    // MARK: Aliases

    @Test("aliases: set, get, move to another version, delete")
    func aliases() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        try await store.addVersion("m")

        try await store.setAlias(name: "m", alias: "champion", version: 1)
        try await store.setAlias(name: "m", alias: "Champion-2", version: 1)
        let byAlias = try await store.modelVersion(name: "m", alias: "champion")
        #expect(byAlias.version == 1)
        #expect(byAlias.aliases == ["Champion-2", "champion"])
        #expect(try await store.registeredModel(name: "m").aliasPairs == ["Champion-2=1", "champion=1"])

        // Setting an existing alias moves it.
        try await store.setAlias(name: "m", alias: "champion", version: 2)
        #expect(try await store.modelVersion(name: "m", alias: "champion").version == 2)
        #expect(try await store.modelVersion(name: "m", version: 1).aliases == ["Champion-2"])
        #expect(try await store.modelVersion(name: "m", version: 2).aliases == ["champion"])

        try await store.deleteAlias(name: "m", alias: "champion")
        await expectVaneError(.invalidParameter) { try await store.modelVersion(name: "m", alias: "champion") }
        #expect(try await store.modelVersion(name: "m", version: 2).aliases.isEmpty)
        #expect(try await store.registeredModel(name: "m").aliasPairs == ["Champion-2=1"])
    }

    @Test("aliases are per model")
    func aliasesPerModel() async throws {
        let store = try makeRegistryStore()
        for name in ["a", "b"] {
            _ = try await store.createRegisteredModel(name: name, description: nil, tags: [])
            try await store.addVersion(name)
            try await store.addVersion(name)
        }
        try await store.setAlias(name: "a", alias: "prod", version: 1)
        try await store.setAlias(name: "b", alias: "prod", version: 2)
        #expect(try await store.modelVersion(name: "a", alias: "prod").version == 1)
        #expect(try await store.modelVersion(name: "b", alias: "prod").version == 2)
        try await store.deleteAlias(name: "a", alias: "prod")
        #expect(try await store.modelVersion(name: "b", alias: "prod").version == 2)
    }

    @Test("reserved alias names are refused", arguments: ["latest", "LATEST", "Latest", "v1", "V1", "v0", "v12345", ""])
    func reservedAliases(alias: String) async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        await expectVaneError(.invalidParameter, alias) { try await store.setAlias(name: "m", alias: alias, version: 1) }
        #expect(try await store.registeredModel(name: "m").aliases.isEmpty)
    }

    @Test("alias names that merely look like reserved ones are allowed", arguments: ["v", "v1a", "version1", "latest2", "my-latest", "va"])
    func nearReservedAliases(alias: String) async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        try await store.setAlias(name: "m", alias: alias, version: 1)
        #expect(try await store.modelVersion(name: "m", alias: alias).version == 1)
    }

    @Test("alias errors: unknown alias is invalidParameter, unknown version or model is notFound, bad characters are invalid")
    func aliasErrors() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        await expectVaneError(.invalidParameter) { try await store.modelVersion(name: "m", alias: "nope") }
        await expectVaneError(.notFound) { try await store.modelVersion(name: "ghost", alias: "prod") }
        await expectVaneError(.notFound) { try await store.setAlias(name: "m", alias: "prod", version: 9) }
        await expectVaneError(.notFound) { try await store.setAlias(name: "ghost", alias: "prod", version: 1) }
        await expectVaneError(.invalidParameter) { try await store.setAlias(name: "m", alias: "bad alias!", version: 1) }
        await expectVaneError(.invalidParameter) {
            try await store.setAlias(name: "m", alias: String(repeating: "a", count: 256), version: 1)
        }
        #expect(try await store.registeredModel(name: "m").aliases.isEmpty)
    }

    @Test("deleting a version drops its aliases")
    func deletingVersionDropsAlias() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        try await store.addVersion("m")
        try await store.setAlias(name: "m", alias: "prod", version: 2)
        try await store.setAlias(name: "m", alias: "old", version: 1)
        try await store.deleteModelVersion(name: "m", version: 2)
        await expectVaneError(.invalidParameter) { try await store.modelVersion(name: "m", alias: "prod") }
        #expect(try await store.registeredModel(name: "m").aliasPairs == ["old=1"])
        await expectVaneError(.notFound) { try await store.setAlias(name: "m", alias: "prod", version: 2) }
    }
}
