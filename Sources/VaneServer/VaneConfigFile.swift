import Foundation
import VaneOps
import VaneText
import Yams

/// `vane.yaml`, the configuration file of `vane server --config`: everything that is not a flag.
///
/// ```yaml
/// server:
///   host: 0.0.0.0
///   port: 5000
///   allowed_hosts: [vane.example.com, "10.0.*"]
///   cors_origins: [https://ui.example.com]
/// storage:
///   data_dir: /var/lib/vane
/// auth:
///   enabled: true
/// predictions:
///   sample: 0.1       # the share of requests whose inputs and outputs are logged
///   retention: 7d     # at least 1h
/// ```
///
/// Every key is optional. String values may name environment variables as `${VAR}` (for
/// secrets); an unset variable is an error, and `$${` stands for a literal `${`. The file is
/// read through ``BoundedYAML`` (size, depth and aliases checked before a tree is built), and
/// every error names the file and the line.
public struct VaneConfigFile: Sendable, Equatable {
    /// What the file sets; nil where it is silent.
    public var settings: VaneServerSettings

    /// A file that sets nothing.
    public init(settings: VaneServerSettings = VaneServerSettings()) { self.settings = settings }

    /// The bounds of a configuration file: 1 MiB, 32 levels, 64 aliases, 100,000 nodes.
    public static let limits = YAMLLimits(maxBytes: 1 << 20, maxDepth: 32, maxAliases: 64, maxNodes: 100_000)

    /// The sections and their keys.
    static let sections: [String: [String]] = [
        "server": ["host", "port", "allowed_hosts", "cors_origins"],
        "storage": ["data_dir"],
        "auth": ["enabled"],
        "predictions": ["sample", "retention"],
        "alerting": [],
        "services": [],
        "incidents": ["qualify_after", "window", "cooldown", "service_label", "host_label", "change_lookback", "change_decay"],
    ]

