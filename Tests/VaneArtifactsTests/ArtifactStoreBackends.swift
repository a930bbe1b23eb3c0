import Foundation
import Testing
import VaneArtifacts
import VaneCore

/// One way of building an ``ArtifactStore`` for the contract suite: a name for the test report and
/// a factory that returns a fresh, empty store and a cleanup.
///
/// The contract suite speaks only `any ArtifactStore`; a new backend (an S3-compatible store)
/// passes it by adding one factory to ``ArtifactStoreBackends/all``.
struct ArtifactStoreBackend: Sendable, CustomTestStringConvertible {
    /// A fresh store and what to run once the test is done with it.
    typealias Instance = (store: any ArtifactStore, cleanup: @Sendable () -> Void)

    let name: String
    let make: @Sendable () throws -> Instance

    var testDescription: String { name }

    /// Runs `body` with a fresh store, cleaning up afterwards whether it passes or throws.
    func withStore<R>(_ body: (any ArtifactStore) async throws -> R) async throws -> R {
        let instance = try make()
        defer { instance.cleanup() }
        return try await body(instance.store)
    }
}

/// Every backend the artifact contract runs against.
enum ArtifactStoreBackends {
    static let all: [ArtifactStoreBackend] = [localFileSystem]

    /// ``LocalArtifactStore`` over a fresh temporary directory, removed afterwards.
    static let localFileSystem = ArtifactStoreBackend(name: "local file system") {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-artifact-contract-\(UUID().uuidString)")
        let store = try LocalArtifactStore(root: dir.appendingPathComponent("root").path)
        return (store, { try? FileManager.default.removeItem(at: dir) })
    }
}

extension ArtifactStore {
    /// Writes `bytes` through beginWrite/commit in chunks of `chunk` bytes.
    func write(_ p: ArtifactPath, _ bytes: [UInt8], chunk: Int = 64 * 1024) async throws {
        let writer = try await beginWrite(p)
        try await feedBytes(writer, bytes, chunk: chunk)
        try await writer.commit()
    }

    func write(_ p: ArtifactPath, _ text: String) async throws { try await write(p, Array(text.utf8)) }

    /// Reads a whole file in chunks of `chunk` bytes, checking the size the reader reported.
    func bytes(at p: ArtifactPath, chunk: Int = 64 * 1024, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [UInt8] {
        let reader = try await openForReading(p)
        var out: [UInt8] = []
        while true {
            let piece = try await reader.read(upTo: chunk)
            if piece.isEmpty { break }
            out += piece
        }
        #expect(Int64(out.count) == reader.size, sourceLocation: sourceLocation)
        return out
    }

    func text(at p: ArtifactPath) async throws -> String { String(decoding: try await bytes(at: p), as: UTF8.self) }

    /// Every file below `p` (recursively), as paths relative to the root.
    func allFiles(under p: ArtifactPath = .root) async throws -> [String] {
        var out: [String] = []
        for entry in try await list(p) {
            if entry.isDirectory {
                out += try await allFiles(under: ArtifactPath(trustedComponents: entry.path.split(separator: "/").map(String.init)))
            } else {
                out.append(entry.path)
            }
        }
        return out
    }
}

/// Appends `bytes` to a pending write in chunks of `chunk` bytes.
func feedBytes(_ writer: any ArtifactWriting, _ bytes: [UInt8], chunk: Int = 64 * 1024) async throws {
    var offset = 0
    while offset < bytes.count {
        let end = min(offset + chunk, bytes.count)
        try await writer.write(contentsOf: bytes[offset..<end])
        offset = end
    }
}

/// Awaits `body`, expecting a `VaneError` with `code`; returns the error.
@discardableResult
func expectAsyncVaneError<R>(
    _ code: VaneError.Code, _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> R
) async -> VaneError? {
    do {
        _ = try await body()
        Issue.record("expected \(code.rawValue) for '\(what())', but it succeeded", sourceLocation: sourceLocation)
    } catch let error as VaneError {
        #expect(error.code == code, "\(what()): \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected VaneError \(code.rawValue) for '\(what())', got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
