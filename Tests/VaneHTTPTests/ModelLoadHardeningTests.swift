import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import VaneCore
import VaneHTTP
import VaneServing

/// An uploaded model cannot crash, flood or see past `vane server`: a hostile `MLmodel` (deep
/// nesting, alias bomb) is a 400, the loader follows no symbolic link out of the artifact root
/// and tells nothing about a link's target, and a model that fails to load is not loaded again
/// for every request.
@Suite("Model load hardening")
struct ModelLoadHardeningTests {
    static let body = InferenceFixtures.oipBody(rows: [[1, 2, 3, 4, 5, 6, 7, 8]])

    /// A new run's artifact folder: its id, and its path on disk.
    static func newRun(_ vane: VaneTestClient) async throws -> (id: String, prefix: String, directory: String) {
        let run = try await vane.createRun()
        let root = try #require(try await vane.getRun(run).object("info")?.string("artifact_uri"))
        let prefix = try #require(root.components(separatedBy: "mlflow-artifacts:/").last)
        let relative = prefix.split(separator: "/").joined(separator: "/")
        return (run, prefix, vane.artifactRoot + "/" + relative)
    }

    /// Uploads `bytes` as the run artifact `name` through the artifact proxy.
    static func upload(_ vane: VaneTestClient, _ prefix: String, _ name: String, _ bytes: [UInt8]) async throws {
        let r = try await vane.request(.put, VaneTestClient.artifactsAPI + "/" + prefix + "/" + name,
                                       body: ByteBuffer(bytes: bytes), headers: [.contentType: "application/octet-stream"])
        try r.expectOK()
    }

    static func modelBytes() throws -> [UInt8] {
        Array(try Data(contentsOf: InferenceFixtures.directory.appendingPathComponent("xgb_binary_logistic.json")))
    }

    static let flavor = "flavors:\n  xgboost:\n    data: model.json\n"

    /// Registers model `name` over a run whose `model/` holds a valid model and `mlmodel`, and
    /// returns the refusal message of an infer request.
    static func inferRefusal(_ vane: VaneTestClient, _ name: String, mlmodel: String) async throws -> String {
        let run = try await newRun(vane)
        try await upload(vane, run.prefix, "model/model.json", try modelBytes())
        try await upload(vane, run.prefix, "model/MLmodel", Array(mlmodel.utf8))
        _ = try await MLflowRegistryRoutesTests.makeModel(vane, name, sources: ["runs:/\(run.id)/model"], runID: run.id)
        let start = ContinuousClock.now
        let message = try await vane.json(.post, "/v2/models/\(name)/infer", body).expectOIPError(.badRequest, containing: "cannot be loaded")
        #expect(ContinuousClock.now - start < .seconds(5))
        return message
    }

    @Test func hostileMLmodelsAreA400() async throws {
        try await VaneTestClient.with { vane in
            // 5,000 brackets (10 KB): overflowed the YAML parser's stack and killed the server.
            let flow = try await Self.inferRefusal(vane, "flow", mlmodel: "flavors: " + String(repeating: "[", count: 5000))
            #expect(flow.contains("nested more than 64 levels"), "\(flow)")
            let block = try await Self.inferRefusal(vane, "block", mlmodel: Self.flavor + "deep:\n" + String(repeating: "- ", count: 5000) + "x\n")
            #expect(block.contains("nested more than 64 levels"), "\(block)")
            // A 470-byte alias bomb: took the server past 3 GB.
            var bomb = Self.flavor + "a: &a [x,x,x,x,x,x,x,x,x]\n"
            let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
            for (previous, name) in zip(names, names.dropFirst()) {
                bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            }
            let aliases = try await Self.inferRefusal(vane, "bomb", mlmodel: bomb)
            #expect(aliases.contains("more than 32 aliases"), "\(aliases)")
            // The server still answers.
            try await vane.request(.get, "/v2/health/live").expectOK()
        }
    }

