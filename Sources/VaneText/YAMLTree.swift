import Yams

/// What was wrong with a value of a YAML (or JSON) document: where it is (`path`, as
/// `variants[1].weight`, and its line when known) and why.
public struct DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value's path from the document's root; empty for the document itself.
    public var path: String
    /// The 1-based line the value starts on, when the document was read from text.
    public var line: Int?
    /// What was wrong.
    public var message: String

    /// An error at `path`.
    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path: message (line N)`.
    public var description: String {
        (path.isEmpty ? "" : "\(path): ") + message + (line.map { " (line \($0))" } ?? "")
    }
}

/// Typed, bounded access to a composed YAML document (JSON is read the same way): mappings with
/// known keys only, scalars of the expected kind, lists of bounded length. Every error names the
/// value's path and line. Build one with ``compose(_:limits:)``, which checks the text's size,
/// depth, aliases and node count (``BoundedYAML``) before a tree is built.
public struct YAMLTree {
    /// The node; `Node` is a value tree.
    public let node: Node
    /// Its path from the root (`""` for the root).
    public let path: String

    /// A tree over `node` at `path`.
    public init(_ node: Node, path: String = "") {
        self.node = node
        self.path = path
    }

    /// The document in `text`, checked against `limits` first; nil for an empty document.
    public static func compose(_ text: String, limits: YAMLLimits) throws(DocumentError) -> YAMLTree? {
        do { try BoundedYAML.check(text, limits: limits) } catch {
            throw DocumentError(path: "", line: nil, message: error.message)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw DocumentError(path: "", line: nil, message: "not valid YAML or JSON: \(error)")
        }
        guard let root else { return nil }
        let tree = YAMLTree(root)
        return tree.isNull ? nil : tree
    }

    /// The line the node starts on (1-based).
    public var line: Int? { node.mark?.line }

    /// An error about this value.
    public func error(_ message: String) -> DocumentError {
        DocumentError(path: path, line: line, message: message)
    }

    /// Whether the node is YAML's null (`~`, `null`, or nothing).
    public var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// What kind of node it is, for messages.
    public var kind: String {
        switch node {
        case .scalar: isNull ? "null" : "scalar"
        case .mapping: "mapping"
        case .sequence: "list"
        }
    }

    private func child(_ node: Node, key: String) -> YAMLTree {
        YAMLTree(node, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// The entries of a mapping, by key, refusing a key not in `known`, a key that is not a plain
    /// string, and a key given twice. Null values are kept (``isNull`` tells them).
    public func mapping(known: [String]) throws(DocumentError) -> [String: YAMLTree] {
        guard case .mapping(let mapping) = node else { throw error("must be a mapping, not a \(kind)") }
        var result: [String: YAMLTree] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw YAMLTree(keyNode, path: path).error("keys must be names, not a \(YAMLTree(keyNode).kind)") }
            let key = scalar.string
            guard known.contains(key) else {
                throw YAMLTree(keyNode, path: path).error("unknown key '\(key.prefix(64))'; known keys: \(known.joined(separator: ", "))")
            }
            guard result[key] == nil else { throw YAMLTree(keyNode, path: path).error("key '\(key)' given twice") }
            result[key] = child(value, key: key)
        }
        return result
    }

    /// The items of a list of at most `maximum` items.
    public func sequence(maximum: Int) throws(DocumentError) -> [YAMLTree] {
        guard case .sequence(let sequence) = node else { throw error("must be a list, not a \(kind)") }
        guard sequence.count <= maximum else { throw error("has \(sequence.count) items; at most \(maximum) are allowed") }
        return sequence.enumerated().map { YAMLTree($0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A non-null scalar's text.
    public func string() throws(DocumentError) -> String {
        guard case .scalar(let scalar) = node, !isNull else { throw error("must be a string, not a \(kind)") }
        return scalar.string
    }

    /// A finite number.
    public func number() throws(DocumentError) -> Double {
        let text = try string()
        guard let value = DecimalParser.parse(text), value.isFinite else { throw error("must be a number, not '\(text.prefix(64))'") }
        return value
    }

    /// An integer.
    public func integer() throws(DocumentError) -> Int {
        let text = try string()
        guard let value = Int(text) else { throw error("must be an integer, not '\(text.prefix(64))'") }
        return value
    }

    /// `true` or `false` (also `yes`/`no`, `on`/`off`, any case).
    public func bool() throws(DocumentError) -> Bool {
        let text = try string()
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("must be true or false, not '\(text.prefix(64))'")
        }
    }
}
