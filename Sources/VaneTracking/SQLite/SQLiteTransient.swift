import GRDBSQLite

/// SQLite's `SQLITE_TRANSIENT` destructor: tells `sqlite3_bind_text` to copy the bytes.
/// (The C macro is a cast of -1 that Swift does not import.)
let SQLITE_TRANSIENT_VALUE = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
