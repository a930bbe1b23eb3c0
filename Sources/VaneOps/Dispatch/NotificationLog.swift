import Foundation
import Synchronization

/// What was last sent for one group to one integration: the alerts that were firing and
/// resolved in it, and when. Alertmanager's `nflog` entry.
public struct NotificationEntry: Sendable, Equatable, Codable {
    public var firing: Set<Fingerprint>
    public var resolved: Set<Fingerprint>
    /// Microseconds since the epoch.
    public var timestamp: Int64
    /// When the entry may be forgotten (timestamp + retention).
    public var expiresAt: Int64

    public init(firing: Set<Fingerprint>, resolved: Set<Fingerprint>, timestamp: Int64, expiresAt: Int64) {
        self.firing = firing
        self.resolved = resolved
        self.timestamp = timestamp
        self.expiresAt = expiresAt
    }
}

/// The notification log: for every (group, receiver, integration), the last notification sent,
/// which decides whether the next flush sends anything (Alertmanager's dedup stage).
public final class NotificationLog: Sendable {
    private let entries: Mutex<[String: NotificationEntry]>
    /// How long an entry is kept, in microseconds (Alertmanager: `--data.retention`, 120h).
    public let retention: Int64

    public init(entries: [String: NotificationEntry] = [:], retention: Int64 = 120 * 3_600_000_000) {
        self.entries = Mutex(entries)
        self.retention = retention
    }

    /// The key of an integration's entry for a group.
    public static func key(groupKey: String, receiver: String, integration: String, index: Int) -> String {
        "\(groupKey)/\(receiver)/\(integration)/\(index)"
    }

    public func entry(_ key: String) -> NotificationEntry? { entries.withLock { $0[key] } }

    public func log(_ key: String, firing: Set<Fingerprint>, resolved: Set<Fingerprint>, now: Int64) {
        entries.withLock { $0[key] = NotificationEntry(firing: firing, resolved: resolved, timestamp: now, expiresAt: now + retention) }
    }

    /// The log as JSON, for a snapshot file.
    public func snapshot() throws -> [UInt8] { Array(try JSONEncoder().encode(all())) }

    /// A log read from a snapshot file (entries past retention left out).
    public static func restore(_ bytes: [UInt8], now: Int64) throws -> NotificationLog {
        let entries = try JSONDecoder().decode([String: NotificationEntry].self, from: Data(bytes))
        return NotificationLog(entries: entries.filter { $0.value.expiresAt > now })
    }

    /// Every entry, for a snapshot.
    public func all() -> [String: NotificationEntry] { entries.withLock { $0 } }

    /// Drops entries past their retention.
    public func collectGarbage(now: Int64) {
        entries.withLock { $0 = $0.filter { $0.value.expiresAt > now } }
    }

    /// Alertmanager's `DedupStage.needsUpdate`: whether a group whose current alerts are `firing`
    /// and `resolved` needs a notification, given the last one.
    public static func needsUpdate(_ entry: NotificationEntry?, firing: Set<Fingerprint>, resolved: Set<Fingerprint>,
                                   sendResolved: Bool, repeatInterval: Int64, now: Int64) -> Bool {
        guard let entry else { return !firing.isEmpty }
        if !firing.isSubset(of: entry.firing) { return true }
        // Everything resolved: notify (whatever send_resolved says) so the log forgets the firing
        // alerts, unless the receiver never heard of any.
        if firing.isEmpty { return !entry.firing.isEmpty }
        if sendResolved, !resolved.isSubset(of: entry.resolved) { return true }
        return entry.timestamp < now - repeatInterval
    }
}
