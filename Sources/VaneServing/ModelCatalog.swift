import VaneCore
import VaneModels

/// The models a server answers for, by the name and version clients use.
public protocol ModelCatalog: Sendable {
    /// The model `name` at `version`, loaded; `version` nil means the catalog's default version.
    /// Throws `notFound` for an unknown name or version.
    func model(named name: String, version: String?) async throws -> ServedModel
    /// The versions clients may address `name` by.
    func versions(of name: String) async throws -> [String]
}

/// One model, loaded once: what `vane serve` answers for.
public struct SingleModelCatalog: ModelCatalog {
    public let served: ServedModel

    public init(_ served: ServedModel) { self.served = served }

    public func model(named name: String, version: String?) async throws -> ServedModel {
        guard name == served.name else { throw VaneError.notFound("Model \(name) not found") }
        if let version, version != served.version {
            throw VaneError.notFound("Model \(name) with version \(version) not found")
        }
        return served
    }

    public func versions(of name: String) async throws -> [String] {
        _ = try await model(named: name, version: nil)
        return served.version.map { [$0] } ?? []
    }

    /// Loads the model at `source` and names it: `name`, else the registered model's name, else
    /// the file or directory name without its extension.
    public static func load(source: ModelSource, name: String?, resolver: ModelResolver) async throws -> SingleModelCatalog {
        let resolved = try await resolver.resolve(source)
        let model = try resolved.loadModel()
        let fileName = resolved.path.split(separator: "/").last.map(String.init) ?? "model"
        let stem = fileName.split(separator: ".").first.map(String.init) ?? fileName
        let servedName = name ?? resolved.registeredName ?? stem
        return SingleModelCatalog(ServedModel(name: servedName, version: resolved.version.map(String.init), model: model))
    }
}
