import Foundation
import VaneOps
import VaneServing

/// Where `vane server` listens and keeps its data.
public struct VaneServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The data directory: `vane.db` and `artifacts/` live here.
    public var dataDirectory: String
    /// The `Host` names and browser origins the server accepts (see ``CrossSitePolicy``).
    public var crossSite: CrossSitePolicy
    /// Whether requests need credentials (a token or a user's password); off by default.
    public var authentication: Bool
    /// Whether the server may listen on a non-loopback address without authentication.
    public var insecure: Bool
    /// The deployments' prediction log: its sample and retention (`predictions:` in the file).
    public var predictionLog = PredictionLog.Settings()
    /// Alert routing, receivers and inhibition (`alerting:` in the file); Alertmanager's defaults without it.
    public var alerting = AlertingConfig.standard
    /// The service graph incidents are correlated over (`services:`).
    public var services = ServiceGraph.empty
    /// How alerts become incidents (`incidents:`).
    public var incidents = IncidentCorrelator.Settings()

    public init(host: String = "127.0.0.1", port: Int = 5000, dataDirectory: String = "./vane-data", crossSite: CrossSitePolicy? = nil,
                authentication: Bool = false, insecure: Bool = false) {
        self.host = host; self.port = port; self.dataDirectory = dataDirectory
        self.crossSite = crossSite ?? .defaults(listenHost: host)
        self.authentication = authentication
        self.insecure = insecure
    }

    /// Why the server must not listen as configured, or nil when it may: a non-loopback address
    /// without authentication lets anyone who can reach it read and change everything, so it
    /// needs authentication on, or `insecure` to say that is meant.
    public var refusalToListen: String? {
        guard !authentication, !insecure, !Self.isLoopback(host) else { return nil }
        return """
            refusing to listen on \(host) without authentication: anyone who can reach that address could \
            read and change every experiment, model and artifact. Turn authentication on with --auth (env \
            VANE_AUTH=on, or auth: { enabled: true } in the config file) and create an admin token with \
            `vane token create --name admin --role admin`, or pass --insecure if the network itself is trusted.
            """
    }

    /// Whether `host` is a loopback address or name: 127.0.0.0/8, ::1, localhost.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "::1" || bare.lowercased() == "localhost" || bare.lowercased().hasSuffix(".localhost") { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The paths inside ``dataDirectory``.
    public var data: VaneDataDirectory { VaneDataDirectory(dataDirectory) }
    public var databasePath: String { data.databasePath }
    public var artifactRoot: String { data.artifactRoot }
}

/// The layout of a data directory: the SQLite database `vane.db` and the artifact root `artifacts/`.
public struct VaneDataDirectory: Sendable, Equatable {
    /// The directory itself.
    public var path: String

    public init(_ path: String) { self.path = path }

    /// `<path>/vane.db`.
    public var databasePath: String { (path as NSString).appendingPathComponent("vane.db") }
    /// `<path>/artifacts`.
    public var artifactRoot: String { (path as NSString).appendingPathComponent("artifacts") }
    /// The operations side: silences, the alert journal, the notification log, the incidents.
    public var opsRoot: String { (path as NSString).appendingPathComponent("ops") }
    /// The deployments' prediction log: one folder per deployment, one per hour below it.
    public var predictionRoot: String { (path as NSString).appendingPathComponent("predictions") }
    /// Whether the database file exists (a directory Vane has opened at least once).
    public var hasDatabase: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Creates the directory (and its parents) if it does not exist.
    public func create() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
