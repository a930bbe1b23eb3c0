import VaneText

/// One fault as Vane sees it: the alerts that belong to it, the services and hosts they touch,
/// and what happened to it, in order.
public struct Incident: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        case open, acknowledged, resolved
    }

    /// An entry of the timeline.
    public struct Event: Sendable, Equatable, Codable {
        /// Microseconds since the epoch.
        public var at: Int64
        /// `opened`, `alert_joined`, `alert_resolved`, `alert_fired_again`, `change`, `acknowledged`,
        /// `resolved`, `reopened`, `merged`.
        public var kind: String
        public var detail: String
        /// Who or what did it: `vane` for the engine, a user's name otherwise.
        public var by: String
    }

    public var id: String
    public var state: State
    /// The alerts, by fingerprint, in the order they joined.
    public var alerts: [Fingerprint]
    public var services: Set<String>
    public var hosts: Set<String>
    /// When it opened and (last) resolved, microseconds.
    public var openedAt: Int64
    public var resolvedAt: Int64?
    /// The earliest start of its alerts (for time to detect).
    public var firstAlertAt: Int64
    /// The latest start of an alert that joined it.
    public var lastAlertAt: Int64
    public var timeline: [Event]
    /// Closed by a person as noise (a false positive).
    public var noise = false
}

/// A suspect for an incident's cause, with its score and the evidence behind it.
public struct RootCause: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case service, host, change
    }

    public var kind: Kind
    /// The service, the host, or the change's id.
    public var name: String
    public var score: Double
    public var evidence: [String]
}

extension RootCause {
    /// `"root_causes": [{"kind", "name", "score", "evidence"}]`, as the replay and the API write them.
    public static func write(_ causes: [RootCause], to w: inout JSONWriter) {
        w.beginArray("root_causes")
        for cause in causes {
            w.beginObject()
            w.field("kind", cause.kind.rawValue)
            w.field("name", cause.name)
            w.field("score", cause.score)
            w.beginArray("evidence")
            for sentence in cause.evidence { w.element(sentence) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
    }
}
