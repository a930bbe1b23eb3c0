import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneTracking

@Suite("Registry search")
struct RegistrySearchTests {
    /// Models: alpha, Alpha2, alphabet, beta, gamma_1, gammaX1 (sorted bytewise: "X" < "_"); tags on some; versions with runs.
    static func seeded() async throws -> ValidatingRegistryStore {
        let clock = ManualClock(1_000)
        let store = try makeRegistryStore(clock: clock)
        let models: [(String, [Tag])] = [
            ("alpha", [Tag(key: "team", value: "ml"), Tag(key: "env", value: "prod")]),
            ("Alpha2", [Tag(key: "team", value: "ML")]),
            ("alphabet", [Tag(key: "team", value: "ml")]),
            ("beta", [Tag(key: "team", value: "data"), Tag(key: "env", value: "prod")]),
            ("gamma_1", []),
            ("gammaX1", []),
        ]
        for (name, tags) in models {
            clock.advance()
            _ = try await store.createRegisteredModel(name: name, description: nil, tags: tags)
        }
        // alpha: v1 (r1), v2 (r2), v3 (r1); beta: v1 (r2), v2 (r3, deleted later); gamma_1: v1 (no run)
        try await store.addVersion("alpha", runID: "r1", tags: [Tag(key: "stage", value: "candidate")])
        try await store.addVersion("alpha", runID: "r2")
        try await store.addVersion("alpha", runID: "r1")
        try await store.addVersion("beta", runID: "r2", tags: [Tag(key: "stage", value: "candidate")])
        try await store.addVersion("beta", runID: "r3")
        try await store.addVersion("gamma_1")
        try await store.deleteModelVersion(name: "beta", version: 2)
        return store
    }

    // MARK: Registered models: independent of the filter grammar

