import GRDB
import VaneStorage

/// The model registry tables and their migrations.
public enum RegistrySchema {
    /// Registers the registry migrations, in order, under their stable names.
    public static func register(in migrations: inout SchemaMigrations) {
        migrations.register("0002_registry_initial") { db in
            try db.execute(sql: """
                CREATE TABLE registered_models (
                    name TEXT PRIMARY KEY,
                    creation_time INTEGER NOT NULL,
                    last_updated_time INTEGER NOT NULL,
                    description TEXT
                );
                CREATE TABLE registered_model_tags (
                    name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE ON UPDATE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT,
                    PRIMARY KEY (name, key)
                ) WITHOUT ROWID;
                CREATE TABLE model_versions (
                    name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE ON UPDATE CASCADE,
                    version INTEGER NOT NULL,
                    creation_time INTEGER NOT NULL,
                    last_updated_time INTEGER NOT NULL,
                    description TEXT,
                    user_id TEXT,
                    current_stage TEXT NOT NULL DEFAULT 'None',
                    source TEXT NOT NULL,
                    run_id TEXT,
                    run_link TEXT,
                    status TEXT NOT NULL DEFAULT 'READY',
                    status_message TEXT,
                    model_id TEXT,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (name, version)
                );
                CREATE INDEX model_versions_by_run ON model_versions(run_id);
                CREATE TABLE model_version_tags (
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT,
                    PRIMARY KEY (name, version, key),
                    FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE ON UPDATE CASCADE
                ) WITHOUT ROWID;
                CREATE TABLE registered_model_aliases (
                    name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE ON UPDATE CASCADE,
                    alias TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    PRIMARY KEY (name, alias)
                ) WITHOUT ROWID;
                """)
        }
    }
}
