import Foundation

/// Writes that are on disk when they return: appending with `fsync`, and replacing a file
/// atomically (a temporary beside it, synced, renamed over it, the directory synced).
public enum DurableFile {
    /// Appends `bytes` to the file at `path` (created when missing) and syncs it; returns the
    /// file's size after the write. `what` names the file in errors.
    @discardableResult
    public static func append(_ bytes: [UInt8], to path: String, what: String) throws(VaneError) -> UInt64 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VaneError(.internalError, "cannot open \(what) \(path)") }
        defer { close(fd) }
        try writeAll(bytes, fd: fd, path: path, what: what)
        guard fsync(fd) == 0 else { throw VaneError(.internalError, "cannot sync \(what) \(path)") }
        return UInt64(max(0, lseek(fd, 0, SEEK_END)))
    }

    /// Appends `bytes` to the file at `path` (created when missing) without syncing: once this
    /// returns the bytes are in the kernel's cache, so they survive the process being killed (not
    /// the machine losing power until a ``sync(_:what:)``). Returns the file's size.
    @discardableResult
    public static func appendUnsynced(_ bytes: [UInt8], to path: String, what: String) throws(VaneError) -> UInt64 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VaneError(.internalError, "cannot open \(what) \(path)") }
        defer { close(fd) }
        try writeAll(bytes, fd: fd, path: path, what: what)
        return UInt64(max(0, lseek(fd, 0, SEEK_END)))
    }

    /// Syncs the file at `path` to disk (nothing when it does not exist).
    public static func sync(_ path: String, what: String) throws(VaneError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw VaneError(.internalError, "cannot sync \(what) \(path)") }
    }

    /// Replaces the file at `path` with `bytes`, atomically: a reader sees the old file or the
    /// new one, and after a crash the new one is there once this returns.
    public static func replace(_ path: String, with bytes: [UInt8], what: String) throws(VaneError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VaneError(.internalError, "cannot create \(what) \(temporary)") }
        defer { close(fd) }
        try writeAll(bytes, fd: fd, path: temporary, what: what)
        guard fsync(fd) == 0 else { throw VaneError(.internalError, "cannot sync \(what) \(temporary)") }
        guard Foundation.rename(temporary, path) == 0 else { throw VaneError(.internalError, "cannot rename \(what) into \(path)") }
        syncDirectory(of: path)
    }

    /// Replaces the file at `path` with what `produce` hands to its `emit` function, a part at a
    /// time (a large file is never held in memory whole), atomically as ``replace(_:with:what:)``.
    /// Returns the file's size.
    @discardableResult
    public static func replace(_ path: String, what: String, producing produce: (_ emit: ([UInt8]) throws -> Void) throws -> Void) throws -> UInt64 {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VaneError(.internalError, "cannot create \(what) \(temporary)") }
        defer { close(fd) }
        var size: UInt64 = 0
        try produce { bytes in
            try writeAll(bytes, fd: fd, path: temporary, what: what)
            size += UInt64(bytes.count)
        }
        guard fsync(fd) == 0 else { throw VaneError(.internalError, "cannot sync \(what) \(temporary)") }
        guard Foundation.rename(temporary, path) == 0 else { throw VaneError(.internalError, "cannot rename \(what) into \(path)") }
        syncDirectory(of: path)
        return size
    }

    /// The bytes of the file at `path` (read into one array, without an intermediate copy), or
    /// nil when it cannot be read.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            offset += n
        }
        return offset == bytes.count ? bytes : Array(bytes.prefix(offset))
    }

    /// Syncs the directory holding `path`, so that a created or renamed file's name is durable.
    public static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    public static func writeAll(_ bytes: [UInt8], fd: Int32, path: String, what: String) throws(VaneError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw VaneError(.internalError, "cannot write \(what) \(path)") }
            offset += n
        }
    }
}
