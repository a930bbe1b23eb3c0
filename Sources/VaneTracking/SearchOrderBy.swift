import VaneCore

/// One order_by item: a key and a direction.
public struct OrderByClause: Sendable, Equatable {
    public var key: SearchKey
    public var ascending: Bool

    public init(key: SearchKey, ascending: Bool) {
        self.key = key
        self.ascending = ascending
    }
}

/// Parsers for MLflow's `order_by` lists: each item is `key`, `key ASC` or `key DESC`,
/// with the same prefixes and quoting as filters (``SearchFilter``).
///
/// Every error is `VaneError.invalid` (MLflow's `INVALID_PARAMETER_VALUE`); a key given
/// twice (after alias resolution) is rejected as MLflow's stores do.
public enum SearchOrderBy {
    /// SearchRuns: metrics, params, tags and the attributes `run_id`, `run_name`, `user_id`,
    /// `status`, `artifact_uri`, `start_time` (alias `created` / `Created`) and `end_time`.
    public static func runs(_ items: [String]) throws(VaneError) -> [OrderByClause] {
        try SearchFilter.Grammar.runs.parseOrderBy(items)
    }

    /// SearchExperiments: `name`, `experiment_id`, `creation_time`, `last_update_time`.
    public static func experiments(_ items: [String]) throws(VaneError) -> [OrderByClause] {
        try SearchFilter.Grammar.experiments.parseOrderBy(items)
    }

    /// SearchRegisteredModels: `name`, `creation_timestamp`, `last_updated_timestamp`
    /// (alias `timestamp`, normalised to `last_updated_timestamp`).
    public static func registeredModels(_ items: [String]) throws(VaneError) -> [OrderByClause] {
        try SearchFilter.Grammar.registeredModels.parseOrderBy(items)
    }

    /// SearchModelVersions: `name`, `version_number`, `creation_timestamp`, `last_updated_timestamp`.
    public static func modelVersions(_ items: [String]) throws(VaneError) -> [OrderByClause] {
        try SearchFilter.Grammar.modelVersions.parseOrderBy(items)
    }
}
