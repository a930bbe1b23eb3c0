import Foundation
import Testing
import VaneArtifacts
import VaneCore

/// Runs `body`, expecting it to throw a `VaneError` with `code`; returns the error.
@discardableResult
func expectVaneError<R>(
    _ code: VaneError.Code, _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) -> VaneError? {
    do {
        let value = try body()
        Issue.record("expected \(code.rawValue) for '\(what())', but it succeeded with \(value)", sourceLocation: sourceLocation)
    } catch let error as VaneError {
        #expect(error.code == code, "\(what()): \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected VaneError \(code.rawValue) for '\(what())', got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A fresh directory under the system temporary directory, removed by ``remove()``.
///
/// Layout: `<base>/root` is the artifact root, `<base>/outside` is a sibling the store must never touch.
struct ScratchDirectory {
    let base: String
    var root: String { base + "/root" }
    var outside: String { base + "/outside" }

    init(_ label: String = #function) throws {
        let tmp = FileManager.default.temporaryDirectory.path
        let clean = label.filter { $0.isLetter || $0.isNumber }
        base = tmp + "/vane-artifacts-tests-\(clean)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: base) }

    /// A store over `root`, passed to `body`; the whole scratch directory is removed afterwards.
    static func withStore<R>(_ label: String = #function, _ body: (LocalArtifactStore, ScratchDirectory) throws -> R) throws -> R {
        let scratch = try ScratchDirectory(label)
        defer { scratch.remove() }
        let store = try LocalArtifactStore(root: scratch.root)
        return try body(store, scratch)
    }
}

/// A validated path, failing the test if the literal is refused.
func path(_ raw: String) throws -> ArtifactPath {
    try ArtifactPath(validating: raw)
}

extension LocalArtifactStore {
    /// Writes `bytes` through beginWrite/commit, in chunks of `chunk` bytes.
    func put(_ p: ArtifactPath, _ bytes: [UInt8], chunk: Int = 64 * 1024) throws {
        let writer = try beginWrite(p)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try bytes[offset..<end].withUnsafeBytes { try writer.write($0) }
            offset = end
        }
        try writer.commit()
    }

    func put(_ p: ArtifactPath, _ text: String) throws { try put(p, Array(text.utf8)) }

    /// Reads a whole file in chunks of `chunk` bytes.
    func readAll(_ p: ArtifactPath, chunk: Int = 64 * 1024) throws -> [UInt8] {
        let reader = try openForReading(p)
        var out: [UInt8] = []
        while true {
            let piece = try reader.read(upTo: chunk)
            if piece.isEmpty { break }
            out += piece
        }
        #expect(Int64(out.count) == reader.size)
        return out
    }

    func readString(_ p: ArtifactPath) throws -> String { String(decoding: try readAll(p), as: UTF8.self) }
}

/// Deterministic pseudo-random bytes (xorshift), so a mismatch is reproducible.
func pseudoRandomBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var out = [UInt8]()
    out.reserveCapacity(count)
    for _ in 0..<count {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        out.append(UInt8(truncatingIfNeeded: state >> 24))
    }
    return out
}

func fileExists(_ p: String) -> Bool { FileManager.default.fileExists(atPath: p) }

func contents(of p: String) -> String? {
    FileManager.default.contents(atPath: p).map { String(decoding: $0, as: UTF8.self) }
}
