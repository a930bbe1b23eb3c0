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
    func roundTrip(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let bytes = pseudoRandomBytes(count: 3 * 1024 * 1024 + 12_345)
            let p = try path("model/weights.bin")
            try await store.write(p, bytes, chunk: 65_537)
            #expect(try await store.openForReading(p).size == Int64(bytes.count))
            #expect(try await store.bytes(at: p, chunk: 100_003) == bytes)
            #expect(try await store.bytes(at: p, chunk: 1 << 20) == bytes)
        }
    }

    @Test("an empty file round-trips; reading past the end gives empty chunks", arguments: ArtifactStoreBackends.all)
    func endOfFile(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            try await store.write(try path("small.txt"), "hello")
            let reader = try await store.openForReading(try path("small.txt"))
            #expect(reader.size == 5)
            #expect(try await reader.read(upTo: 3) == Array("hel".utf8))
            #expect(try await reader.read(upTo: 100) == Array("lo".utf8))
            #expect(try await reader.read(upTo: 100).isEmpty)
            #expect(try await reader.read(upTo: 100).isEmpty)
            try await store.beginWrite(try path("empty")).commit()
            #expect(try await store.openForReading(try path("empty")).size == 0)
            #expect(try await store.bytes(at: try path("empty")).isEmpty)
            #expect(try await store.list(.root).contains(ArtifactFileInfo(path: "empty", isDirectory: false, fileSize: 0)))
        }
    }

    @Test("writing an existing file replaces its content entirely", arguments: ArtifactStoreBackends.all)
    func overwrite(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let p = try path("dir/file.txt")
            try await store.write(p, String(repeating: "long old content ", count: 100))
            try await store.write(p, "new")
            #expect(try await store.text(at: p) == "new")
            #expect(try await store.list(try path("dir")) == [ArtifactFileInfo(path: "dir/file.txt", isDirectory: false, fileSize: 3)])
        }
    }

    @Test("names with spaces, Unicode and dots are stored and listed as given", arguments: ArtifactStoreBackends.all)
    func unusualNames(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let names = ["my model", "modèle-ü", "数据.csv", ".hidden", "a.b.c"]
            for name in names { try await store.write(try path("d/\(name)"), name) }
            #expect(Set(try await store.list(try path("d")).map(\.path)) == Set(names.map { "d/\($0)" }))
            for name in names { #expect(try await store.text(at: try path("d/\(name)")) == name) }
        }
    }

    // MARK: Atomic writes

    @Test("a pending write is invisible until committed; the previous version stays readable meanwhile", arguments: ArtifactStoreBackends.all)
    func pendingWriteInvisible(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let p = try path("a/report.json")
            try await store.write(p, "v1")
            let w = try await store.beginWrite(p)
            try await ArtifactStoreBackend.feedText(w, "version two")
            #expect(try await store.text(at: p) == "v1")
            #expect(try await store.list(try path("a")) == [ArtifactFileInfo(path: "a/report.json", isDirectory: false, fileSize: 2)])
            let fresh = try path("a/new.bin")
            let w2 = try await store.beginWrite(fresh)
            try await ArtifactStoreBackend.feedText(w2, "x")
            await expectAsyncVaneError(.notFound, "uncommitted") { try await store.openForReading(fresh) }
            #expect(try await store.allFiles() == ["a/report.json"])
            try await w.commit()
            try await w2.commit()
            #expect(try await store.text(at: p) == "version two")
            #expect(try await store.text(at: fresh) == "x")
            #expect(try await store.allFiles() == ["a/new.bin", "a/report.json"])
        }
    }

    @Test("an aborted write leaves nothing: no file, no listing entry, no readable bytes", arguments: ArtifactStoreBackends.all)
    func abortLeavesNothing(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let p = try path("run/artifacts/big.bin")
            let w = try await store.beginWrite(p)
            try await feedBytes(w, pseudoRandomBytes(count: 200_000))
            await w.abort()
            await expectAsyncVaneError(.notFound) { try await store.openForReading(p) }
            #expect(try await store.allFiles().isEmpty)
            #expect(try await store.list(try path("run/artifacts")).isEmpty)
            // Writing after abort fails rather than reviving the upload.
            await #expect(throws: VaneError.self) { try await w.write(contentsOf: [1, 2, 3] as [UInt8]) }
            #expect(try await store.allFiles().isEmpty)
        }
    }

    @Test("aborting an overwrite keeps the previous content", arguments: ArtifactStoreBackends.all)
    func abortOverwrite(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let p = try path("keep.txt")
            try await store.write(p, "original")
            let w = try await store.beginWrite(p)
            try await ArtifactStoreBackend.feedText(w, "replacement that never lands")
            await w.abort()
            #expect(try await store.text(at: p) == "original")
            #expect(try await store.list(.root) == [ArtifactFileInfo(path: "keep.txt", isDirectory: false, fileSize: 8)])
        }
    }

    @Test("a writer released without commit leaves nothing", arguments: ArtifactStoreBackends.all)
    func releasedWriter(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let p = try path("dropped/file.bin")
            do {
                let w = try await store.beginWrite(p)
                try await ArtifactStoreBackend.feedText(w, "partial")
            }
            await expectAsyncVaneError(.notFound) { try await store.openForReading(p) }
            #expect(try await store.allFiles().isEmpty)
        }
    }

    @Test("after commit: writing fails, a second commit and an abort change nothing", arguments: ArtifactStoreBackends.all)
    func afterCommit(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let p = try path("done.txt")
            let w = try await store.beginWrite(p)
            try await ArtifactStoreBackend.feedText(w, "final")
            try await w.commit()
            await #expect(throws: VaneError.self) { try await ArtifactStoreBackend.feedText(w, " more") }
            try await w.commit()
            await w.abort()
            #expect(try await store.text(at: p) == "final")
        }
    }

    @Test("concurrent writers: different files all land; one file ends with exactly one writer's bytes", arguments: ArtifactStoreBackends.all)
    func concurrentWriters(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let payloads = (0..<8).map { i in pseudoRandomBytes(count: 150_000 + i, seed: UInt64(i + 1)) }
            await withTaskGroup(of: Void.self) { group in
                for i in payloads.indices {
                    group.addTask {
                        try? await store.write(try! path("many/f\(i).bin"), payloads[i], chunk: 7_001)
                        try? await store.write(try! path("shared.bin"), payloads[i], chunk: 9_999)
                    }
                }
            }
            for i in payloads.indices { #expect(try await store.bytes(at: try path("many/f\(i).bin")) == payloads[i]) }
            let shared = try await store.bytes(at: try path("shared.bin"))
            #expect(payloads.contains(shared))
            #expect(try await store.list(try path("many")).count == payloads.count)
        }
    }

    // MARK: Listing

    @Test("list gives direct children with kinds and sizes, paths relative to the root, sorted", arguments: ArtifactStoreBackends.all)
    func listing(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            try await store.write(try path("b.txt"), "bbb")
            try await store.write(try path("a.txt"), "a")
            try await store.write(try path("model/MLmodel"), "flavors: {}")
            try await store.write(try path("model/data/model.xgb"), "xx")
            #expect(try await store.list(.root) == [
                ArtifactFileInfo(path: "a.txt", isDirectory: false, fileSize: 1),
                ArtifactFileInfo(path: "b.txt", isDirectory: false, fileSize: 3),
                ArtifactFileInfo(path: "model", isDirectory: true, fileSize: nil),
            ])
            #expect(try await store.list(try path("model")) == [
                ArtifactFileInfo(path: "model/MLmodel", isDirectory: false, fileSize: 11),
                ArtifactFileInfo(path: "model/data", isDirectory: true, fileSize: nil),
            ])
            #expect(try await store.allFiles() == ["a.txt", "b.txt", "model/MLmodel", "model/data/model.xgb"])
        }
    }

    @Test("listing a missing directory or a file gives an empty list", arguments: ArtifactStoreBackends.all)
    func listMissing(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.list(.root).isEmpty)
            #expect(try await store.list(try path("nope/deeper")).isEmpty)
            try await store.write(try path("file.txt"), "x")
            #expect(try await store.list(try path("file.txt")).isEmpty)
        }
    }

    // MARK: Reading errors

    @Test("reading a missing file, a directory or the root is notFound", arguments: ArtifactStoreBackends.all)
    func readErrors(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            try await store.write(try path("dir/file.txt"), "x")
            await expectAsyncVaneError(.notFound) { try await store.openForReading(try path("missing.txt")) }
            await expectAsyncVaneError(.notFound) { try await store.openForReading(try path("dir/missing.txt")) }
            await expectAsyncVaneError(.notFound) { try await store.openForReading(try path("dir")) }
            await expectAsyncVaneError(.notFound) { try await store.openForReading(.root) }
        }
    }

    // MARK: Deleting

    @Test("delete removes a file or a whole tree; a missing path is not an error; the root is refused", arguments: ArtifactStoreBackends.all)
    func delete(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            try await store.write(try path("keep.txt"), "k")
            try await store.write(try path("one.txt"), "1")
            try await store.write(try path("tree/a.txt"), "a")
            try await store.write(try path("tree/sub/b.txt"), "b")
            try await store.delete(try path("one.txt"))
            await expectAsyncVaneError(.notFound) { try await store.openForReading(try path("one.txt")) }
            try await store.delete(try path("tree"))
            await expectAsyncVaneError(.notFound) { try await store.openForReading(try path("tree/sub/b.txt")) }
            #expect(try await store.list(try path("tree")).isEmpty)
            try await store.delete(try path("never/was"))
            try await store.delete(try path("one.txt"))
            await expectAsyncVaneError(.invalidParameter) { try await store.delete(.root) }
            #expect(try await store.allFiles() == ["keep.txt"])
            // A deleted tree can be written again.
            try await store.write(try path("tree/a.txt"), "again")
            #expect(try await store.text(at: try path("tree/a.txt")) == "again")
        }
    }

    // MARK: Refused targets

    @Test("a write needs a file name and may not replace a directory", arguments: ArtifactStoreBackends.all)
    func refusedWriteTargets(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            try await store.write(try path("dir/inside.txt"), "x")
            await expectAsyncVaneError(.invalidParameter) { try await store.beginWrite(.root) }
            await expectAsyncVaneError(.invalidParameter) { try await store.beginWrite(try path("dir")) }
            #expect(try await store.text(at: try path("dir/inside.txt")) == "x")
            #expect(try await store.allFiles() == ["dir/inside.txt"])
        }
    }

    @Test("paths that escape the root or name an upload temporary cannot be formed, so the store never sees them",
          arguments: ArtifactStoreBackends.all)
    func pathRefusal(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let refused = ["..", "../x", "a/../../x", "%2e%2e/x", "/etc/passwd", "~/.ssh", "a\\b", "C:/x", "a\u{0}b",
                           "file:///etc/passwd", "s3://bucket/key", ArtifactPath.reservedPrefix + "x", "d/" + ArtifactPath.reservedPrefix + "1"]
            for raw in refused {
                expectVaneError(.invalidParameter, raw) { try ArtifactPath(validating: raw) }
            }
            // A pending upload's temporary, whatever the backend keeps, is never listed.
            let w = try await store.beginWrite(try path("d/real.bin"))
            try await ArtifactStoreBackend.feedText(w, "pending")
            try await store.write(try path("d/other.txt"), "o")
            #expect(try await store.list(try path("d")).map(\.path) == ["d/other.txt"])
            try await w.commit()
            #expect(try await store.list(try path("d")).map(\.path) == ["d/other.txt", "d/real.bin"])
        }
    }
}

extension ArtifactStoreBackend {
    /// Appends UTF-8 text to a pending write.
    static func feedText(_ writer: any ArtifactWriting, _ text: String) async throws {
        try await writer.write(contentsOf: Array(text.utf8))
    }
}
