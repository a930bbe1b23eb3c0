import VaneCore

/// MLflow's validation rules for names and values, with its limits and messages.
public enum TrackingValidation {
    public static let maxEntityKeyLength = 250
    public static let maxParamValueLength = 6000
    public static let maxTagValueLength = 8000
    public static let maxExperimentTagValueLength = 5000
    public static let maxMetricsPerBatch = 1000
    public static let maxParamsPerBatch = 100
    public static let maxTagsPerBatch = 100
    public static let maxEntitiesPerBatch = 1000
    public static let maxResultsLimit = 50000
    public static let maxDatasetsPerRequest = 1000
    /// The most experiment ids one search may name.
    public static let maxExperimentIDsPerSearch = 10_000

    /// Refuses searches over more experiments than ``maxExperimentIDsPerSearch``.
    public static func validateExperimentIDs(_ ids: [Int64]) throws(VaneError) {
        if ids.count > maxExperimentIDsPerSearch {
            throw VaneError.invalid("A search can name at most \(maxExperimentIDsPerSearch) experiment ids, got \(ids.count).")
        }
    }

    /// Validates a metric, param or tag key the way MLflow does.
    public static func validateKey(_ key: String, kind: String) throws(VaneError) {
        if key.isEmpty {
            throw VaneError.invalid("Invalid \(kind) name: ''. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")
        }
        for scalar in key.unicodeScalars where !isAllowed(scalar) {
            throw VaneError.invalid("Invalid value \"\(key)\" for parameter '\(kind)' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")
        }
        if key.utf8.count > 0 && !isNormalized(key) {
            throw VaneError.invalid("Invalid value \"\(key)\" for parameter '\(kind)' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '\(normalizedPath(key))'")
        }
        if key.count > maxEntityKeyLength {
            throw VaneError.invalid("'\(kind)' exceeds the maximum length of \(maxEntityKeyLength) characters")
        }
    }

    /// Validates a value's length against a limit.
    public static func validateLength(_ value: String, limit: Int, what: String) throws(VaneError) {
        if value.count > limit {
            throw VaneError.invalid("'\(what)' exceeds the maximum length of \(limit) characters")
        }
    }

    private static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "/", "_", ".", "-", " ", ":": return true
        default:
            let p = s.properties
            return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
                || p.generalCategory == .connectorPunctuation
        }
    }

    /// Python's `posixpath.normpath(name) == name`, which MLflow requires of keys.
    static func isNormalized(_ key: String) -> Bool {
        let norm = normalizedPath(key)
        return norm == key && norm != "." && !norm.hasPrefix("..") && !norm.hasPrefix("/")
    }

    static func normalizedPath(_ path: String) -> String {
        if path.isEmpty { return "." }
        let absolute = path.hasPrefix("/")
        let doubleSlash = path.hasPrefix("//") && !path.hasPrefix("///")
        var parts: [Substring] = []
        for comp in path.split(separator: "/", omittingEmptySubsequences: true) {
            if comp == "." { continue }
            if comp == ".." {
                if let last = parts.last, last != ".." { parts.removeLast(); continue }
                if absolute { continue }
            }
            parts.append(comp)
        }
        var out = parts.joined(separator: "/")
        if absolute { out = (doubleSlash ? "//" : "/") + out }
        return out.isEmpty ? "." : out
    }
}
