// TEMPORARY STUB (replaced by the real grammar).
import VaneCore
public enum SearchEntity: Sendable, Hashable { case metric, param, tag, attribute, dataset }
public struct SearchKey: Sendable, Hashable { public var entity: SearchEntity; public var key: String }
public enum SearchComparator: String, Sendable { case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", like = "LIKE", ilike = "ILIKE", `in` = "IN", notIn = "NOT IN", isNull = "IS NULL", isNotNull = "IS NOT NULL" }
public enum SearchValue: Sendable, Equatable { case number(Double), string(String), list([String]), none }
public struct SearchClause: Sendable, Equatable { public var key: SearchKey; public var comparator: SearchComparator; public var value: SearchValue }
public struct SearchFilter: Sendable {
    public var clauses: [SearchClause] = []
    public static func runs(_ filter: String?) throws(VaneError) -> SearchFilter { SearchFilter() }
    public static func experiments(_ filter: String?) throws(VaneError) -> SearchFilter { SearchFilter() }
    public static func registeredModels(_ filter: String?) throws(VaneError) -> SearchFilter { SearchFilter() }
    public static func modelVersions(_ filter: String?) throws(VaneError) -> SearchFilter { SearchFilter() }
}
