import Foundation
import VaneCore

/// What the garbage collector needs of wherever artifacts live, declared here by its consumer:
/// VaneTracking does not import VaneArtifacts; the composition root (VaneServer) gives an
/// adapter over its artifact store.
public protocol DeletedArtifactRemover: Sendable {
    /// Removes the artifacts Vane laid out for a run whose artifact URI is `artifactURI`; a
    /// client-chosen location is left alone. Failures are not fatal to the collection.
    func removeRunArtifacts(runID: String, artifactURI: String) async
    /// Removes the artifact tree Vane laid out for an experiment at `artifactLocation`.
    func removeExperimentArtifacts(experimentID: Int64, artifactLocation: String) async
}

/// Permanently removes soft-deleted runs and experiments, and, through a
/// ``DeletedArtifactRemover``, the artifacts Vane stores for them (`mlflow gc`).
public struct GarbageCollector: Sendable {
    let tracking: any TrackingStore
    let artifacts: any DeletedArtifactRemover

    public init(tracking: any TrackingStore, artifacts: any DeletedArtifactRemover) {
        self.tracking = tracking; self.artifacts = artifacts
    }

    /// What one collection removed.
    public struct Report: Sendable, Equatable {
        public var runs: Int
        public var experiments: Int
    }

    /// Removes runs deleted before `deletedBefore` (all if nil), then experiments (never the
    /// Default experiment). Artifacts go first, so a failure leaves rows that a later run collects.
    public func collect(deletedBefore: EpochMillis?) async throws -> Report {
        let runs = try await tracking.deletedRunIDs(olderThan: deletedBefore)
        for run in runs { await artifacts.removeRunArtifacts(runID: run.runID, artifactURI: run.artifactURI) }
        try await tracking.purgeRuns(ids: runs.map(\.runID))
        let experiments = try await tracking.deletedExperimentIDs(olderThan: deletedBefore).filter { $0.experimentID != 0 }
        for e in experiments { await artifacts.removeExperimentArtifacts(experimentID: e.experimentID, artifactLocation: e.artifactLocation) }
        try await tracking.purgeExperiments(ids: experiments.map(\.experimentID))
        return Report(runs: runs.count, experiments: experiments.count)
    }

    /// Parses ages like `30d`, `12h`, `1d2h30m`, `90s` into milliseconds.
    public static func parseAge(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number = ""
        var sawUnit = false
        for ch in text {
            if ch.isNumber { number.append(ch); continue }
            guard let n = Int64(number) else { return nil }
            let unit: Int64
            switch ch {
            case "d": unit = 86_400_000
            case "h": unit = 3_600_000
            case "m": unit = 60_000
            case "s": unit = 1000
            default: return nil
            }
            total += n * unit
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }
}
