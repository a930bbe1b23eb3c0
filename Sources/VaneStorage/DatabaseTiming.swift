import Dispatch
import GRDB
import Metrics
import VaneCore

/// Records how long store operations take (`vane_db_operation_duration_seconds{operation=…}`).
public enum DatabaseTiming {
    /// Runs `body` and records its duration under `operation`, whether it succeeds or throws.
    public static func measure<T>(_ operation: String, _ body: () async throws -> T) async rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            Timer(label: "vane_db_operation_duration_seconds", dimensions: [("operation", operation)])
                .recordNanoseconds(Int64(elapsed))
        }
        return try await body()
    }
}

extension DatabaseWriter {
    /// One write transaction, timed under `context` (``DatabaseTiming``), its database errors
    /// mapped to ``VaneError`` (see ``VaneError/from(database:context:)``): what every store's
    /// intention-named write method runs in.
    public func timedWrite<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await DatabaseTiming.measure(context) { try await write(body) } } catch { throw VaneError.from(database: error, context: context) }
    }

    /// One read, timed and mapped as ``timedWrite(_:_:)``.
    public func timedRead<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await DatabaseTiming.measure(context) { try await read(body) } } catch { throw VaneError.from(database: error, context: context) }
    }
}
