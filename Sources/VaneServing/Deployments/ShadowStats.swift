import Synchronization
import VaneCore

/// What a shadow did: requests mirrored to it and dropped because the queue was full, its own
/// errors and latency, and how far its predictions agree with the variant that answered.
public final class ShadowStats: Sendable {
    /// A shadow's figures at one moment.
    public struct Snapshot: Sendable, Equatable {
        /// Requests queued for it.
        public var mirrored: Int
        /// Requests sampled for it that the full queue did not take.
        public var dropped: Int
        /// Requests it scored, failed (including inputs that do not fit it), and their latency.
        public var scoring: RequestStats.Snapshot
        /// Its predictions against the answering variant's, over every row compared.
        public var comparison: PredictionComparison
    }

    /// Its scoring: requests, errors and latency.
    public let scoring = RequestStats()
    private let counts = Mutex((mirrored: 0, dropped: 0, comparison: PredictionComparison()))

    public init() {}

    func mirrored() { counts.withLock { $0.mirrored += 1 } }
    func dropped() { counts.withLock { $0.dropped += 1 } }
    func compared(_ comparison: PredictionComparison) { counts.withLock { $0.comparison.add(comparison) } }

    /// The figures now.
    public func snapshot(at now: EpochMillis) -> Snapshot {
        let c = counts.withLock { $0 }
        return Snapshot(mirrored: c.mirrored, dropped: c.dropped, scoring: scoring.snapshot(at: now).overall, comparison: c.comparison)
    }
}
