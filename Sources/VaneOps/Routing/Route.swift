/// A node of Alertmanager's routing tree, with the options it inherited from its parents
/// resolved. An alert enters at the root; ``match(_:)`` gives the nodes that take it.
public final class Route: Sendable {
    public let matchers: [Matcher]
    public let receiver: String
    /// The labels alerts are grouped by (in the order written); ignored when ``groupByAll``.
    public let groupBy: [String]
    let groupBySet: Set<String>
    /// `group_by: ['...']`: every label.
    public let groupByAll: Bool
    /// Microseconds.
    public let groupWait: Int64
    public let groupInterval: Int64
    public let repeatInterval: Int64
    public let `continue`: Bool
    public let muteTimeIntervals: [String]
    public let activeTimeIntervals: [String]
    public let routes: [Route]
    /// Alertmanager's route key: the parents' keys and this node's matchers, `{}/{severity=~"…"}`.
    public let key: String
    /// Depth-first position in the tree, for a stable order.
    public let index: Int

    init(matchers: [Matcher], receiver: String, groupBy: [String], groupByAll: Bool, groupWait: Int64, groupInterval: Int64,
         repeatInterval: Int64, continue: Bool, muteTimeIntervals: [String], activeTimeIntervals: [String], routes: [Route],
         key: String, index: Int) {
        self.matchers = matchers
        self.receiver = receiver
        self.groupBy = groupBy
        self.groupBySet = Set(groupBy)
        self.groupByAll = groupByAll
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.continue = `continue`
        self.muteTimeIntervals = muteTimeIntervals
        self.activeTimeIntervals = activeTimeIntervals
        self.routes = routes
        self.key = key
        self.index = index
    }

    /// The nodes that take an alert with `labels`: depth first, left to right; a matching child
    /// stops the scan of its siblings unless it has `continue`; a node none of whose children
    /// match takes the alert itself. Empty when this node's matchers do not match.
    public func match(_ labels: LabelSet) -> [Route] {
        guard matchers.matches(labels) else { return [] }
        var all: [Route] = []
        for child in routes {
            let matched = child.match(labels)
            all.append(contentsOf: matched)
            if !matched.isEmpty, !child.continue { break }
        }
        if all.isEmpty { all.append(self) }
        return all
    }

    /// The labels of `labels` that this node groups by.
    public func groupLabels(_ labels: LabelSet) -> LabelSet {
        labels.restricted(to: groupBySet, all: groupByAll)
    }

    /// Every node, depth first.
    public var allRoutes: [Route] { [self] + routes.flatMap(\.allRoutes) }
}
