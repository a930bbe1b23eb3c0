import VaneCore

/// Where a model to serve comes from, as a user writes it.
///
/// - a file or an MLflow model directory on disk;
/// - `models:/name/version`, `models:/name@alias`, `models:/name/latest` or
///   `models:/name/<stage>` (MLflow's registry URIs);
/// - `models:/m-…` (an MLflow 3 logged model's id);
/// - `runs:/run-id/path` (a path in a run's artifacts).
public enum ModelSource: Sendable, Equatable, CustomStringConvertible {
    case path(String)
    case registryVersion(name: String, version: Int64)
    case registryAlias(name: String, alias: String)
    /// The newest version, in any stage when `stage` is nil.
    case registryLatest(name: String, stage: String?)
    case loggedModel(id: String)
    case run(id: String, path: String)

    /// Parses `text`; anything without a `models:` or `runs:` scheme is a path.
    public init(parsing text: String) throws(VaneError) {
        if text.hasPrefix("models:") {
            let rest = Self.stripSlashes(text.dropFirst("models:".count))
            if let at = rest.lastIndex(of: "@"), !rest[..<at].contains("/") {
                let name = String(rest[..<at]), alias = String(rest[rest.index(after: at)...])
                guard !name.isEmpty, !alias.isEmpty else { throw Self.invalid(text) }
                self = .registryAlias(name: name, alias: alias)
                return
            }
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 1, parts[0].hasPrefix("m-"), parts[0].count > 2 {
                self = .loggedModel(id: parts[0])
                return
            }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw Self.invalid(text) }
            if let version = Int64(parts[1]), version > 0 {
                self = .registryVersion(name: parts[0], version: version)
            } else if parts[1].lowercased() == "latest" {
                self = .registryLatest(name: parts[0], stage: nil)
            } else {
                self = .registryLatest(name: parts[0], stage: parts[1])
            }
            return
        }
        if text.hasPrefix("runs:") {
            let rest = Self.stripSlashes(text.dropFirst("runs:".count))
            guard let slash = rest.firstIndex(of: "/") else { throw Self.invalid(text) }
            let id = String(rest[..<slash]), path = String(rest[rest.index(after: slash)...])
            guard !id.isEmpty else { throw Self.invalid(text) }
            self = .run(id: id, path: path)
            return
        }
        guard !text.isEmpty else { throw VaneError.invalid("The model source is empty.") }
        self = .path(text)
    }

    /// Whether resolving this source needs Vane's stores.
    public var needsStore: Bool {
        if case .path = self { return false }
        return true
    }

    /// The registered model's name, for sources that name one.
    public var registeredName: String? {
        switch self {
        case .registryVersion(let name, _), .registryAlias(let name, _), .registryLatest(let name, _): name
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .path(let path): path
        case .registryVersion(let name, let version): "models:/\(name)/\(version)"
        case .registryAlias(let name, let alias): "models:/\(name)@\(alias)"
        case .registryLatest(let name, let stage): "models:/\(name)/\(stage ?? "latest")"
        case .loggedModel(let id): "models:/\(id)"
        case .run(let id, let path): "runs:/\(id)/\(path)"
        }
    }

    private static func stripSlashes(_ s: Substring) -> Substring { s.drop(while: { $0 == "/" }) }

    private static func invalid(_ text: String) -> VaneError {
        VaneError.invalid("Invalid model URI '\(text)': expected models:/name/version, models:/name@alias, models:/name/latest, models:/m-<id> or runs:/<run-id>/<path>.")
    }
}
