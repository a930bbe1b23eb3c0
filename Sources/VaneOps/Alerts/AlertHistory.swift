import Foundation
import Synchronization
import VaneCore
import VaneText

/// What fired, when, and for how long, queryable after the alerts resolved: one line per
/// episode when it starts and one when it ends, appended to a file per day (`history-YYYY-MM-DD.jsonl`
/// under the ops directory), never a line per re-sent alert. Without a directory the last
/// 100,000 lines are kept in memory.
public final class AlertHistory: AlertObserver, Sendable {
    /// One episode of an alert.
    public struct Episode: Sendable, Equatable {
        public var fingerprint: Fingerprint
        public var labels: LabelSet
        public var startsAt: WireTime
        /// When it resolved; nil while it fires (or when Vane never saw it end).
        public var endsAt: WireTime?
    }

    let directory: String?
    let memory = Mutex<[[UInt8]]>([])
    /// The day's file, kept open while the day lasts (a write per post, not an open and a close).
    struct DayFile {
        var day: Int64 = .min
        var fd: Int32 = -1
    }
    let file = Mutex(DayFile())
    let store: AlertStore
    /// Files older than this many days are removed.
    public let retentionDays: Int

    deinit {
        file.withLock { if $0.fd >= 0 { close($0.fd) } }
    }

    public init(directory: String?, store: AlertStore, retentionDays: Int = 30) {
        self.directory = directory
        self.store = store
        self.retentionDays = retentionDays
    }

    public func configurationChanged(_ config: AlertingConfig) {}

    /// A line when an episode starts (the store held no alert of the fingerprint, or one that
    /// started at another time) and one when it ends (the new alert is resolved, and the stored
    /// one was firing at `now` or had only timed out, which writes no line).
    public func alertsReceived(posted: [Alert], stored: AlertStore.Put, now: Int64) {
        var w = JSONWriter(capacity: 256)
        for (alert, previous) in zip(stored.stored, stored.previous) where alert.labels["vane_incident"] == nil {
            let resolved = alert.isResolved(at: now)
            if previous == nil || previous!.startsAt != alert.startsAt.micros {
                Self.line(alert, end: resolved ? alert.endsAt : nil, into: &w)
            } else if resolved, previous!.endsAt > now || previous!.timeout {
                Self.line(alert, end: alert.endsAt, into: &w)
            } else {
                continue
            }
            w.rawByte(0x0A)
            w.startNextValue()
        }
        let lines = w.bytes
        guard !lines.isEmpty else { return }
        if let directory {
            file.withLock { file in
                let day = now >= 0 ? now / 86_400_000_000 : (now + 1) / 86_400_000_000 - 1
                if day != file.day || file.fd < 0 {
                    if file.fd >= 0 { close(file.fd) }
                    let path = directory + "/history-" + Self.day(now) + ".jsonl"
                    file.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                    file.day = day
                }
                guard file.fd >= 0 else { return }
                if (try? DurableFile.writeAll(lines, fd: file.fd, path: "history", what: "the alert history")) == nil {
                    close(file.fd)
                    file.fd = -1
                }
            }
        } else {
            memory.withLock { memory in
                memory.append(lines)
                if memory.count > 100_000 { memory.removeFirst(memory.count - 100_000) }
            }
        }
    }

    static func line(_ alert: Alert, end: WireTime?, into w: inout JSONWriter) {
        w.beginObject()
        w.field("fp", alert.fingerprint.description)
        w.beginObject("l")
        for label in alert.labels { w.field(label.name, label.value) }
        w.endObject()
        w.field("s", alert.startsAt.micros)
        if let end { w.field("e", end.micros) }
        w.endObject()
    }

    static func day(_ micros: Int64) -> String {
        String(WireTime(micros: micros).description.prefix(10))
    }

    /// The episodes that overlap `since ..< until` (microseconds) and match `matchers`, by start, at most `limit`.
    public func episodes(since: Int64, until: Int64, matchers: [Matcher], limit: Int) -> [Episode] {
        var chunks: [[UInt8]] = []
        if let directory {
            var day = since - 86_400_000_000
            var names = Set<String>()
            while day <= until + 86_400_000_000 {
                names.insert("history-" + Self.day(day) + ".jsonl")
                day += 86_400_000_000
            }
            for name in names.sorted() {
                if let data = FileManager.default.contents(atPath: directory + "/" + name) { chunks.append(Array(data)) }
            }
        } else {
            chunks = memory.withLock { $0 }
        }
        var byKey: [String: Episode] = [:]
        for chunk in chunks {
            for line in chunk.split(separator: 0x0A) where !line.isEmpty {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                      let fp = (object["fp"] as? String).flatMap({ Fingerprint(hex: $0) }), let labels = object["l"] as? [String: String],
                      let start = (object["s"] as? NSNumber)?.int64Value else { continue }
                let end = (object["e"] as? NSNumber)?.int64Value
                let key = "\(fp)/\(start)"
                var episode = byKey[key] ?? Episode(fingerprint: fp, labels: LabelSet(labels), startsAt: WireTime(micros: start), endsAt: nil)
                if let end { episode.endsAt = WireTime(micros: end) }
                byKey[key] = episode
            }
        }
        var result: [Episode] = []
        for var episode in byKey.values {
            if episode.endsAt == nil, let current = store.alert(episode.fingerprint), current.startsAt == episode.startsAt,
               current.isResolved(at: until) || current.endsAt.micros <= until {
                episode.endsAt = current.endsAt
            }
            guard episode.startsAt.micros < until, (episode.endsAt?.micros ?? .max) >= since, matchers.matches(episode.labels) else { continue }
            result.append(episode)
        }
        result.sort { $0.startsAt != $1.startsAt ? $0.startsAt < $1.startsAt : $0.fingerprint < $1.fingerprint }
        return Array(result.prefix(limit))
    }

    /// Removes day files older than ``retentionDays``.
    public func collectGarbage(now: Int64) {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let oldest = "history-" + Self.day(now - Int64(retentionDays) * 86_400_000_000) + ".jsonl"
        for name in names where name.hasPrefix("history-") && name < oldest { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
    }
}
