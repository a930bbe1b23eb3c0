import GRDB
import VaneStorage

/// The migrations of the prediction index's former table. The index now lives beside the log's
/// segments (``PredictionIndex``); the table is kept in the migration history, as shipped, and
/// then dropped. Logs written while it existed are indexed from their segments on first start.
public enum PredictionIndexSchema {
    /// Registers the migrations; identifiers never change once shipped.
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
        migrations.register("0011_prediction_index_to_files") { db in
            try db.execute(sql: "DROP TABLE prediction_index")
        }
    }
}
