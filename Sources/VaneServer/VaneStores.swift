import Foundation
import VaneArtifacts
import VaneAuth
import VaneCore
import VaneRegistry
import VaneOps
import VaneServing
import VaneStorage
import VaneTracking

/// The stores a server runs on, opened from one data directory.
public struct VaneStores: Sendable {
    public let database: VaneDatabase
    public let tracking: any TrackingStore
    public let registry: any RegistryStore
    public let artifacts: any ArtifactStore
    /// Tokens and users, and the checking of credentials.
    public let auth: AuthService
    /// Every registered model version, loaded on first use, for inference.
    public let models: RegistryModelCatalog
    /// The deployments; call ``DeploymentService/restore()`` before serving.
    public let deployments: DeploymentService
    /// Changes to what runs (deployments applied, rollout steps), for the operations side.
    public let changes: SQLiteChangeLog
    /// Feedback on deployments' answers and their A/B experiments.
    public let experiments: ExperimentService
    /// Alerts as Alertmanager's API takes them, silences, and their routing configuration.
    public let alerting: Alerting
    /// Incidents folded from the alerts, and the changes they are ranked against.
    public let incidents: IncidentService
    /// Every alert episode, queryable after it resolved.
    public let history: AlertHistory
    /// What the dispatcher has sent (decides what it sends next).
    public let notificationLog: NotificationLog
    /// Writes the notification log and the incidents periodically and at shutdown; nil in memory.
    public let opsSnapshots: OpsSnapshots?

    /// Every migration of every domain, in order.
    public static var migrations: SchemaMigrations {
        var m = SchemaMigrations()
        TrackingSchema.register(in: &m)
        RegistrySchema.register(in: &m)
        AuthSchema.register(in: &m)
        DeploymentSchema.register(in: &m)
        SQLiteChangeLog.register(in: &m)
        PredictionIndexSchema.register(in: &m)
        SQLiteFeedbackStore.register(in: &m)
        return m
    }

    /// Opens (creating the directory and the file if needed) the database of `dataDirectory`,
    /// without migrating it.
    public static func openDatabase(dataDirectory: String) throws -> VaneDatabase {
        let data = VaneDataDirectory(dataDirectory)
        try data.create()
        return try VaneDatabase.open(path: data.databasePath)
    }

    /// Opens (creating if needed) the database and artifact root of `dataDirectory`, and migrates the schema.
    public static func open(dataDirectory: String, predictionLog: PredictionLog.Settings = .init()) throws -> VaneStores {
        let database = try openDatabase(dataDirectory: dataDirectory)
        try database.migrate(migrations)
        return try VaneStores(database: database, artifacts: LocalArtifactStore(root: VaneDataDirectory(dataDirectory).artifactRoot),
                              predictionDirectory: VaneDataDirectory(dataDirectory).predictionRoot, predictionLog: predictionLog,
                              opsDirectory: VaneDataDirectory(dataDirectory).opsRoot)
    }

    /// Stores over an already-migrated database (tests use an in-memory one); deployments log
    /// their predictions under `predictionDirectory` (none without it).
    public init(database: VaneDatabase, artifacts: any ArtifactStore, predictionDirectory: String? = nil,
                predictionLog settings: PredictionLog.Settings = .init(), opsDirectory: String? = nil,
                clock: any VaneClock = SystemClock()) throws {
        self.database = database
        // MLflow's input rules are checked in front of the stores, which receive validated input.
        self.tracking = ValidatingTrackingStore(try SQLiteTrackingStore(database: database, clock: clock))
        self.registry = ValidatingRegistryStore(SQLiteRegistryStore(database: database, clock: clock))
        self.artifacts = artifacts
        self.auth = AuthService(store: SQLiteAuthStore(database: database, clock: clock), clock: clock)
        let resolver = ModelResolver(tracking: tracking, registry: registry, artifacts: artifacts)
        self.models = RegistryModelCatalog(resolver: resolver, registry: registry)
        self.changes = SQLiteChangeLog(database: database)
        if let opsDirectory {
            let loaded = try OpsSnapshots.load(directory: opsDirectory, clock: clock)
            self.alerting = loaded.alerting
            self.notificationLog = loaded.notificationLog
            self.incidents = loaded.incidents
            self.opsSnapshots = OpsSnapshots(directory: opsDirectory, incidents: loaded.incidents, notificationLog: loaded.notificationLog,
                                             journal: loaded.alerting.journal, silences: loaded.alerting.silences, clock: clock)
        } else {
            self.alerting = Alerting(clock: clock)
            self.notificationLog = NotificationLog()
            self.incidents = IncidentService(alerting: alerting, graph: .empty, clock: clock)
            self.opsSnapshots = nil
        }
        self.history = AlertHistory(directory: opsDirectory, store: alerting.store)
        alerting.subscribe(history)
        let log = predictionDirectory.map {
            PredictionLog(directory: $0, settings: settings, clock: clock)
        }
        self.deployments = DeploymentService(store: SQLiteDeploymentStore(database: database), resolver: resolver,
                                             catalog: models, clock: clock, changes: ChangeFanout([changes, incidents]),
                                             predictionLog: log)
        self.experiments = ExperimentService(deployments: deployments, store: SQLiteFeedbackStore(database: database), clock: clock)
    }
}

/// Records every change with each of its recorders (the change log, the incident engine).
public struct ChangeFanout: ChangeRecorder {
    let recorders: [any ChangeRecorder]

    public init(_ recorders: [any ChangeRecorder]) { self.recorders = recorders }

    public func record(_ event: ChangeEvent) async {
        for recorder in recorders { await recorder.record(event) }
    }
}
