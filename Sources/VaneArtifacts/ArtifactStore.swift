import Foundation
import VaneCore

/// One entry of an artifact directory listing.
public struct ArtifactFileInfo: Sendable, Equatable {
    /// The path relative to the listed root (MLflow lists paths relative to the artifact URI).
    public var path: String
    public var isDirectory: Bool
    public var fileSize: Int64?
    public init(path: String, isDirectory: Bool, fileSize: Int64?) {
        self.path = path; self.isDirectory = isDirectory; self.fileSize = fileSize
    }
}

/// Storage for artifact bytes. The local file system store is ``LocalArtifactStore``;
/// an S3-compatible store will implement the same protocol.
public protocol ArtifactStore: Sendable {
    /// Lists the direct children of a directory; an empty list if it does not exist.
    func list(_ path: ArtifactPath) throws -> [ArtifactFileInfo]
    /// Opens a file for streaming reads; throws `notFound` if absent or a directory.
    func openForReading(_ path: ArtifactPath) throws -> ArtifactReader
    /// Starts a write that becomes visible only when committed.
    func beginWrite(_ path: ArtifactPath) throws -> ArtifactWriter
    /// Deletes a file or a directory tree; missing paths are not an error.
    func delete(_ path: ArtifactPath) throws
}
