import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneTracking

/// What any ``RegistryStore`` must do with model versions and their stages.
@Suite("Registry store contract: model versions")
struct RegistryStoreVersionContractTests {
    @Test("versions are numbered 1, 2, 3… per model, store every field and touch the model", arguments: RegistryStoreBackends.all)
    func numbering(_ backend: RegistryStoreBackend) async throws {
        let clock = ManualClock(500)
        try await backend.withStore(clock: clock) { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            _ = try await store.createRegisteredModel(name: "other", description: nil, tags: [])
            clock.advance(by: 500)
            let v1 = try await store.createModelVersion(
                name: "m", source: "runs:/r1/model", runID: "r1", runLink: "http://ui/r1", description: "first",
                tags: [Tag(key: "z", value: "last"), Tag(key: "a", value: "first")], modelID: "m-abc")
            #expect(v1.name == "m" && v1.version == 1)
            #expect(v1.source == "runs:/r1/model" && v1.runID == "r1" && v1.runLink == "http://ui/r1")
            #expect(v1.description == "first" && v1.modelID == "m-abc")
            #expect(Set(v1.tags) == [Tag(key: "a", value: "first"), Tag(key: "z", value: "last")])
            #expect(v1.currentStage == .none && v1.status == "READY" && v1.aliases.isEmpty)
            #expect(v1.creationTimestamp == 1_000 && v1.lastUpdatedTimestamp == 1_000)
            #expect(try await store.modelVersion(name: "m", version: 1) == v1)
            #expect(try await store.registeredModel(name: "m").lastUpdatedTimestamp == 1_000)
            #expect(try await store.newVersion("m").version == 2)
            #expect(try await store.newVersion("other").version == 1)
            #expect(try await store.newVersion("m").version == 3)
        }
    }

