import Metrics
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
    /// `/metrics` handles, for a declared shadow (see ``DeploymentMetrics``).
    private let metrics: (mirrored: Counter, dropped: Counter, errors: Counter, agreement: Gauge)?

    /// Figures kept in memory only.
    public init() { metrics = nil }

    /// Figures also published as `vane_deployment_shadow_*{deployment, shadow}`.
    public init(deployment: String, shadow: String, factory: any MetricsFactory = MetricsSystem.factory) {
        let dims = [("deployment", deployment), ("shadow", shadow)]
        metrics = (Counter(label: "vane_deployment_shadow_mirrored_total", dimensions: dims, factory: factory),
                   Counter(label: "vane_deployment_shadow_dropped_total", dimensions: dims, factory: factory),
                   Counter(label: "vane_deployment_shadow_errors_total", dimensions: dims, factory: factory),
                   Gauge(label: "vane_deployment_shadow_agreement", dimensions: dims, factory: factory))
    }

    func mirrored() { counts.withLock { $0.mirrored += 1 }; metrics?.mirrored.increment() }
    func dropped() { counts.withLock { $0.dropped += 1 }; metrics?.dropped.increment() }
    func failed() { metrics?.errors.increment() }
    func compared(_ comparison: PredictionComparison) {
        let share = counts.withLock { c -> Double? in
            c.comparison.add(comparison)
            return c.comparison.agreement
        }
        if let share { metrics?.agreement.record(share) }
    }

    /// The figures now.
    public func snapshot(at now: EpochMillis) -> Snapshot {
        let c = counts.withLock { $0 }
        return Snapshot(mirrored: c.mirrored, dropped: c.dropped, scoring: scoring.snapshot(at: now).overall, comparison: c.comparison)
    }
}
