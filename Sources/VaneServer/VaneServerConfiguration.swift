import Foundation

/// Where `vane server` listens and keeps its data.
public struct VaneServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The data directory: `vane.db` and `artifacts/` live here.
    public var dataDirectory: String
    /// The `Host` names and browser origins the server accepts (see ``CrossSitePolicy``).
    public var crossSite: CrossSitePolicy

    public init(host: String = "127.0.0.1", port: Int = 5000, dataDirectory: String = "./vane-data", crossSite: CrossSitePolicy? = nil) {
        self.host = host; self.port = port; self.dataDirectory = dataDirectory
        self.crossSite = crossSite ?? .defaults(listenHost: host)
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
    /// Whether the database file exists (a directory Vane has opened at least once).
    public var hasDatabase: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Creates the directory (and its parents) if it does not exist.
    public func create() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
