import VaneCore
import VaneTracking

/// The model registry's limits on names and texts, with MLflow's values and messages.
///
/// MLflow's own validated limits (mlflow/utils/validation.py) where it has them; otherwise the
/// width of MLflow's database column (which MLflow enforces on MySQL and PostgreSQL), so that
/// whatever Vane accepts fits every MLflow backend. Lengths count Unicode scalars, as Python does.
public enum RegistryValidation {
    /// `registered_models.name VARCHAR(256)`.
    public static let maxModelNameLength = 256
    /// `MAX_REGISTERED_MODEL_ALIAS_LENGTH`.
    public static let maxAliasLength = 255
    /// `MAX_MODEL_REGISTRY_TAG_KEY_LENGTH`.
    public static let maxTagKeyLength = 250
    /// `MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH`.
    public static let maxTagValueLength = 5000
    /// `registered_models.description` and `model_versions.description`, both `VARCHAR(5000)`.
    public static let maxDescriptionLength = 5000
    /// `model_versions.run_link VARCHAR(500)`.
    public static let maxRunLinkLength = 500
    /// A model version `source`: room for an experiment artifact location (MLflow's
    /// `MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH`, 2048) followed by a run and artifact path.
    public static let maxSourceLength = 4096
    /// The most registered models one search page may hold.
    public static let maxRegisteredModelResults = 1000
    /// The most model versions one search page may hold.
    public static let maxModelVersionResults = 200_000

    /// Validates a registered model name that is about to be stored (create, rename):
    /// not empty, at most ``maxModelNameLength`` characters, no NUL byte.
    /// Any other character is allowed, as on MLflow (`/`, spaces, Unicode…).
    public static func validateNewModelName(_ name: String, parameter: String = "name") throws(VaneError) {
        if name.isEmpty { throw VaneError.invalid("Missing value for required parameter '\(parameter)'.") }
        try TrackingValidation.validateName(name, limit: maxModelNameLength, what: parameter)
    }

    /// Validates a registered model or model version tag as MLflow's
    /// `_validate_registered_model_tag` / `_validate_model_version_tag` do.
    public static func validateTag(_ tag: Tag) throws(VaneError) {
        try TrackingValidation.validateKey(tag.key, kind: "key")
        try TrackingValidation.validateLength(tag.value, limit: maxTagValueLength, what: "value")
    }

    /// Validates a registered model or model version description.
    public static func validateDescription(_ description: String?) throws(VaneError) {
        if let description { try TrackingValidation.validateLength(description, limit: maxDescriptionLength, what: "description") }
    }

    /// Validates an alias as MLflow's `_validate_model_alias_name` does: only alphanumerics,
    /// underscores and dashes, at most ``maxAliasLength`` characters, and neither `latest`
    /// nor a version alias (`v1`, `V2`…), which are reserved.
    public static func validateAlias(_ alias: String) throws(VaneError) {
        if alias.isEmpty { throw VaneError.invalid("Missing value for required parameter 'alias'.") }
        if TrackingValidation.exceedsLength(alias, maxAliasLength) {
            throw VaneError.invalid("'Registered model alias name' exceeds the maximum length of \(maxAliasLength) characters")
        }
        for scalar in alias.unicodeScalars where !isAliasScalar(scalar) {
            throw VaneError.invalid("Invalid alias name: '\(alias)'. Names may only contain alphanumerics, underscores (_), and dashes (-).")
        }
        let lower = alias.lowercased()
        if lower == "latest" || (lower.hasPrefix("v") && lower.count > 1 && lower.dropFirst().allSatisfy(\.isNumber)) {
            throw VaneError.invalid("'\(alias)' alias name (case insensitive) is reserved.")
        }
    }

    /// Python's `[\w\-]`: letters, digits, `_` and `-`.
    static func isAliasScalar(_ s: Unicode.Scalar) -> Bool {
        if s == "_" || s == "-" { return true }
        let p = s.properties
        return p.isAlphabetic || p.numericType != nil
    }

    /// Validates a model version `source` and `run_link` before anything is stored: bounded,
    /// and no NUL byte or backslash (also percent-encoded), which no artifact location holds and
    /// which the model loader would refuse later.
    public static func validateSource(_ source: String, runLink: String?) throws(VaneError) {
        if source.isEmpty { throw VaneError.invalid("Missing value for required parameter 'source'.") }
        try TrackingValidation.validateLength(source, limit: maxSourceLength, what: "source")
        let lowered = source.lowercased()
        if source.utf8.contains(0) || source.contains("\\") || lowered.contains("%00") || lowered.contains("%5c") {
            throw VaneError.invalid("Invalid model version source: '\(source)'. It must not contain backslashes or NUL bytes.")
        }
        if let runLink {
            try TrackingValidation.validateLength(runLink, limit: maxRunLinkLength, what: "run_link")
            try TrackingValidation.rejectNUL(runLink, what: "run_link")
        }
    }
}
