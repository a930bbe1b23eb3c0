import GRDB
import VaneCore
import VaneStorage

/// What SQLite adds to ``SearchLimits``: the bound-parameter ceiling of a built statement, and
/// the translation of SQLite's errors into what a client may see.
extension SearchLimits {
    /// SQLite's default limit on bound parameters (`SQLITE_MAX_VARIABLE_NUMBER`); builds may
    /// raise it, so a statement below it runs everywhere.
    static let maxBoundParameters = 32_766

    /// Refuses a built statement with more bound parameters than every SQLite build accepts.
    static func checkArguments(_ count: Int) throws(VaneError) {
        if count > maxBoundParameters {
            throw VaneError.invalid("The search is too complex for the database: narrow the filter, the experiment list or the order_by keys.")
        }
    }

    /// What a failed search tells the client: never the SQL or SQLite's own text. A statement
    /// over one of SQLite's limits is the request's fault (400); anything else is a 500 with
    /// a generic message.
    public static func error(_ error: any Error, context: String) -> VaneError {
        if let e = error as? VaneError { return e }
        if let db = error as? DatabaseError {
            let message = (db.message ?? "").lowercased()
            let limits = ["too many sql variables", "tables in a join", "expression tree is too large",
                          "pattern too complex", "too many terms", "string or blob too big", "too many columns",
                          "parser stack overflow"]
            if db.resultCode == .SQLITE_TOOBIG || limits.contains(where: message.contains) {
                return VaneError.invalid("The search is too complex for the database: narrow the filter or the order_by keys.")
            }
        }
        return VaneError(.internalError, "\(context) failed: the database could not run the search.")
    }
}

extension SQLiteTrackingStore {
    /// `read` for a search: a database error reaches the client only as
    /// ``SearchLimits/error(_:context:)`` makes it, without SQL text.
    func searchRead<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await DatabaseTiming.measure(context) { try await db.read(body) }
        } catch {
            throw SearchLimits.error(error, context: context)
        }
    }
}
