/// Two things Alertmanager users ask for, checked every second:
///
/// - **A notice when a silence expires while its alerts still fire**: an alert
///   `alertname="VaneSilenceExpired"`, `silence_id="<id>"`, severity `warning`, naming how many
///   alerts it had muted and who made it, routed and notified like any alert; it resolves after
///   five minutes.
/// - **Mute until resolved**: a silence whose comment starts with ``untilResolvedMarker`` (made
///   by `POST /api/vane/v1/silences/until-resolved` or `vane silence add --until-resolved`)
///   expires by itself once no alert it matches fires (and it has been active a minute).
public struct SilenceWatcher: Sendable {
    /// The comment prefix of a silence that lasts until its alerts resolve.
    public static let untilResolvedMarker = "[until resolved] "
    var lastCheck: Int64?

    public init() {}

    /// Expires the until-resolved silences whose alerts resolved; returns the notices to post.
    public mutating func check(_ alerting: Alerting, now: Int64) -> [PostedAlert] {
        let since = lastCheck ?? now
        lastCheck = now
        // Only the silences that need a look this second; the alerts are read only for them.
        let due = alerting.silences.all(now: now).filter { silence in
            let state = silence.state(at: now)
            return (state == .expired && silence.endsAt.micros > since && silence.endsAt.micros <= now)
                || (state == .active && silence.comment.hasPrefix(Self.untilResolvedMarker) && now - silence.startsAt.micros >= 60_000_000)
        }
        guard !due.isEmpty else { return [] }
        let firing = alerting.store.unresolved(at: now).filter { $0.labels["alertname"] != "VaneSilenceExpired" }
        var notices: [PostedAlert] = []
        for silence in due {
            if silence.state(at: now) == .expired, silence.endsAt.micros > since, silence.endsAt.micros <= now {
                let still = firing.filter { silence.matches($0.labels) }
                guard !still.isEmpty else { continue }
                let names = Set(still.compactMap { $0.labels["alertname"] }).sorted().prefix(5).joined(separator: ", ")
                notices.append(PostedAlert(
                    labels: [Label("alertname", "VaneSilenceExpired"), Label("silence_id", silence.id), Label("severity", "warning")],
                    annotations: [Label("summary", "silence \(silence.id) (\(silence.createdBy): \(silence.comment.prefix(200))) expired while \(still.count) alerts it muted still fire: \(names)"),
                                  Label("matchers", silence.matchers.description)],
                    startsAt: WireTime(micros: now), endsAt: WireTime(micros: now + 300_000_000)))
            } else if silence.state(at: now) == .active, silence.comment.hasPrefix(Self.untilResolvedMarker),
                      now - silence.startsAt.micros >= 60_000_000, !firing.contains(where: { silence.matches($0.labels) }) {
                try? alerting.silences.expire(silence.id, now: WireTime(micros: now))
            }
        }
        return notices
    }
}
