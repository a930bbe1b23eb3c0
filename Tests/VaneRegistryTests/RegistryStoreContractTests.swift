import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneTracking

/// What any ``RegistryStore`` must do with registered models, their tags and aliases, written
/// against the protocol and run against every backend in ``RegistryStoreBackends/all``. The
/// semantics and error codes are MLflow's (`mlflow/store/model_registry/sqlalchemy_store.py`).
@Suite("Registry store contract: registered models")
struct RegistryStoreModelContractTests {
    @Test("create stores description and tags with the clock's timestamps; get returns the same model", arguments: RegistryStoreBackends.all)
    func createAndGet(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore(clock: ManualClock(1_000)) { store in
            let created = try await store.createRegisteredModel(
                name: "fraud detector", description: "catches fraud", tags: [Tag(key: "team", value: "risk"), Tag(key: "empty", value: "")])
            #expect(created.name == "fraud detector")
            #expect(created.description == "catches fraud")
            #expect(created.creationTimestamp == 1_000 && created.lastUpdatedTimestamp == 1_000)
            #expect(Set(created.tags) == [Tag(key: "team", value: "risk"), Tag(key: "empty", value: "")])
            #expect(created.aliases.isEmpty && created.latestVersions.isEmpty)
            #expect(try await store.registeredModel(name: "fraud detector") == created)
            let bare = try await store.createRegisteredModel(name: "bare", description: nil, tags: [])
            #expect(bare.description == nil && bare.tags.isEmpty)
        }
    }

