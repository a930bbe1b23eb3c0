import Foundation
import Testing
import VaneCore
import VaneTracking

private typealias Tag = VaneTracking.Tag

/// What any ``TrackingStore`` must do with runs, their params, tags, inputs and lifecycle.
@Suite("Tracking store contract: runs")
struct TrackingStoreRunContractTests {
    @Test("create stores every field; the run name comes from run_name, else the mlflow.runName tag, else is generated",
          arguments: TrackingStoreBackends.all)
    func createRun(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let exp = try await store.createExperiment(name: "e", artifactLocation: "s3://bucket/e", tags: [])
            let run = try await store.createRun(experimentID: exp, userID: "alice", runName: nil, startTime: 1234,
                                                tags: [Tag(key: "mlflow.runName", value: "from-tag"), Tag(key: "k", value: "v")])
            #expect(run.info.runName == "from-tag")
            #expect(run.tagValue("mlflow.runName") == "from-tag")
            #expect(run.tagValue("k") == "v")
            #expect(run.info.userID == "alice")
            #expect(run.info.status == .running)
            #expect(run.info.startTime == 1234)
            #expect(run.info.endTime == nil)
            #expect(run.info.lifecycleStage == .active)
            #expect(run.info.experimentID == exp)
            #expect(run.info.runID.count == 32 && run.info.runID.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            // MLflow: append_to_uri_path(experiment.artifact_location, run_id, "artifacts").
            #expect(run.info.artifactURI == "s3://bucket/e/\(run.info.runID)/artifacts")
            #expect(run.metrics.isEmpty && run.params.isEmpty && run.inputs.isEmpty && run.outputs.isEmpty)
            #expect(try await store.run(id: run.info.runID) == run)

            let named = try await store.createRun(experimentID: exp, userID: "", runName: "explicit", startTime: nil, tags: [])
            #expect(named.info.runName == "explicit")
            #expect(named.tags.filter { $0.key == "mlflow.runName" } == [Tag(key: "mlflow.runName", value: "explicit")])

            let generated = try await store.createRun(experimentID: exp, userID: "", runName: nil, startTime: nil, tags: [])
            #expect(!generated.info.runName.isEmpty)
            #expect(generated.tagValue("mlflow.runName") == generated.info.runName)
            #expect(generated.info.runID != run.info.runID)
        }
    }

    /// MLflow's `create_run`: "Both 'run_name' argument and 'mlflow.runName' tag are specified, but
    /// with different values" is `INVALID_PARAMETER_VALUE`.
    @Test("a run_name and a different mlflow.runName tag at creation are refused", arguments: TrackingStoreBackends.validating)
    func conflictingRunNames(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            await expectStoreError(.invalidParameter) {
                _ = try await store.createRun(experimentID: 0, userID: "", runName: "a", startTime: nil,
                                              tags: [Tag(key: "mlflow.runName", value: "b")])
            }
            // The same name twice is fine.
            let same = try await store.createRun(experimentID: 0, userID: "", runName: "a", startTime: nil, tags: [Tag(key: "mlflow.runName", value: "a")])
            #expect(same.info.runName == "a")
        }
    }

    @Test("unknown experiments and runs are notFound", arguments: TrackingStoreBackends.all)
    func unknownRuns(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let missing = "0123456789abcdef0123456789abcdef"
            await expectStoreError(.notFound) { _ = try await store.newRun(77) }
            await expectStoreError(.notFound) { _ = try await store.run(id: missing) }
            await expectStoreError(.notFound) { _ = try await store.updateRun(id: missing, status: .finished, endTime: nil, runName: nil) }
            await expectStoreError(.notFound) { try await store.deleteRun(id: missing) }
            await expectStoreError(.notFound) { try await store.restoreRun(id: missing) }
            await expectStoreError(.notFound) { try await store.logBatch(runID: missing, metrics: [point("m", 1)], params: [], tags: []) }
            await expectStoreError(.notFound) { try await store.deleteTag(runID: missing, key: "k") }
            let runs = try await store.allRunIDs([0], view: .all)
            #expect(runs.isEmpty)
        }
    }

    @Test("update sets status, end time and name (mirrored in the mlflow.runName tag); nil leaves a field alone",
          arguments: TrackingStoreBackends.all)
    func updateRun(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun(name: "before", start: 10)
            let info = try await store.updateRun(id: id, status: .finished, endTime: 99, runName: "after")
            #expect(info.status == .finished)
            #expect(info.endTime == 99)
            #expect(info.runName == "after")
            #expect(info.startTime == 10)
            let reloaded = try await store.run(id: id)
            #expect(reloaded.info == info)
            #expect(reloaded.tagValue("mlflow.runName") == "after")
            #expect(try await store.updateRun(id: id, status: nil, endTime: nil, runName: nil) == info)
            let failed = try await store.updateRun(id: id, status: .failed, endTime: nil, runName: nil)
            #expect(failed.status == .failed && failed.endTime == 99 && failed.runName == "after")
            // Setting the mlflow.runName tag renames the run too.
            try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "mlflow.runName", value: "by-tag")])
            #expect(try await store.run(id: id).info.runName == "by-tag")
        }
    }

    @Test("delete and restore flip the lifecycle stage; a deleted run stays readable", arguments: TrackingStoreBackends.all)
    func deleteAndRestoreRun(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun(name: "r", start: 1)
            try await store.logBatch(runID: id, metrics: [point("m", 1)], params: [Param(key: "p", value: "1")], tags: [])
            try await store.deleteRun(id: id)
            let deleted = try await store.run(id: id)
            #expect(deleted.info.lifecycleStage == .deleted)
            #expect(deleted.paramValue("p") == "1")
            #expect(deleted.latestMetric("m")?.value == 1)
            try await store.restoreRun(id: id)
            #expect(try await store.run(id: id).info.lifecycleStage == .active)
            // Restoring an active run is harmless (MLflow does not check).
            try await store.restoreRun(id: id)
            #expect(try await store.run(id: id).info.lifecycleStage == .active)
        }
    }

    @Test("a deleted run refuses every write with invalidParameter and keeps its data", arguments: TrackingStoreBackends.all)
    func writesToDeletedRun(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun(tags: [Tag(key: "t", value: "1")])
            try await store.deleteRun(id: id)
            await expectStoreError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [point("m", 1)], params: [], tags: []) }
            await expectStoreError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [], params: [Param(key: "p", value: "1")], tags: []) }
            await expectStoreError(.invalidParameter) { try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "t", value: "2")]) }
            await expectStoreError(.invalidParameter) { _ = try await store.updateRun(id: id, status: .finished, endTime: 1, runName: nil) }
            await expectStoreError(.invalidParameter) { try await store.deleteTag(runID: id, key: "t") }
            let ds = DatasetInput(dataset: Dataset(name: "d", digest: "1", sourceType: "local", source: "{}", schema: nil, profile: nil), tags: [])
            await expectStoreError(.invalidParameter) { try await store.logInputs(runID: id, datasets: [ds]) }
            let run = try await store.run(id: id)
            #expect(run.metrics.isEmpty && run.params.isEmpty && run.inputs.isEmpty)
            #expect(run.tagValue("t") == "1")
            #expect(run.info.status == .running)
        }
    }

    @Test("tags: set overwrites, delete removes, deleting a missing key is notFound", arguments: TrackingStoreBackends.all)
    func runTags(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun(tags: [Tag(key: "x", value: "1")])
            try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "x", value: "2"), Tag(key: "y", value: "")])
            var run = try await store.run(id: id)
            #expect(run.tagValue("x") == "2")
            #expect(run.tagValue("y") == "")
            try await store.deleteTag(runID: id, key: "x")
            run = try await store.run(id: id)
            #expect(run.tagValue("x") == nil)
            #expect(run.tagValue("y") == "")
            await expectStoreError(.notFound) { try await store.deleteTag(runID: id, key: "x") }
        }
    }

    @Test("params are immutable: the same value again is accepted, a different one refused", arguments: TrackingStoreBackends.all)
    func paramsImmutable(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun()
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "lr", value: "0.1")], tags: [])
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "lr", value: "0.1")], tags: [])
            await expectStoreError(.invalidParameter) {
                try await store.logBatch(runID: id, metrics: [], params: [Param(key: "lr", value: "0.2")], tags: [])
            }
            let max = String(repeating: "v", count: TrackingValidation.maxParamValueLength)
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "long", value: max)], tags: [])
            let run = try await store.run(id: id)
            #expect(run.params.count == 2)
            #expect(run.paramValue("lr") == "0.1")
            #expect(run.paramValue("long") == max)
        }
    }

    @Test("a rejected batch writes nothing, whichever item is at fault", arguments: TrackingStoreBackends.validating)
    func rejectedBatchWritesNothing(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun()
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "fixed", value: "a")], tags: [])
            let good = (metrics: [point("loss", 0.5, step: 1), point("acc", 0.9, step: 1)],
                        params: [Param(key: "fresh", value: "1")], tags: [Tag(key: "batch-tag", value: "x")])
            // A param that changes a stored value, placed after valid items.
            await expectStoreError(.invalidParameter) {
                try await store.logBatch(runID: id, metrics: good.metrics, params: good.params + [Param(key: "fixed", value: "b")], tags: good.tags)
            }
            // Two values for one param inside the batch.
            await expectStoreError(.invalidParameter) {
                try await store.logBatch(runID: id, metrics: good.metrics,
                                         params: good.params + [Param(key: "twice", value: "1"), Param(key: "twice", value: "2")], tags: good.tags)
            }
            // An invalid key at the end.
            await expectStoreError(.invalidParameter) {
                try await store.logBatch(runID: id, metrics: good.metrics + [point("bad//key", 1)], params: good.params, tags: good.tags)
            }
            // Over MLflow's limits (1000 metrics, 100 params, 100 tags).
            await expectStoreError(.invalidParameter) {
                try await store.logBatch(runID: id, metrics: (0...TrackingValidation.maxMetricsPerBatch).map { point("m", Double($0), step: Int64($0)) },
                                         params: [], tags: [])
            }
            await expectStoreError(.invalidParameter) {
                try await store.logBatch(runID: id, metrics: [], params: (0...TrackingValidation.maxParamsPerBatch).map { Param(key: "p\($0)", value: "1") }, tags: [])
            }
            await expectStoreError(.invalidParameter) {
                try await store.logBatch(runID: id, metrics: [], params: [], tags: (0...TrackingValidation.maxTagsPerBatch).map { Tag(key: "t\($0)", value: "1") })
            }
            let run = try await store.run(id: id)
            #expect(run.metrics.isEmpty)
            #expect(run.params == [Param(key: "fixed", value: "a")])
            #expect(run.tagValue("batch-tag") == nil)
            #expect(try await store.metricHistory(runID: id, key: "loss", maxResults: nil, pageToken: nil).items.isEmpty)
            #expect(try await store.metricHistory(runID: id, key: "m", maxResults: nil, pageToken: nil).items.isEmpty)
            // The same batch without the fault goes through whole.
            try await store.logBatch(runID: id, metrics: good.metrics, params: good.params, tags: good.tags)
            let after = try await store.run(id: id)
            #expect(after.metrics.count == 2 && after.params.count == 2 && after.tagValue("batch-tag") == "x")
        }
    }

    @Test("invalid metric, param and tag keys are refused", arguments: TrackingStoreBackends.validating)
    func invalidKeys(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun()
            for key in ["", "a//b", "a/../b", "x/", "..", "/abs", "a\u{0}b", "semi;colon", String(repeating: "k", count: 251)] {
                await expectStoreError(.invalidParameter, key) { try await store.logBatch(runID: id, metrics: [point(key, 1)], params: [], tags: []) }
                await expectStoreError(.invalidParameter, key) {
                    try await store.logBatch(runID: id, metrics: [], params: [Param(key: key, value: "1")], tags: [])
                }
                await expectStoreError(.invalidParameter, key) { try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: key, value: "1")]) }
            }
            // What MLflow allows: alphanumerics, _ - . space : / and Unicode letters.
            try await store.logBatch(runID: id, metrics: [point("val/loss: top-1 ü.x_y", 1)], params: [], tags: [])
            let run = try await store.run(id: id)
            #expect(run.metrics.map(\.key) == ["val/loss: top-1 ü.x_y"])
            #expect(run.params.isEmpty)
        }
    }

    @Test("log-inputs stores datasets with their input tags, once per (name, digest)", arguments: TrackingStoreBackends.all)
    func logInputs(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let run = try await store.newRun()
            let ds = Dataset(name: "iris", digest: "abc123", sourceType: "local", source: "{\"uri\": \"/data\"}", schema: "{}", profile: nil)
            let training = DatasetInput(dataset: ds, tags: [Tag(key: "mlflow.data.context", value: "training")])
            try await store.logInputs(runID: run, datasets: [training, training])
            try await store.logInputs(runID: run, datasets: [training])
            #expect(try await store.run(id: run).inputs == [training])
            let v2 = DatasetInput(dataset: Dataset(name: "iris", digest: "def456", sourceType: "local", source: "{}", schema: nil, profile: "{\"rows\": 3}"),
                                  tags: [])
            try await store.logInputs(runID: run, datasets: [v2])
            let inputs = try await store.run(id: run).inputs
            #expect(inputs.count == 2)
            #expect(Set(inputs.map(\.dataset.digest)) == ["abc123", "def456"])
            #expect(inputs.first { $0.dataset.digest == "def456" } == v2)
            await expectStoreError(.notFound) { try await store.logInputs(runID: "0123456789abcdef0123456789abcdef", datasets: [training]) }
        }
    }

    @Test("concurrent writers on one run lose nothing", arguments: TrackingStoreBackends.all)
    func concurrentWriters(_ backend: TrackingStoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.newRun()
            let writers = 8
            let perWriter = 10
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for i in 0..<perWriter {
                            try await store.logBatch(
                                runID: id,
                                metrics: [point("shared", Double(w * 1000 + i), step: Int64(w * perWriter + i), ts: Int64(i))],
                                params: [Param(key: "p\(w)", value: "v\(w)"), Param(key: "common", value: "same")],
                                tags: [Tag(key: "t\(w)", value: "\(i)")])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let run = try await store.run(id: id)
            for w in 0..<writers {
                #expect(run.paramValue("p\(w)") == "v\(w)")
                #expect(run.tagValue("t\(w)") == "\(perWriter - 1)")
            }
            #expect(run.paramValue("common") == "same")
            let shared = try await store.metricHistory(runID: id, key: "shared", maxResults: nil, pageToken: nil).items
            #expect(Set(shared.map(\.step)) == Set((0..<(writers * perWriter)).map(Int64.init)))
            #expect(run.latestMetric("shared")?.step == Int64(writers * perWriter - 1))
        }
    }
}
