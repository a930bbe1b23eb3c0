import GRDB
import VaneStorage

/// The table of deployments.
public enum DeploymentSchema {
    /// Registers the deployment migrations; identifiers never change once shipped.
    public static func register(in migrations: inout SchemaMigrations) {
        migrations.register("0006_deployments") { db in
            try db.execute(sql: """
                CREATE TABLE deployments (
                    name TEXT PRIMARY KEY NOT NULL,
                    document TEXT NOT NULL,
                    generation INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
    }
}
