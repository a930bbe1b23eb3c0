// TEMPORARY STUB
import VaneCore
public struct OrderByClause: Sendable, Equatable { public var key: SearchKey; public var ascending: Bool }
public enum SearchOrderBy {
    public static func runs(_ items: [String]) throws(VaneError) -> [OrderByClause] { [] }
    public static func experiments(_ items: [String]) throws(VaneError) -> [OrderByClause] { [] }
    public static func registeredModels(_ items: [String]) throws(VaneError) -> [OrderByClause] { [] }
    public static func modelVersions(_ items: [String]) throws(VaneError) -> [OrderByClause] { [] }
}
