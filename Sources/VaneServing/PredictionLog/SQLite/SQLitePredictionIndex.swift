import GRDB
import VaneCore
import VaneStorage

/// The prediction log's request index on the embedded SQLite database: one narrow row per
/// request, inserted a batch per transaction by the log's writer, never on the request path.
public struct SQLitePredictionIndex: PredictionIndexStore {
    let db: any DatabaseWriter

    public init(database: VaneDatabase) {
        self.db = database.writer
    }

    /// Registers the index's migrations; identifiers never change once shipped.
    public static func register(in migrations: inout SchemaMigrations) {
        migrations.register("0008_prediction_index") { db in
            try db.execute(sql: """
                CREATE TABLE prediction_index (
                    deployment TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    variant TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (deployment, request_id)
                ) WITHOUT ROWID;
                CREATE INDEX prediction_index_time ON prediction_index (time);
                """)
        }
        migrations.register("0010_prediction_index_label") { db in
            try db.execute(sql: "ALTER TABLE prediction_index ADD COLUMN prediction TEXT")
        }
    }

    public func insert(_ entries: [PredictionIndexEntry]) async throws {
        guard !entries.isEmpty else { return }
        // In key order: consecutive inserts land on the same pages (and ids Vane made, which
        // are time-ordered, at the end of the tree). A repeated id keeps its order, so the
        // last one wins as before.
        let sorted = entries.enumerated().sorted { ($0.element.deployment, $0.element.requestID, $0.offset) < ($1.element.deployment, $1.element.requestID, $1.offset) }.map(\.element)
        try await db.timedWrite("index predictions") { db in
            // Rows go in groups of `Self.group` per statement: one statement's overhead per group.
            var start = 0
            if sorted.count >= Self.group {
                let values = Array(repeating: "(?, ?, ?, ?, ?)", count: Self.group).joined(separator: ", ")
                let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO prediction_index (deployment, request_id, variant, time, prediction) VALUES " + values)
                var arguments: [(any DatabaseValueConvertible)?] = []
                arguments.reserveCapacity(5 * Self.group)
                while start + Self.group <= sorted.count {
                    arguments.removeAll(keepingCapacity: true)
                    for entry in sorted[start..<(start + Self.group)] {
                        arguments += [entry.deployment, entry.requestID, entry.variant, entry.time, entry.prediction] as [(any DatabaseValueConvertible)?]
                    }
                    try statement.execute(arguments: StatementArguments(arguments))
                    start += Self.group
                }
            }
            let single = try db.cachedStatement(sql: "INSERT OR REPLACE INTO prediction_index (deployment, request_id, variant, time, prediction) VALUES (?, ?, ?, ?, ?)")
            for entry in sorted[start...] {
                try single.execute(arguments: [entry.deployment, entry.requestID, entry.variant, entry.time, entry.prediction])
            }
        }
    }

    /// Rows per multi-row insert (5 parameters each, well under SQLite's 32,766).
    static let group = 100

    public func entries(deployment: String, requestIDs: [String]) async throws -> [String: PredictionIndexEntry] {
        guard !requestIDs.isEmpty else { return [:] }
        return try await db.timedRead("find predictions") { db in
            var found: [String: PredictionIndexEntry] = [:]
            let statement = try db.cachedStatement(sql: "SELECT variant, time, prediction FROM prediction_index WHERE deployment = ? AND request_id = ?")
            for id in requestIDs where found[id] == nil {
                if let row = try Row.fetchOne(statement, arguments: [deployment, id]) {
                    found[id] = PredictionIndexEntry(deployment: deployment, requestID: id, variant: row["variant"], time: row["time"],
                                                     prediction: row["prediction"])
                }
            }
            return found
        }
    }

    public func deleteOlder(than time: EpochMillis) async throws {
        try await db.timedWrite("prune prediction index") { db in
            try db.execute(sql: "DELETE FROM prediction_index WHERE time < ?", arguments: [time])
        }
    }
}
