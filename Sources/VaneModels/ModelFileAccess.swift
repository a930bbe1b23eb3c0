import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the model loader may reach a model's files.
public enum ModelFileAccess: Sendable, Equatable {
    /// Paths are opened as given and symbolic links are followed: a file or directory the user
    /// named on the command line (`vane predict --model ./model.xgb`) is the user's own.
    case followingLinks
    /// Only inside `root` (an absolute, symlink-free directory: an artifact store's root), and
    /// never through a symbolic link at or below it: the rule of the artifact routes, for models
    /// whose location a client registered. Every component is opened relative to its opened
    /// parent with `O_NOFOLLOW`, and files are read from the opened descriptor, so nothing can
    /// swap a link in between a check and the read.
    case confined(root: String)
}

/// An open file or directory of a model, closed when released.
final class ModelFileHandle {
    let fd: Int32
    let isDirectory: Bool
    let size: Int
    /// The path in messages: relative to the root when confined, as given otherwise.
    let display: String

    private init(fd: Int32, isDirectory: Bool, size: Int, display: String) {
        self.fd = fd; self.isDirectory = isDirectory; self.size = size; self.display = display
    }

    deinit { close(fd) }

    /// Opens `path` under `access`.
    static func open(_ path: String, access: ModelFileAccess) throws(ModelError) -> ModelFileHandle {
        switch access {
        case .followingLinks:
            let fd = openFile(path, flags: 0)
            guard fd >= 0 else { throw ModelError.invalidModel("no model at '\(path)'") }
            return try wrap(fd, display: path)
        case .confined(let root):
            let relative: Substring
            if path == root {
                relative = ""
            } else if path.hasPrefix(root + "/") {
                relative = path.dropFirst(root.count + 1)
            } else {
                throw ModelError.invalidModel("'\(path)' is outside the artifact root")
            }
            let fd = openFile(root, flags: O_DIRECTORY)
            guard fd >= 0 else { throw ModelError.invalidModel("the artifact root cannot be opened") }
            let rootHandle = try wrap(fd, display: "")
            return try rootHandle.open(relative: String(relative), followLinks: false)
        }
    }

    /// Opens `relative` (`/`-separated, without `..`) below this directory, one component at a
    /// time; with `followLinks` false a symbolic link anywhere on the way is refused, with one
    /// message whatever the link points at (an existing file, a directory or nothing).
    func open(relative: String, followLinks: Bool) throws(ModelError) -> ModelFileHandle {
        let components = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        if components.contains("..") {
            throw ModelError.invalidModel("'\(relative)' leads outside '\(display.isEmpty ? "." : display)'")
        }
        var current = self
        for (index, component) in components.enumerated() {
            let shown = current.display.isEmpty ? component : current.display + "/" + component
            let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW)
            let fd = openat(current.fd, component, flags)
            guard fd >= 0 else {
                let failure = errno
                if !followLinks, failure == ELOOP || Self.isLink(component, in: current.fd) {
                    throw Self.linkRefused(shown)
                }
                throw ModelError.invalidModel("no model at '\(shown)'")
            }
            let next = try Self.wrap(fd, display: shown)
            if index < components.count - 1, !next.isDirectory {
                throw ModelError.invalidModel("no model at '\(shown + "/" + components[(index + 1)...].joined(separator: "/"))'")
            }
            current = next
        }
        return current
    }

    /// The file's bytes, refused beyond `limit` bytes (checked before reading, and again while
    /// reading in case the file grows).
    func read(limit: Int) throws(ModelError) -> Data {
        guard !isDirectory else { throw ModelError.invalidModel("'\(display)' is a directory") }
        guard size <= limit else { throw ModelError.invalidModel("'\(display)' is \(size) bytes; the limit is \(limit)") }
        var data = Data(count: size)
        var total = 0
        while true {
            if total == data.count {
                guard total < limit else { break }
                data.count = min(limit, max(total * 2, total + 4096))
            }
            let n = data.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + total, buffer.count - total)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ModelError.invalidModel("cannot read '\(display)' (errno \(errno))")
            }
            if n == 0 { break }
            total += n
        }
        if total == limit {
            var probe: UInt8 = 0
            if Glibc.read(fd, &probe, 1) > 0 {
                throw ModelError.invalidModel("'\(display)' is more than \(limit) bytes; the limit is \(limit)")
            }
        }
        data.count = total
        return data
    }

    private static func openFile(_ path: String, flags: Int32) -> Int32 {
        Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | flags)
    }

    /// Keeps regular files and directories; a FIFO, socket or device is no model.
    private static func wrap(_ fd: Int32, display: String) throws(ModelError) -> ModelFileHandle {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw ModelError.invalidModel("no model at '\(display)'")
        }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFDIR else {
            close(fd)
            throw ModelError.invalidModel("'\(display)' is neither a file nor a directory")
        }
        return ModelFileHandle(fd: fd, isDirectory: kind == S_IFDIR, size: Int(st.st_size), display: display)
    }

    private static func isLink(_ name: String, in directory: Int32) -> Bool {
        var st = stat()
        return fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    static func linkRefused(_ shown: String) -> ModelError {
        ModelError.invalidModel("Invalid path: '\(shown)'. Symbolic links are not followed in the artifact store.")
    }
}
