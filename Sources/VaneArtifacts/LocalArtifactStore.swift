import Foundation
import VaneCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Artifacts as files under one root directory.
///
/// Every access resolves the target with symlinks refused: no component below the root may be a
/// symbolic link, so a link planted in the tree cannot lead outside it. Writes go to a temporary
/// file in the target directory, are flushed to disk and renamed into place, so a reader never
/// sees a partial file and an acknowledged upload survives a crash.
public struct LocalArtifactStore: ArtifactStore {
    /// The absolute, symlink-free root directory.
    public let root: String

    /// Creates the root if needed.
    public init(root: String) throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        guard let real = realpath(root, nil) else { throw VaneError(.internalError, "Cannot resolve artifact root \(root)") }
        self.root = String(cString: real)
        free(real)
    }

    /// The file system path of `path`, after checking that no existing component is a symlink.
    /// Only the store itself turns paths into file system paths; consumers use ``localCopy(of:)``.
    func resolve(_ path: ArtifactPath) throws -> String {
        var current = root
        for component in path.components {
            current += "/" + component
            var st = stat()
            if lstat(current, &st) == 0 {
                if (st.st_mode & S_IFMT) == S_IFLNK {
                    throw VaneError.invalid("Invalid path: '\(path)'. Symbolic links are not followed in the artifact store.")
                }
            } else {
                break // the rest does not exist yet
            }
        }
        return path.components.isEmpty ? root : root + "/" + path.components.joined(separator: "/")
    }

    public func list(_ path: ArtifactPath) throws -> [ArtifactFileInfo] {
        let dir = try resolve(path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        var out: [ArtifactFileInfo] = []
        for name in names where !name.hasPrefix(ArtifactPath.reservedPrefix) {
            var st = stat()
            guard lstat(dir + "/" + name, &st) == 0 else { continue }
            let kind = st.st_mode & S_IFMT
            if kind == S_IFLNK { continue }
            let rel = (path.components + [name]).joined(separator: "/")
            if kind == S_IFDIR {
                out.append(ArtifactFileInfo(path: rel, isDirectory: true, fileSize: nil))
            } else if kind == S_IFREG {
                out.append(ArtifactFileInfo(path: rel, isDirectory: false, fileSize: Int64(st.st_size)))
            }
        }
        return out
    }

    public func openForReading(_ path: ArtifactPath) throws -> ArtifactReader {
        let file = try resolve(path)
        let fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw VaneError.notFound("No such file or directory: '\(path)'") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw VaneError.notFound("No such file or directory: '\(path)'")
        }
        return ArtifactReader(fd: fd, size: Int64(st.st_size))
    }

    public func beginWrite(_ path: ArtifactPath) throws -> ArtifactWriter {
        guard !path.components.isEmpty else { throw VaneError.invalid("Invalid path: an artifact needs a file name") }
        let target = try resolve(path)
        let parent = String(target[..<target.lastIndex(of: "/")!])
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDir), isDir.boolValue {
            throw VaneError.invalid("Invalid path: '\(path)' is a directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw VaneError.invalid("Invalid path: cannot create the directory of '\(path)'")
        }
        _ = try resolve(path) // re-check after creating directories
        let temp = parent + "/" + ArtifactPath.reservedPrefix + Identifiers.hex32()
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VaneError(.internalError, "Cannot create a file for '\(path)'") }
        return ArtifactWriter(fd: fd, tempPath: temp, finalPath: target, directory: parent)
    }

    public func delete(_ path: ArtifactPath) throws {
        guard !path.components.isEmpty else { throw VaneError.invalid("Refusing to delete the artifact root") }
        let target = try resolve(path)
        var st = stat()
        guard lstat(target, &st) == 0 else { return }
        try FileManager.default.removeItem(atPath: target)
    }

    public func info(_ path: ArtifactPath) throws -> ArtifactFileInfo? {
        let target = try resolve(path)
        var st = stat()
        guard lstat(target, &st) == 0 else { return nil }
        let relative = path.components.joined(separator: "/")
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return ArtifactFileInfo(path: relative, isDirectory: true, fileSize: nil)
        case S_IFREG: return ArtifactFileInfo(path: relative, isDirectory: false, fileSize: Int64(st.st_size))
        default: return nil // a FIFO, socket or device is no artifact
        }
    }

    /// The store's own file: `path` resolved below the root with every component checked.
    public func localCopy(of path: ArtifactPath) throws -> LocalArtifactCopy {
        LocalArtifactCopy(root: root, path: try resolve(path))
    }

    public func holds(localPath: String) -> Bool {
        ArtifactURI.isInside(localPath, root: root)
    }
}

/// A file open for streaming reads; closes itself when released.
public final class ArtifactReader: ArtifactReading, @unchecked Sendable {
    let fd: Int32
    /// The file size in bytes.
    public let size: Int64

    init(fd: Int32, size: Int64) { self.fd = fd; self.size = size }
    deinit { close(fd) }

    /// Reads up to `count` bytes; an empty array at the end of the file.
    public func read(upTo count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
        guard n >= 0 else { throw VaneError(.internalError, "Read failed") }
        buffer.removeLast(count - n)
        return buffer
    }
}

/// A pending artifact write: bytes go to a temporary file until ``commit()``.
public final class ArtifactWriter: ArtifactWriting, @unchecked Sendable {
    let fd: Int32
    let tempPath: String
    let finalPath: String
    let directory: String
    private var finished = false

    init(fd: Int32, tempPath: String, finalPath: String, directory: String) {
        self.fd = fd; self.tempPath = tempPath; self.finalPath = finalPath; self.directory = directory
    }

    deinit { if !finished { abort() } }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw VaneError(.internalError, "Write after the artifact was committed or aborted") }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw VaneError(.internalError, "Write failed (errno \(errno))")
            }
            offset += n
        }
    }

    /// Appends bytes from any collection (read in place when it is contiguous, as a NIO
    /// `ByteBufferView` or an array is).
    public func write(contentsOf bytes: some Collection<UInt8> & Sendable) throws {
        let done: Void?? = try bytes.withContiguousStorageIfAvailable { try write(UnsafeRawBufferPointer($0)) }
        if done == nil { try Array(bytes).withUnsafeBytes { try write($0) } }
    }

    /// Flushes to disk and moves the file into place atomically.
    public func commit() throws {
        guard !finished else { return }
        finished = true
        guard fsync(fd) == 0 else { close(fd); unlink(tempPath); throw VaneError(.internalError, "fsync failed") }
        close(fd)
        guard rename(tempPath, finalPath) == 0 else { unlink(tempPath); throw VaneError(.internalError, "rename failed (errno \(errno))") }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// Discards the write; nothing becomes visible.
    public func abort() {
        guard !finished else { return }
        finished = true
        close(fd)
        unlink(tempPath)
    }
}
