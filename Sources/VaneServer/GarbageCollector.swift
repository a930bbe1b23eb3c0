import Foundation
import VaneArtifacts
import VaneCore
import VaneTracking

/// Permanently removes soft-deleted runs and experiments and the artifacts Vane stores for them.
///
/// It lives in the composition module rather than in VaneTracking because it spans two domains:
/// the tracking store's deleted rows and the artifact store's directories (VaneTracking does not
/// import VaneArtifacts).
public struct GarbageCollector: Sendable {
    let tracking: any TrackingStore
    let artifacts: any ArtifactStore

    public init(tracking: any TrackingStore, artifacts: any ArtifactStore) {
        self.tracking = tracking; self.artifacts = artifacts
    }

    /// What one collection removed.
    public struct Report: Sendable, Equatable {
        public var runs: Int
        public var experiments: Int
    }

    /// Removes runs deleted before `deletedBefore` (all if nil), then experiments.
    public func collect(deletedBefore: EpochMillis?) async throws -> Report {
        let runs = try await tracking.deletedRunIDs(olderThan: deletedBefore)
        // Only trees Vane itself laid out are removed: `<experiment>/<run>/artifacts` for a run and
        // `<experiment>` for an experiment. A client-chosen location is never deleted wholesale.
        for run in runs {
            if let path = try? ArtifactURI.storePath(of: run.artifactURI), path.components.count == 3,
               path.components[1] == run.runID, path.components[2] == "artifacts" {
                try? await artifacts.delete(ArtifactPath(trustedComponents: Array(path.components.prefix(2))))
            }
        }
        try await tracking.purgeRuns(ids: runs.map(\.runID))
        let experiments = try await tracking.deletedExperimentIDs(olderThan: deletedBefore).filter { $0.experimentID != 0 }
        for e in experiments {
            if let path = try? ArtifactURI.storePath(of: e.artifactLocation), path.components == [String(e.experimentID)] {
                try? await artifacts.delete(path)
            }
        }
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
