import Foundation

/// Where `vane server` listens and keeps its data.
public struct VaneServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The data directory: `vane.db` and `artifacts/` live here.
    public var dataDirectory: String

    public init(host: String = "127.0.0.1", port: Int = 5000, dataDirectory: String = "./vane-data") {
        self.host = host; self.port = port; self.dataDirectory = dataDirectory
    }

    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("vane.db") }
    public var artifactRoot: String { (dataDirectory as NSString).appendingPathComponent("artifacts") }
}
