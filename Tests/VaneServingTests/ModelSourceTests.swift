import Testing
import VaneCore
import VaneServing

/// Parsing the model sources users write: paths, MLflow registry URIs, logged models and runs.
@Suite("Model sources")
struct ModelSourceTests {
    @Test func registryURIs() throws {
        #expect(try ModelSource(parsing: "models:/churn/3") == .registryVersion(name: "churn", version: 3))
        #expect(try ModelSource(parsing: "models:///churn/3") == .registryVersion(name: "churn", version: 3))
        #expect(try ModelSource(parsing: "models:/churn@champion") == .registryAlias(name: "churn", alias: "champion"))
        #expect(try ModelSource(parsing: "models:/churn/latest") == .registryLatest(name: "churn", stage: nil))
        #expect(try ModelSource(parsing: "models:/churn/Production") == .registryLatest(name: "churn", stage: "Production"))
        #expect(try ModelSource(parsing: "models:/m-0123abcd") == .loggedModel(id: "m-0123abcd"))
        #expect(try ModelSource(parsing: "runs:/abc123/model") == .run(id: "abc123", path: "model"))
        #expect(try ModelSource(parsing: "runs:/abc123/deep/model.json") == .run(id: "abc123", path: "deep/model.json"))
        #expect(try ModelSource(parsing: "./model.json") == .path("./model.json"))
        #expect(try ModelSource(parsing: "models:/churn/3").registeredName == "churn")
        #expect(try ModelSource(parsing: "models:/churn/3").description == "models:/churn/3")
        #expect(try !ModelSource(parsing: "/tmp/x.json").needsStore)
        #expect(try ModelSource(parsing: "runs:/a/b").needsStore)
    }

    @Test(arguments: ["models:/", "models:/churn", "models:/churn/3/extra", "models:/@alias", "models:/churn@", "runs:/", "runs:/abc", ""])
    func malformedSourcesAreRefused(text: String) {
        #expect(throws: VaneError.self) { try ModelSource(parsing: text) }
    }

    @Test func aPathNeedsNoStoreAndRegistryURIsDo() async throws {
        let resolver = ModelResolver()
        let resolved = try await resolver.resolve(.path("/tmp/model.json"))
        #expect(resolved.path == "/tmp/model.json" && resolved.version == nil)
        await #expect(throws: VaneError.self) { try await resolver.resolve(.registryVersion(name: "churn", version: 1)) }
        await #expect(throws: VaneError.self) { try await resolver.resolve(.run(id: "abc", path: "model")) }
    }
}
