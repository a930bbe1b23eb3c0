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

    // Name and text limits. MLflow's own validated limits (mlflow/utils/validation.py) where it
    // has them; otherwise the width of MLflow's database column, which MLflow enforces on MySQL
    // and PostgreSQL, so that whatever Vane accepts fits every MLflow backend.

    /// `MAX_EXPERIMENT_NAME_LENGTH`.
    public static let maxExperimentNameLength = 500
    /// `MAX_EXPERIMENT_TAG_KEY_LENGTH`.
    public static let maxExperimentTagKeyLength = 250
    /// `runs.name VARCHAR(250)`; also bounds the `mlflow.runName` tag, which sets the run name.
    public static let maxRunNameLength = 250
    /// `runs.user_id VARCHAR(256)`.
    public static let maxUserIDLength = 256
    /// `logged_models.name VARCHAR(500)`.
    public static let maxLoggedModelNameLength = 500
    /// A logged model's `model_type`: bounded like its name.
    public static let maxLoggedModelTypeLength = 500
    /// `MAX_DATASET_NAME_SIZE`.
    public static let maxDatasetNameLength = 500
    /// `MAX_DATASET_DIGEST_SIZE`.
    public static let maxDatasetDigestLength = 36
    /// `datasets.dataset_source_type VARCHAR(36)`.
    public static let maxDatasetSourceTypeLength = 36
    /// `MAX_DATASET_SOURCE_SIZE` (64 KiB - 1).
    public static let maxDatasetSourceLength = 65_535
    /// `MAX_DATASET_SCHEMA_SIZE` (1 MiB - 1).
    public static let maxDatasetSchemaLength = 1_048_575
    /// `MAX_DATASET_PROFILE_SIZE` (16 MiB - 1).
    public static let maxDatasetProfileLength = 16_777_215
    /// `MAX_INPUT_TAG_KEY_SIZE`.
    public static let maxInputTagKeyLength = 255
    /// `MAX_INPUT_TAG_VALUE_SIZE`.
    public static let maxInputTagValueLength = 500

    /// Refuses searches over more experiments than ``maxExperimentIDsPerSearch``.
    public static func validateExperimentIDs(_ ids: [Int64]) throws(VaneError) {
        if ids.count > maxExperimentIDsPerSearch {
            throw VaneError.invalid("A search can name at most \(maxExperimentIDsPerSearch) experiment ids, got \(ids.count).")
        }
    }

    /// Validates a metric, param or tag key the way MLflow does (NUL and every other control
    /// character are outside MLflow's key alphabet). The length is checked first, so that an
    /// over-long key is refused without being echoed back.
    public static func validateKey(_ key: String, kind: String) throws(VaneError) {
        if exceedsLength(key, maxEntityKeyLength) {
            throw VaneError.invalid("'\(kind)' exceeds the maximum length of \(maxEntityKeyLength) characters")
        }
        if key.isEmpty {
            throw VaneError.invalid("Invalid \(kind) name: ''. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")
        }
        for scalar in key.unicodeScalars where !isAllowed(scalar) {
            throw VaneError.invalid("Invalid value \"\(key)\" for parameter '\(kind)' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")
        }
        if key.utf8.count > 0 && !isNormalized(key) {
            throw VaneError.invalid("Invalid value \"\(key)\" for parameter '\(kind)' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '\(normalizedPath(key))'")
        }
    }

    /// Validates a value's length against a limit, in characters as MLflow (Python's `len`)
    /// counts them: Unicode scalars.
    public static func validateLength(_ value: String, limit: Int, what: String) throws(VaneError) {
        if exceedsLength(value, limit) {
            throw VaneError.invalid("'\(what)' exceeds the maximum length of \(limit) characters")
        }
    }

    /// Validates a free-text name (experiment, run, model, dataset…): at most `limit`
    /// characters and no NUL byte. The name is never echoed whole in the error.
    public static func validateName(_ value: String, limit: Int, what: String) throws(VaneError) {
        try validateLength(value, limit: limit, what: what)
        try rejectNUL(value, what: what)
    }

    /// Validates one `log-inputs` dataset and its input tags against MLflow's dataset limits
    /// (`_validate_dataset`, `_validate_input_tag`); names and keys must not contain NUL.
    public static func validateDatasetInput(_ input: DatasetInput) throws(VaneError) {
        let d = input.dataset
        try validateName(d.name, limit: maxDatasetNameLength, what: "name")
        try validateName(d.digest, limit: maxDatasetDigestLength, what: "digest")
        try validateName(d.sourceType, limit: maxDatasetSourceTypeLength, what: "source_type")
        try validateLength(d.source, limit: maxDatasetSourceLength, what: "source")
        if let schema = d.schema { try validateLength(schema, limit: maxDatasetSchemaLength, what: "schema") }
        if let profile = d.profile { try validateLength(profile, limit: maxDatasetProfileLength, what: "profile") }
        for t in input.tags {
            try validateName(t.key, limit: maxInputTagKeyLength, what: "key")
            try validateLength(t.value, limit: maxInputTagValueLength, what: "value")
        }
    }

    /// Refuses a string that contains a NUL byte.
    public static func rejectNUL(_ value: String, what: String) throws(VaneError) {
        if value.utf8.contains(0) {
            throw VaneError.invalid("Invalid value for parameter '\(what)' supplied: it must not contain NUL bytes.")
        }
    }

    /// Whether `value` has more than `limit` Unicode scalars, without counting a string whose
    /// byte length already decides (a scalar is one to four UTF-8 bytes).
    public static func exceedsLength(_ value: String, _ limit: Int) -> Bool {
        let bytes = value.utf8.count
        if bytes <= limit { return false }
        if bytes > 4 * limit { return true }
        return value.unicodeScalars.count > limit
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
