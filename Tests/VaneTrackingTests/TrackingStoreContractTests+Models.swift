import Foundation
import Testing
import VaneCore
import VaneTracking

private typealias Tag = VaneTracking.Tag

/// What any ``TrackingStore`` must do with MLflow 3 logged models and with garbage collection.
@Suite("Tracking store contract: logged models and garbage collection")
struct TrackingStoreModelContractTests {
    @Test("logged models: create pending, get, finalize, tags, metrics by model id, outputs, delete", arguments: TrackingStoreBackends.validating)
    func loggedModelLifecycle(_ backend: TrackingStoreBackend) async throws {
        let clock = ContractClock(10_000)
        try await backend.withStore(clock: clock) { store in
            let exp = try await store.createExperiment(name: "models", artifactLocation: nil, tags: [])
            let run = try await store.newRun(exp)
            let m = try await store.createLoggedModel(experimentID: exp, name: "model", modelType: "sklearn", sourceRunID: run,
                                                      params: [Param(key: "alpha", value: "0.5")], tags: [Tag(key: "stage", value: "dev")])
            #expect(m.modelID.hasPrefix("m-") && m.modelID.count == 34)
            #expect(m.status == .pending)
            #expect(m.name == "model" && m.experimentID == exp && m.sourceRunID == run && m.modelType == "sklearn")
            #expect(m.creationTimestamp == 10_000)
            #expect(m.params == [Param(key: "alpha", value: "0.5")])
            #expect(m.tags == [Tag(key: "stage", value: "dev")])
            #expect(try await store.loggedModel(id: m.modelID) == m)

            clock.advance()
            let ready = try await store.finalizeLoggedModel(id: m.modelID, status: .ready)
            #expect(ready.status == .ready)
            #expect(ready.lastUpdatedTimestamp == 11_000)
            #expect(ready.creationTimestamp == 10_000)

            try await store.setLoggedModelTags(id: m.modelID, tags: [Tag(key: "stage", value: "prod"), Tag(key: "owner", value: "me")])
            #expect(Set(try await store.loggedModel(id: m.modelID).tags) == [Tag(key: "owner", value: "me"), Tag(key: "stage", value: "prod")])
            try await store.deleteLoggedModelTag(id: m.modelID, key: "owner")
            #expect(try await store.loggedModel(id: m.modelID).tags == [Tag(key: "stage", value: "prod")])
            await expectStoreError(.notFound) { try await store.deleteLoggedModelTag(id: m.modelID, key: "owner") }
            await expectStoreError(.invalidParameter) { try await store.setLoggedModelTags(id: m.modelID, tags: [Tag(key: "", value: "x")]) }

            try await store.logBatch(runID: run, metrics: [point("acc", 0.9, step: 1, ts: 5, model: m.modelID)], params: [], tags: [])
            #expect(try await store.loggedModel(id: m.modelID).metrics == [Metric(key: "acc", value: 0.9, timestamp: 5, step: 1, runID: run, modelID: m.modelID)])
            try await store.logOutputs(runID: run, models: [ModelOutput(modelID: m.modelID, step: 0)])
            #expect(try await store.run(id: run).outputs == [ModelOutput(modelID: m.modelID, step: 0)])

            try await store.deleteLoggedModel(id: m.modelID)
            await expectStoreError(.notFound) { _ = try await store.loggedModel(id: m.modelID) }
            await expectStoreError(.notFound) { _ = try await store.finalizeLoggedModel(id: m.modelID, status: .ready) }
            await expectStoreError(.notFound) { try await store.setLoggedModelTags(id: m.modelID, tags: []) }
            await expectStoreError(.notFound) { try await store.deleteLoggedModel(id: "m-0123456789abcdef0123456789abcdef") }
        }
    }

