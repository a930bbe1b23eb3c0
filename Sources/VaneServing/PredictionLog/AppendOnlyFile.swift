import Foundation
import VaneCore

/// Appending to the prediction log's files: the whole buffer, then `fsync`.
enum AppendOnlyFile {
    /// Appends `bytes` to the file at `path` (created when missing) and syncs it; returns the
    /// file's size after the write. `what` names the file in errors.
    @discardableResult
    static func append(_ bytes: [UInt8], to path: String, what: String) throws -> UInt64 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VaneError(.internalError, "cannot open \(what) \(path)") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw VaneError(.internalError, "cannot write \(what) \(path)") }
            offset += n
        }
        guard fsync(fd) == 0 else { throw VaneError(.internalError, "cannot sync \(what) \(path)") }
        return UInt64(max(0, lseek(fd, 0, SEEK_END)))
    }
}