    @Test("a taken name is alreadyExists and changes nothing; names are case-sensitive", arguments: RegistryStoreBackends.all)
    func duplicateNames(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "m", description: "first", tags: [Tag(key: "k", value: "1")])
            await expectVaneError(.alreadyExists) {
                _ = try await store.createRegisteredModel(name: "m", description: "second", tags: [Tag(key: "k", value: "2")])
            }
            let m = try await store.registeredModel(name: "m")
            #expect(m.description == "first" && m.tags == [Tag(key: "k", value: "1")])
            _ = try await store.createRegisteredModel(name: "M", description: "upper", tags: [])
            #expect(try await store.registeredModel(name: "M").description == "upper")
            #expect(try await store.registeredModel(name: "m").description == "first")
        }
    }

    @Test("an unknown model is notFound for every operation; an empty name is invalid", arguments: RegistryStoreBackends.validating)
    func unknownModel(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "exists", description: nil, tags: [])
            await expectVaneError(.notFound) { try await store.registeredModel(name: "ghost") }
            await expectVaneError(.notFound) { try await store.registeredModel(name: "EXISTS") }
            await expectVaneError(.notFound) { try await store.updateRegisteredModel(name: "ghost", description: "x") }
            await expectVaneError(.notFound) { try await store.renameRegisteredModel(name: "ghost", newName: "y") }
            await expectVaneError(.notFound) { try await store.deleteRegisteredModel(name: "ghost") }
            await expectVaneError(.notFound) { try await store.setRegisteredModelTag(name: "ghost", tag: Tag(key: "k", value: "v")) }
            await expectVaneError(.notFound) { try await store.deleteRegisteredModelTag(name: "ghost", key: "k") }
            await expectVaneError(.notFound) { try await store.latestVersions(name: "ghost", stages: []) }
            await expectVaneError(.notFound) { try await store.newVersion("ghost") }
            await expectVaneError(.notFound) { try await store.modelVersion(name: "ghost", alias: "prod") }
            await expectVaneError(.invalidParameter) { try await store.registeredModel(name: "") }
            await expectVaneError(.invalidParameter) { try await store.createRegisteredModel(name: "", description: nil, tags: []) }
        }
    }

    @Test("a create with one invalid tag is refused whole", arguments: RegistryStoreBackends.validating)
    func createWithInvalidTag(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            for key in ["", "bad!key", "a/../b", "/abs", "x\u{0}y"] {
                await expectVaneError(.invalidParameter, key) {
                    _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [Tag(key: "good", value: "v"), Tag(key: key, value: "v")])
                }
            }
            let long = String(repeating: "x", count: RegistryValidation.maxTagValueLength + 1)
            await expectVaneError(.invalidParameter) { try await store.createRegisteredModel(name: "m", description: nil, tags: [Tag(key: "k", value: long)]) }
            await expectVaneError(.notFound) { try await store.registeredModel(name: "m") }
            let names = try await store.modelNames()
            #expect(names.isEmpty)
        }
    }

    @Test("update sets and clears the description and bumps last_updated_timestamp only", arguments: RegistryStoreBackends.all)
    func update(_ backend: RegistryStoreBackend) async throws {
        let clock = ManualClock(10)
        try await backend.withStore(clock: clock) { store in
            _ = try await store.createRegisteredModel(name: "m", description: "old", tags: [Tag(key: "k", value: "v")])
            clock.advance(by: 90)
            let updated = try await store.updateRegisteredModel(name: "m", description: "new")
            #expect(updated.description == "new")
            #expect(updated.creationTimestamp == 10 && updated.lastUpdatedTimestamp == 100)
            #expect(updated.tags == [Tag(key: "k", value: "v")])
            #expect(try await store.registeredModel(name: "m") == updated)
            #expect(try await store.updateRegisteredModel(name: "m", description: nil).description == nil)
        }
    }

    @Test("rename carries versions, version tags, stages, model tags and aliases; numbering continues", arguments: RegistryStoreBackends.all)
    func renameCascades(_ backend: RegistryStoreBackend) async throws {
        let clock = ManualClock(1_000)
        try await backend.withStore(clock: clock) { store in
            _ = try await store.createRegisteredModel(name: "old", description: "d", tags: [Tag(key: "team", value: "ml")])
            try await store.newVersion("old", runID: "run1", tags: [Tag(key: "v", value: "one")])
            try await store.newVersion("old", runID: "run2")
            try await store.setAlias(name: "old", alias: "champion", version: 2)
            try await store.setAlias(name: "old", alias: "challenger", version: 1)
            _ = try await store.transitionStage(name: "old", version: 2, stage: .production, archiveExisting: false)
            clock.advance(by: 5_000)
            let renamed = try await store.renameRegisteredModel(name: "old", newName: "new")
            #expect(renamed.name == "new" && renamed.description == "d")
            #expect(renamed.creationTimestamp == 1_000 && renamed.lastUpdatedTimestamp == 6_000)
            #expect(renamed.tags == [Tag(key: "team", value: "ml")])
            #expect(Set(renamed.aliases.map { "\($0.alias)=\($0.version)" }) == ["challenger=1", "champion=2"])
            #expect(Set(renamed.latestVersions.map(\.version)) == [1, 2])
            #expect(renamed.latestVersions.allSatisfy { $0.name == "new" })
            let v1 = try await store.modelVersion(name: "new", version: 1)
            #expect(v1.runID == "run1" && v1.tags == [Tag(key: "v", value: "one")] && v1.aliases == ["challenger"])
            let champion = try await store.modelVersion(name: "new", alias: "champion")
            #expect(champion.version == 2 && champion.currentStage == .production && champion.name == "new")
            #expect(try await store.versionKeys(filter: "name = 'new'") == ["new/2", "new/1"])
            await expectVaneError(.notFound) { try await store.registeredModel(name: "old") }
            await expectVaneError(.notFound) { try await store.modelVersion(name: "old", version: 1) }
            #expect(try await store.newVersion("new").version == 3)
            // The old name is free and starts from nothing.
            let fresh = try await store.createRegisteredModel(name: "old", description: nil, tags: [])
            #expect(fresh.tags.isEmpty && fresh.aliases.isEmpty && fresh.latestVersions.isEmpty)
            #expect(try await store.newVersion("old").version == 1)
        }
    }

    @Test("rename onto a taken name is alreadyExists and changes nothing; an empty new name is invalid", arguments: RegistryStoreBackends.validating)
    func renameErrors(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "a", description: "A", tags: [])
            _ = try await store.createRegisteredModel(name: "b", description: "B", tags: [])
            try await store.newVersion("a")
            await expectVaneError(.alreadyExists) { try await store.renameRegisteredModel(name: "a", newName: "b") }
            await expectVaneError(.invalidParameter) { try await store.renameRegisteredModel(name: "a", newName: "") }
            #expect(try await store.registeredModel(name: "a").latestVersions.count == 1)
            #expect(try await store.registeredModel(name: "b").description == "B")
            #expect(try await store.versionKeys() == ["a/1"])
        }
    }

    @Test("delete removes the model with its versions, tags and aliases, and leaves others alone", arguments: RegistryStoreBackends.all)
    func deleteCascades(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "doomed", description: nil, tags: [Tag(key: "k", value: "v")])
            _ = try await store.createRegisteredModel(name: "survivor", description: nil, tags: [Tag(key: "k", value: "s")])
            try await store.newVersion("doomed", tags: [Tag(key: "vt", value: "1")])
            try await store.newVersion("doomed")
            try await store.newVersion("survivor", tags: [Tag(key: "vt", value: "s")])
            try await store.setAlias(name: "doomed", alias: "prod", version: 2)
            try await store.setAlias(name: "survivor", alias: "prod", version: 1)
            try await store.deleteRegisteredModel(name: "doomed")
            await expectVaneError(.notFound) { try await store.registeredModel(name: "doomed") }
            await expectVaneError(.notFound) { try await store.modelVersion(name: "doomed", version: 1) }
            await expectVaneError(.notFound) { try await store.modelVersion(name: "doomed", alias: "prod") }
            await expectVaneError(.notFound) { try await store.deleteRegisteredModel(name: "doomed") }
            #expect(try await store.versionKeys() == ["survivor/1"])
            #expect(try await store.modelNames() == ["survivor"])
            let survivor = try await store.registeredModel(name: "survivor")
            #expect(survivor.tags == [Tag(key: "k", value: "s")])
            #expect(survivor.aliases.map { "\($0.alias)=\($0.version)" } == ["prod=1"])
            let again = try await store.createRegisteredModel(name: "doomed", description: nil, tags: [])
            #expect(again.tags.isEmpty && again.aliases.isEmpty && again.latestVersions.isEmpty)
            let v = try await store.newVersion("doomed")
            #expect(v.version == 1 && v.tags.isEmpty && v.aliases.isEmpty)
        }
    }

    @Test("model tags: set adds and overwrites and touches the model, delete removes, a missing key is harmless", arguments: RegistryStoreBackends.validating)
    func modelTags(_ backend: RegistryStoreBackend) async throws {
        let clock = ManualClock(0)
        try await backend.withStore(clock: clock) { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [Tag(key: "a", value: "1")])
            clock.advance(by: 7)
            try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "b", value: "2"))
            try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "a", value: "overwritten"))
            let m = try await store.registeredModel(name: "m")
            #expect(Set(m.tags) == [Tag(key: "a", value: "overwritten"), Tag(key: "b", value: "2")])
            #expect(m.lastUpdatedTimestamp == 7)
            try await store.deleteRegisteredModelTag(name: "m", key: "a")
            try await store.deleteRegisteredModelTag(name: "m", key: "never-set")
            #expect(try await store.registeredModel(name: "m").tags == [Tag(key: "b", value: "2")])
            await expectVaneError(.invalidParameter) { try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "", value: "v")) }
            await expectVaneError(.invalidParameter) { try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "../k", value: "v")) }
            let long = String(repeating: "v", count: RegistryValidation.maxTagValueLength + 1)
            await expectVaneError(.invalidParameter) { try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "k", value: long)) }
            #expect(try await store.registeredModel(name: "m").tags == [Tag(key: "b", value: "2")])
        }
    }
}

