import CYaml
import Foundation
import Yams

/// Bounds a YAML document must keep before Vane builds a tree from it.
///
/// Yams builds its node tree and its Swift values by recursion, one stack frame per nesting
/// level, and expands every alias into a copy of its anchor: a 10 KB document of nested brackets
/// overflows the stack, and a 470-byte "billion laughs" document of aliases to aliases expands
/// to billions of nodes. ``BoundedYAML`` checks these bounds first, on libyaml's event stream
/// (an iterative parser with heap-allocated state), in time and memory linear in the input.
public struct YAMLLimits: Sendable, Equatable {
    /// The largest document, in UTF-8 bytes.
    public var maxBytes: Int
    /// The deepest nesting of collections, flow (`[`, `{`) and block (indentation, `- - -`) alike.
    /// A scalar at the top level is depth 0, the values of a top-level mapping depth 1.
    public var maxDepth: Int
    /// The most alias references (`*name`) in the document.
    public var maxAliases: Int
    /// The most nodes (scalars and collections) in the document once every alias is expanded
    /// into a copy of its anchor, as the constructed values hold them.
    public var maxNodes: Int

    /// Limits from their values.
    public init(maxBytes: Int, maxDepth: Int, maxAliases: Int, maxNodes: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxAliases = maxAliases
        self.maxNodes = maxNodes
    }
}

/// Why a YAML document was refused: malformed, or beyond its ``YAMLLimits``.
public struct YAMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in words for a client.
    public let message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
}

/// Reads YAML with bounds checked before any tree is built; every YAML document Vane reads goes
/// through here.
public enum BoundedYAML {
    /// The document's value (`[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool` or nil),
    /// after ``check(_:limits:)`` passed.
    public static func load(_ text: String, limits: YAMLLimits) throws(YAMLReadError) -> Any? {
        try check(text, limits: limits)
        do { return try Yams.load(yaml: text) } catch {
            throw YAMLReadError("not valid YAML: \(error)")
        }
    }

    /// The document in `data` (UTF-8), its size checked before it is decoded.
    public static func load(data: Data, limits: YAMLLimits) throws(YAMLReadError) -> Any? {
        guard data.count <= limits.maxBytes else { throw tooLarge(data.count, limits) }
        guard let text = String(data: data, encoding: .utf8) else { throw YAMLReadError("not UTF-8 text") }
        return try load(text, limits: limits)
    }

    /// Checks size, nesting depth, alias count and expanded node count of every document in
    /// `text`, without recursion, in O(size) time, stopping at the first bound exceeded. Also
    /// refuses syntax errors and aliases to undefined (or still open) anchors.
    public static func check(_ text: String, limits: YAMLLimits) throws(YAMLReadError) {
        var bytes = Array(text.utf8)
        guard bytes.count <= limits.maxBytes else { throw tooLarge(bytes.count, limits) }
        guard !bytes.isEmpty else { return }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLReadError("cannot start the YAML parser") }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        let failure: YAMLReadError? = bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var walk = Walk(limits: limits)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return syntaxError(parser) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let refusal = walk.step(event) { return refusal }
            }
        }
        if let failure { throw failure }
    }

    /// The running counts over the event stream: open collections (at most `maxDepth`), expanded
    /// node count, aliases, and the expanded size of every anchor.
    private struct Walk {
        let limits: YAMLLimits
        /// For each open collection: the node count when it opened, and its anchor.
        var open: [(start: Int, anchor: String?)] = []
        var nodes = 0
        var aliases = 0
        var anchorSizes: [String: Int] = [:]

        init(limits: YAMLLimits) { self.limits = limits }

        mutating func step(_ event: yaml_event_t) -> YAMLReadError? {
            let line = event.start_mark.line + 1
            switch event.type {
            case YAML_SCALAR_EVENT:
                return add(1, anchor: anchorName(event.data.scalar.anchor), line: line)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard open.count < limits.maxDepth else {
                    return YAMLReadError("nested more than \(limits.maxDepth) levels deep (line \(line))")
                }
                let anchor = event.type == YAML_SEQUENCE_START_EVENT
                    ? anchorName(event.data.sequence_start.anchor) : anchorName(event.data.mapping_start.anchor)
                open.append((nodes, anchor))
                return add(1, anchor: nil, line: line)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return nil }
                if let anchor = closed.anchor { anchorSizes[anchor] = nodes - closed.start }
                return nil
            case YAML_ALIAS_EVENT:
                aliases += 1
                guard aliases <= limits.maxAliases else {
                    return YAMLReadError("more than \(limits.maxAliases) aliases (line \(line))")
                }
                let name = anchorName(event.data.alias.anchor) ?? ""
                guard let size = anchorSizes[name] else {
                    return YAMLReadError("alias '*\(name.prefix(64))' refers to no complete anchor before it (line \(line))")
                }
                return add(size, anchor: nil, line: line)
            default:
                return nil
            }
        }

        private mutating func add(_ count: Int, anchor: String?, line: Int) -> YAMLReadError? {
            nodes += count
            guard nodes <= limits.maxNodes else {
                return YAMLReadError("more than \(limits.maxNodes) nodes once aliases are expanded (line \(line))")
            }
            if let anchor { anchorSizes[anchor] = count }
            return nil
        }
    }

    private static func anchorName(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    private static func syntaxError(_ parser: yaml_parser_t) -> YAMLReadError {
        let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
        return YAMLReadError("not valid YAML: \(problem) (line \(parser.problem_mark.line + 1), column \(parser.problem_mark.column + 1))")
    }

    private static func tooLarge(_ size: Int, _ limits: YAMLLimits) -> YAMLReadError {
        YAMLReadError("\(size) bytes; the limit is \(limits.maxBytes)")
    }
}
