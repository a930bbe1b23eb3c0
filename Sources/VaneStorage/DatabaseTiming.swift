import Dispatch
import Metrics

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
