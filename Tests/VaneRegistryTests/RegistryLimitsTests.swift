import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneTracking

/// Registry names, aliases, tags, descriptions and sources are bounded as MLflow bounds them;
/// names hold no NUL byte and sources no backslash (issue 12).
@Suite("Registry store: name and value limits")
struct RegistryLimitsTests {
    typealias R = RegistryValidation

    static let tenMB = String(repeating: "n", count: 10 * 1024 * 1024)
    static func text(_ n: Int) -> String { String(repeating: "é", count: n) }

    /// Expects `.invalidParameter` with a message that does not echo a huge input.
    static func refused(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        let error = await expectVaneError(.invalidParameter, what, sourceLocation: sourceLocation) { try await body() }
        if let error { #expect(error.message.utf8.count < 10_000, sourceLocation: sourceLocation) }
    }

    @Test("MLflow's own limits")
    func limitsAreMLflows() {
        #expect(R.maxModelNameLength == 256)
        #expect(R.maxAliasLength == 255)
        #expect(R.maxTagKeyLength == 250)
        #expect(R.maxTagValueLength == 5000)
        #expect(R.maxDescriptionLength == 5000)
    }

    @Test("registered model names: 256 characters, no NUL; '/', spaces and Unicode stay allowed")
    func modelNames() async throws {
        let store = try makeRegistryStore()
        await Self.refused("10 MB") { _ = try await store.createRegisteredModel(name: Self.tenMB, description: nil, tags: []) }
        await Self.refused("257") { _ = try await store.createRegisteredModel(name: Self.text(257), description: nil, tags: []) }
        await Self.refused("NUL") { _ = try await store.createRegisteredModel(name: "a\u{0}b", description: nil, tags: []) }
        for name in [Self.text(256), "team/model name", "モデル ✓", "a.b:c-d_e"] {
            #expect(try await store.createRegisteredModel(name: name, description: nil, tags: []).name == name)
        }
        await Self.refused("rename 257") { _ = try await store.renameRegisteredModel(name: "team/model name", newName: Self.text(257)) }
        await Self.refused("rename NUL") { _ = try await store.renameRegisteredModel(name: "team/model name", newName: "x\u{0}") }
        #expect(try await store.renameRegisteredModel(name: "team/model name", newName: String(repeating: "r", count: 256)).name.count == 256)
    }

    @Test("descriptions: 5000 characters on models and versions")
    func descriptions() async throws {
        let store = try makeRegistryStore()
        await Self.refused("create") { _ = try await store.createRegisteredModel(name: "m", description: Self.tenMB, tags: []) }
        _ = try await store.createRegisteredModel(name: "m", description: Self.text(5000), tags: [])
        await Self.refused("update") { _ = try await store.updateRegisteredModel(name: "m", description: Self.text(5001)) }
        #expect(try await store.updateRegisteredModel(name: "m", description: Self.text(4999)).description == Self.text(4999))

        await Self.refused("version create") {
            _ = try await store.createModelVersion(name: "m", source: "s3://b/k", runID: nil, runLink: nil, description: Self.text(5001), tags: [], modelID: nil)
        }
        let v = try await store.createModelVersion(name: "m", source: "s3://b/k", runID: nil, runLink: nil, description: Self.text(5000), tags: [], modelID: nil)
        #expect(v.version == 1)
        await Self.refused("version update") { _ = try await store.updateModelVersion(name: "m", version: 1, description: Self.tenMB) }
    }

    @Test("tags: MLflow's registry limit (5000), on models and versions")
    func tags() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        let over = Tag(key: "k", value: Self.text(5001))
        await Self.refused("model tag") { try await store.setRegisteredModelTag(name: "m", tag: over) }
        await Self.refused("version tag") { try await store.setModelVersionTag(name: "m", version: 1, tag: over) }
        await Self.refused("NUL key") { try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "k\u{0}", value: "v")) }
        try await store.setRegisteredModelTag(name: "m", tag: Tag(key: "k", value: Self.text(5000)))
        try await store.setModelVersionTag(name: "m", version: 1, tag: Tag(key: "k", value: Self.text(5000)))
    }

    @Test("aliases: MLflow's alphabet (letters, digits, _ and -) and 255 characters")
    func aliases() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        try await store.addVersion("m")
        for bad in [Self.tenMB, String(repeating: "a", count: 256), "a\u{0}b", "with space", "a/b", "a.b", "a:b", "latest", "V12"] {
            await Self.refused(String(bad.prefix(20))) { try await store.setAlias(name: "m", alias: bad, version: 1) }
        }
        for good in [String(repeating: "a", count: 255), "champion-2", "prod_eu", "v1x", "本番"] {
            try await store.setAlias(name: "m", alias: good, version: 1)
            #expect(try await store.modelVersion(name: "m", alias: good).version == 1)
        }
    }

    @Test("sources: backslashes and NUL bytes are refused at registration, also encoded; length is bounded")
    func sources() async throws {
        let store = try makeRegistryStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        for bad in ["mlflow-artifacts:/1/r/artifacts\\model", "runs:/abc/model\\..\\..\\x", "C:\\models\\m", "s3://b/a%5Cb",
                    "mlflow-artifacts:/1/r\u{0}/x", "s3://b/a%00b", "s3://b/" + String(repeating: "k", count: R.maxSourceLength)] {
            await Self.refused(String(bad.prefix(40))) { try await store.addVersion("m", source: bad) }
        }
        await Self.refused("run_link") {
            _ = try await store.createModelVersion(name: "m", source: "s3://b/k", runID: nil, runLink: Self.text(501), description: nil, tags: [], modelID: nil)
        }
        // Nothing was stored, and no number was consumed.
        #expect(try await store.addVersion("m", source: "s3://b/ok key/model").version == 1)
    }
}