    @Test("concurrent creates on one model get distinct consecutive numbers", arguments: RegistryStoreBackends.all)
    func concurrentNumbering(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "busy", description: nil, tags: [])
            let numbers = try await withThrowingTaskGroup(of: Int64.self, returning: [Int64].self) { group in
                for _ in 0..<12 { group.addTask { try await store.newVersion("busy").version } }
                var out: [Int64] = []
                for try await n in group { out.append(n) }
                return out
            }
            #expect(numbers.sorted() == Array(1...12))
        }
    }

    @Test("a refused create consumes no number: unknown model, empty source, bad tags", arguments: RegistryStoreBackends.validating)
    func createErrors(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            await expectVaneError(.invalidParameter) {
                try await store.createModelVersion(name: "m", source: "", runID: nil, runLink: nil, description: nil, tags: [], modelID: nil)
            }
            await expectVaneError(.invalidParameter) { try await store.newVersion("m", tags: [Tag(key: "ok", value: "1"), Tag(key: "bad!", value: "v")]) }
            let long = String(repeating: "x", count: RegistryValidation.maxTagValueLength + 1)
            await expectVaneError(.invalidParameter) { try await store.newVersion("m", tags: [Tag(key: "k", value: long)]) }
            #expect(try await store.versionKeys().isEmpty)
            #expect(try await store.newVersion("m").version == 1)
        }
    }

    @Test("a deleted version is gone for every operation and its number is never reused", arguments: RegistryStoreBackends.all)
    func deletedVersions(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            for _ in 1...3 { try await store.newVersion("m", tags: [Tag(key: "k", value: "v")]) }
            _ = try await store.transitionStage(name: "m", version: 3, stage: .production, archiveExisting: false)
            try await store.deleteModelVersion(name: "m", version: 3)
            await expectVaneError(.notFound) { try await store.modelVersion(name: "m", version: 3) }
            await expectVaneError(.notFound) { try await store.deleteModelVersion(name: "m", version: 3) }
            await expectVaneError(.notFound) { try await store.updateModelVersion(name: "m", version: 3, description: "x") }
            await expectVaneError(.notFound) { try await store.setModelVersionTag(name: "m", version: 3, tag: Tag(key: "k", value: "v")) }
            await expectVaneError(.notFound) { try await store.deleteModelVersionTag(name: "m", version: 3, key: "k") }
            await expectVaneError(.notFound) { try await store.transitionStage(name: "m", version: 3, stage: .staging, archiveExisting: false) }
            #expect(try await store.latestVersions(name: "m", stages: [.production]).isEmpty)
            #expect(try await store.newVersion("m").version == 4)
            try await store.deleteModelVersion(name: "m", version: 4)
            #expect(try await store.newVersion("m").version == 5)
            #expect(try await store.versionKeys() == ["m/5", "m/2", "m/1"])
            for missing: Int64 in [0, -1, 6] {
                await expectVaneError(.notFound, "\(missing)") { try await store.modelVersion(name: "m", version: missing) }
            }
        }
    }

    @Test("update changes the description and last_updated_timestamp only", arguments: RegistryStoreBackends.all)
    func update(_ backend: RegistryStoreBackend) async throws {
        let clock = ManualClock(100)
        try await backend.withStore(clock: clock) { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            let before = try await store.newVersion("m", runID: "r", tags: [Tag(key: "k", value: "v")])
            clock.advance(by: 50)
            let after = try await store.updateModelVersion(name: "m", version: 1, description: "better")
            var expected = before
            expected.description = "better"
            expected.lastUpdatedTimestamp = 150
            #expect(after == expected)
            #expect(try await store.modelVersion(name: "m", version: 1) == expected)
            #expect(try await store.updateModelVersion(name: "m", version: 1, description: nil).description == nil)
        }
    }

    @Test("version tags: set, overwrite, delete, isolated per version and from model tags; bad tags refused", arguments: RegistryStoreBackends.validating)
    func versionTags(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [Tag(key: "model-level", value: "x")])
            try await store.newVersion("m", tags: [Tag(key: "a", value: "1")])
            try await store.newVersion("m")
            try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "b", value: "2"))
            try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "a", value: "one"))
            try await store.setModelVersionTag(name: "m", version: 2, tag: Tag(key: "a", value: "v2"))
            #expect(Set(try await store.modelVersion(name: "m", version: 1).tags) == [Tag(key: "a", value: "one"), Tag(key: "b", value: "2")])
            try await store.deleteModelVersionTag(name: "m", version: 1, key: "a")
            try await store.deleteModelVersionTag(name: "m", version: 1, key: "missing")
            #expect(try await store.modelVersion(name: "m", version: 1).tags == [Tag(key: "b", value: "2")])
            #expect(try await store.modelVersion(name: "m", version: 2).tags == [Tag(key: "a", value: "v2")])
            #expect(try await store.registeredModel(name: "m").tags == [Tag(key: "model-level", value: "x")])
            await expectVaneError(.notFound) { try await store.setModelVersionTag(name: "m", version: 9, tag: Tag(key: "k", value: "v")) }
            await expectVaneError(.invalidParameter) { try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "a//b", value: "v")) }
            let long = String(repeating: "x", count: RegistryValidation.maxTagValueLength + 1)
            await expectVaneError(.invalidParameter) { try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "k", value: long)) }
            #expect(try await store.modelVersion(name: "m", version: 1).tags == [Tag(key: "b", value: "2")])
        }
    }

    @Test("stages: a transition moves one version; archive_existing archives the others of that stage in that model only",
          arguments: RegistryStoreBackends.validating)
    func transitions(_ backend: RegistryStoreBackend) async throws {
        let clock = ManualClock(0)
        try await backend.withStore(clock: clock) { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            _ = try await store.createRegisteredModel(name: "other", description: nil, tags: [])
            for _ in 1...5 { try await store.newVersion("m") }
            try await store.newVersion("other")
            _ = try await store.transitionStage(name: "m", version: 1, stage: .production, archiveExisting: false)
            _ = try await store.transitionStage(name: "m", version: 2, stage: .production, archiveExisting: false)
            _ = try await store.transitionStage(name: "m", version: 3, stage: .staging, archiveExisting: false)
            _ = try await store.transitionStage(name: "other", version: 1, stage: .production, archiveExisting: false)
            #expect(try await store.modelVersion(name: "m", version: 1).currentStage == .production)
            clock.advance(by: 42)
            let v4 = try await store.transitionStage(name: "m", version: 4, stage: .production, archiveExisting: true)
            #expect(v4.currentStage == .production && v4.lastUpdatedTimestamp == 42)
            var stages: [Int64: ModelStage] = [:]
            for v in Int64(1)...5 { stages[v] = try await store.modelVersion(name: "m", version: v).currentStage }
            #expect(stages == [1: .archived, 2: .archived, 3: .staging, 4: .production, 5: .none])
            #expect(try await store.modelVersion(name: "m", version: 1).lastUpdatedTimestamp == 42)
            #expect(try await store.modelVersion(name: "other", version: 1).currentStage == .production)
            #expect(try await store.transitionStage(name: "m", version: 4, stage: .production, archiveExisting: true).currentStage == .production)
            // archive_existing_versions is only allowed for Staging and Production.
            for stage in [ModelStage.none, .archived] {
                await expectVaneError(.invalidParameter, stage.rawValue) { try await store.transitionStage(name: "m", version: 5, stage: stage, archiveExisting: true) }
            }
            #expect(try await store.modelVersion(name: "m", version: 5).currentStage == .none)
        }
    }

    @Test("latest versions: the newest version of each stage, filtered by the requested stages", arguments: RegistryStoreBackends.all)
    func latestVersions(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            #expect(try await store.latestVersions(name: "m", stages: []).isEmpty)
            for _ in 1...7 { try await store.newVersion("m") }
            for (v, stage) in [(1, ModelStage.production), (2, .production), (3, .staging), (4, .staging), (6, .archived)] {
                _ = try await store.transitionStage(name: "m", version: Int64(v), stage: stage, archiveExisting: false)
            }
            func latest(_ stages: [ModelStage]) async throws -> Set<String> {
                Set(try await store.latestVersions(name: "m", stages: stages).map { "\($0.version):\($0.currentStage.rawValue)" })
            }
            #expect(try await latest([]) == ["2:Production", "4:Staging", "6:Archived", "7:None"])
            #expect(try await latest([.staging]) == ["4:Staging"])
            #expect(try await latest([.production, .none]) == ["2:Production", "7:None"])
            #expect(Set(try await store.registeredModel(name: "m").latestVersions.map(\.version)) == [2, 4, 6, 7])
            try await store.deleteModelVersion(name: "m", version: 4)
            _ = try await store.transitionStage(name: "m", version: 2, stage: .archived, archiveExisting: false)
            #expect(try await latest([]) == ["1:Production", "3:Staging", "6:Archived", "7:None"])
        }
    }
}

