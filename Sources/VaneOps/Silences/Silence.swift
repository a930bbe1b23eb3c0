/// A silence: alerts that match all its matchers are muted between its start and its end.
public struct Silence: Sendable, Equatable {
    /// A lower-case UUID.
    public var id: String
    public var matchers: [Matcher]
    public var startsAt: WireTime
    public var endsAt: WireTime
    public var updatedAt: WireTime
    public var createdBy: String
    public var comment: String

    public init(id: String, matchers: [Matcher], startsAt: WireTime, endsAt: WireTime, updatedAt: WireTime, createdBy: String, comment: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt.utc
        self.endsAt = endsAt.utc
        self.updatedAt = updatedAt.utc
        self.createdBy = createdBy
        self.comment = comment
    }

    /// Where a silence is in its life.
    public enum State: String, Sendable, Comparable {
        case active, pending, expired

        var order: Int {
            switch self {
            case .active: 0
            case .pending: 1
            case .expired: 2
            }
        }

        public static func < (a: State, b: State) -> Bool { a.order < b.order }
    }

    /// Pending before its start, active until its end, then expired.
    public func state(at now: Int64) -> State {
        if now < startsAt.micros { return .pending }
        if now < endsAt.micros { return .active }
        return .expired
    }

    /// Whether it mutes an alert with `labels` (its state aside).
    public func matches(_ labels: LabelSet) -> Bool { matchers.matches(labels) }

    /// Alertmanager's `validateSilence`, with its messages.
    func validate() -> String? {
        if matchers.isEmpty { return "at least one matcher required" }
        for (index, matcher) in matchers.enumerated() where !LabelName.isValid(matcher.name) {
            return "invalid label matcher \(index): invalid label name \(GoQuote.quote(matcher.name))"
        }
        if matchers.allSatisfy({ $0.matches("") }) { return "at least one matcher must not match the empty string" }
        if endsAt < startsAt { return "end time must not be before start time" }
        return nil
    }

    /// Alertmanager's order for listing: active (ending soonest first), pending (starting soonest
    /// first), expired (most recently ended first).
    public static func listed(_ a: Silence, _ b: Silence, now: Int64) -> Bool {
        let sa = a.state(at: now), sb = b.state(at: now)
        if sa != sb { return sa < sb }
        switch sa {
        case .expired: return a.endsAt > b.endsAt
        case .pending: return a.startsAt < b.startsAt
        case .active: return a.endsAt < b.endsAt
        }
    }
}
