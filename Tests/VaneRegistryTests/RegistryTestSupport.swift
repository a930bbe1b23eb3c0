import Foundation
import Testing
import VaneCore
import VaneRegistry
import VaneStorage
import VaneTracking

/// `Tag` means the tracking tag, not Swift Testing's `Tag`.
typealias Tag = VaneTracking.Tag

/// A clock the test moves by hand, so timestamps are exact.
final class ManualClock: VaneClock, @unchecked Sendable {
    private let lock = NSLock()
    private var now: EpochMillis

    init(_ start: EpochMillis = 1_700_000_000_000) { now = start }

    func nowMillis() -> EpochMillis { lock.withLock { now } }

    /// Moves the clock forward and returns the new time.
    @discardableResult
    func advance(by millis: EpochMillis = 1_000) -> EpochMillis { lock.withLock { now += millis; return now } }
}

/// A registry store over a fresh in-memory database with the tracking and registry migrations,
/// behind ``ValidatingRegistryStore`` as the rest of Vane reaches it.
func makeRegistryStore(clock: ManualClock = ManualClock()) throws -> ValidatingRegistryStore {
    let db = try VaneDatabase.inMemory()
    var migrations = SchemaMigrations()
    TrackingSchema.register(in: &migrations)
    RegistrySchema.register(in: &migrations)
    try db.migrate(migrations)
    return ValidatingRegistryStore(SQLiteRegistryStore(database: db, clock: clock))
}

/// Awaits `body`, expecting a `VaneError` with `code`; returns the error.
@discardableResult
func expectVaneError<R>(
    _ code: VaneError.Code, _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> R
) async -> VaneError? {
    do {
        let value = try await body()
        Issue.record("expected \(code.rawValue) for '\(what())', but it succeeded with \(value)", sourceLocation: sourceLocation)
    } catch let error as VaneError {
        #expect(error.code == code, "\(what()): \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected VaneError \(code.rawValue) for '\(what())', got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

extension RegistryStore {
    /// Creates a model version with only a source (and optionally a run id).
    @discardableResult
    func addVersion(_ name: String, source: String? = nil, runID: String? = nil, tags: [Tag] = []) async throws -> ModelVersion {
        try await createModelVersion(name: name, source: source ?? "mlflow-artifacts:/1/\(name)/artifacts/model", runID: runID,
                                     runLink: nil, description: nil, tags: tags, modelID: nil)
    }

    /// Every registered model name a search returns, following page tokens.
    func allModelNames(filter: String? = nil, orderBy: [String] = [], pageSize: Int = 1000) async throws -> [String] {
        var names: [String] = []
        var token: String? = nil
        repeat {
            let page = try await searchRegisteredModels(filter: filter, orderBy: orderBy, maxResults: pageSize, pageToken: token)
            names += page.items.map(\.name)
            token = page.nextPageToken
        } while token != nil
        return names
    }

    /// Every (name, version) a model version search returns, following page tokens.
    func allVersionKeys(filter: String? = nil, orderBy: [String] = [], pageSize: Int = 1000) async throws -> [String] {
        var keys: [String] = []
        var token: String? = nil
        repeat {
            let page = try await searchModelVersions(filter: filter, orderBy: orderBy, maxResults: pageSize, pageToken: token)
            keys += page.items.map { "\($0.name)/\($0.version)" }
            token = page.nextPageToken
        } while token != nil
        return keys
    }
}

extension RegisteredModel {
    /// The aliases as "alias=version" strings (ModelAlias has no public initialiser).
    var aliasPairs: [String] { aliases.map { "\($0.alias)=\($0.version)" } }
}
