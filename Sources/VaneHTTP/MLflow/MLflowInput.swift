import Foundation
import Hummingbird
import VaneCore
import VaneTracking

/// The parameters of one MLflow API request: the JSON body of a POST/PATCH/DELETE or the query of a GET,
/// read with MLflow's validation messages (missing required parameter, wrong type).
struct MLflowInput: Sendable {
    enum Source: Sendable {
        case json([String: JSONValue])
        case query([String: [String]])
    }

    let source: Source

    init(json: [String: JSONValue]) { source = .json(json) }
    init(query: [String: [String]]) { source = .query(query) }

    static func missing(_ key: String) -> VaneError {
        VaneError.invalid("Missing value for required parameter '\(key)'. See the API docs for more information about request parameters.")
    }

    static func wrongType(_ key: String, _ value: JSONValue, expected: String) -> VaneError {
        VaneError.invalid("Invalid value \(value.shortDescription) for parameter '\(key)' supplied: expected \(expected). See the API docs for more information about request parameters.")
    }

    private func raw(_ key: String) -> JSONValue? {
        switch source {
        case .json(let d):
            if let v = d[key], v != .null { return v }
            return nil
        case .query(let q):
            guard let values = q[key], let last = values.last else { return nil }
            return .string(last)
        }
    }

    func has(_ key: String) -> Bool { raw(key) != nil }

    /// A string parameter. In JSON, numbers are refused like MLflow's protobuf parser does.
    func string(_ key: String) throws(VaneError) -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else { throw Self.wrongType(key, v, expected: "a string") }
        return s
    }

    func requiredString(_ key: String) throws(VaneError) -> String {
        guard let s = try string(key), !s.isEmpty else { throw Self.missing(key) }
        return s
    }

    /// A 64-bit integer; protobuf-JSON allows it as a number or a numeric string.
    func int64(_ key: String) throws(VaneError) -> Int64? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 9.2e18: return Int64(d)
        case .string(let s):
            if let i = Int64(s.trimmingCharacters(in: .whitespaces)) { return i }
            throw Self.wrongType(key, v, expected: "an integer")
        default: throw Self.wrongType(key, v, expected: "an integer")
        }
    }

    func requiredInt64(_ key: String) throws(VaneError) -> Int64 {
        guard let i = try int64(key) else { throw Self.missing(key) }
        return i
    }

    /// A double; the protobuf-JSON strings `NaN`, `Infinity` and `-Infinity` are accepted.
    func double(_ key: String) throws(VaneError) -> Double? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s):
            switch s {
            case "NaN", "nan": return .nan
            case "Infinity", "inf", "+Infinity": return .infinity
            case "-Infinity", "-inf": return -.infinity
            default:
                if let d = Double(s) { return d }
                throw Self.wrongType(key, v, expected: "a number")
            }
        default: throw Self.wrongType(key, v, expected: "a number")
        }
    }

    func bool(_ key: String) throws(VaneError) -> Bool? {
        guard let v = raw(key) else { return nil }
        switch v {
        case .bool(let b): return b
        case .string(let s) where s.lowercased() == "true": return true
        case .string(let s) where s.lowercased() == "false": return false
        default: throw Self.wrongType(key, v, expected: "a boolean")
        }
    }

    /// A repeated string field: a JSON array, or repeated query keys.
    func strings(_ key: String) throws(VaneError) -> [String] {
        switch source {
        case .query(let q): return q[key] ?? []
        case .json(let d):
            guard let v = d[key], v != .null else { return [] }
            guard case .array(let items) = v else { throw Self.wrongType(key, v, expected: "a list of strings") }
            var out: [String] = []
            for item in items {
                switch item {
                case .string(let s): out.append(s)
                case .int(let i): out.append(String(i))
                default: throw Self.wrongType(key, item, expected: "a string")
                }
            }
            return out
        }
    }

    /// A repeated message field.
    func objects(_ key: String) throws(VaneError) -> [MLflowInput] {
        guard case .json(let d) = source, let v = d[key], v != .null else { return [] }
        guard case .array(let items) = v else { throw Self.wrongType(key, v, expected: "a list") }
        var out: [MLflowInput] = []
        for item in items {
            guard case .object(let o) = item else { throw Self.wrongType(key, item, expected: "an object") }
            out.append(MLflowInput(json: o))
        }
        return out
    }

    /// A nested message field.
    func object(_ key: String) throws(VaneError) -> MLflowInput? {
        guard case .json(let d) = source, let v = d[key], v != .null else { return nil }
        guard case .object(let o) = v else { throw Self.wrongType(key, v, expected: "an object") }
        return MLflowInput(json: o)
    }

    /// A list of `{key, value}` tags; a tag needs a key, its value defaults to empty.
    func tags(_ key: String = "tags") throws(VaneError) -> [Tag] {
        var out: [Tag] = []
        for t in try objects(key) {
            out.append(Tag(key: try t.requiredString("key"), value: try t.string("value") ?? ""))
        }
        return out
    }

    /// An experiment id, which must parse as an integer.
    func experimentID(_ key: String = "experiment_id") throws(VaneError) -> Int64 {
        guard let v = raw(key) else { throw Self.missing(key) }
        switch v {
        case .int(let i): return i
        case .string(let s):
            guard let i = Int64(s) else {
                throw VaneError.invalid("Invalid experiment ID: '\(s)'")
            }
            return i
        default: throw Self.wrongType(key, v, expected: "a string")
        }
    }

    /// The run id, also accepted under its legacy name `run_uuid`.
    func runID() throws(VaneError) -> String {
        if let id = try string("run_id"), !id.isEmpty { return id }
        if let id = try string("run_uuid"), !id.isEmpty { return id }
        throw Self.missing("run_id")
    }
}

extension JSONValue {
    var shortDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return "'\(s.prefix(40))'"
        case .array: return "[...]"
        case .object: return "{...}"
        }
    }
}
