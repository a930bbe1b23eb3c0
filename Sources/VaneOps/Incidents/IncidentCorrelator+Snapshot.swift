import Foundation
import VaneText

/// What survives a restart: the incidents, the alerts that belong to them or still fire, the
/// changes and the counters. Written as a first line with everything but the alerts, then a line
/// per alert, so that a million of them are written a part at a time and read a line at a time.
extension IncidentCorrelator {
    /// The first line.
    struct SnapshotHeader: Codable {
        var version: Int
        var incidents: [Incident]
        var changes: [OpsChange]
        var mergedInto: [Int: Int]
        var nextID: Int
        var alertsReceived: Int
    }

    /// The earlier form: one object, the tracks inside.
    struct Snapshot: Codable {
        var incidents: [Incident]
        var tracks: [Fingerprint: Track]
        var changes: [OpsChange]
        var mergedInto: [Int: Int]
        var nextID: Int
        var alertsReceived: Int
    }

    /// Hands the state to `emit` a part at a time (about a megabyte each).
    public func writeSnapshot(_ emit: ([UInt8]) throws -> Void) throws {
        let header = SnapshotHeader(version: 2, incidents: incidents, changes: changes, mergedInto: mergedInto, nextID: nextID,
                                    alertsReceived: alertsReceived)
        try emit(Array(try JSONEncoder().encode(header)) + [0x0A])
        var w = JSONWriter(capacity: 1 << 20)
        for slot in tracks.keys.indices where tracks.values[slot].incident != nil || tracks.values[slot].firing {
            Self.line(tracks.keys[slot], tracks.values[slot], into: &w)
            w.rawByte(0x0A)
            w.startNextValue()
            if w.bytes.count >= 1 << 20 {
                try emit(w.bytes)
                w.dropWritten()
            }
        }
        try emit(w.bytes)
    }

    /// The state as bytes (what ``writeSnapshot(_:)`` writes).
    public func snapshot() throws -> [UInt8] {
        var bytes: [UInt8] = []
        try writeSnapshot { bytes += $0 }
        return bytes
    }

    static func line(_ fingerprint: Fingerprint, _ track: Track, into w: inout JSONWriter) {
        w.beginObject()
        w.field("f", fingerprint.description)
        w.beginObject("l")
        for label in track.text.labels(fingerprint) { w.field(label.name, label.value) }
        w.endObject()
        if let service = track.service { w.field("sv", service) }
        if let host = track.host { w.field("h", host) }
        w.field("s", track.episodeStart)
        w.field("e", track.endsAt)
        if let resolvedAt = track.resolvedAt { w.field("r", resolvedAt) }
        w.field("n", Int64(track.episodes))
        if let incident = track.incident { w.field("i", Int64(incident)) }
        w.field("d", Int64(track.deliveries))
        w.field("fi", track.firing)
        w.field("q", track.qualified)
        w.endObject()
    }

    static func track(_ lexer: inout JSONLexer) -> (Fingerprint, Track)? {
        var fingerprint: Fingerprint?, labels: [Label]?, service: String?, host: String?
        var numbers: [String: Int64] = [:], flags: [String: Bool] = [:]
        let ok = OpsRecords.object(&lexer) { key, lexer in
            switch key {
            case "f": fingerprint = Fingerprint(hex: try lexer.string())
            case "l": labels = try OpsRecords.strings(&lexer)
            case "sv": service = try lexer.string()
            case "h": host = try lexer.string()
            case "fi", "q":
                guard case .bool(let flag) = try lexer.nextToken() else { throw lexer.error(.invalidValue) }
                flags[key] = flag
            default:
                guard case .number(let n) = try lexer.nextToken(), let value = n.int64 else { throw lexer.error(.invalidValue) }
                numbers[key] = value
            }
        }
        guard ok, let fingerprint, let labels, let start = numbers["s"], let end = numbers["e"] else { return nil }
        var track = Track(text: AlertText(labels: LabelSet(labels)), service: service, host: host, episodeStart: start, endsAt: end, firing: flags["fi"] ?? false,
                          resolvedAt: numbers["r"])
        track.episodes = Int32(clamping: numbers["n"] ?? 1)
        track.incident = numbers["i"].map { Int($0) }
        track.deliveries = Int32(clamping: numbers["d"] ?? 0)
        track.qualified = flags["q"] ?? false
        return (fingerprint, track)
    }

    /// Points each track at the buffer `store` keeps for its alert, where it keeps one, instead
    /// of the track's own copy (after a restore).
    mutating func shareTexts(with store: AlertStore) {
        let texts = store.texts(tracks.keys)
        for slot in tracks.values.indices { if let text = texts[slot] { tracks.values[slot].text = text } }
    }

    /// Takes back a state written by ``snapshot()`` (or in the earlier one-object form).
    public mutating func restore(_ bytes: [UInt8]) throws {
        let firstEnd = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let header: SnapshotHeader
        var restored = FingerprintMap<Track>()
        if let lines = try? JSONDecoder().decode(SnapshotHeader.self, from: Data(bytes[0..<firstEnd])), lines.version == 2 {
            header = lines
            OpsRecords.forEachLine(in: bytes) { lexer in
                guard lexer.index > firstEnd, let (fingerprint, track) = Self.track(&lexer) else { return }
                restored[fingerprint] = track
            }
        } else {
            let earlier = try JSONDecoder().decode(Snapshot.self, from: Data(bytes))
            header = SnapshotHeader(version: 1, incidents: earlier.incidents, changes: earlier.changes, mergedInto: earlier.mergedInto,
                                    nextID: earlier.nextID, alertsReceived: earlier.alertsReceived)
            for (fingerprint, track) in earlier.tracks { restored[fingerprint] = track }
        }
        incidents = header.incidents
        changes = header.changes
        mergedInto = header.mergedInto
        nextID = header.nextID
        alertsReceived = header.alertsReceived
        tracks = restored
        byService = [:]
        byHost = [:]
        for (index, incident) in incidents.enumerated() where mergedInto[index] == nil {
            for service in incident.services { byService[service, default: IncidentIndexes()].insert(index) }
            for host in incident.hosts { byHost[host, default: IncidentIndexes()].insert(index) }
        }
        openCount = incidents.indices.filter { mergedInto[$0] == nil && incidents[$0].state != .resolved && !incidents[$0].alerts.isEmpty }.count
    }
}
