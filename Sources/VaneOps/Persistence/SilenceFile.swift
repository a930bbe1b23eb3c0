import VaneCore

/// Silences on disk: every change appended to `silences.jsonl` and synced before it is
/// acknowledged; at start the file is read (the last line of each id wins) and rewritten
/// compact.
public struct SilenceFile: SilenceJournal {
    public let path: String

    public init(path: String) { self.path = path }

    public func save(_ silence: Silence) throws {
        try DurableFile.append(OpsRecords.line(silence), to: path, what: "the silence file")
    }

    public func remove(ids: [String]) throws {
        // Expired silences past retention are dropped from the file when it is next compacted.
    }

    /// The silences in the file; rewrites it with one line per silence, without those expired
    /// for longer than `retention` (microseconds) before `now`.
    public func load(now: Int64, retention: Int64) throws -> [Silence] {
        var latest: [String: Silence] = [:]
        for object in OpsRecords.objects(inFile: path) {
            if let silence = OpsRecords.silence(object) { latest[silence.id] = silence }
        }
        let kept = latest.values.filter { !($0.state(at: now) == .expired && now - $0.endsAt.micros > retention) }.sorted { $0.id < $1.id }
        try DurableFile.replace(path, with: kept.flatMap(OpsRecords.line), what: "the silence file")
        return kept
    }
}
