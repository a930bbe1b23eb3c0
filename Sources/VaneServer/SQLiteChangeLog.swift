import Foundation
import GRDB
import Logging
import VaneCore
import VaneStorage

/// Change events on the embedded SQLite database, newest last: what the operations side reads to
/// rank recent changes as suspects.
public struct SQLiteChangeLog: ChangeRecorder {
    let db: any DatabaseWriter
    let logger: Logger

    public init(database: VaneDatabase, logger: Logger = Logger(label: "vane.changes")) {
        self.db = database.writer
        self.logger = logger
    }

    /// Registers the change-log migrations; identifiers never change once shipped.
    public static func register(in migrations: inout SchemaMigrations) {
        migrations.register("0007_change_events") { db in
            try db.execute(sql: """
                CREATE TABLE change_events (
                    id TEXT PRIMARY KEY NOT NULL,
                    time INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    action TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    details TEXT NOT NULL
                );
                CREATE INDEX change_events_time ON change_events (time);
                """)
        }
    }

    public func record(_ event: ChangeEvent) async {
        do {
            let details = String(decoding: try JSONEncoder().encode(event.details), as: UTF8.self)
            try await db.timedWrite("record change") { db in
                try db.execute(sql: "INSERT INTO change_events (id, time, kind, subject, action, summary, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [event.id, event.time, event.kind, event.subject, event.action, event.summary, details])
            }
        } catch {
            logger.error("cannot record a change event", metadata: ["subject": "\(event.subject)", "action": "\(event.action)", "error": "\(error)"])
        }
    }

    /// Events at or after `since`, oldest first, optionally of one subject; at most `limit` after `offset`.
    public func events(since: EpochMillis = 0, subject: String? = nil, offset: Int = 0, limit: Int = 100) async throws -> [ChangeEvent] {
        try await db.timedRead("list changes") { db in
            var sql = "SELECT * FROM change_events WHERE time >= ?"
            var arguments: StatementArguments = [since]
            if let subject { sql += " AND subject = ?"; arguments += [subject] }
            sql += " ORDER BY time, rowid LIMIT ? OFFSET ?"
            arguments += [limit, offset]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let details: String = row["details"]
                return ChangeEvent(id: row["id"], time: row["time"], kind: row["kind"], subject: row["subject"], action: row["action"],
                                   summary: row["summary"],
                                   details: (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:])
            }
        }
    }
}
