import GRDB
import VaneStorage

/// The tracking tables and their migrations.
///
/// `latest_metrics` holds, per run and key, the metric MLflow reports as the run's current
/// value (largest step, then largest timestamp, then largest value); it is maintained on
/// every write so that search and ordering never scan the history table.
public enum TrackingSchema {
    /// Registers the tracking migrations, in order, under their stable names.
    public static func register(in migrations: inout SchemaMigrations) {
        migrations.register("0001_tracking_initial") { db in
            try db.execute(sql: """
                CREATE TABLE experiments (
                    experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    artifact_location TEXT NOT NULL DEFAULT '',
                    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
                    creation_time INTEGER,
                    last_update_time INTEGER
                );
                CREATE TABLE experiment_tags (
                    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT,
                    PRIMARY KEY (experiment_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE runs (
                    run_uuid TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
                    name TEXT NOT NULL DEFAULT '',
                    user_id TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL DEFAULT 'RUNNING',
                    start_time INTEGER,
                    end_time INTEGER,
                    deleted_time INTEGER,
                    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
                    artifact_uri TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX runs_by_experiment ON runs(experiment_id, lifecycle_stage, start_time DESC, run_uuid);
                CREATE TABLE params (
                    run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_uuid, key)
                ) WITHOUT ROWID;
                CREATE INDEX params_by_key_value ON params(key, value);
                CREATE TABLE tags (
                    run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT,
                    PRIMARY KEY (run_uuid, key)
                ) WITHOUT ROWID;
                CREATE INDEX tags_by_key_value ON tags(key, value);
                CREATE TABLE metrics (
                    run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    value REAL,
                    is_nan INTEGER NOT NULL DEFAULT 0,
                    model_id TEXT,
                    dataset_name TEXT,
                    dataset_digest TEXT
                );
                CREATE INDEX metrics_history ON metrics(run_uuid, key, step, timestamp);
                CREATE TABLE latest_metrics (
                    run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    value REAL,
                    is_nan INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (run_uuid, key)
                ) WITHOUT ROWID;
                CREATE INDEX latest_metrics_by_key_value ON latest_metrics(key, value);
                CREATE TABLE datasets (
                    dataset_uuid TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    source_type TEXT NOT NULL,
                    source TEXT NOT NULL,
                    schema TEXT,
                    profile TEXT,
                    UNIQUE (experiment_id, name, digest)
                );
                CREATE TABLE run_inputs (
                    run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
                    dataset_uuid TEXT NOT NULL REFERENCES datasets(dataset_uuid) ON DELETE CASCADE,
                    tags TEXT NOT NULL DEFAULT '[]',
                    PRIMARY KEY (run_uuid, dataset_uuid)
                ) WITHOUT ROWID;
                CREATE TABLE logged_models (
                    model_id TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    artifact_location TEXT NOT NULL,
                    creation_timestamp_ms INTEGER NOT NULL,
                    last_updated_timestamp_ms INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
                    model_type TEXT,
                    source_run_id TEXT,
                    status_message TEXT
                );
                CREATE INDEX logged_models_by_experiment ON logged_models(experiment_id, name);
                CREATE TABLE logged_model_params (
                    model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE logged_model_tags (
                    model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT,
                    PRIMARY KEY (model_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE run_outputs (
                    run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
                    model_id TEXT NOT NULL,
                    step INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (run_uuid, model_id)
                ) WITHOUT ROWID;
                """)
        }
        migrations.register("0003_tracking_metric_history_covering_index") { db in
            // History reads (100,000 points of one key) come straight from the index.
            try db.execute(sql: """
                DROP INDEX metrics_history;
                CREATE INDEX metrics_history ON metrics(run_uuid, key, step, timestamp, value, is_nan);
                """)
        }
        migrations.register("0004_tracking_metrics_without_rowid") { db in
            // One B-tree instead of table + index: the history is the primary key's order, and a
            // 1,000-metric batch writes half as many pages. The key is MLflow's own, so logging
            // the very same point twice keeps one, as MLflow does. NaN is stored as 0 with is_nan.
            try db.execute(sql: """
                CREATE TABLE metrics_v4 (
                    run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    value REAL NOT NULL,
                    is_nan INTEGER NOT NULL DEFAULT 0,
                    model_id TEXT,
                    dataset_name TEXT,
                    dataset_digest TEXT,
                    PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
                ) WITHOUT ROWID;
                INSERT OR IGNORE INTO metrics_v4
                    SELECT run_uuid, key, step, timestamp, COALESCE(value, 0), is_nan, model_id, dataset_name, dataset_digest
                    FROM metrics;
                DROP TABLE metrics;
                ALTER TABLE metrics_v4 RENAME TO metrics;
                """)
        }
    }
}