@Suite("Registry store contract: aliases")
struct RegistryStoreAliasContractTests {
    @Test("aliases: set, get, move to another version, delete; listed on the version and the model", arguments: RegistryStoreBackends.all)
    func aliases(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            try await store.newVersion("m")
            try await store.newVersion("m")
            try await store.setAlias(name: "m", alias: "champion", version: 1)
            try await store.setAlias(name: "m", alias: "Champion-2", version: 1)
            let byAlias = try await store.modelVersion(name: "m", alias: "champion")
            #expect(byAlias.version == 1)
            #expect(Set(byAlias.aliases) == ["Champion-2", "champion"])
            #expect(Set(try await store.registeredModel(name: "m").aliases.map { "\($0.alias)=\($0.version)" }) == ["Champion-2=1", "champion=1"])
            try await store.setAlias(name: "m", alias: "champion", version: 2)
            #expect(try await store.modelVersion(name: "m", alias: "champion").version == 2)
            #expect(try await store.modelVersion(name: "m", version: 1).aliases == ["Champion-2"])
            #expect(try await store.modelVersion(name: "m", version: 2).aliases == ["champion"])
            try await store.deleteAlias(name: "m", alias: "champion")
            // MLflow answers an unknown alias with INVALID_PARAMETER_VALUE (HTTP 400).
            await expectVaneError(.invalidParameter) { try await store.modelVersion(name: "m", alias: "champion") }
            #expect(try await store.modelVersion(name: "m", version: 2).aliases.isEmpty)
            #expect(try await store.registeredModel(name: "m").aliases.map(\.alias) == ["Champion-2"])
        }
    }

    @Test("aliases are per model; reserved and malformed names are refused; an unknown version is notFound", arguments: RegistryStoreBackends.validating)
    func aliasRules(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            for name in ["a", "b"] {
                _ = try await store.createRegisteredModel(name: name, description: nil, tags: [])
                try await store.newVersion(name)
                try await store.newVersion(name)
            }
            try await store.setAlias(name: "a", alias: "prod", version: 1)
            try await store.setAlias(name: "b", alias: "prod", version: 2)
            try await store.deleteAlias(name: "a", alias: "prod")
            #expect(try await store.modelVersion(name: "b", alias: "prod").version == 2)
            for alias in ["latest", "LATEST", "v1", "V12", "", "bad alias!", String(repeating: "a", count: RegistryValidation.maxAliasLength + 1)] {
                await expectVaneError(.invalidParameter, alias) { try await store.setAlias(name: "a", alias: alias, version: 1) }
            }
            for alias in ["v", "v1a", "latest2", "my-latest"] {
                try await store.setAlias(name: "a", alias: alias, version: 1)
                #expect(try await store.modelVersion(name: "a", alias: alias).version == 1, "\(alias)")
            }
            await expectVaneError(.notFound) { try await store.setAlias(name: "a", alias: "prod", version: 9) }
            await expectVaneError(.notFound) { try await store.setAlias(name: "ghost", alias: "prod", version: 1) }
            #expect(Set(try await store.registeredModel(name: "a").aliases.map(\.alias)) == ["v", "v1a", "latest2", "my-latest"])
        }
    }

    @Test("deleting a version drops its aliases", arguments: RegistryStoreBackends.all)
    func deletingVersionDropsAliases(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            try await store.newVersion("m")
            try await store.newVersion("m")
            try await store.setAlias(name: "m", alias: "prod", version: 2)
            try await store.setAlias(name: "m", alias: "old", version: 1)
            try await store.deleteModelVersion(name: "m", version: 2)
            await expectVaneError(.invalidParameter) { try await store.modelVersion(name: "m", alias: "prod") }
            #expect(try await store.registeredModel(name: "m").aliases.map { "\($0.alias)=\($0.version)" } == ["old=1"])
            await expectVaneError(.notFound) { try await store.setAlias(name: "m", alias: "prod", version: 2) }
        }
    }
}
