/// An inhibition rule: while an alert matching the source side fires, alerts matching the target
/// side with the same values for every `equal` label are muted.
public struct InhibitRule: Sendable, Equatable {
    public var sourceMatchers: [Matcher]
    public var targetMatchers: [Matcher]
    public var equal: [String]

    public init(sourceMatchers: [Matcher], targetMatchers: [Matcher], equal: [String]) {
        self.sourceMatchers = sourceMatchers
        self.targetMatchers = targetMatchers
        self.equal = equal
    }
}

/// The inhibitions of a set of firing alerts, built once per read or evaluation: for each rule,
/// its firing source alerts indexed by their `equal` labels.
public struct Inhibitor: Sendable {
    struct Source: Sendable {
        var fingerprint: Fingerprint
        var alsoTarget: Bool
    }

    let rules: [InhibitRule]
    /// Per rule: the `equal` values → the sources with them, lowest fingerprint first.
    let sources: [[[String]: [Source]]]

    /// The inhibitions that `alerts` (those not resolved at `now` count) impose under `rules`.
    public init(rules: [InhibitRule], alerts: [Alert], now: Int64) {
        self.rules = rules
        var sources: [[[String]: [Source]]] = []
        for rule in rules {
            var table: [[String]: [Source]] = [:]
            for alert in alerts where !alert.isResolved(at: now) && rule.sourceMatchers.matches(alert.labels) {
                let key = rule.equal.map { alert.labels.value($0) }
                table[key, default: []].append(Source(fingerprint: alert.fingerprint, alsoTarget: rule.targetMatchers.matches(alert.labels)))
            }
            for key in table.keys { table[key]!.sort { $0.fingerprint < $1.fingerprint } }
            sources.append(table)
        }
        self.sources = sources
    }

    /// The fingerprint of the alert that mutes one with `labels`, or nil. An alert that matches
    /// both sides of a rule is not muted by alerts that also match both.
    public func inhibitor(of labels: LabelSet) -> Fingerprint? {
        for (index, rule) in rules.enumerated() where rule.targetMatchers.matches(labels) {
            let key = rule.equal.map { labels.value($0) }
            guard let candidates = sources[index][key] else { continue }
            let excludeTwoSided = rule.sourceMatchers.matches(labels)
            if let source = candidates.first(where: { !(excludeTwoSided && $0.alsoTarget) }) { return source.fingerprint }
        }
        return nil
    }
}
