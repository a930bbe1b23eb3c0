import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP

/// `vane gc`: permanently removing soft-deleted runs and experiments and the artifacts Vane stores for them.
@Suite("Garbage collector")
struct GarbageCollectorTests {
    func put(_ vane: VaneTestClient, _ path: String) async throws {
        let r = try await vane.request(.put, VaneTestClient.artifactsAPI + "/" + path, body: ByteBuffer(string: "x"))
        #expect(r.status == .ok)
    }

    func exists(_ vane: VaneTestClient, _ path: String) -> Bool {
        FileManager.default.fileExists(atPath: vane.artifactRoot + "/" + path)
    }

    @Test func removesDeletedRunsAndTheirArtifactsOnly() async throws {
        try await VaneTestClient.with { vane in
            let exp = try await vane.createExperiment("gc")
            let kept = try await vane.createRun(experimentID: exp)
            let dropped = try await vane.createRun(experimentID: exp)
            try await put(vane, "\(exp)/\(kept)/artifacts/a.txt")
            try await put(vane, "\(exp)/\(dropped)/artifacts/a.txt")
            try await vane.post("runs/delete", jsonBody(["run_id": dropped])).expectOK()

            let gc = GarbageCollector(tracking: vane.stores.tracking, artifacts: vane.stores.artifacts)
            let report = try await gc.collect(deletedBefore: nil)
            #expect(report.runs == 1)
            #expect(report.experiments == 0)
            try await vane.get("runs/get?run_id=\(dropped)").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            try await vane.get("runs/get?run_id=\(kept)").expectOK()
            #expect(!exists(vane, "\(exp)/\(dropped)"))
            #expect(exists(vane, "\(exp)/\(kept)/artifacts/a.txt"))

            // Deleting the experiment deletes its runs; gc then removes both and the experiment's directory.
            try await vane.post("experiments/delete", jsonBody(["experiment_id": exp])).expectOK()
            let second = try await gc.collect(deletedBefore: nil)
            #expect(second.runs == 1)
            #expect(second.experiments == 1)
            try await vane.get("experiments/get?experiment_id=\(exp)").expectMLflowError(.notFound, "RESOURCE_DOES_NOT_EXIST")
            #expect(!exists(vane, "\(exp)"))
            // The Default experiment is never purged.
            try await vane.get("experiments/get?experiment_id=0").expectOK()
        }
    }

    @Test func respectsTheAgeCutoff() async throws {
        try await VaneTestClient.with { vane in
            let run = try await vane.createRun()
            try await vane.post("runs/delete", jsonBody(["run_id": run])).expectOK()
            let gc = GarbageCollector(tracking: vane.stores.tracking, artifacts: vane.stores.artifacts)
            // Deleted just now: not older than an hour ago.
            let hourAgo = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
            let report = try await gc.collect(deletedBefore: hourAgo)
            #expect(report.runs == 0 && report.experiments == 0)
            #expect(try await vane.getRun(run).object("info")?.string("lifecycle_stage") == "deleted")
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
        try await VaneTestClient.with { vane in
            let victim = try await vane.createExperiment("victim")
            let run = try await vane.createRun(experimentID: victim)
            try await put(vane, "\(victim)/\(run)/artifacts/model.bin")
            let squatter = try await vane.post("experiments/create", jsonBody(["name": "squatter", "artifact_location": "mlflow-artifacts:/\(victim)"]))
            let squatterID = try #require(try squatter.json().string("experiment_id"))
            try await vane.post("experiments/delete", jsonBody(["experiment_id": squatterID])).expectOK()
            _ = try await GarbageCollector(tracking: vane.stores.tracking, artifacts: vane.stores.artifacts).collect(deletedBefore: nil)
            #expect(exists(vane, "\(victim)/\(run)/artifacts/model.bin"))
        }
    }
}
