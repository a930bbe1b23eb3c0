import Foundation
import Testing
import VaneArtifacts
import VaneCore

@Suite("Local artifact store")
struct LocalArtifactStoreTests {
    // MARK: Writing and reading

    @Test("a multi-megabyte file written in chunks reads back byte for byte")
    func writeReadMultiChunk() throws {
        try ScratchDirectory.withStore { store, scratch in
            let bytes = pseudoRandomBytes(count: 3 * 1024 * 1024 + 12_345)
            let p = try path("model/weights.bin")
            try store.put(p, bytes, chunk: 65_537) // odd chunk size: chunks straddle every boundary
            let reader = try store.openForReading(p)
            #expect(reader.size == Int64(bytes.count))
            #expect(try store.readAll(p, chunk: 100_003) == bytes)
            #expect(try store.readAll(p, chunk: 1 << 20) == bytes)
            // Really on disk under the root, with the same bytes.
            let onDisk = try #require(FileManager.default.contents(atPath: store.root + "/model/weights.bin"))
            #expect(onDisk.count == bytes.count)
            #expect(Array(onDisk) == bytes)
            #expect(!fileExists(scratch.outside + "/model"))
        }
    }

    @Test("reading past the end returns an empty chunk, and an empty file reads as empty")
    func endOfFile() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("small.txt"), "hello")
            let reader = try store.openForReading(try path("small.txt"))
            #expect(reader.size == 5)
            #expect(try reader.read(upTo: 3) == Array("hel".utf8))
            #expect(try reader.read(upTo: 100) == Array("lo".utf8))
            #expect(try reader.read(upTo: 100).isEmpty)
            #expect(try reader.read(upTo: 100).isEmpty)

            let w = try store.beginWrite(try path("empty"))
            try w.commit()
            let empty = try store.openForReading(try path("empty"))
            #expect(empty.size == 0)
            #expect(try empty.read(upTo: 10).isEmpty)
            #expect(try store.list(.root).contains(ArtifactFileInfo(path: "empty", isDirectory: false, fileSize: 0)))
        }
    }

    @Test("writing an existing file replaces its content entirely")
    func overwrite() throws {
        try ScratchDirectory.withStore { store, _ in
            let p = try path("dir/file.txt")
            try store.put(p, String(repeating: "long old content ", count: 100))
            try store.put(p, "new")
            #expect(try store.readString(p) == "new")
            #expect(try store.list(try path("dir")) == [ArtifactFileInfo(path: "dir/file.txt", isDirectory: false, fileSize: 3)])
        }
    }

    @Test("a pending write is invisible until committed; the previous version stays readable meanwhile")
    func pendingWriteInvisible() throws {
        try ScratchDirectory.withStore { store, _ in
            let p = try path("a/report.json")
            try store.put(p, "v1")
            let w = try store.beginWrite(p)
            try Array("version two".utf8).withUnsafeBytes { try w.write($0) }
            #expect(try store.readString(p) == "v1")
            #expect(try store.list(try path("a")).map(\.path) == ["a/report.json"])
            #expect(try store.list(try path("a")).first?.fileSize == 2)

            let fresh = try path("a/new.bin")
            let w2 = try store.beginWrite(fresh)
            try Array("x".utf8).withUnsafeBytes { try w2.write($0) }
            expectVaneError(.notFound, "uncommitted") { try store.openForReading(fresh) }
            #expect(try store.list(try path("a")).map(\.path) == ["a/report.json"])

            try w.commit()
            try w2.commit()
            #expect(try store.readString(p) == "version two")
            #expect(try store.readString(fresh) == "x")
        }
    }

    @Test("writes create the intermediate directories")
    func nestedWrite() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("1/abc/artifacts/model/data/model.xgb"), "m")
            var isDir: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: store.root + "/1/abc/artifacts/model/data", isDirectory: &isDir) && isDir.boolValue)
            #expect(try store.list(try path("1/abc/artifacts/model")) == [
                ArtifactFileInfo(path: "1/abc/artifacts/model/data", isDirectory: true, fileSize: nil),
            ])
        }
    }

    // MARK: Listing

    @Test("list gives sizes and kinds of direct children, sorted by name")
    func listing() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("b.txt"), "bbb")
            try store.put(try path("a.txt"), "a")
            try store.put(try path("B upper.txt"), "12345")
            try store.put(try path("dir/nested/deep.bin"), [UInt8](repeating: 7, count: 4096))
            try store.put(try path("dir/c d.csv"), "x,y\n")
            try store.put(try path("ü.txt"), "ü") // two bytes in UTF-8

            let root = try store.list(.root)
            #expect(root == [
                ArtifactFileInfo(path: "B upper.txt", isDirectory: false, fileSize: 5),
                ArtifactFileInfo(path: "a.txt", isDirectory: false, fileSize: 1),
                ArtifactFileInfo(path: "b.txt", isDirectory: false, fileSize: 3),
                ArtifactFileInfo(path: "dir", isDirectory: true, fileSize: nil),
                ArtifactFileInfo(path: "ü.txt", isDirectory: false, fileSize: 2),
            ])
            // Only direct children; paths carry the listed directory as prefix.
            #expect(try store.list(try path("dir")) == [
                ArtifactFileInfo(path: "dir/c d.csv", isDirectory: false, fileSize: 4),
                ArtifactFileInfo(path: "dir/nested", isDirectory: true, fileSize: nil),
            ])
            #expect(try store.list(try path("dir/nested")) == [
                ArtifactFileInfo(path: "dir/nested/deep.bin", isDirectory: false, fileSize: 4096),
            ])
        }
    }

    @Test("listing a missing directory or a file gives an empty list")
    func listMissing() throws {
        try ScratchDirectory.withStore { store, _ in
            #expect(try store.list(.root).isEmpty)
            #expect(try store.list(try path("nope/never")).isEmpty)
            try store.put(try path("file.txt"), "x")
            #expect(try store.list(try path("file.txt")).isEmpty)
        }
    }

    @Test("temporary upload files are never listed")
    func tempFilesHidden() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("done.txt"), "ok")
            let pending = try store.beginWrite(try path("pending.txt"))
            try Array("partial".utf8).withUnsafeBytes { try pending.write($0) }
            // The temp file is on disk next to its target…
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: store.root)
            #expect(onDisk.count == 2)
            #expect(onDisk.contains { $0.hasPrefix(".vane-upload-") })
            // …but not in the listing.
            #expect(try store.list(.root) == [ArtifactFileInfo(path: "done.txt", isDirectory: false, fileSize: 2)])
            try pending.commit()
            #expect(try store.list(.root).map(\.path) == ["done.txt", "pending.txt"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).sorted() == ["done.txt", "pending.txt"])
        }
    }

    @Test("names starting with the temporary-file prefix are reserved, so no client file can be hidden by it")
    func clientFileWithTempPrefixIsRefused() throws {
        #expect(throws: VaneError.self) { try ArtifactPath(validating: ".vane-upload-notes.txt") }
        #expect(throws: VaneError.self) { try ArtifactPath(validating: "dir/.vane-upload-x/y.txt") }
        #expect(try ArtifactPath(validating: "dir/x.vane-upload-y.txt").components == ["dir", "x.vane-upload-y.txt"])
    }

    // MARK: Abort

    @Test("abort leaves nothing visible and no temporary file behind")
    func abortLeavesNothing() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("dir/keep.txt"), "keep")
            let w = try store.beginWrite(try path("dir/aborted.bin"))
            try pseudoRandomBytes(count: 200_000).withUnsafeBytes { try w.write($0) }
            w.abort()
            #expect(try store.list(try path("dir")) == [ArtifactFileInfo(path: "dir/keep.txt", isDirectory: false, fileSize: 4)])
            expectVaneError(.notFound) { try store.openForReading(try path("dir/aborted.bin")) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/dir") == ["keep.txt"])
            // abort is idempotent, and commit after abort publishes nothing.
            w.abort()
            try? w.commit()
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/dir") == ["keep.txt"])
        }
    }

    @Test("aborting an overwrite keeps the previous content")
    func abortOverwrite() throws {
        try ScratchDirectory.withStore { store, _ in
            let p = try path("model.pkl")
            try store.put(p, "original")
            let w = try store.beginWrite(p)
            try Array("replacement".utf8).withUnsafeBytes { try w.write($0) }
            w.abort()
            #expect(try store.readString(p) == "original")
        }
    }

    @Test("a writer released without commit cleans up its temporary file")
    func releasedWriterAborts() throws {
        try ScratchDirectory.withStore { store, _ in
            do {
                let w = try store.beginWrite(try path("gone.txt"))
                try Array("data".utf8).withUnsafeBytes { try w.write($0) }
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).isEmpty)
            #expect(try store.list(.root).isEmpty)
        }
    }

    @Test("abort after commit does not remove the committed file; a second commit is harmless")
    func abortAfterCommit() throws {
        try ScratchDirectory.withStore { store, _ in
            let p = try path("kept.txt")
            let w = try store.beginWrite(p)
            try Array("kept".utf8).withUnsafeBytes { try w.write($0) }
            try w.commit()
            w.abort()
            try w.commit()
            #expect(try store.readString(p) == "kept")
        }
    }

    @Test("writing after commit fails instead of writing through a closed descriptor")
    func writeAfterCommitIsRefused() throws {
        try ScratchDirectory.withStore { store, _ in
            let first = try store.beginWrite(try path("first.txt"))
            try Array("first".utf8).withUnsafeBytes { try first.write($0) }
            try first.commit()
            // The next open() in this process most likely gets first's old descriptor number.
            let second = try store.beginWrite(try path("second.txt"))
            try Array("second".utf8).withUnsafeBytes { try second.write($0) }
            #expect(throws: (any Error).self) {
                try Array("JUNK".utf8).withUnsafeBytes { try first.write($0) }
            }
            try second.commit()
            #expect(try store.readString(try path("second.txt")) == "second")
            #expect(try store.readString(try path("first.txt")) == "first")
        }
    }

    // MARK: Delete

    @Test("delete removes a file, a directory tree, and ignores missing paths")
    func delete() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("a.txt"), "a")
            try store.put(try path("tree/x/y.txt"), "y")
            try store.put(try path("tree/z.txt"), "z")
            try store.put(try path("treehouse.txt"), "not inside tree")

            try store.delete(try path("a.txt"))
            expectVaneError(.notFound) { try store.openForReading(try path("a.txt")) }

            try store.delete(try path("tree"))
            #expect(try store.list(.root) == [ArtifactFileInfo(path: "treehouse.txt", isDirectory: false, fileSize: 15)])
            #expect(!fileExists(store.root + "/tree"))

            try store.delete(try path("never/existed"))
            try store.delete(try path("a.txt"))
            #expect(try store.readString(try path("treehouse.txt")) == "not inside tree")
        }
    }

    @Test("deleting the root is refused")
    func deleteRoot() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("precious.txt"), "p")
            expectVaneError(.invalidParameter) { try store.delete(.root) }
            expectVaneError(.invalidParameter) { try store.delete(try path("./")) }
            #expect(try store.readString(try path("precious.txt")) == "p")
        }
    }

    @Test("deleting a directory that contains a symlink to the outside removes the link, not its target")
    func deleteDoesNotFollowLinks() throws {
        try ScratchDirectory.withStore { store, scratch in
            try "secret".write(toFile: scratch.outside + "/secret.txt", atomically: true, encoding: .utf8)
            try store.put(try path("run/keep.txt"), "k")
            try FileManager.default.createSymbolicLink(atPath: store.root + "/run/escape", withDestinationPath: scratch.outside)
            try store.delete(try path("run"))
            #expect(!fileExists(store.root + "/run"))
            #expect(contents(of: scratch.outside + "/secret.txt") == "secret")
        }
    }

    // MARK: Not found

    @Test("reading a missing file, a directory or the root is notFound")
    func readMissing() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("dir/file.txt"), "x")
            expectVaneError(.notFound, "missing") { try store.openForReading(try path("missing.txt")) }
            expectVaneError(.notFound, "missing nested") { try store.openForReading(try path("no/such/dir/file")) }
            expectVaneError(.notFound, "directory") { try store.openForReading(try path("dir")) }
            expectVaneError(.notFound, "root") { try store.openForReading(.root) }
            expectVaneError(.notFound, "file as directory") { try store.openForReading(try path("dir/file.txt/more")) }
        }
    }

    // MARK: Symlinks planted inside the root

    @Test("a file symlink inside the root pointing outside is refused for read and write, and not listed")
    func fileSymlinkRefused() throws {
        try ScratchDirectory.withStore { store, scratch in
            let secret = scratch.outside + "/secret.txt"
            try "top secret".write(toFile: secret, atomically: true, encoding: .utf8)
            try store.put(try path("real.txt"), "real")
            try FileManager.default.createSymbolicLink(atPath: store.root + "/link.txt", withDestinationPath: secret)

            expectVaneError(.invalidParameter, "read through link") { try store.openForReading(try path("link.txt")) }
            expectVaneError(.invalidParameter, "write through link") { try store.beginWrite(try path("link.txt")) }
            #expect(contents(of: secret) == "top secret")
            #expect(try store.list(.root) == [ArtifactFileInfo(path: "real.txt", isDirectory: false, fileSize: 4)])
        }
    }

    @Test("a directory symlink component is refused for read, write, list and delete")
    func directorySymlinkRefused() throws {
        try ScratchDirectory.withStore { store, scratch in
            try "top secret".write(toFile: scratch.outside + "/secret.txt", atomically: true, encoding: .utf8)
            try store.put(try path("exp/real.txt"), "real")
            try FileManager.default.createSymbolicLink(atPath: store.root + "/exp/linkdir", withDestinationPath: scratch.outside)

            expectVaneError(.invalidParameter, "read") { try store.openForReading(try path("exp/linkdir/secret.txt")) }
            expectVaneError(.invalidParameter, "write") { try store.beginWrite(try path("exp/linkdir/new.txt")) }
            expectVaneError(.invalidParameter, "write deeper") { try store.beginWrite(try path("exp/linkdir/sub/new.txt")) }
            expectVaneError(.invalidParameter, "list") { try store.list(try path("exp/linkdir")) }
            expectVaneError(.invalidParameter, "delete") { try store.delete(try path("exp/linkdir/secret.txt")) }

            #expect(!fileExists(scratch.outside + "/new.txt"))
            #expect(!fileExists(scratch.outside + "/sub"))
            #expect(contents(of: scratch.outside + "/secret.txt") == "top secret")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.outside) == ["secret.txt"])
            // The link itself is not listed.
            #expect(try store.list(try path("exp")) == [ArtifactFileInfo(path: "exp/real.txt", isDirectory: false, fileSize: 4)])
        }
    }

    @Test("a symlink to a directory inside the root is refused too: links are never followed")
    func internalSymlinkRefused() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("a/file.txt"), "x")
            try FileManager.default.createSymbolicLink(atPath: store.root + "/alias", withDestinationPath: store.root + "/a")
            expectVaneError(.invalidParameter) { try store.openForReading(try path("alias/file.txt")) }
            #expect(try store.list(.root).map(\.path) == ["a"])
        }
    }

    @Test("a root given through a symlink is resolved to its real path")
    func rootResolved() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.base + "/real-root", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.base + "/link-root", withDestinationPath: scratch.base + "/real-root")
        let store = try LocalArtifactStore(root: scratch.base + "/link-root")
        #expect(store.root.hasSuffix("/real-root"))
        #expect(!store.root.contains("link-root"))
        try store.put(try path("f.txt"), "f")
        #expect(contents(of: scratch.base + "/real-root/f.txt") == "f")
    }

    // MARK: Invalid write targets

    @Test("writing to a path that is an existing directory fails and leaves the directory intact")
    func writeOntoDirectory() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("model/MLmodel"), "flavors: {}")
            expectVaneError(.invalidParameter) { try store.beginWrite(try path("model")) }
            #expect(try store.readString(try path("model/MLmodel")) == "flavors: {}")
            #expect(try store.list(.root) == [ArtifactFileInfo(path: "model", isDirectory: true, fileSize: nil)])
        }
    }

    @Test("writing below an existing file fails without touching the file")
    func writeBelowFile() throws {
        try ScratchDirectory.withStore { store, _ in
            try store.put(try path("a.txt"), "a")
            expectVaneError(.invalidParameter) { try store.beginWrite(try path("a.txt/b.txt")) }
            #expect(try store.readString(try path("a.txt")) == "a")
        }
    }

    @Test("writing to the root itself is refused")
    func writeRoot() throws {
        _ = try ScratchDirectory.withStore { store, _ in
            expectVaneError(.invalidParameter) { try store.beginWrite(.root) }
        }
    }
}
