import Foundation
import Testing
import VaneCore
import VaneTracking

private typealias Tag = VaneTracking.Tag

/// What any ``TrackingStore`` must do with experiments and runs, written against the protocol and
/// run against every backend in ``TrackingStoreBackends/all``. The semantics and error codes are
/// MLflow's (`mlflow/store/tracking/sqlalchemy_store.py`); where today's store differs, the test
/// says so with `withKnownIssue`.
@Suite("Tracking store contract: experiments")
struct TrackingStoreExperimentContractTests {
    @Test("a new store has the Default experiment (id 0), active", arguments: TrackingStoreBackends.all)
    func defaultExperiment(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let e = try await store.experiment(id: 0)
            #expect(e.name == "Default")
            #expect(e.lifecycleStage == .active)
            #expect(try await store.experiment(named: "Default").id == 0)
            #expect(try await store.allExperimentIDs(view: .all) == [0])
        }
    }

    @Test("create, get by id and by name; fresh ids; tags and artifact location kept", arguments: TrackingStoreBackends.all)
    func createAndGet(_ backend: TrackingStoreBackend) async throws {
        let clock = ContractClock(5_000)
        try await backend.withStore(clock: clock) { store in
            let a = try await store.createExperiment(name: "exp-a", artifactLocation: nil, tags: [Tag(key: "team", value: "ml")])
            let b = try await store.createExperiment(name: "exp-b", artifactLocation: "s3://bucket/prefix", tags: [])
            #expect(a != 0 && b != 0 && a != b)
            let e = try await store.experiment(id: a)
            #expect(e.name == "exp-a")
            #expect(e.lifecycleStage == .active)
            #expect(e.tags == [Tag(key: "team", value: "ml")])
            #expect(e.creationTime == 5_000)
            #expect(!e.artifactLocation.isEmpty)
            #expect(try await store.experiment(named: "exp-a") == e)
            #expect(try await store.experiment(id: b).artifactLocation == "s3://bucket/prefix")
        }
    }

    @Test("unknown ids and names are notFound", arguments: TrackingStoreBackends.all)
    func unknownExperiment(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            await expectStoreError(.notFound) { _ = try await store.experiment(id: 4242) }
            await expectStoreError(.notFound) { _ = try await store.experiment(named: "nope") }
            await expectStoreError(.notFound) { try await store.deleteExperiment(id: 4242) }
            await expectStoreError(.notFound) { try await store.restoreExperiment(id: 4242) }
            await expectStoreError(.notFound) { try await store.renameExperiment(id: 4242, newName: "x") }
            await expectStoreError(.notFound) { try await store.setExperimentTag(id: 4242, tag: Tag(key: "k", value: "v")) }
        }
    }

    @Test("a taken name is alreadyExists and creates nothing; an empty name is invalid", arguments: TrackingStoreBackends.validating)
    func duplicateAndEmptyNames(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createExperiment(name: "dup", artifactLocation: nil, tags: [])
            await expectStoreError(.alreadyExists) { _ = try await store.createExperiment(name: "dup", artifactLocation: nil, tags: []) }
            await expectStoreError(.alreadyExists) { _ = try await store.createExperiment(name: "Default", artifactLocation: nil, tags: []) }
            await expectStoreError(.invalidParameter) { _ = try await store.createExperiment(name: "", artifactLocation: nil, tags: []) }
            await expectStoreError(.invalidParameter) {
                _ = try await store.createExperiment(name: String(repeating: "n", count: TrackingValidation.maxExperimentNameLength + 1),
                                                     artifactLocation: nil, tags: [])
            }
            #expect(try await store.allExperimentIDs(view: .all).count == 2)
        }
    }

    @Test("rename frees the old name; a taken name is alreadyExists", arguments: TrackingStoreBackends.validating)
    func rename(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.createExperiment(name: "old", artifactLocation: nil, tags: [])
            _ = try await store.createExperiment(name: "taken", artifactLocation: nil, tags: [])
            try await store.renameExperiment(id: id, newName: "new")
            #expect(try await store.experiment(id: id).name == "new")
            #expect(try await store.experiment(named: "new").id == id)
            await expectStoreError(.notFound) { _ = try await store.experiment(named: "old") }
            await expectStoreError(.alreadyExists) { try await store.renameExperiment(id: id, newName: "taken") }
            await expectStoreError(.invalidParameter) { try await store.renameExperiment(id: id, newName: "") }
            #expect(try await store.experiment(id: id).name == "new")
            // The old name can be used again.
            _ = try await store.createExperiment(name: "old", artifactLocation: nil, tags: [])
        }
    }

    /// MLflow: `rename_experiment` raises `INVALID_STATE` ("Cannot rename a non-active experiment.").
    @Test("renaming a deleted experiment is refused with invalidState", arguments: TrackingStoreBackends.all)
    func renameDeleted(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.createExperiment(name: "gone", artifactLocation: nil, tags: [])
            try await store.deleteExperiment(id: id)
            await expectStoreError(.invalidState) { try await store.renameExperiment(id: id, newName: "again") }
            #expect(try await store.experiment(id: id).name == "gone")
        }
    }

    @Test("experiment tags: set, overwrite, delete; a missing key is notFound; bad keys are invalid", arguments: TrackingStoreBackends.validating)
    func experimentTags(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.createExperiment(name: "tagged", artifactLocation: nil, tags: [])
            try await store.setExperimentTag(id: id, tag: Tag(key: "a", value: "1"))
            try await store.setExperimentTag(id: id, tag: Tag(key: "b", value: "2"))
            try await store.setExperimentTag(id: id, tag: Tag(key: "a", value: "overwritten"))
            #expect(Set(try await store.experiment(id: id).tags) == [Tag(key: "a", value: "overwritten"), Tag(key: "b", value: "2")])
            try await store.deleteExperimentTag(id: id, key: "a")
            #expect(try await store.experiment(id: id).tags == [Tag(key: "b", value: "2")])
            await expectStoreError(.notFound) { try await store.deleteExperimentTag(id: id, key: "a") }
            await expectStoreError(.invalidParameter) { try await store.setExperimentTag(id: id, tag: Tag(key: "", value: "1")) }
            await expectStoreError(.invalidParameter) { try await store.setExperimentTag(id: id, tag: Tag(key: "../up", value: "1")) }
            await expectStoreError(.invalidParameter) {
                try await store.setExperimentTag(id: id, tag: Tag(key: "long", value: String(repeating: "x", count: TrackingValidation.maxExperimentTagValueLength + 1)))
            }
            // A deleted experiment takes no tag changes.
            try await store.deleteExperiment(id: id)
            await expectStoreError(.invalidParameter) { try await store.setExperimentTag(id: id, tag: Tag(key: "c", value: "3")) }
            #expect(try await store.experiment(id: id).tags == [Tag(key: "b", value: "2")])
        }
    }

    @Test("delete hides the experiment and its runs from active views; restore brings both back", arguments: TrackingStoreBackends.all)
    func deleteAndRestore(_ backend: TrackingStoreBackend) async throws {
        let clock = ContractClock()
        try await backend.withStore(clock: clock) { store in
            let id = try await store.createExperiment(name: "to-delete", artifactLocation: nil, tags: [])
            let r1 = try await store.newRun(id, name: "r1", start: 1)
            let r2 = try await store.newRun(id, name: "r2", start: 2)
            let elsewhere = try await store.newRun(0, name: "other", start: 3)
            clock.advance()
            try await store.deleteExperiment(id: id)
            #expect(try await store.experiment(id: id).lifecycleStage == .deleted)
            #expect(try await store.run(id: r1).info.lifecycleStage == .deleted)
            #expect(try await store.run(id: r2).info.lifecycleStage == .deleted)
            #expect(try await store.run(id: elsewhere).info.lifecycleStage == .active)
            #expect(try await store.allExperimentIDs(view: .activeOnly) == [0])
            #expect(try await store.allExperimentIDs(view: .deletedOnly) == [id])
            #expect(Set(try await store.allExperimentIDs(view: .all)) == [0, id])
            // A deleted experiment takes no new runs, and its name stays taken.
            await expectStoreError(.invalidParameter) { _ = try await store.newRun(id) }
            await expectStoreError(.alreadyExists) { _ = try await store.createExperiment(name: "to-delete", artifactLocation: nil, tags: []) }
            // Restore: only a deleted experiment can be restored.
            await expectStoreError(.notFound) { try await store.restoreExperiment(id: 0) }
            clock.advance()
            try await store.restoreExperiment(id: id)
            #expect(try await store.experiment(id: id).lifecycleStage == .active)
            #expect(try await store.run(id: r1).info.lifecycleStage == .active)
            #expect(try await store.run(id: r2).info.lifecycleStage == .active)
            #expect(Set(try await store.allRunIDs([id])) == [r1, r2])
        }
    }

    /// MLflow's `delete_experiment` looks the experiment up with `ViewType.ACTIVE_ONLY`, so a second
    /// delete is `RESOURCE_DOES_NOT_EXIST`.
    @Test("deleting an already deleted experiment is notFound", arguments: TrackingStoreBackends.all)
    func deleteTwice(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.createExperiment(name: "twice", artifactLocation: nil, tags: [])
            try await store.deleteExperiment(id: id)
            await expectStoreError(.notFound) { try await store.deleteExperiment(id: id) }
        }
    }

    /// Runs deleted together with an experiment come back when it is restored, however often the
    /// delete was sent (a client retrying `experiments/delete` must not lose its runs).
    @Test("a repeated delete does not keep the experiment's runs deleted after restore", arguments: TrackingStoreBackends.all)
    func repeatedDeleteThenRestore(_ backend: TrackingStoreBackend) async throws {
        let clock = ContractClock()
        try await backend.withStore(clock: clock) { store in
            let id = try await store.createExperiment(name: "retried", artifactLocation: nil, tags: [])
            let run = try await store.newRun(id, start: 1)
            clock.advance()
            try await store.deleteExperiment(id: id)
            clock.advance()
            try? await store.deleteExperiment(id: id)
            clock.advance()
            try await store.restoreExperiment(id: id)
            let stage = try await store.run(id: run).info.lifecycleStage
            #expect(stage == .active)
        }
    }

    @Test("runs deleted on their own before the experiment stay deleted after its restore", arguments: TrackingStoreBackends.all)
    func restoreKeepsEarlierRunDeletions(_ backend: TrackingStoreBackend) async throws {
        let clock = ContractClock()
        try await backend.withStore(clock: clock) { store in
            let id = try await store.createExperiment(name: "mixed", artifactLocation: nil, tags: [])
            let kept = try await store.newRun(id, name: "kept", start: 1)
            let dropped = try await store.newRun(id, name: "dropped", start: 2)
            try await store.deleteRun(id: dropped)
            clock.advance()
            try await store.deleteExperiment(id: id)
            clock.advance()
            try await store.restoreExperiment(id: id)
            #expect(try await store.run(id: kept).info.lifecycleStage == .active)
            #expect(try await store.run(id: dropped).info.lifecycleStage == .deleted)
        }
    }

    @Test("experiment search: view types, name filter, order, and paging without gaps or repeats", arguments: TrackingStoreBackends.all)
    func searchExperiments(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            var ids: [Int64] = []
            for i in 0..<7 { ids.append(try await store.createExperiment(name: "page-\(i)", artifactLocation: nil, tags: [])) }
            try await store.deleteExperiment(id: ids[3])
            let all = try await store.allExperimentIDs(view: .all, orderBy: ["name ASC"])
            #expect(all == [0] + ids)
            for size in [1, 2, 3, 8] {
                #expect(try await store.allExperimentIDs(view: .all, orderBy: ["name ASC"], pageSize: size) == all, "page size \(size)")
                #expect(Set(try await store.allExperimentIDs(view: .all, pageSize: size)) == Set(all), "page size \(size)")
            }
            #expect(try await store.allExperimentIDs(view: .activeOnly, filter: "name LIKE 'page-%'", orderBy: ["name DESC"])
                    == ids.filter { $0 != ids[3] }.reversed())
            #expect(try await store.allExperimentIDs(view: .deletedOnly) == [ids[3]])
            try await store.setExperimentTag(id: ids[5], tag: Tag(key: "team", value: "ml"))
            #expect(try await store.allExperimentIDs(filter: "tags.team = 'ml'") == [ids[5]])
            // A page token gives the same page when used again.
            let first = try await store.searchExperiments(view: .all, filter: nil, orderBy: ["name ASC"], maxResults: 3, pageToken: nil)
            let token = try #require(first.nextPageToken)
            let second = try await store.searchExperiments(view: .all, filter: nil, orderBy: ["name ASC"], maxResults: 3, pageToken: token)
            let again = try await store.searchExperiments(view: .all, filter: nil, orderBy: ["name ASC"], maxResults: 3, pageToken: token)
            #expect(second.items.map(\.id) == again.items.map(\.id))
            #expect(second.items.map(\.id) == Array(all[3..<6]))
        }
    }

    @Test("experiment search refuses bad max_results, tokens, filters and order keys", arguments: TrackingStoreBackends.validating)
    func searchExperimentErrors(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            for bad in [0, TrackingValidation.maxResultsLimit + 1] {
                await expectStoreError(.invalidParameter, "\(bad)") {
                    _ = try await store.searchExperiments(view: .all, filter: nil, orderBy: [], maxResults: bad, pageToken: nil)
                }
            }
            await expectStoreError(.invalidParameter) {
                _ = try await store.searchExperiments(view: .all, filter: nil, orderBy: [], maxResults: 10, pageToken: "not a token")
            }
            await expectStoreError(.invalidParameter) {
                _ = try await store.searchExperiments(view: .all, filter: "name >>> 'x'", orderBy: [], maxResults: 10, pageToken: nil)
            }
            await expectStoreError(.invalidParameter) {
                _ = try await store.searchExperiments(view: .all, filter: nil, orderBy: ["nope ASC"], maxResults: 10, pageToken: nil)
            }
        }
    }
}
