/// A change to what runs in production — a deployment applied or deleted, a rollout step, a
/// rollback — recorded so that, when something breaks, recent changes can be ranked as suspects.
public struct ChangeEvent: Sendable, Equatable, Codable {
    /// A unique id (32 hex digits).
    public var id: String
    public var time: EpochMillis
    /// What kind of thing changed: `deployment`.
    public var kind: String
    /// Which one: the deployment's name.
    public var subject: String
    /// What happened, in a word: `applied`, `deleted`, `rollout_step`, `rolled_back`, …
    public var action: String
    /// One line for a person.
    public var summary: String
    /// Details by name (versions, weights, the guard and its measured value).
    public var details: [String: String]

    public init(id: String = Identifiers.hex32(), time: EpochMillis, kind: String, subject: String, action: String,
                summary: String, details: [String: String] = [:]) {
        self.id = id
        self.time = time
        self.kind = kind
        self.subject = subject
        self.action = action
        self.summary = summary
        self.details = details
    }
}

/// Where change events go; declared here so that any domain can report its changes and the
/// operations side can read them, neither knowing the other.
public protocol ChangeRecorder: Sendable {
    /// Records `event`; a failure to record is the recorder's to log, never the change's to undo.
    func record(_ event: ChangeEvent) async
}

/// A recorder that keeps nothing.
public struct DiscardingChangeRecorder: ChangeRecorder {
    public init() {}
    public func record(_ event: ChangeEvent) async {}
}
