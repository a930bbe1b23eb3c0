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

    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("vane.db") }
    public var artifactRoot: String { (dataDirectory as NSString).appendingPathComponent("artifacts") }
}