    @Test("with no filter every model is returned, ordered by name")
    func allModels() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allModelNames() == ["Alpha2", "alpha", "alphabet", "beta", "gammaX1", "gamma_1"])
        let page = try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 100, pageToken: nil)
        #expect(page.nextPageToken == nil)
        let alpha = try #require(page.items.first { $0.name == "alpha" })
        #expect(alpha.tags == [Tag(key: "env", value: "prod"), Tag(key: "team", value: "ml")])
        #expect(alpha.latestVersions.map(\.version) == [3])
    }

    @Test("paging through registered models has no duplicates and no omissions", arguments: [1, 2, 3, 7, 25, 26, 1000])
    func modelPaging(pageSize: Int) async throws {
        let store = try makeRegistryStore()
        let names = (0..<26).map { String(format: "model-%02d", $0) }
        for name in names.shuffled() { _ = try await store.createRegisteredModel(name: name, description: nil, tags: []) }
        var seen: [String] = []
        var token: String? = nil
        var pages = 0
        repeat {
            let page = try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: pageSize, pageToken: token)
            #expect(page.items.count <= pageSize)
            #expect(!page.items.isEmpty)
            seen += page.items.map(\.name)
            token = page.nextPageToken
            pages += 1
        } while token != nil && pages < 100
        #expect(seen == names)
        #expect(pages == (26 + pageSize - 1) / pageSize)
    }

    @Test("max_results outside 1…1000 and bad page tokens are invalid")
    func modelSearchBounds() async throws {
        let store = try await Self.seeded()
        for bad in [0, -1, 1001] {
            await expectVaneError(.invalidParameter, "\(bad)") {
                try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: bad, pageToken: nil)
            }
        }
        await expectVaneError(.invalidParameter) {
            try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 10, pageToken: "not a token")
        }
        #expect(try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 1000, pageToken: nil).items.count == 6)
        // A token past the end gives an empty last page.
        let past = try await store.searchRegisteredModels(filter: nil, orderBy: [], maxResults: 10, pageToken: PageToken.encode(offset: 50))
        #expect(past.items.isEmpty)
        #expect(past.nextPageToken == nil)
    }

    // MARK: Registered models: filters and order

    @Test("name = matches exactly (case-sensitive)")
    func nameEquals() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allModelNames(filter: "name = 'alpha'") == ["alpha"])
        #expect(try await store.allModelNames(filter: "name = 'ALPHA'").isEmpty)
        #expect(try await store.allModelNames(filter: "name != 'alpha'") == ["Alpha2", "alphabet", "beta", "gammaX1", "gamma_1"])
    }

    @Test("name LIKE is case-sensitive, with % and _ wildcards")
    func nameLike() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allModelNames(filter: "name LIKE 'alpha%'") == ["alpha", "alphabet"])
        #expect(try await store.allModelNames(filter: "name LIKE 'Alpha%'") == ["Alpha2"])
        #expect(try await store.allModelNames(filter: "name LIKE '%a'") == ["alpha", "beta"])
        #expect(try await store.allModelNames(filter: "name LIKE 'gamma_1'") == ["gammaX1", "gamma_1"])
        #expect(try await store.allModelNames(filter: "name LIKE '%'").count == 6)
    }

    @Test("name ILIKE is case-insensitive")
    func nameILike() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allModelNames(filter: "name ILIKE 'alpha%'") == ["Alpha2", "alpha", "alphabet"])
        #expect(try await store.allModelNames(filter: "name ILIKE 'ALPHA'") == ["alpha"])
        #expect(try await store.allModelNames(filter: "name ILIKE '%BET%'") == ["alphabet", "beta"])
    }

    @Test("tag filters")
    func tagFilters() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allModelNames(filter: "tags.team = 'ml'") == ["alpha", "alphabet"])
        #expect(try await store.allModelNames(filter: "tags.env = 'prod'") == ["alpha", "beta"])
        #expect(try await store.allModelNames(filter: "tags.team = 'ml' AND tags.env = 'prod'") == ["alpha"])
        #expect(try await store.allModelNames(filter: "tags.`team` ILIKE 'ml'") == ["Alpha2", "alpha", "alphabet"])
        #expect(try await store.allModelNames(filter: "name LIKE 'a%' AND tags.team = 'ml'") == ["alpha", "alphabet"])
        #expect(try await store.allModelNames(filter: "tags.missing = 'x'").isEmpty)
    }

    @Test("order_by name DESC reverses the order and pages consistently")
    func orderByNameDesc() async throws {
        let store = try await Self.seeded()
        let expected = ["gamma_1", "gammaX1", "beta", "alphabet", "alpha", "Alpha2"]
        #expect(try await store.allModelNames(orderBy: ["name DESC"]) == expected)
        #expect(try await store.allModelNames(orderBy: ["name DESC"], pageSize: 4) == expected)
        #expect(try await store.allModelNames(orderBy: ["name ASC"], pageSize: 5) == expected.reversed())
    }

    @Test("filtered paging has no duplicates and no omissions")
    func filteredPaging() async throws {
        let store = try makeRegistryStore()
        for i in 0..<30 {
            _ = try await store.createRegisteredModel(name: (i % 3 == 0 ? "keep-" : "drop-") + String(format: "%02d", i), description: nil, tags: [])
        }
        let expected = (0..<30).filter { $0 % 3 == 0 }.map { "keep-" + String(format: "%02d", $0) }
        for size in [1, 3, 4, 10] {
            #expect(try await store.allModelNames(filter: "name LIKE 'keep-%'", pageSize: size) == expected)
            #expect(try await store.allModelNames(filter: "name LIKE 'keep-%'", orderBy: ["name DESC"], pageSize: size) == expected.reversed())
        }
    }

    @Test("unknown filter keys and order_by keys are invalid")
    func invalidModelSearch() async throws {
        let store = try await Self.seeded()
        await expectVaneError(.invalidParameter) {
            try await store.searchRegisteredModels(filter: "nonsense = 'x'", orderBy: [], maxResults: 10, pageToken: nil)
        }
        await expectVaneError(.invalidParameter) {
            try await store.searchRegisteredModels(filter: "name = ", orderBy: [], maxResults: 10, pageToken: nil)
        }
        await expectVaneError(.invalidParameter) {
            try await store.searchRegisteredModels(filter: nil, orderBy: ["nonsense DESC"], maxResults: 10, pageToken: nil)
        }
    }

    @Test("LIKE patterns become GLOB patterns: % and _ are wildcards, GLOB's own metacharacters are literal")
    func likeToGlob() {
        #expect(RunSearchSQL.globPattern(fromLike: "alpha%") == "alpha*")
        #expect(RunSearchSQL.globPattern(fromLike: "%a") == "*a")
        #expect(RunSearchSQL.globPattern(fromLike: "gamma_1") == "gamma?1")
        #expect(RunSearchSQL.globPattern(fromLike: "what?") == "what[?]")
        #expect(RunSearchSQL.globPattern(fromLike: "a*b") == "a[*]b")
        #expect(RunSearchSQL.globPattern(fromLike: "[x]") == "[[]x]")
        #expect(RunSearchSQL.globPattern(fromLike: "plain ü") == "plain ü")
    }

    // MARK: Model versions: independent of the filter grammar

    @Test("with no filter every live version is returned, by name then newest version first; deleted versions never appear")
    func allVersions() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allVersionKeys() == ["alpha/3", "alpha/2", "alpha/1", "beta/1", "gamma_1/1"])
        #expect(try await store.allVersionKeys(pageSize: 2) == ["alpha/3", "alpha/2", "alpha/1", "beta/1", "gamma_1/1"])
    }

    @Test("paging through model versions has no duplicates and no omissions", arguments: [1, 4, 9, 40, 41, 500])
    func versionPaging(pageSize: Int) async throws {
        let store = try makeRegistryStore()
        for name in ["a", "b", "c", "d"] {
            _ = try await store.createRegisteredModel(name: name, description: nil, tags: [])
            for _ in 0..<10 { try await store.addVersion(name) }
        }
        try await store.deleteModelVersion(name: "b", version: 5)
        let expected = ["a", "b", "c", "d"].flatMap { name in
            (1...10).reversed().filter { !(name == "b" && $0 == 5) }.map { "\(name)/\($0)" }
        }
        let keys = try await store.allVersionKeys(pageSize: pageSize)
        #expect(keys == expected)
        #expect(Set(keys).count == keys.count)
    }

    @Test("max_results outside 1…200000 and bad page tokens are invalid for versions")
    func versionSearchBounds() async throws {
        let store = try await Self.seeded()
        for bad in [0, -5, 200_001] {
            await expectVaneError(.invalidParameter, "\(bad)") {
                try await store.searchModelVersions(filter: nil, orderBy: [], maxResults: bad, pageToken: nil)
            }
        }
        await expectVaneError(.invalidParameter) {
            try await store.searchModelVersions(filter: nil, orderBy: [], maxResults: 10, pageToken: PageToken.encode(offset: 0) + "garbage")
        }
    }

    // MARK: Model versions: filters

    @Test("search versions by name")
    func versionsByName() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allVersionKeys(filter: "name = 'alpha'") == ["alpha/3", "alpha/2", "alpha/1"])
        #expect(try await store.allVersionKeys(filter: "name = 'beta'") == ["beta/1"])
        #expect(try await store.allVersionKeys(filter: "name = 'Alpha2'").isEmpty)
        #expect(try await store.allVersionKeys(filter: "name LIKE 'gamma%'") == ["gamma_1/1"])
    }

    @Test("search versions by run_id")
    func versionsByRun() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allVersionKeys(filter: "run_id = 'r1'") == ["alpha/3", "alpha/1"])
        #expect(try await store.allVersionKeys(filter: "run_id = 'r2'") == ["alpha/2", "beta/1"])
        #expect(try await store.allVersionKeys(filter: "run_id = 'r3'").isEmpty) // only a deleted version had it
        #expect(try await store.allVersionKeys(filter: "run_id IN ('r1', 'r3')") == ["alpha/3", "alpha/1"])
        #expect(try await store.allVersionKeys(filter: "name = 'alpha' AND run_id = 'r2'") == ["alpha/2"])
    }

    @Test("search versions by version_number")
    func versionsByNumber() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allVersionKeys(filter: "version_number = 1") == ["alpha/1", "beta/1", "gamma_1/1"])
        #expect(try await store.allVersionKeys(filter: "name = 'alpha' AND version_number > 1") == ["alpha/3", "alpha/2"])
        #expect(try await store.allVersionKeys(filter: "version_number >= 3") == ["alpha/3"])
        #expect(try await store.allVersionKeys(filter: "version_number = 2 AND name = 'beta'").isEmpty)
    }

    @Test("a numeric IN list with a non-number is refused as invalid, not an internal error")
    func numericInListWithText() async throws {
        // SQLiteRegistryStore.comparison drops non-numeric IN items with compactMap but keeps one
        // placeholder per item, so the statement gets too few arguments (suspected INTERNAL_ERROR).
        let store = try await Self.seeded()
        await expectVaneError(.invalidParameter) {
            try await store.searchModelVersions(filter: "version_number IN ('1', 'x')", orderBy: [], maxResults: 10, pageToken: nil)
        }
    }

    @Test("search versions by tag and order_by version_number ASC")
    func versionsByTagAndOrder() async throws {
        let store = try await Self.seeded()
        #expect(try await store.allVersionKeys(filter: "tags.stage = 'candidate'") == ["alpha/1", "beta/1"])
        #expect(try await store.allVersionKeys(filter: "name = 'alpha'", orderBy: ["version_number ASC"]) == ["alpha/1", "alpha/2", "alpha/3"])
        #expect(try await store.allVersionKeys(filter: "name = 'alpha'", orderBy: ["version_number ASC"], pageSize: 1) == ["alpha/1", "alpha/2", "alpha/3"])
    }

    // MARK: Bounds (issue 12): refused with 400 before any SQL is built, never a 500

    @Test("the largest registry filters the grammar accepts run; one term, value or key more is a 400")
    func searchBounds() async throws {
        let store = try await Self.seeded()
        let most = Array(repeating: "name LIKE 'alpha%'", count: SearchLimits.maxFilterTerms).joined(separator: " AND ")
        #expect(try await store.allModelNames(filter: most) == ["alpha", "alphabet"])
        #expect(try await store.allVersionKeys(filter: most) == ["alpha/3", "alpha/2", "alpha/1"])
        let ids = (0..<SearchLimits.maxListValues - 1).map { "'x\($0)'" } + ["'r2'"]
        #expect(try await store.allVersionKeys(filter: "run_id IN (\(ids.joined(separator: ",")))") == ["alpha/2", "beta/1"])
        let longest = String(repeating: "[", count: SearchLimits.maxStringLength)
        #expect(try await store.allModelNames(filter: "name LIKE '\(longest)'").isEmpty)

        let tooMany = most + " AND name LIKE 'alpha%'"
        let tooLong = "name LIKE '\(String(repeating: "[", count: 20_000))'"
        let tooManyValues = "run_id IN (\((ids + ["'r1'"]).joined(separator: ",")))"
        let keys = Array(repeating: "name", count: SearchLimits.maxOrderByKeys + 1)
        for (filter, orderBy, words) in [(tooMany, [String](), "comparisons"), (tooLong, [], "characters"), (tooManyValues, [], "values"), (nil, keys, "keys")] {
            let model = await expectVaneError(.invalidParameter, filter ?? "order_by") {
                try await store.searchRegisteredModels(filter: filter, orderBy: orderBy, maxResults: 10, pageToken: nil)
            }
            let version = await expectVaneError(.invalidParameter, filter ?? "order_by") {
                try await store.searchModelVersions(filter: filter, orderBy: orderBy, maxResults: 10, pageToken: nil)
            }
            // Registered models have no run_id: that filter is refused for its key, not its size.
            if filter != tooManyValues { #expect(model?.message.contains(words) == true, "\(String(describing: model))") }
            #expect(version?.message.contains(words) == true, "\(String(describing: version))")
        }
    }
}
