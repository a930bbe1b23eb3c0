import Foundation
import Testing
import VaneCore
import VaneStorage
import VaneTracking

/// Names and texts are bounded as MLflow bounds them, and names never hold a NUL byte
/// (issue 12: names of 10 MB and names with NUL bytes were accepted).
@Suite("Tracking store: name and value limits")
struct NameLimitsTests {
    typealias V = TrackingValidation
    typealias Tag = VaneTracking.Tag

    /// A store behind ``ValidatingTrackingStore``, which checks these limits.
    static func makeStore() throws -> ValidatingTrackingStore {
        let db = try VaneDatabase.inMemory()
        var m = SchemaMigrations()
        TrackingSchema.register(in: &m)
        try db.migrate(m)
        return ValidatingTrackingStore(try SQLiteTrackingStore(database: db))
    }

    /// Runs `body` and checks that it throws `.invalidParameter`; returns the message.
    @discardableResult
    static func refused(_ sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            Issue.record("Expected INVALID_PARAMETER_VALUE, but nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as VaneError {
            #expect(error.code == .invalidParameter, "\(error)", sourceLocation: sourceLocation)
            // Never echo a huge input back.
            #expect(error.message.utf8.count < 10_000, sourceLocation: sourceLocation)
            return error.message
        } catch {
            Issue.record("Expected a VaneError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    static let tenMB = String(repeating: "n", count: 10 * 1024 * 1024)
    static func text(_ n: Int) -> String { String(repeating: "é", count: n) }

    @Test("MLflow's own limits")
    func limitsAreMLflows() {
        #expect(V.maxExperimentNameLength == 500)
        #expect(V.maxRunNameLength == 250)
        #expect(V.maxEntityKeyLength == 250)
        #expect(V.maxDatasetNameLength == 500)
        #expect(V.maxDatasetDigestLength == 36)
        #expect(V.maxDatasetSourceLength == 65_535)
        #expect(V.maxDatasetSchemaLength == 1_048_575)
        #expect(V.maxDatasetProfileLength == 16_777_215)
        #expect(V.maxInputTagKeyLength == 255)
        #expect(V.maxInputTagValueLength == 500)
    }

    @Test("experiment names: 500 characters at most, no NUL, on create and rename")
    func experimentNames() async throws {
        let store = try Self.makeStore()
        let message = await Self.refused { _ = try await store.createExperiment(name: Self.tenMB, artifactLocation: nil, tags: []) }
        #expect(message == "'name' exceeds the maximum length of 500 characters")
        await Self.refused { _ = try await store.createExperiment(name: Self.text(501), artifactLocation: nil, tags: []) }
        await Self.refused { _ = try await store.createExperiment(name: "a\u{0}b", artifactLocation: nil, tags: []) }
        // The limit itself is accepted, counted in characters, not bytes.
        let id = try await store.createExperiment(name: Self.text(500), artifactLocation: nil, tags: [])
        #expect(try await store.experiment(id: id).name == Self.text(500))

        await Self.refused { try await store.renameExperiment(id: id, newName: Self.tenMB) }
        await Self.refused { try await store.renameExperiment(id: id, newName: "x\u{0}") }
        try await store.renameExperiment(id: id, newName: String(repeating: "r", count: 500))
        #expect(try await store.experiment(id: id).name.count == 500)
    }

    @Test("run names: 250 characters at most, no NUL, through run_name and the mlflow.runName tag")
    func runNames() async throws {
        let store = try Self.makeStore()
        await Self.refused { _ = try await store.createRun(experimentID: 0, userID: "u", runName: Self.tenMB, startTime: nil, tags: []) }
        await Self.refused { _ = try await store.createRun(experimentID: 0, userID: "u", runName: Self.text(251), startTime: nil, tags: []) }
        await Self.refused { _ = try await store.createRun(experimentID: 0, userID: "u", runName: "a\u{0}b", startTime: nil, tags: []) }
        await Self.refused {
            _ = try await store.createRun(experimentID: 0, userID: "u", runName: nil, startTime: nil,
                                          tags: [Tag(key: "mlflow.runName", value: Self.text(251))])
        }
        await Self.refused { _ = try await store.createRun(experimentID: 0, userID: Self.tenMB, runName: nil, startTime: nil, tags: []) }
        await Self.refused { _ = try await store.createRun(experimentID: 0, userID: "a\u{0}", runName: nil, startTime: nil, tags: []) }

        let run = try await store.createRun(experimentID: 0, userID: "u", runName: Self.text(250), startTime: nil, tags: [])
        #expect(run.info.runName == Self.text(250))
        let id = run.info.runID
        await Self.refused { _ = try await store.updateRun(id: id, status: nil, endTime: nil, runName: Self.text(251)) }
        await Self.refused { _ = try await store.updateRun(id: id, status: nil, endTime: nil, runName: "x\u{0}y") }
        await Self.refused { try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "mlflow.runName", value: Self.text(251))]) }
        await Self.refused { try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "mlflow.runName", value: "a\u{0}")]) }
        #expect(try await store.run(id: id).info.runName == Self.text(250))
        try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "mlflow.runName", value: String(repeating: "z", count: 250))])
        #expect(try await store.run(id: id).info.runName == String(repeating: "z", count: 250))
    }

    @Test("keys: NUL and other control characters are refused, and a 10 MB key is not echoed")
    func keys() async throws {
        let store = try Self.makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "u", runName: "r", startTime: nil, tags: []).info.runID
        for key in ["a\u{0}b", "\u{0}", "a\u{1}", "tab\there"] {
            await Self.refused { try await store.logBatch(runID: id, metrics: [], params: [Param(key: key, value: "v")], tags: []) }
            await Self.refused { try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: key, value: "v")]) }
            await Self.refused { try await store.logBatch(runID: id, metrics: [Metric(key: key, value: 1, timestamp: 1, step: 0)], params: [], tags: []) }
            await Self.refused { try await store.setExperimentTag(id: 0, tag: Tag(key: key, value: "v")) }
        }
        // A long key with a bad character is refused for its length, without being echoed.
        let message = await Self.refused { try await store.logBatch(runID: id, metrics: [], params: [Param(key: Self.tenMB + "\u{0}", value: "v")], tags: []) }
        #expect(message == "'param name' exceeds the maximum length of 250 characters")
        try await store.logBatch(runID: id, metrics: [], params: [Param(key: String(repeating: "k", count: 250), value: "v")], tags: [])
    }

    @Test("logged models: name and model_type bounded, param and tag values bounded")
    func loggedModels() async throws {
        let store = try Self.makeStore()
        func create(name: String? = "m", type: String? = nil, params: [Param] = [], tags: [Tag] = []) async throws -> LoggedModel {
            try await store.createLoggedModel(experimentID: 0, name: name, modelType: type, sourceRunID: nil, params: params, tags: tags)
        }
        await Self.refused { _ = try await create(name: Self.tenMB) }
        await Self.refused { _ = try await create(name: "m\u{0}") }
        await Self.refused { _ = try await create(type: Self.text(501)) }
        await Self.refused { _ = try await create(params: [Param(key: "p", value: Self.text(V.maxParamValueLength + 1))]) }
        await Self.refused { _ = try await create(tags: [Tag(key: "t", value: Self.text(V.maxTagValueLength + 1))]) }
        let model = try await create(name: Self.text(500), type: Self.text(500),
                                     params: [Param(key: "p", value: Self.text(V.maxParamValueLength))],
                                     tags: [Tag(key: "t", value: Self.text(V.maxTagValueLength))])
        #expect(model.name == Self.text(500))
        await Self.refused { try await store.setLoggedModelTags(id: model.modelID, tags: [Tag(key: "t", value: Self.tenMB)]) }
        try await store.setLoggedModelTags(id: model.modelID, tags: [Tag(key: "t2", value: Self.text(V.maxTagValueLength))])
    }

    @Test("datasets: MLflow's name, digest, source, schema, profile and input tag limits")
    func datasets() async throws {
        let store = try Self.makeStore()
        let id = try await store.createRun(experimentID: 0, userID: "u", runName: "r", startTime: nil, tags: []).info.runID
        func dataset(name: String = "d", digest: String = "abc", sourceType: String = "local", source: String = "{}",
                     schema: String? = nil, profile: String? = nil, tags: [Tag] = []) -> [DatasetInput] {
            [DatasetInput(dataset: Dataset(name: name, digest: digest, sourceType: sourceType, source: source, schema: schema, profile: profile), tags: tags)]
        }
        for bad in [
            dataset(name: Self.tenMB), dataset(name: "d\u{0}"), dataset(digest: Self.text(37)), dataset(sourceType: Self.text(37)),
            dataset(source: Self.text(65_536)), dataset(schema: Self.text(1_048_576)),
            dataset(tags: [Tag(key: Self.text(256), value: "v")]), dataset(tags: [Tag(key: "k\u{0}", value: "v")]),
            dataset(tags: [Tag(key: "k", value: Self.text(501))]),
        ] {
            await Self.refused { try await store.logInputs(runID: id, datasets: bad) }
        }
        let message = await Self.refused { try await store.logInputs(runID: id, datasets: dataset(profile: String(repeating: "p", count: 16_777_216))) }
        #expect(message == "'profile' exceeds the maximum length of 16777215 characters")
        #expect(try await store.run(id: id).inputs.isEmpty)

        try await store.logInputs(runID: id, datasets: dataset(
            name: Self.text(500), digest: Self.text(36), sourceType: Self.text(36), source: Self.text(65_535),
            tags: [Tag(key: Self.text(255), value: Self.text(500))]))
        #expect(try await store.run(id: id).inputs.count == 1)
    }
}
