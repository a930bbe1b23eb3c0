import Foundation
import Testing
@testable import VaneModels

/// A model from Vane's artifact store is read inside the store's root and through no symbolic
/// link (the rule of the artifact routes): not the model file, not the `MLmodel`, not a folder on
/// the way to the flavour's `data:` file. A link is refused with one message whatever it points
/// at, so a client cannot probe for files. A path the user gives on the command line is opened
/// as given, links followed.
@Suite("Confined model loading")
struct ConfinedModelLoadTests {
    /// A temporary artifact root (symlink-free, as LocalArtifactStore makes it) with a valid
    /// MLflow model directory at `run/model`, and a directory outside the root.
    struct Tree {
        let base: String
        let root: String
        let model: String
        let outside: String
        var access: ModelFileAccess { .confined(root: root) }

        init() throws {
            let fm = FileManager.default
            let tmp = fm.temporaryDirectory.appendingPathComponent("vane-confined-\(UUID().uuidString)").path
            try fm.createDirectory(atPath: tmp + "/root/run/model", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: tmp + "/outside", withIntermediateDirectories: true)
            base = URL(fileURLWithPath: tmp).resolvingSymlinksInPath().path
            root = base + "/root"
            model = root + "/run/model"
            outside = base + "/outside"
            let fixture = ModelFixtures.directory.appendingPathComponent("xgb_binary_logistic.json")
            try fm.copyItem(atPath: fixture.path, toPath: model + "/model.json")
            try fm.copyItem(atPath: fixture.path, toPath: outside + "/model.json")
            try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/secret.txt"))
            try writeMLmodel(data: "model.json")
        }

        func writeMLmodel(data: String, in directory: String? = nil) throws {
            try Data("flavors:\n  xgboost:\n    data: \(data)\n".utf8).write(to: URL(fileURLWithPath: (directory ?? model) + "/MLmodel"))
        }

        func link(_ path: String, to target: String) throws {
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        }

        func remove() { try? FileManager.default.removeItem(atPath: base) }
    }

    static func refusal(_ path: String, _ access: ModelFileAccess, sourceLocation: SourceLocation = #_sourceLocation) -> ModelError? {
        do {
            _ = try ModelLoader.load(path: path, access: access)
            Issue.record("the model was loaded", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    static let linkMessage = "Symbolic links are not followed in the artifact store."

    @Test func aModelInsideTheRootLoads() throws {
        let tree = try Tree()
        defer { tree.remove() }
        #expect(try ModelLoader.load(path: tree.model, access: tree.access).signature.platform == "xgboost")
        #expect(try ModelLoader.load(path: tree.model + "/model.json", access: tree.access).signature.platform == "xgboost")
        #expect(Self.refusal(tree.outside + "/model.json", tree.access) == .invalidModel("'\(tree.outside)/model.json' is outside the artifact root"))
    }

    @Test func aLinkedModelFileIsRefused() throws {
        let tree = try Tree()
        defer { tree.remove() }
        try tree.link(tree.model + "/model.json", to: tree.outside + "/model.json")
        // Named directly, and through the MLmodel's data: entry.
        #expect(Self.refusal(tree.model + "/model.json", tree.access) == .invalidModel("Invalid path: 'run/model/model.json'. \(Self.linkMessage)"))
        #expect(Self.refusal(tree.model, tree.access) == .invalidModel("Invalid path: 'run/model/model.json'. \(Self.linkMessage)"))
        // The user's own path on the command line is opened as given.
        #expect(try ModelLoader.load(path: tree.model, access: .followingLinks).signature.platform == "xgboost")
    }

    @Test func aLinkedDataDirectoryIsRefused() throws {
        let tree = try Tree()
        defer { tree.remove() }
        try tree.link(tree.model + "/sub", to: tree.outside)
        try tree.writeMLmodel(data: "sub/model.json")
        #expect(Self.refusal(tree.model, tree.access) == .invalidModel("Invalid path: 'run/model/sub'. \(Self.linkMessage)"))
        #expect(try ModelLoader.load(path: tree.model, access: .followingLinks).signature.platform == "xgboost")
    }

    @Test func aLinkedMLmodelOrModelDirectoryIsRefused() throws {
        let tree = try Tree()
        defer { tree.remove() }
        try tree.writeMLmodel(data: "model.json", in: tree.outside)
        try tree.link(tree.model + "/MLmodel", to: tree.outside + "/MLmodel")
        #expect(Self.refusal(tree.model, tree.access) == .invalidModel("Invalid path: 'run/model/MLmodel'. \(Self.linkMessage)"))

        try tree.link(tree.root + "/run/linked", to: tree.outside)
        #expect(Self.refusal(tree.root + "/run/linked", tree.access) == .invalidModel("Invalid path: 'run/linked'. \(Self.linkMessage)"))
        #expect(Self.refusal(tree.root + "/run/linked/model.json", tree.access) == .invalidModel("Invalid path: 'run/linked'. \(Self.linkMessage)"))
    }

    @Test func aLinkTellsNothingAboutItsTarget() throws {
        let tree = try Tree()
        defer { tree.remove() }
        var messages: [ModelError?] = []
        for target in [tree.outside + "/secret.txt", tree.outside + "/missing", tree.outside, "/", tree.model + "/model.json"] {
            try tree.link(tree.model + "/model.json.link", to: target)
            try tree.writeMLmodel(data: "model.json.link")
            messages.append(Self.refusal(tree.model, tree.access))
            messages.append(Self.refusal(tree.model + "/model.json.link", tree.access))
        }
        #expect(Set(messages.map { "\($0.map(String.init(describing:)) ?? "loaded")" }) == ["invalid model: Invalid path: 'run/model/model.json.link'. \(Self.linkMessage)"])
    }

    @Test func dataEntriesStayInsideTheModelDirectory() throws {
        let tree = try Tree()
        defer { tree.remove() }
        for data in ["../model/model.json", "/etc/passwd", "./", "a\\\\b"] {
            try tree.writeMLmodel(data: "'\(data)'")
            let error = Self.refusal(tree.model, tree.access)
            #expect("\(error.map(String.init(describing:)) ?? "")".contains("outside the model directory"), "\(data): \(String(describing: error))")
        }
        try tree.writeMLmodel(data: "./model.json")
        #expect(try ModelLoader.load(path: tree.model, access: tree.access).signature.platform == "xgboost")
    }

    @Test func aFileThatIsNotAFileOrDirectoryIsRefusedWithoutBlocking() throws {
        let tree = try Tree()
        defer { tree.remove() }
        try FileManager.default.removeItem(atPath: tree.model + "/model.json")
        #expect(mkfifo(tree.model + "/model.json", 0o600) == 0)
        #expect(Self.refusal(tree.model, tree.access) == .invalidModel("'run/model/model.json' is neither a file nor a directory"))
    }
}
