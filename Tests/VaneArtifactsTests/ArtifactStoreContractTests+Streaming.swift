import Foundation
import Testing
import VaneArtifacts
import VaneCore

/// The rest of what any ``ArtifactStore`` must do for its consumers (the artifact routes, the
/// model resolver, the garbage collector): stat, streaming reads and writes through async
/// sequences, URIs to store paths, and local copies for runtimes that open files. Written against
/// the protocol and run against every backend in ``ArtifactStoreBackends/all``.
@Suite("Artifact store contract: streams, URIs and local copies")
struct ArtifactStoreStreamingContractTests {
    // MARK: Stat

    @Test("info gives a file's size, a directory, nil for nothing; the root is a directory", arguments: ArtifactStoreBackends.all)
    func info(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.info(.root) == ArtifactFileInfo(path: "", isDirectory: true, fileSize: nil))
            try await store.write(try path("m/data/model.bin"), pseudoRandomBytes(count: 70_001))
            try await store.write(try path("m/empty"), [])
            #expect(try await store.info(try path("m/data/model.bin")) == ArtifactFileInfo(path: "m/data/model.bin", isDirectory: false, fileSize: 70_001))
            #expect(try await store.info(try path("m/empty")) == ArtifactFileInfo(path: "m/empty", isDirectory: false, fileSize: 0))
            #expect(try await store.info(try path("m/data")) == ArtifactFileInfo(path: "m/data", isDirectory: true, fileSize: nil))
            #expect(try await store.info(try path("m/missing")) == nil)
            #expect(try await store.info(try path("nowhere/at/all")) == nil)
            // A pending write is not there yet.
            let w = try await store.beginWrite(try path("m/pending.bin"))
            try await ArtifactStoreBackend.feedText(w, "x")
            #expect(try await store.info(try path("m/pending.bin")) == nil)
            try await w.commit()
            #expect(try await store.info(try path("m/pending.bin"))?.fileSize == 1)
            try await store.delete(try path("m"))
            #expect(try await store.info(try path("m")) == nil)
        }
    }

    // MARK: Streaming reads

    @Test("chunks streams a file in non-empty chunks of at most chunkSize bytes that add up to it", arguments: ArtifactStoreBackends.all)
    func chunkedRead(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let bytes = pseudoRandomBytes(count: 1_000_003)
            let p = try path("big.bin")
            try await store.write(p, bytes)
            for chunkSize in [1 << 16, 99_991, 1 << 22] {
                let chunks = try await store.chunks(of: p, chunkSize: chunkSize)
                #expect(chunks.size == Int64(bytes.count))
                var joined: [UInt8] = []
                var count = 0
                for try await chunk in chunks {
                    #expect(!chunk.isEmpty && chunk.count <= chunkSize)
                    joined += chunk
                    count += 1
                }
                #expect(joined == bytes)
                #expect(count >= (bytes.count + chunkSize - 1) / chunkSize)
            }
            try await store.write(try path("empty"), [])
            var emptyChunks = 0
            for try await _ in try await store.chunks(of: try path("empty")) { emptyChunks += 1 }
            #expect(emptyChunks == 0)
            await expectAsyncVaneError(.notFound) { try await store.chunks(of: try path("missing.bin")) }
            await expectAsyncVaneError(.notFound) { try await store.chunks(of: .root) }
        }
    }

    // MARK: Streaming writes

    @Test("write(from:) stores an async sequence of chunks whole", arguments: ArtifactStoreBackends.all)
    func streamedWrite(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let bytes = pseudoRandomBytes(count: 2 * 1024 * 1024 + 17)
            let p = try path("uploads/model.onnx")
            try await store.write(p, from: Self.stream(bytes, chunk: 12_345))
            #expect(try await store.bytes(at: p) == bytes)
            #expect(try await store.info(p)?.fileSize == Int64(bytes.count))
            // Slices stream as well as arrays.
            try await store.write(try path("uploads/slice.txt"), from: Self.stream(Array("hello world".utf8), chunk: 3).map { $0[...] })
            #expect(try await store.text(at: try path("uploads/slice.txt")) == "hello world")
        }
    }

    @Test("a source that fails midway leaves nothing new and the previous content readable", arguments: ArtifactStoreBackends.all)
    func failedStreamedWrite(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let p = try path("kept.txt")
            try await store.write(p, "previous")
            struct SourceFailed: Error {}
            let failing = AsyncThrowingStream<[UInt8], any Error> { continuation in
                continuation.yield(Array("partial ".utf8))
                continuation.yield(Array("bytes".utf8))
                continuation.finish(throwing: SourceFailed())
            }
            await #expect(throws: SourceFailed.self) { try await store.write(p, from: failing) }
            #expect(try await store.text(at: p) == "previous")
            let fresh = try path("never/landed.bin")
            let failingAgain = AsyncThrowingStream<[UInt8], any Error> { continuation in
                continuation.yield([1, 2, 3])
                continuation.finish(throwing: SourceFailed())
            }
            await #expect(throws: SourceFailed.self) { try await store.write(fresh, from: failingAgain) }
            #expect(try await store.info(fresh) == nil)
            #expect(try await store.allFiles() == ["kept.txt"])
            // The store's own refusals come through the same way.
            await expectAsyncVaneError(.invalidParameter) { try await store.write(.root, from: Self.stream([1], chunk: 1)) }
        }
    }

    // MARK: URIs

    @Test("path(ofURI:) maps Vane's mlflow-artifacts URIs to store paths and refuses what the store does not hold", arguments: ArtifactStoreBackends.all)
    func uriPaths(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let cases: [(uri: String, path: String)] = [
                ("mlflow-artifacts:/1/abc/artifacts", "1/abc/artifacts"),
                ("mlflow-artifacts:/0/models/m-1/artifacts/MLmodel", "0/models/m-1/artifacts/MLmodel"),
                ("mlflow-artifacts://vane.example:5000/1/abc", "1/abc"),
                ("mlflow-artifacts:/", ""),
            ]
            for (uri, expected) in cases {
                let mapped = try store.path(ofURI: uri)
                #expect(mapped == (try ArtifactPath(validating: expected)), "\(uri)")
            }
            for refused in ["mlflow-artifacts:/1/../../etc", "mlflow-artifacts:/1/x?y=1", "mlflow-artifacts:/1/x#frag",
                            "mlflow-artifacts:/1/a%00b", "mlflow-artifacts:////etc/passwd", "gs://elsewhere/model", "ftp://host/x",
                            "/definitely/not/under/this/store/model", "file:///etc/passwd"] {
                expectVaneError(.invalidParameter, refused) { try store.path(ofURI: refused) }
            }
            #expect(!store.holds(localPath: "/etc/passwd"))
            #expect(!store.holds(localPath: "/definitely/not/under/this/store"))
        }
    }

    // MARK: Local copies

    @Test("localCopy gives a local file or directory with the stored bytes, below a root without links", arguments: ArtifactStoreBackends.all)
    func localCopies(_ backend: ArtifactStoreBackend) async throws {
        try await backend.withStore { store in
            let weights = pseudoRandomBytes(count: 300_000)
            try await store.write(try path("1/run/artifacts/model/MLmodel"), "flavors: {}")
            try await store.write(try path("1/run/artifacts/model/data/model.bin"), weights)

            let file = try await store.localCopy(of: try path("1/run/artifacts/model/data/model.bin"))
            #expect(file.root.hasPrefix("/") && file.path.hasPrefix(file.root + "/"))
            #expect(realpath(file.root, nil).map { p in defer { free(p) }; return String(cString: p) } == file.root)
            #expect(FileManager.default.contents(atPath: file.path).map { [UInt8]($0) } == weights)

            let directory = try await store.localCopy(of: try path("1/run/artifacts/model"))
            #expect(directory.path.hasPrefix(directory.root + "/"))
            #expect(FileManager.default.contents(atPath: directory.path + "/MLmodel").map { String(decoding: $0, as: UTF8.self) } == "flavors: {}")
            #expect(FileManager.default.contents(atPath: directory.path + "/data/model.bin").map { [UInt8]($0) } == weights)
            // A URI and its store path lead to the same copy.
            let viaURI = try await store.localCopy(of: try store.path(ofURI: "mlflow-artifacts:/1/run/artifacts/model"))
            #expect(viaURI == directory)
        }
    }

    /// `bytes` as an async sequence of `chunk`-byte arrays.
    static func stream(_ bytes: [UInt8], chunk: Int) -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunk, bytes.count)
                continuation.yield(Array(bytes[offset..<end]))
                offset = end
            }
            continuation.finish()
        }
    }
}
