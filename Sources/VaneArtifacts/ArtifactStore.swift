import Foundation
import VaneCore

/// One entry of an artifact directory listing, or what ``ArtifactStore/info(_:)`` says of a path.
public struct ArtifactFileInfo: Sendable, Equatable {
    /// The path relative to the listed root (MLflow lists paths relative to the artifact URI).
    public var path: String
    public var isDirectory: Bool
    public var fileSize: Int64?
    public init(path: String, isDirectory: Bool, fileSize: Int64?) {
        self.path = path; self.isDirectory = isDirectory; self.fileSize = fileSize
    }
}

/// Storage for artifact bytes: the only way any module reaches an artifact. The local file
/// system store is ``LocalArtifactStore``; an S3-compatible store will implement the same
/// protocol and pass the same contract suite.
///
/// Bytes move in bounded chunks both ways (``openForReading(_:)`` / ``chunks(of:chunkSize:)``,
/// ``beginWrite(_:)`` / ``write(_:from:)``), so an artifact of any size moves with flat memory.
/// Nothing outside a store sees a file system path, except through ``localCopy(of:)`` for a
/// runtime that can only open local files.
public protocol ArtifactStore: Sendable {
    /// A file open for reading.
    associatedtype Reader: ArtifactReading
    /// A pending write.
    associatedtype Writer: ArtifactWriting

    /// Lists the direct children of a directory; an empty list if it does not exist or is a file.
    func list(_ path: ArtifactPath) async throws -> [ArtifactFileInfo]
    /// What is at `path` (a file with its size, or a directory), or nil if nothing is. The root
    /// is a directory whose path is empty.
    func info(_ path: ArtifactPath) async throws -> ArtifactFileInfo?
    /// Opens a file for streaming reads; throws `notFound` if absent or a directory.
    func openForReading(_ path: ArtifactPath) async throws -> Reader
    /// Starts a write that becomes visible only when committed; refuses the root and a directory.
    func beginWrite(_ path: ArtifactPath) async throws -> Writer
    /// Deletes a file or a directory tree; missing paths are not an error; the root is refused.
    func delete(_ path: ArtifactPath) async throws

    /// The path in this store behind an artifact URI that a client registered (an experiment's
    /// or run's location, a model version's source); `invalidParameter` for a URI this store does
    /// not hold (another scheme, a local path outside it, `..`, a query or a NUL byte).
    func path(ofURI uri: String) throws(VaneError) -> ArtifactPath
    /// Whether a local file system path that a client sent (a `file:` URI or a plain path) names
    /// a place inside this store. A store that is not on the local file system holds none.
    func holds(localPath: String) -> Bool
    /// The file or directory at `path` as a local file system path, for a runtime that can only
    /// open local files: the local store gives its own file (checked as every access is), a
    /// remote store downloads it into a local cache first. The copy is reached only below
    /// ``LocalArtifactCopy/root``, without following symbolic links.
    func localCopy(of path: ArtifactPath) async throws -> LocalArtifactCopy
}

/// A file open for streaming reads.
public protocol ArtifactReading: AnyObject, Sendable {
    /// The file size in bytes.
    var size: Int64 { get }
    /// Reads up to `count` bytes; an empty array at the end of the file.
    func read(upTo count: Int) async throws -> [UInt8]
}

/// A pending artifact write: nothing is visible at the target until ``commit()``.
public protocol ArtifactWriting: AnyObject, Sendable {
    /// Appends bytes.
    func write(contentsOf bytes: some Collection<UInt8> & Sendable) async throws
    /// Makes the whole file visible at its path at once, replacing what was there.
    func commit() async throws
    /// Discards the write; nothing becomes visible.
    func abort() async
}

/// An artifact reachable on the local file system: ``path`` lies at or below ``root``, an
/// absolute directory without symbolic links, and is to be opened only below it without
/// following links (the model loader's `ModelFileAccess.confined(root:)`).
public struct LocalArtifactCopy: Sendable, Equatable {
    public var root: String
    public var path: String
    public init(root: String, path: String) {
        self.root = root; self.path = path
    }
}

extension ArtifactStore {
    /// The bytes of the file at `path` as a sequence of chunks of at most `chunkSize` bytes,
    /// with the file's size; throws `notFound` as ``openForReading(_:)`` does.
    public func chunks(of path: ArtifactPath, chunkSize: Int = 64 * 1024) async throws -> ArtifactChunks {
        ArtifactChunks(reader: try await openForReading(path), chunkSize: chunkSize)
    }

    /// Writes the chunks of `source` to `path` and commits them; on any error (of the source or
    /// the store) nothing becomes visible and the error is rethrown.
    public func write<Source: AsyncSequence>(_ path: ArtifactPath, from source: Source) async throws
    where Source.Element: Collection<UInt8> & Sendable {
        let writer = try await beginWrite(path)
        do {
            for try await chunk in source { try await writer.write(contentsOf: chunk) }
            try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
    }
}

/// A file's bytes as an async sequence of chunks (each at most `chunkSize` bytes, never
/// empty), read on demand from an open reader: memory stays at one chunk whatever the size.
public struct ArtifactChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let reader: any ArtifactReading
    let chunkSize: Int

    /// The file size in bytes.
    public var size: Int64 { reader.size }

    init(reader: any ArtifactReading, chunkSize: Int) {
        self.reader = reader
        self.chunkSize = Swift.max(1, chunkSize)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(reader: reader, chunkSize: chunkSize)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let reader: any ArtifactReading
        let chunkSize: Int

        public mutating func next() async throws -> [UInt8]? {
            let chunk = try await reader.read(upTo: chunkSize)
            return chunk.isEmpty ? nil : chunk
        }
    }
}