    @Test func theLoaderFollowsNoLinkOutOfTheRoot() async throws {
        try await VaneTestClient.with { vane in
            let outside = vane.tempDirectory + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data(try Self.modelBytes()).write(to: URL(fileURLWithPath: outside + "/model.json"))
            try Data(Self.flavor.utf8).write(to: URL(fileURLWithPath: outside + "/MLmodel"))

            // model.json a link to a valid model outside the root.
            let file = try await Self.newRun(vane)
            try await Self.upload(vane, file.prefix, "model/MLmodel", Array(Self.flavor.utf8))
            try FileManager.default.createSymbolicLink(atPath: file.directory + "/model/model.json", withDestinationPath: outside + "/model.json")
            // data: through a linked folder.
            let folder = try await Self.newRun(vane)
            try await Self.upload(vane, folder.prefix, "model/MLmodel", Array("flavors:\n  xgboost:\n    data: sub/model.json\n".utf8))
            try FileManager.default.createSymbolicLink(atPath: folder.directory + "/model/sub", withDestinationPath: outside)
            // MLmodel a link.
            let mlmodel = try await Self.newRun(vane)
            try await Self.upload(vane, mlmodel.prefix, "model/model.json", try Self.modelBytes())
            try FileManager.default.createSymbolicLink(atPath: mlmodel.directory + "/model/MLmodel", withDestinationPath: outside + "/MLmodel")

            for (name, run, link) in [("file", file, "model/model.json"), ("folder", folder, "model/sub"), ("mlmodel", mlmodel, "model/MLmodel")] {
                _ = try await MLflowRegistryRoutesTests.makeModel(vane, name, sources: ["runs:/\(run.id)/model"], runID: run.id)
                let message = try await vane.json(.post, "/v2/models/\(name)/infer", Self.body).expectOIPError(.badRequest)
                #expect(message.contains("Symbolic links are not followed"), "\(name): \(message)")
                #expect(message.contains(run.prefix.split(separator: "/").joined(separator: "/") + "/" + link), "\(name): \(message)")
                #expect(!message.contains(vane.tempDirectory), "\(name): \(message)")
            }
        }
    }

    @Test func aLinkTellsNothingAboutItsTarget() async throws {
        try await VaneTestClient.with { vane in
            let secret = vane.tempDirectory + "/secret.txt"
            try Data("secret".utf8).write(to: URL(fileURLWithPath: secret))
            var messages: [String] = []
            for (index, target) in [secret, vane.tempDirectory + "/missing.txt", vane.tempDirectory].enumerated() {
                // The link is reached through the MLmodel's data: entry (a link named by the source
                // itself is refused by the resolver already).
                let run = try await Self.newRun(vane)
                try await Self.upload(vane, run.prefix, "model/MLmodel", Array(Self.flavor.utf8))
                try FileManager.default.createSymbolicLink(atPath: run.directory + "/model/model.json", withDestinationPath: target)
                _ = try await MLflowRegistryRoutesTests.makeModel(vane, "probe\(index)", sources: ["runs:/\(run.id)/model"], runID: run.id)
                let message = try await vane.json(.post, "/v2/models/probe\(index)/infer", Self.body).expectOIPError(.badRequest)
                messages.append(message.replacingOccurrences(of: "probe\(index)", with: "probe")
                    .replacingOccurrences(of: run.prefix.split(separator: "/").joined(separator: "/"), with: "<run>"))
            }
            #expect(Set(messages).count == 1, "\(messages)")
            #expect(messages.first?.contains("Symbolic links are not followed") == true, "\(messages)")
        }
    }

    /// A settable wall clock.
    final class TestClock: VaneClock {
        let now = Atomic<Int64>(1_700_000_000_000)
        func nowMillis() -> EpochMillis { now.load(ordering: .relaxed) }
        func advance(seconds: Int64) { now.add(seconds * 1000, ordering: .relaxed) }
    }

    @Test func aFailedLoadIsKeptForAWhile() async throws {
        try await VaneTestClient.with { vane in
            let clock = TestClock()
            let catalog = RegistryModelCatalog(
                resolver: ModelResolver(tracking: vane.stores.tracking, registry: vane.stores.registry, artifacts: vane.stores.artifacts),
                registry: vane.stores.registry, clock: clock)
            #expect(RegistryModelCatalog.defaultFailureRetention == .seconds(30))
            let run = try await Self.newRun(vane)
            try await Self.upload(vane, run.prefix, "model/model.json", Array("{\"learner\": 3".utf8))
            try await Self.upload(vane, run.prefix, "model/MLmodel", Array(Self.flavor.utf8))
            _ = try await MLflowRegistryRoutesTests.makeModel(vane, "flaky", sources: ["runs:/\(run.id)/model"], runID: run.id)

            func load(_ version: String) async -> String? {
                do { _ = try await catalog.model(named: "flaky", version: version); return nil } catch {
                    return (error as? VaneError)?.message ?? "\(error)"
                }
            }
            let first = await load("1")
            #expect(first?.contains("cannot be loaded") == true, "\(String(describing: first))")
            // The model file is fixed; within the retention the version still answers with its error.
            try await Self.upload(vane, run.prefix, "model/model.json", try Self.modelBytes())
            clock.advance(seconds: 29)
            #expect(await load("1") == first)
            // A new version of the same source is another cache entry: it loads at once.
            try await vane.post("model-versions/create", jsonBody(["name": "flaky", "source": "runs:/\(run.id)/model", "run_id": run.id])).expectOK()
            #expect(await load("2") == nil)
            // After the retention the next request loads again.
            clock.advance(seconds: 2)
            #expect(await load("1") == nil)
        }
    }
}