    /// Reads and validates the file at `path`; errors name `path` as given.
    public static func load(path: String, environment: [String: String]) throws(VaneConfigFileError) -> VaneConfigFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VaneConfigFileError(file: path, line: nil, message: "cannot read the file: \((error as NSError).localizedDescription)")
        }
        guard data.count <= limits.maxBytes else {
            throw VaneConfigFileError(file: path, line: nil, message: "\(data.count) bytes; the limit is \(limits.maxBytes)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw VaneConfigFileError(file: path, line: nil, message: "not UTF-8 text")
        }
        return try parse(text, file: path, environment: environment)
    }

    /// Validates `text`, the contents of `file`, substituting `${VAR}` from `environment`.
    public static func parse(_ text: String, file: String, environment: [String: String]) throws(VaneConfigFileError) -> VaneConfigFile {
        do { try BoundedYAML.check(text, limits: limits) } catch {
            throw VaneConfigFileError(file: file, line: lineNumber(in: error.message), message: error.message)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw VaneConfigFileError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        var reader = Reader(file: file, environment: environment)
        guard let root, !reader.isNull(root) else { return VaneConfigFile() }
        try reader.readRoot(root)
        return VaneConfigFile(settings: reader.settings)
    }

    /// The line in a ``YAMLReadError`` message ("… (line 7)" or "… (line 7, column 3)").
    static func lineNumber(in message: String) -> Int? {
        guard let range = message.range(of: "(line ", options: .backwards) else { return nil }
        return Int(message[range.upperBound...].prefix { $0.isNumber })
    }

    /// Walks the composed document, keeping the first error.
    private struct Reader {
        let file: String
        let environment: [String: String]
        var settings = VaneServerSettings()

        init(file: String, environment: [String: String]) {
            self.file = file
            self.environment = environment
        }

        func error(_ node: Node, _ message: String) -> VaneConfigFileError {
            VaneConfigFileError(file: file, line: node.mark?.line, message: message)
        }

        func isNull(_ node: Node) -> Bool {
            guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
            return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        }

        /// The pairs of a mapping, keys as strings, refusing other keys, unknown keys and duplicates.
        func pairs(_ node: Node, known: [String], what: String) throws(VaneConfigFileError) -> [(key: String, value: Node)] {
            guard case .mapping(let mapping) = node else { throw error(node, "\(what) must be a mapping") }
            var seen: [String: Int] = [:]
            var result: [(key: String, value: Node)] = []
            for (keyNode, value) in mapping {
                guard case .scalar(let scalar) = keyNode else { throw error(keyNode, "keys in \(what) must be plain names") }
                let key = scalar.string
                guard known.contains(key) else {
                    throw error(keyNode, "unknown key '\(key.prefix(64))' in \(what); known keys: \(known.joined(separator: ", "))")
                }
                if let first = seen[key] { throw error(keyNode, "duplicate key '\(key)' in \(what) (first on line \(first))") }
                seen[key] = keyNode.mark?.line ?? 0
                result.append((key, value))
            }
            return result
        }

        mutating func readRoot(_ root: Node) throws(VaneConfigFileError) {
            let known = VaneConfigFile.sections.keys.sorted()
            for (section, body) in try pairs(root, known: known, what: "the file (sections)") {
                if isNull(body) { continue }
                if section == "alerting" {
                    settings.alerting = try readAlerting(body)
                    continue
                }
                if section == "services" {
                    settings.services = try readServices(body)
                    continue
                }
                if section == "incidents" {
                    settings.incidents = try readIncidents(body)
                    continue
                }
                let keys = VaneConfigFile.sections[section] ?? []
                for (key, value) in try pairs(body, known: keys, what: "'\(section)'") {
                    try read(section: section, key: key, value: value)
                }
            }
        }

        mutating func read(section: String, key: String, value: Node) throws(VaneConfigFileError) {
            let name = "\(section).\(key)"
            switch (section, key) {
            case ("server", "host"): settings.host = try string(value, name: name)
            case ("server", "port"):
                let text = try string(value, name: name)
                guard let port = Int(text), (1...65535).contains(port) else {
                    throw error(value, "\(name) must be an integer from 1 to 65535, not '\(text.prefix(64))'")
                }
                settings.port = port
            case ("server", "allowed_hosts"): settings.allowedHosts = try strings(value, name: name)
            case ("server", "cors_origins"): settings.corsOrigins = try strings(value, name: name)
            case ("storage", "data_dir"): settings.dataDirectory = try string(value, name: name)
            case ("auth", "enabled"):
                let text = try string(value, name: name)
                guard let on = VaneServerSettings.switchValue(text) else {
                    throw error(value, "\(name) must be true or false, not '\(text.prefix(64))'")
                }
                settings.authentication = on
            case ("predictions", "sample"):
                let text = try string(value, name: name)
                guard let sample = VaneServerSettings.predictionSample(text) else {
                    throw error(value, "\(name) must be a share from 0 to 1, not '\(text.prefix(64))'")
                }
                settings.predictionSample = sample
            case ("predictions", "retention"):
                let text = try string(value, name: name)
                guard let ms = VaneServerSettings.predictionRetention(text) else {
                    throw error(value, "\(name) must be a duration of at least an hour (36h, 7d), not '\(text.prefix(64))'")
                }
                settings.predictionRetentionMilliseconds = ms
            default: throw error(value, "unknown key '\(name)'")
            }
        }

        /// `alerting:`: an alertmanager.yml as it is (see ``AlertingConfig``), `${VAR}` substituted.
        func readAlerting(_ body: Node) throws(VaneConfigFileError) -> AlertingConfig {
            let original = (try? Yams.serialize(node: body)) ?? ""
            let substitute: (String, YAMLTree) throws(DocumentError) -> String = { text, tree throws(DocumentError) in
                let result: Result<String, VaneConfigFileError> = Result { () throws(VaneConfigFileError) -> String in
                    try self.substitute(text, node: tree.node)
                }
                switch result {
                case .success(let value): return value
                case .failure(let failure): throw DocumentError(path: tree.path, line: failure.line, message: failure.message)
                }
            }
            let read: Result<AlertingConfig, DocumentError> = Result { () throws(DocumentError) -> AlertingConfig in
                try AlertingConfig.read(YAMLTree(body, path: "alerting"), original: original, substitute: substitute)
            }
            switch read {
            case .success(let config): return config
            case .failure(let failure):
                throw VaneConfigFileError(file: file, line: failure.line, message: (failure.path.isEmpty ? "" : "\(failure.path): ") + failure.message)
            }
        }

        /// `services:`: the dependency graph, `[{name, hosts, depends_on}]`.
        func readServices(_ body: Node) throws(VaneConfigFileError) -> ServiceGraph {
            // `services: graph.yaml`: a separate graph file, relative to this file's folder.
            if case .scalar = body {
                let name = try string(body, name: "services")
                let path = name.hasPrefix("/") ? name : ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path), data.count <= 64 << 20,
                      let text = String(data: data, encoding: .utf8) else {
                    throw error(body, "services: cannot read the graph file \(path) (UTF-8 YAML, at most 64 MiB)")
                }
                let parsed: Result<ServiceGraph, DocumentError> = Result { () throws(DocumentError) -> ServiceGraph in try ServiceGraph.parse(text) }
                switch parsed {
                case .success(let graph): return graph
                case .failure(let failure):
                    throw VaneConfigFileError(file: path, line: failure.line, message: (failure.path.isEmpty ? "" : "\(failure.path): ") + failure.message)
                }
            }
            let read: Result<ServiceGraph, DocumentError> = Result { () throws(DocumentError) -> ServiceGraph in
                try ServiceGraph.read(YAMLTree(body, path: "services"))
            }
            switch read {
            case .success(let graph): return graph
            case .failure(let failure): throw VaneConfigFileError(file: file, line: failure.line, message: "\(failure.path): \(failure.message)")
            }
        }

        /// `incidents:`: how alerts are folded into incidents and how changes are suspected.
        func readIncidents(_ body: Node) throws(VaneConfigFileError) -> IncidentCorrelator.Settings {
            var result = IncidentCorrelator.Settings()
            for (key, value) in try pairs(body, known: VaneConfigFile.sections["incidents"]!, what: "'incidents'") {
                let name = "incidents.\(key)"
                let text = try string(value, name: name)
                switch key {
                case "service_label", "host_label":
                    guard LabelName.isValid(text) else { throw error(value, "\(name) must be a label name, not '\(text.prefix(64))'") }
                    if key == "service_label" { result.serviceLabel = text } else { result.hostLabel = text }
                default:
                    guard let ms = DurationText.milliseconds(text), ms > 0 else { throw error(value, "\(name) must be a duration (90s, 5m), not '\(text.prefix(64))'") }
                    switch key {
                    case "qualify_after": result.qualifyAfter = ms * 1000
                    case "window": result.window = ms * 1000
                    case "cooldown": result.cooldown = ms * 1000
                    case "change_lookback": result.changeLookback = ms * 1000
                    default: result.changeDecay = ms * 1000
                    }
                }
            }
            return result
        }

        /// A non-empty scalar, `${VAR}` substituted.
        func string(_ node: Node, name: String) throws(VaneConfigFileError) -> String {
            guard case .scalar(let scalar) = node else { throw error(node, "\(name) must be a string, not a \(kind(node))") }
            guard !isNull(node) else { throw error(node, "\(name) has no value") }
            let text = try substitute(scalar.string, node: node)
            guard !text.isEmpty else { throw error(node, "\(name) is empty") }
            return text
        }

        /// A list of non-empty strings.
        func strings(_ node: Node, name: String) throws(VaneConfigFileError) -> [String] {
            guard case .sequence(let sequence) = node else { throw error(node, "\(name) must be a list of strings, not a \(kind(node))") }
            var result: [String] = []
            for item in sequence {
                guard case .scalar = item else { throw error(item, "\(name) must be a list of strings; this item is a \(kind(item))") }
                result.append(try string(item, name: "an item of \(name)"))
            }
            return result
        }

        func kind(_ node: Node) -> String {
            switch node {
            case .scalar: "scalar"
            case .mapping: "mapping"
            case .sequence: "list"
            }
        }

        /// `${VAR}` replaced by the variable's value, `$${` by `${`; an unset variable is an error.
        func substitute(_ text: String, node: Node) throws(VaneConfigFileError) -> String {
            guard text.contains("${") else { return text }
            var result = ""
            var rest = Substring(text)
            while let dollar = rest.range(of: "${") {
                let before = rest[..<dollar.lowerBound]
                if before.hasSuffix("$") {
                    result += before.dropLast() + "${"
                    rest = rest[dollar.upperBound...]
                    continue
                }
                result += before
                let afterOpen = rest[dollar.upperBound...]
                guard let close = afterOpen.firstIndex(of: "}") else {
                    throw error(node, "'${' without a closing '}' (write '$${' for a literal '${')")
                }
                let variable = String(afterOpen[..<close])
                guard Self.isVariableName(variable) else {
                    throw error(node, "'${\(variable.prefix(64))}' is not a variable name (letters, digits and _)")
                }
                guard let value = environment[variable] else {
                    throw error(node, "environment variable \(variable) is not set")
                }
                result += value
                rest = afterOpen[afterOpen.index(after: close)...]
            }
            return result + rest
        }

        static func isVariableName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
            return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
        }
    }
}

/// A configuration file refused: the file, the line where known, and why.
public struct VaneConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as it was named.
    public let file: String
    /// The line (from 1) the error is on, when it is about one place.
    public let line: Int?
    /// What is wrong.
    public let message: String

    /// An error from its parts.
    public init(file: String, line: Int?, message: String) {
        self.file = file; self.line = line; self.message = message
    }

    /// `file:line: message`, as compilers write it.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
