import Foundation
import Testing
import VaneArtifacts
import VaneCore

/// What any ``ArtifactStore`` must do, written against the protocol and run against every backend
/// in ``ArtifactStoreBackends/all``: bytes round-trip, a write is atomic (visible whole on commit,
/// never after an abort), listings are direct children relative to the root, deletes are
/// idempotent, and nothing outside a validated ``ArtifactPath`` can be addressed.
@Suite("Artifact store contract")
struct ArtifactStoreContractTests {
    // MARK: Reading and writing

    @Test("a multi-megabyte file written in odd chunks reads back byte for byte", arguments: ArtifactStoreBackends.all)
    func roundTrip(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let bytes = pseudoRandomBytes(count: 3 * 1024 * 1024 + 12_345)
            let p = try path("model/weights.bin")
            try store.write(p, bytes, chunk: 65_537)
            #expect(try store.openForReading(p).size == Int64(bytes.count))
            #expect(try store.bytes(at: p, chunk: 100_003) == bytes)
            #expect(try store.bytes(at: p, chunk: 1 << 20) == bytes)
        }
    }

    @Test("an empty file round-trips; reading past the end gives empty chunks", arguments: ArtifactStoreBackends.all)
    func endOfFile(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            try store.write(try path("small.txt"), "hello")
            let reader = try store.openForReading(try path("small.txt"))
            #expect(reader.size == 5)
            #expect(try reader.read(upTo: 3) == Array("hel".utf8))
            #expect(try reader.read(upTo: 100) == Array("lo".utf8))
            #expect(try reader.read(upTo: 100).isEmpty)
            #expect(try reader.read(upTo: 100).isEmpty)
            try store.beginWrite(try path("empty")).commit()
            #expect(try store.openForReading(try path("empty")).size == 0)
            #expect(try store.bytes(at: try path("empty")).isEmpty)
            #expect(try store.list(.root).contains(ArtifactFileInfo(path: "empty", isDirectory: false, fileSize: 0)))
        }
    }

    @Test("writing an existing file replaces its content entirely", arguments: ArtifactStoreBackends.all)
    func overwrite(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let p = try path("dir/file.txt")
            try store.write(p, String(repeating: "long old content ", count: 100))
            try store.write(p, "new")
            #expect(try store.text(at: p) == "new")
            #expect(try store.list(try path("dir")) == [ArtifactFileInfo(path: "dir/file.txt", isDirectory: false, fileSize: 3)])
        }
    }

    @Test("names with spaces, Unicode and dots are stored and listed as given", arguments: ArtifactStoreBackends.all)
    func unusualNames(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let names = ["my model", "modèle-ü", "数据.csv", ".hidden", "a.b.c"]
            for name in names { try store.write(try path("d/\(name)"), name) }
            #expect(Set(try store.list(try path("d")).map(\.path)) == Set(names.map { "d/\($0)" }))
            for name in names { #expect(try store.text(at: try path("d/\(name)")) == name) }
        }
    }

    // MARK: Atomic writes

    @Test("a pending write is invisible until committed; the previous version stays readable meanwhile", arguments: ArtifactStoreBackends.all)
    func pendingWriteInvisible(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let p = try path("a/report.json")
            try store.write(p, "v1")
            let w = try store.beginWrite(p)
            try ArtifactStoreBackend.feedText(w, "version two")
            #expect(try store.text(at: p) == "v1")
            #expect(try store.list(try path("a")) == [ArtifactFileInfo(path: "a/report.json", isDirectory: false, fileSize: 2)])
            let fresh = try path("a/new.bin")
            let w2 = try store.beginWrite(fresh)
            try ArtifactStoreBackend.feedText(w2, "x")
            expectVaneError(.notFound, "uncommitted") { try store.openForReading(fresh) }
            #expect(try store.allFiles() == ["a/report.json"])
            try w.commit()
            try w2.commit()
            #expect(try store.text(at: p) == "version two")
            #expect(try store.text(at: fresh) == "x")
            #expect(try store.allFiles() == ["a/new.bin", "a/report.json"])
        }
    }

    @Test("an aborted write leaves nothing: no file, no listing entry, no readable bytes", arguments: ArtifactStoreBackends.all)
    func abortLeavesNothing(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let p = try path("run/artifacts/big.bin")
            let w = try store.beginWrite(p)
            try feedBytes(w, pseudoRandomBytes(count: 200_000))
            w.abort()
            expectVaneError(.notFound) { try store.openForReading(p) }
            #expect(try store.allFiles().isEmpty)
            #expect(try store.list(try path("run/artifacts")).isEmpty)
            // Writing after abort fails rather than reviving the upload.
            #expect(throws: VaneError.self) { try [1, 2, 3].withUnsafeBytes { try w.write($0) } }
            #expect(try store.allFiles().isEmpty)
        }
    }

    @Test("aborting an overwrite keeps the previous content", arguments: ArtifactStoreBackends.all)
    func abortOverwrite(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let p = try path("keep.txt")
            try store.write(p, "original")
            let w = try store.beginWrite(p)
            try ArtifactStoreBackend.feedText(w, "replacement that never lands")
            w.abort()
            #expect(try store.text(at: p) == "original")
            #expect(try store.list(.root) == [ArtifactFileInfo(path: "keep.txt", isDirectory: false, fileSize: 8)])
        }
    }

    @Test("a writer released without commit leaves nothing", arguments: ArtifactStoreBackends.all)
    func releasedWriter(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let p = try path("dropped/file.bin")
            do {
                let w = try store.beginWrite(p)
                try ArtifactStoreBackend.feedText(w, "partial")
            }
            expectVaneError(.notFound) { try store.openForReading(p) }
            #expect(try store.allFiles().isEmpty)
        }
    }

    @Test("after commit: writing fails, a second commit and an abort change nothing", arguments: ArtifactStoreBackends.all)
    func afterCommit(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let p = try path("done.txt")
            let w = try store.beginWrite(p)
            try ArtifactStoreBackend.feedText(w, "final")
            try w.commit()
            #expect(throws: VaneError.self) { try ArtifactStoreBackend.feedText(w, " more") }
            try w.commit()
            w.abort()
            #expect(try store.text(at: p) == "final")
        }
    }

    @Test("concurrent writers: different files all land; one file ends with exactly one writer's bytes", arguments: ArtifactStoreBackends.all)
    func concurrentWriters(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let payloads = (0..<8).map { i in pseudoRandomBytes(count: 150_000 + i, seed: UInt64(i + 1)) }
            DispatchQueue.concurrentPerform(iterations: payloads.count) { i in
                try? store.write(try! path("many/f\(i).bin"), payloads[i], chunk: 7_001)
                try? store.write(try! path("shared.bin"), payloads[i], chunk: 9_999)
            }
            for i in payloads.indices { #expect(try store.bytes(at: try path("many/f\(i).bin")) == payloads[i]) }
            let shared = try store.bytes(at: try path("shared.bin"))
            #expect(payloads.contains(shared))
            #expect(try store.list(try path("many")).count == payloads.count)
        }
    }

    // MARK: Listing

    @Test("list gives direct children with kinds and sizes, paths relative to the root, sorted", arguments: ArtifactStoreBackends.all)
    func listing(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            try store.write(try path("b.txt"), "bbb")
            try store.write(try path("a.txt"), "a")
            try store.write(try path("model/MLmodel"), "flavors: {}")
            try store.write(try path("model/data/model.xgb"), "xx")
            #expect(try store.list(.root) == [
                ArtifactFileInfo(path: "a.txt", isDirectory: false, fileSize: 1),
                ArtifactFileInfo(path: "b.txt", isDirectory: false, fileSize: 3),
                ArtifactFileInfo(path: "model", isDirectory: true, fileSize: nil),
            ])
            #expect(try store.list(try path("model")) == [
                ArtifactFileInfo(path: "model/MLmodel", isDirectory: false, fileSize: 11),
                ArtifactFileInfo(path: "model/data", isDirectory: true, fileSize: nil),
            ])
            #expect(try store.allFiles() == ["a.txt", "b.txt", "model/MLmodel", "model/data/model.xgb"])
        }
    }

    @Test("listing a missing directory or a file gives an empty list", arguments: ArtifactStoreBackends.all)
    func listMissing(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            #expect(try store.list(.root).isEmpty)
            #expect(try store.list(try path("nope/deeper")).isEmpty)
            try store.write(try path("file.txt"), "x")
            #expect(try store.list(try path("file.txt")).isEmpty)
        }
    }

    // MARK: Reading errors

    @Test("reading a missing file, a directory or the root is notFound", arguments: ArtifactStoreBackends.all)
    func readErrors(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            try store.write(try path("dir/file.txt"), "x")
            expectVaneError(.notFound) { try store.openForReading(try path("missing.txt")) }
            expectVaneError(.notFound) { try store.openForReading(try path("dir/missing.txt")) }
            expectVaneError(.notFound) { try store.openForReading(try path("dir")) }
            expectVaneError(.notFound) { try store.openForReading(.root) }
        }
    }

    // MARK: Deleting

    @Test("delete removes a file or a whole tree; a missing path is not an error; the root is refused", arguments: ArtifactStoreBackends.all)
    func delete(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            try store.write(try path("keep.txt"), "k")
            try store.write(try path("one.txt"), "1")
            try store.write(try path("tree/a.txt"), "a")
            try store.write(try path("tree/sub/b.txt"), "b")
            try store.delete(try path("one.txt"))
            expectVaneError(.notFound) { try store.openForReading(try path("one.txt")) }
            try store.delete(try path("tree"))
            expectVaneError(.notFound) { try store.openForReading(try path("tree/sub/b.txt")) }
            #expect(try store.list(try path("tree")).isEmpty)
            try store.delete(try path("never/was"))
            try store.delete(try path("one.txt"))
            expectVaneError(.invalidParameter) { try store.delete(.root) }
            #expect(try store.allFiles() == ["keep.txt"])
            // A deleted tree can be written again.
            try store.write(try path("tree/a.txt"), "again")
            #expect(try store.text(at: try path("tree/a.txt")) == "again")
        }
    }

    // MARK: Refused targets

    @Test("a write needs a file name and may not replace a directory", arguments: ArtifactStoreBackends.all)
    func refusedWriteTargets(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            try store.write(try path("dir/inside.txt"), "x")
            expectVaneError(.invalidParameter) { try store.beginWrite(.root) }
            expectVaneError(.invalidParameter) { try store.beginWrite(try path("dir")) }
            #expect(try store.text(at: try path("dir/inside.txt")) == "x")
            #expect(try store.allFiles() == ["dir/inside.txt"])
        }
    }

    @Test("paths that escape the root or name an upload temporary cannot be formed, so the store never sees them",
          arguments: ArtifactStoreBackends.all)
    func pathRefusal(_ backend: ArtifactStoreBackend) throws {
        try backend.withStore { store in
            let refused = ["..", "../x", "a/../../x", "%2e%2e/x", "/etc/passwd", "~/.ssh", "a\\b", "C:/x", "a\u{0}b",
                           "file:///etc/passwd", "s3://bucket/key", ArtifactPath.reservedPrefix + "x", "d/" + ArtifactPath.reservedPrefix + "1"]
            for raw in refused {
                expectVaneError(.invalidParameter, raw) { try ArtifactPath(validating: raw) }
            }
            // A pending upload's temporary, whatever the backend keeps, is never listed.
            let w = try store.beginWrite(try path("d/real.bin"))
            try ArtifactStoreBackend.feedText(w, "pending")
            try store.write(try path("d/other.txt"), "o")
            #expect(try store.list(try path("d")).map(\.path) == ["d/other.txt"])
            try w.commit()
            #expect(try store.list(try path("d")).map(\.path) == ["d/other.txt", "d/real.bin"])
        }
    }
}

extension ArtifactStoreBackend {
    /// Appends UTF-8 text to a pending write.
    static func feedText(_ writer: ArtifactWriter, _ text: String) throws {
        try Array(text.utf8).withUnsafeBytes { try writer.write($0) }
    }
}
