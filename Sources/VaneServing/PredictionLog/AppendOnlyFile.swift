import VaneCore

/// Appending to the prediction log's files: the whole buffer, then `fsync` (``DurableFile``).
enum AppendOnlyFile {
    /// Appends `bytes` to the file at `path` (created when missing) and syncs it; returns the
    /// file's size after the write. `what` names the file in errors.
    @discardableResult
    static func append(_ bytes: [UInt8], to path: String, what: String) throws -> UInt64 {
        try DurableFile.append(bytes, to: path, what: what)
    }
}
