import Synchronization

/// The settings a running server may change without a restart (on `SIGHUP` or
/// `POST /api/vane/v1/-/reload`): read by the request checks on every request.
public final class LiveSettings: Sendable {
    /// One consistent set of the reloadable settings.
    public struct Snapshot: Sendable, Equatable {
        /// The `Host` names and browser origins the server accepts.
        public var crossSite: CrossSitePolicy
        /// Whether requests need credentials.
        public var authentication: Bool

        public init(crossSite: CrossSitePolicy, authentication: Bool) {
            self.crossSite = crossSite
            self.authentication = authentication
        }
    }

    private let state: Mutex<Snapshot>

    public init(_ snapshot: Snapshot) { state = Mutex(snapshot) }

    /// The reloadable part of `configuration`.
    public convenience init(_ configuration: VaneServerConfiguration) {
        self.init(Snapshot(crossSite: configuration.crossSite, authentication: configuration.authentication))
    }

    /// The settings now.
    public var current: Snapshot { state.withLock { $0 } }

    /// Replaces every setting at once.
    func replace(with snapshot: Snapshot) { state.withLock { $0 = snapshot } }
}
