import VaneCore

/// Bounds on the search requests of every surface (runs, experiments, logged models,
/// registered models, model versions), checked while a filter or order_by list is parsed,
/// before any SQL is built. Each is answered with `VaneError.invalid` (HTTP 400).
///
/// MLflow bounds none of these itself; its SQL stores build one statement per request and
/// leave the rest to the database. The values below are far above what MLflow's clients and
/// UI send (one or a few order keys, a handful of terms), and low enough that every statement
/// the run planner builds from an accepted request stays inside SQLite's limits (64 tables
/// per join, 1,000 levels of expression depth, 32,766 bound parameters in SQLite's default
/// build, 50,000-byte LIKE/GLOB patterns).
public enum SearchLimits {
    /// The most `order_by` items one search may name. MLflow's SQL store joins one table per
    /// metric/param/tag order key, so on SQLite (64 tables per join) it cannot order by more
    /// than 63 keys either.
    public static let maxOrderByKeys = 63
    /// The longest accepted `order_by` item, in bytes: a 250-character key (MLflow's
    /// `MAX_ENTITY_KEY_LENGTH`) quoted and prefixed fits many times over.
    public static let maxOrderByItemLength = 1_000
    /// The longest accepted filter string, in UTF-8 bytes.
    public static let maxFilterLength = 100_000
    /// The most comparisons (`key op value` terms joined by AND) in one filter.
    public static let maxFilterTerms = 100
    /// The most values in all of a filter's `IN` / `NOT IN` lists together.
    public static let maxListValues = 1_000
    /// The longest quoted string in a filter, in characters (Unicode scalars): MLflow's
    /// longest stored value, a run tag's 8,000 characters. A LIKE pattern of this length
    /// stays below SQLite's 50,000-byte pattern limit even after its translation to GLOB.
    public static let maxStringLength = 8_000

    /// Refuses an order_by list longer than ``maxOrderByKeys`` or with an over-long item.
    static func checkOrderBy(_ items: [String]) throws(VaneError) {
        if items.count > maxOrderByKeys {
            throw VaneError.invalid("order_by can name at most \(maxOrderByKeys) keys, got \(items.count).")
        }
        for item in items where item.utf8.count > maxOrderByItemLength {
            throw VaneError.invalid("An order_by item can be at most \(maxOrderByItemLength) bytes long, got one of \(item.utf8.count) bytes.")
        }
    }

    /// Refuses a filter string longer than ``maxFilterLength`` bytes.
    static func checkFilterLength(_ filter: String) throws(VaneError) {
        let length = filter.utf8.count
        if length > maxFilterLength {
            throw VaneError.invalid("The search filter is \(length) bytes long; it can be at most \(maxFilterLength) bytes.")
        }
    }

    /// Refuses a quoted string longer than ``maxStringLength`` characters.
    static func checkString(_ value: String) throws(VaneError) {
        // A scalar is at most 4 UTF-8 bytes: most strings are decided by their byte count.
        let bytes = value.utf8.count
        guard bytes > maxStringLength else { return }
        let scalars = bytes > 4 * maxStringLength ? bytes : value.unicodeScalars.count
        if scalars > maxStringLength {
            throw VaneError.invalid("A quoted value in the search filter can be at most \(maxStringLength) characters long.")
        }
    }

    static func tooManyTerms() -> VaneError {
        VaneError.invalid("The search filter can have at most \(maxFilterTerms) comparisons joined by AND.")
    }

    static func tooManyListValues() -> VaneError {
        VaneError.invalid("The search filter's IN lists can hold at most \(maxListValues) values in all.")
    }
}
