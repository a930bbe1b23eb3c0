import Foundation
import Testing
import VaneArtifacts
import VaneCore
import VaneServer
import VaneStorage
import VaneTracking

/// `vane gc`: permanently removing soft-deleted runs and experiments and the artifacts Vane stores for them.
@Suite("Garbage collector")
struct GarbageCollectorTests {
    /// Stores over an in-memory database and a fresh temporary artifact root, removed afterwards.
    static func withStores<T: Sendable>(_ body: @Sendable (VaneStores) async throws -> T) async throws -> T {
        let tmp = FileManager.default.temporaryDirectory
            .appendingPathComponent("vane-server-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let db = try VaneDatabase.inMemory()
        try db.migrate(VaneStores.migrations)
        return try await body(try VaneStores(database: db, artifacts: try LocalArtifactStore(root: tmp + "/artifacts")))
    }

    func put(_ stores: VaneStores, _ path: String) async throws {
        let writer = try await stores.artifacts.beginWrite(try ArtifactPath(validating: path))
        try await writer.write(contentsOf: Array("x".utf8))
        try await writer.commit()
    }

    func exists(_ stores: VaneStores, _ path: String) async throws -> Bool {
        try await stores.artifacts.info(try ArtifactPath(validating: path)) != nil
    }

    func createRun(_ stores: VaneStores, experimentID: Int64 = 0) async throws -> String {
        try await stores.tracking.createRun(experimentID: experimentID, userID: "gc", runName: nil, startTime: nil, tags: []).info.runID
    }

    func expectNotFound(_ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected RESOURCE_DOES_NOT_EXIST")
        } catch {
            #expect((error as? VaneError)?.code == .notFound)
        }
    }

    @Test func removesDeletedRunsAndTheirArtifactsOnly() async throws {
        try await Self.withStores { stores in
            let exp = try await stores.tracking.createExperiment(name: "gc", artifactLocation: nil, tags: [])
            let kept = try await createRun(stores, experimentID: exp)
            let dropped = try await createRun(stores, experimentID: exp)
            try await put(stores, "\(exp)/\(kept)/artifacts/a.txt")
            try await put(stores, "\(exp)/\(dropped)/artifacts/a.txt")
            try await stores.tracking.deleteRun(id: dropped)

            let gc = GarbageCollector(tracking: stores.tracking, artifacts: ArtifactStoreRemover(store: stores.artifacts))
            let report = try await gc.collect(deletedBefore: nil)
            #expect(report.runs == 1)
            #expect(report.experiments == 0)
            await expectNotFound { _ = try await stores.tracking.run(id: dropped) }
            _ = try await stores.tracking.run(id: kept)
            #expect(try await !exists(stores, "\(exp)/\(dropped)"))
            #expect(try await exists(stores, "\(exp)/\(kept)/artifacts/a.txt"))

            // Deleting the experiment deletes its runs; gc then removes both and the experiment's directory.
            try await stores.tracking.deleteExperiment(id: exp)
            let second = try await gc.collect(deletedBefore: nil)
            #expect(second.runs == 1)
            #expect(second.experiments == 1)
            await expectNotFound { _ = try await stores.tracking.experiment(id: exp) }
            #expect(try await !exists(stores, "\(exp)"))
            // The Default experiment is never purged.
            _ = try await stores.tracking.experiment(id: 0)
        }
    }

    @Test func respectsTheAgeCutoff() async throws {
        try await Self.withStores { stores in
            let run = try await createRun(stores)
            try await stores.tracking.deleteRun(id: run)
            let gc = GarbageCollector(tracking: stores.tracking, artifacts: ArtifactStoreRemover(store: stores.artifacts))
            // Deleted just now: not older than an hour ago.
            let hourAgo = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
            let report = try await gc.collect(deletedBefore: hourAgo)
            #expect(report.runs == 0 && report.experiments == 0)
            #expect(try await stores.tracking.run(id: run).info.lifecycleStage == .deleted)
        }
    }

    @Test func parsesAges() {
        let thirtyDays: Int64 = 30 * 86_400_000
        let mixed: Int64 = 86_400_000 + 2 * 3_600_000 + 30 * 60_000
        #expect(GarbageCollector.parseAge("30d") == thirtyDays)
        #expect(GarbageCollector.parseAge("1d2h30m") == mixed)
        #expect(GarbageCollector.parseAge("90s") == 90_000)
        #expect(GarbageCollector.parseAge("") == nil)
        #expect(GarbageCollector.parseAge("12") == nil)
        #expect(GarbageCollector.parseAge("5x") == nil)
    }

    /// An experiment may be created with another experiment's artifact directory as its location
    /// (`mlflow-artifacts:/<other id>`); deleting it and running gc then removes that directory
    /// recursively, destroying the artifacts of the other, live experiment's runs.
    @Test
    func purgingAnExperimentNeverRemovesAnotherExperimentsArtifacts() async throws {
        try await Self.withStores { stores in
            let victim = try await stores.tracking.createExperiment(name: "victim", artifactLocation: nil, tags: [])
            let run = try await createRun(stores, experimentID: victim)
            try await put(stores, "\(victim)/\(run)/artifacts/model.bin")
            let squatter = try await stores.tracking.createExperiment(name: "squatter", artifactLocation: "mlflow-artifacts:/\(victim)", tags: [])
            try await stores.tracking.deleteExperiment(id: squatter)
            _ = try await GarbageCollector(tracking: stores.tracking, artifacts: ArtifactStoreRemover(store: stores.artifacts)).collect(deletedBefore: nil)
            #expect(try await exists(stores, "\(victim)/\(run)/artifacts/model.bin"))
        }
    }
}
