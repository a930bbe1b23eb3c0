import Foundation
import Testing
import VaneCore
import VaneStorage
import VaneTestSupport
import VaneTracking

/// The backends the tracking contract runs against; each builds a fresh, empty store (with only
/// the Default experiment). A new backend (PostgreSQL) passes the suites by adding one factory.
typealias TrackingStoreBackend = StoreBackend<any TrackingStore>

extension StoreBackend where Store == any TrackingStore {
    /// Runs `body` with a fresh store on a hand-moved clock, cleaning up afterwards.
    func withStore<R>(_ body: (any TrackingStore) async throws -> R) async throws -> R {
        try await withStore(clock: ContractClock(), body)
    }
}

/// Every backend the tracking contract runs against.
enum TrackingStoreBackends {
    static let all: [TrackingStoreBackend] = TrackingStoreBackend.sqlite(label: "tracking", migrations: migrations) { db, clock in
        try SQLiteTrackingStore(database: db, clock: clock)
    }

    /// The same backends behind ``ValidatingTrackingStore``: what the rest of Vane talks to. The contract
    /// tests that also check MLflow's input rules (names, keys, limits, `max_results`), which a
    /// store itself does not check, run against these; the rest run against the bare stores.
    static let validating: [TrackingStoreBackend] = all.map { backend in
        TrackingStoreBackend(name: backend.name + ", validated") { clock in
            let instance = try await backend.make(clock)
            return (ValidatingTrackingStore(instance.store), instance.cleanup)
        }
    }

    private static var migrations: SchemaMigrations {
        var migrations = SchemaMigrations()
        TrackingSchema.register(in: &migrations)
        return migrations
    }
}

/// A clock the test moves by hand, so that "before" and "after" are exact.
final class ContractClock: VaneClock, @unchecked Sendable {
    private let lock = NSLock()
    private var now: EpochMillis

    init(_ start: EpochMillis = 1_700_000_000_000) { now = start }

    func nowMillis() -> EpochMillis { lock.withLock { now } }

    /// Moves the clock forward and returns the new time.
    @discardableResult
    func advance(by millis: EpochMillis = 1_000) -> EpochMillis { lock.withLock { now += millis; return now } }
}

/// Awaits `body`, expecting a `VaneError` with `code`.
func expectStoreError(_ code: VaneError.Code, _ what: @autoclosure () -> String = "",
                      sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code.rawValue) for '\(what())', but it succeeded", sourceLocation: sourceLocation)
    } catch let error as VaneError {
        #expect(error.code == code, "\(what()): \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected VaneError \(code.rawValue) for '\(what())', got \(error)", sourceLocation: sourceLocation)
    }
}

/// A metric value at a step and time.
func point(_ key: String, _ value: Double, step: Int64 = 0, ts: Int64 = 1_000, model: String? = nil) -> Metric {
    Metric(key: key, value: value, timestamp: ts, step: step, modelID: model)
}

extension Run {
    /// The latest value of metric `key`, if logged.
    func latestMetric(_ key: String) -> Metric? { metrics.first { $0.key == key } }
    /// The value of param `key`, if logged.
    func paramValue(_ key: String) -> String? { params.first { $0.key == key }?.value }
    /// The value of tag `key`, if set.
    func tagValue(_ key: String) -> String? { tags.first { $0.key == key }?.value }
}

extension TrackingStore {
    /// Creates an active run in `experiment` with an explicit start time.
    func newRun(_ experiment: Int64 = 0, name: String = "run", start: EpochMillis? = nil, tags: [VaneTracking.Tag] = []) async throws -> String {
        try await createRun(experimentID: experiment, userID: "contract", runName: name, startTime: start, tags: tags).info.runID
    }

    /// Every run id a search returns, following page tokens; fails the test on a repeated token.
    func allRunIDs(_ experiments: [Int64], filter: String? = nil, orderBy: [String] = [], view: ViewType = .activeOnly,
                   pageSize: Int = 1_000, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        var ids: [String] = []
        var token: String?
        var seenTokens = Set<String>()
        repeat {
            let page = try await searchRuns(experimentIDs: experiments, filter: filter, orderBy: orderBy, view: view,
                                            maxResults: pageSize, pageToken: token)
            #expect(page.items.count <= pageSize, sourceLocation: sourceLocation)
            ids += page.items.map(\.info.runID)
            token = page.nextPageToken
            if let token, !seenTokens.insert(token).inserted {
                Issue.record("page token repeated: \(token)", sourceLocation: sourceLocation)
                break
            }
        } while token != nil
        return ids
    }

    /// Every experiment id a search returns, following page tokens.
    func allExperimentIDs(view: ViewType = .activeOnly, filter: String? = nil, orderBy: [String] = [], pageSize: Int = 1_000) async throws -> [Int64] {
        var ids: [Int64] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await searchExperiments(view: view, filter: filter, orderBy: orderBy, maxResults: pageSize, pageToken: token)
            ids += page.items.map(\.id)
            token = page.nextPageToken
            pages += 1
        } while token != nil && pages < 10_000
        return ids
    }
}