    @Test("a logged model needs an existing experiment and source run; a missing name is generated", arguments: TrackingStoreBackends.all)
    func loggedModelReferences(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            await expectStoreError(.notFound) {
                _ = try await store.createLoggedModel(experimentID: 99, name: "x", modelType: nil, sourceRunID: nil, params: [], tags: [])
            }
            await expectStoreError(.notFound) {
                _ = try await store.createLoggedModel(experimentID: 0, name: "x", modelType: nil, sourceRunID: "0123456789abcdef0123456789abcdef",
                                                      params: [], tags: [])
            }
            let unnamed = try await store.createLoggedModel(experimentID: 0, name: nil, modelType: nil, sourceRunID: nil, params: [], tags: [])
            #expect(!unnamed.name.isEmpty)
            #expect(try await store.searchLoggedModels(experimentIDs: [0], filter: nil, maxResults: 10, pageToken: nil).items.map(\.modelID)
                    == [unnamed.modelID])
        }
    }

    @Test("logged model search: by experiment and by name, paged without gaps or repeats, deleted models hidden",
          arguments: TrackingStoreBackends.all)
    func searchLoggedModels(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let e1 = try await store.createExperiment(name: "e1", artifactLocation: nil, tags: [])
            let e2 = try await store.createExperiment(name: "e2", artifactLocation: nil, tags: [])
            var inE1: [String] = []
            for i in 0..<5 {
                inE1.append(try await store.createLoggedModel(experimentID: e1, name: i == 0 ? "model" : "other-\(i)", modelType: nil,
                                                              sourceRunID: nil, params: [], tags: []).modelID)
            }
            let c = try await store.createLoggedModel(experimentID: e2, name: "model", modelType: nil, sourceRunID: nil, params: [], tags: []).modelID
            #expect(Set(try await store.searchLoggedModels(experimentIDs: [e1], filter: nil, maxResults: 100, pageToken: nil).items.map(\.modelID))
                    == Set(inE1))
            #expect(try await store.searchLoggedModels(experimentIDs: [e1], filter: "name = 'model'", maxResults: 100, pageToken: nil).items.map(\.modelID)
                    == [inE1[0]])
            #expect(Set(try await store.searchLoggedModels(experimentIDs: [e1, e2], filter: "name = 'model'", maxResults: 100, pageToken: nil)
                .items.map(\.modelID)) == [inE1[0], c])
            for size in [1, 2, 4] {
                var seen: [String] = []
                var token: String?
                var pages = 0
                repeat {
                    let page = try await store.searchLoggedModels(experimentIDs: [e1, e2], filter: nil, maxResults: size, pageToken: token)
                    #expect(page.items.count <= size)
                    seen += page.items.map(\.modelID)
                    token = page.nextPageToken
                    pages += 1
                } while token != nil && pages < 50
                #expect(seen.count == 6 && Set(seen) == Set(inE1 + [c]), "page size \(size)")
            }
            try await store.deleteLoggedModel(id: inE1[0])
            #expect(try await store.searchLoggedModels(experimentIDs: [e1], filter: "name = 'model'", maxResults: 100, pageToken: nil).items.isEmpty)
            await expectStoreError(.invalidParameter) {
                _ = try await store.searchLoggedModels(experimentIDs: [e1], filter: nil, maxResults: 0, pageToken: nil)
            }
            await expectStoreError(.invalidParameter) {
                _ = try await store.searchLoggedModels(experimentIDs: [e1], filter: nil, maxResults: 10, pageToken: "not a token")
            }
        }
    }

    @Test("garbage collection lists deleted runs and experiments by age and purges only deleted ones", arguments: TrackingStoreBackends.all)
    func garbageCollection(_ backend: TrackingStoreBackend) async throws {
        let clock = ContractClock(1_000_000)
        try await backend.withStore(clock: clock) { store in
            let exp = try await store.createExperiment(name: "gc", artifactLocation: nil, tags: [])
            let old = try await store.newRun(exp, start: 1)
            let recent = try await store.newRun(0, start: 2)
            let live = try await store.newRun(0, start: 3)
            try await store.deleteRun(id: old)
            let oldDeletion = clock.nowMillis()
            clock.advance(by: 60_000)
            try await store.deleteRun(id: recent)

            #expect(Set(try await store.deletedRunIDs(olderThan: nil).map(\.runID)) == [old, recent])
            #expect(try await store.deletedRunIDs(olderThan: oldDeletion).map(\.runID) == [old])
            let listed = try await store.deletedRunIDs(olderThan: nil)
            #expect(listed.first { $0.runID == old }?.artifactURI == (try await store.run(id: old)).info.artifactURI)
            #expect(try await store.deletedExperimentIDs(olderThan: nil).isEmpty)

            // Purging an active run is a no-op; purging a deleted one removes it for good.
            try await store.purgeRuns(ids: [old, live])
            await expectStoreError(.notFound) { _ = try await store.run(id: old) }
            #expect(try await store.run(id: live).info.lifecycleStage == .active)
            #expect(Set(try await store.deletedRunIDs(olderThan: nil).map(\.runID)) == [recent])

            clock.advance()
            try await store.deleteExperiment(id: exp)
            let deleted = try await store.deletedExperimentIDs(olderThan: nil)
            #expect(deleted.map(\.experimentID) == [exp])
            #expect(deleted.first?.artifactLocation == (try await store.experiment(id: exp)).artifactLocation)
            #expect(try await store.deletedExperimentIDs(olderThan: oldDeletion).isEmpty)
            try await store.purgeExperiments(ids: [exp, 0])
            await expectStoreError(.notFound) { _ = try await store.experiment(id: exp) }
            #expect(try await store.experiment(id: 0).lifecycleStage == .active)
            // The purged experiment's name is free again.
            _ = try await store.createExperiment(name: "gc", artifactLocation: nil, tags: [])
        }
    }
}
