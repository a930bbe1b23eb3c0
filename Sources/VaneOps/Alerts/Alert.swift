/// An alert as Alertmanager keeps it: identified by its labels' fingerprint, with the times it
/// fired from and (will) resolve at.
public struct Alert: Sendable, Equatable {
    public var labels: LabelSet
    public var annotations: LabelSet
    public var startsAt: WireTime
    /// When the alert resolves (or resolved); always set once the alert is stored.
    public var endsAt: WireTime
    /// When Vane last received it.
    public var updatedAt: WireTime
    public var generatorURL: String
    /// Whether `endsAt` was set by Vane (now + resolve_timeout) rather than by the sender.
    public var timeout: Bool

    public init(labels: LabelSet, annotations: LabelSet = .empty, startsAt: WireTime, endsAt: WireTime, updatedAt: WireTime,
                generatorURL: String = "", timeout: Bool = false) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.updatedAt = updatedAt
        self.generatorURL = generatorURL
        self.timeout = timeout
    }

    public var fingerprint: Fingerprint { labels.fingerprint }

    /// Whether the alert has resolved at `now` (microseconds): `endsAt` is not after now.
    public func isResolved(at now: Int64) -> Bool { endsAt.micros <= now }

    /// Alertmanager's `Alert.Merge`: the younger alert (by `updatedAt`) wins, keeping the earliest
    /// start; a resolved younger alert keeps the latest explicit resolve time, a firing one the
    /// later end unless that end was only a timeout.
    public func merged(with other: Alert, now: Int64) -> Alert {
        if other.updatedAt < updatedAt { return other.merged(with: self, now: now) }
        var result = other
        if startsAt < other.startsAt { result.startsAt = startsAt }
        if other.isResolved(at: now) {
            if isResolved(at: now), endsAt > other.endsAt { result.endsAt = endsAt }
        } else if endsAt > other.endsAt, !timeout {
            result.endsAt = endsAt
        }
        return result
    }
}

/// An alert as a client posts it, before Vane fills in its times and checks it.
public struct PostedAlert: Sendable, Equatable {
    public var labels: [Label]
    public var annotations: [Label]
    public var startsAt: WireTime?
    public var endsAt: WireTime?
    public var generatorURL: String?

    public init(labels: [Label], annotations: [Label] = [], startsAt: WireTime? = nil, endsAt: WireTime? = nil, generatorURL: String? = nil) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// Alertmanager's intake of one alert at `now`: a missing start is now (or the end, when only
    /// the end is given), a missing end is now + `resolveTimeout` (and marked as a timeout);
    /// labels with empty values are dropped; then the alert is checked, with Alertmanager's
    /// messages for what is wrong.
    public func accepted(now: WireTime, resolveTimeout: Int64) -> Result<Alert, AlertRejection> {
        var start = startsAt
        var end = endsAt
        var timeout = false
        if start == nil { start = end ?? now }
        if end == nil {
            timeout = true
            end = now.adding(micros: resolveTimeout)
        }
        guard let start, let end else { return .failure(AlertRejection("start time missing")) }
        if end < start { return .failure(AlertRejection("start time must be before end time")) }
        let labelSet = LabelSet(labels).withoutEmptyValues
        if let bad = labelSet.first(where: { !LabelName.isValid($0.name) }) {
            return .failure(AlertRejection("invalid label set: invalid name \(GoQuote.quote(bad.name))"))
        }
        if labelSet.isEmpty { return .failure(AlertRejection("at least one label pair required")) }
        let annotationSet = LabelSet(annotations)
        if let bad = annotationSet.first(where: { !LabelName.isValid($0.name) }) {
            return .failure(AlertRejection("invalid annotations: invalid name \(GoQuote.quote(bad.name))"))
        }
        return .success(Alert(labels: labelSet, annotations: annotationSet, startsAt: start, endsAt: end, updatedAt: now,
                              generatorURL: generatorURL ?? "", timeout: timeout))
    }
}

/// Why an alert was not taken, in Alertmanager's words.
public struct AlertRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