/// What any ``RegistryStore`` must do when searching models and versions.
@Suite("Registry store contract: search")
struct RegistryStoreSearchContractTests {
    @Test("registered models: every page size yields each model once, ordered by name; page tokens replay", arguments: RegistryStoreBackends.all)
    func modelPaging(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            let names = (0..<17).map { String(format: "model-%02d", $0) }
            for name in names.shuffled() { _ = try await store.createRegisteredModel(name: name, description: nil, tags: []) }
            for size in [1, 2, 5, 17, 1000] {
                #expect(try await store.modelNames(pageSize: size) == names, "page size \(size)")
                #expect(try await store.modelNames(orderBy: ["name DESC"], pageSize: size) == names.reversed(), "page size \(size)")
            }
            let first = try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 5, pageToken: nil)
            let token = try #require(first.nextPageToken)
            let second = try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 5, pageToken: token)
            let again = try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 5, pageToken: token)
            #expect(second.items.map(\.name) == Array(names[5..<10]))
            #expect(again.items.map(\.name) == second.items.map(\.name))
        }
    }

    @Test("registered models: name =, LIKE (case-sensitive), ILIKE and tag filters", arguments: RegistryStoreBackends.all)
    func modelFilters(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            let models: [(String, [Tag])] = [
                ("alpha", [Tag(key: "team", value: "ml"), Tag(key: "env", value: "prod")]),
                ("Alpha2", [Tag(key: "team", value: "ML")]),
                ("alphabet", [Tag(key: "team", value: "ml")]),
                ("beta", [Tag(key: "env", value: "prod")]),
            ]
            for (name, tags) in models { _ = try await store.createRegisteredModel(name: name, description: nil, tags: tags) }
            #expect(try await store.modelNames(filter: "name = 'alpha'") == ["alpha"])
            #expect(Set(try await store.modelNames(filter: "name != 'alpha'")) == ["Alpha2", "alphabet", "beta"])
            #expect(Set(try await store.modelNames(filter: "name LIKE 'alpha%'")) == ["alpha", "alphabet"])
            #expect(Set(try await store.modelNames(filter: "name ILIKE 'alpha%'")) == ["alpha", "Alpha2", "alphabet"])
            #expect(Set(try await store.modelNames(filter: "name LIKE '%a'")) == ["alpha", "beta"])
            #expect(Set(try await store.modelNames(filter: "tags.team = 'ml'")) == ["alpha", "alphabet"])
            #expect(try await store.modelNames(filter: "tags.team = 'ml' AND tags.env = 'prod'") == ["alpha"])
            #expect(try await store.modelNames(filter: "tags.missing = 'x'").isEmpty)
        }
    }

    @Test("model versions: live versions only, by name then newest first, filtered by name, run_id and version, paged",
          arguments: RegistryStoreBackends.all)
    func versionSearch(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            for name in ["a", "b"] { _ = try await store.createRegisteredModel(name: name, description: nil, tags: []) }
            for i in 1...6 { try await store.newVersion("a", runID: i % 2 == 0 ? "r-even" : "r-odd", tags: [Tag(key: "i", value: "\(i)")]) }
            for _ in 1...3 { try await store.newVersion("b", runID: "r-odd") }
            try await store.deleteModelVersion(name: "a", version: 3)
            let all = ["a/6", "a/5", "a/4", "a/2", "a/1", "b/3", "b/2", "b/1"]
            #expect(try await store.versionKeys() == all)
            for size in [1, 3, 8] { #expect(try await store.versionKeys(pageSize: size) == all, "page size \(size)") }
            #expect(try await store.versionKeys(filter: "name = 'b'") == ["b/3", "b/2", "b/1"])
            #expect(try await store.versionKeys(filter: "run_id = 'r-even'") == ["a/6", "a/4", "a/2"])
            #expect(Set(try await store.versionKeys(filter: "run_id = 'r-odd'")) == ["a/5", "a/1", "b/3", "b/2", "b/1"])
            #expect(try await store.versionKeys(filter: "tags.i = '4'") == ["a/4"])
            #expect(try await store.versionKeys(filter: "name = 'a' AND version_number > 4") == ["a/6", "a/5"])
            #expect(try await store.versionKeys(filter: "name = 'a'", orderBy: ["version_number ASC"], pageSize: 2) == ["a/1", "a/2", "a/4", "a/5", "a/6"])
        }
    }

    @Test("search refuses bad max_results, page tokens, filter keys and order keys", arguments: RegistryStoreBackends.validating)
    func searchErrors(_ backend: RegistryStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
            for bad in [0, -1, 1001] {
                await expectVaneError(.invalidParameter, "\(bad)") { try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: bad, pageToken: nil) }
            }
            for bad in [0, 200_001] {
                await expectVaneError(.invalidParameter, "\(bad)") { try await store.searchModelVersions(filter: nil, orderBy: [], maxResults: bad, pageToken: nil) }
            }
            await expectVaneError(.invalidParameter) { try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 10, pageToken: "not a token") }
            await expectVaneError(.invalidParameter) { try await store.searchModelVersions(filter: nil, orderBy: [], maxResults: 10, pageToken: "not a token") }
            await expectVaneError(.invalidParameter) { try await store.searchRegisteredModels(filter: "nonsense = 'x'", orderBy: [], maxResults: 10, pageToken: nil) }
            await expectVaneError(.invalidParameter) { try await store.searchRegisteredModels(filter: nil, orderBy: ["nonsense DESC"], maxResults: 10, pageToken: nil) }
            await expectVaneError(.invalidParameter) { try await store.searchModelVersions(filter: "version_number IN ('1', 'x')", orderBy: [], maxResults: 10, pageToken: nil) }
            #expect(try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 1000, pageToken: nil).items.count == 1)
        }
    }
}
