/// One notification: a group's alerts as they are sent to a receiver, with what Alertmanager's
/// templates call `.GroupLabels`, `.CommonLabels`, `.CommonAnnotations` and `.Status`.
public struct Notification: Sendable {
    /// An alert as notified: resolved or firing at the flush.
    public struct Item: Sendable {
        public var alert: Alert
        public var resolved: Bool
    }

    public var receiver: String
    public var groupKey: String
    public var groupLabels: LabelSet
    public var items: [Item]
    /// Alerts left out by a receiver's `max_alerts`.
    public var truncated: Int
    public var externalURL: String

    public init(receiver: String, groupKey: String, groupLabels: LabelSet, items: [Item], truncated: Int = 0, externalURL: String) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.items = items
        self.truncated = truncated
        self.externalURL = externalURL
    }

    /// `firing` when any alert fires, else `resolved`.
    public var status: String { items.contains { !$0.resolved } ? "firing" : "resolved" }
    public var firing: [Item] { items.filter { !$0.resolved } }
    public var resolvedItems: [Item] { items.filter(\.resolved) }

    /// The labels every alert has with the same value.
    public var commonLabels: LabelSet { Notification.common(items.map(\.alert.labels)) }
    public var commonAnnotations: LabelSet { Notification.common(items.map(\.alert.annotations)) }

    static func common(_ sets: [LabelSet]) -> LabelSet {
        guard var result = sets.first?.labels else { return .empty }
        for set in sets.dropFirst() { result = result.filter { set[$0.name] == $0.value } }
        return LabelSet(result)
    }
}
