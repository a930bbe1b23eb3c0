import GRDB
import VaneStorage

/// The tables of tokens and users.
public enum AuthSchema {
    /// Registers the auth migrations; identifiers never change once shipped.
    public static func register(in migrations: inout SchemaMigrations) {
        migrations.register("0005_auth_initial") { db in
            try db.execute(sql: """
                CREATE TABLE auth_tokens (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
                    secret_hash BLOB NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    revoked_at INTEGER
                );
                CREATE TABLE auth_users (
                    name TEXT PRIMARY KEY NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
    }
}
