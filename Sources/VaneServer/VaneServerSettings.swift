import Foundation
import VaneOps
import VaneText

/// One layer of `vane server`'s settings — the flags, the environment or the configuration file —
/// with nil where that layer is silent. ``VaneServerConfiguration/init(layers:defaultPort:)``
/// takes the first layer that says something: flags, then environment, then file, then defaults.
public struct VaneServerSettings: Sendable, Equatable {
    public var host: String?
    public var port: Int?
    public var dataDirectory: String?
    public var allowedHosts: [String]?
    public var corsOrigins: [String]?
    /// Whether requests need credentials.
    public var authentication: Bool?
    /// The share of deployment requests whose inputs and outputs the prediction log keeps.
    public var predictionSample: Double?
    /// How long the prediction log keeps what it wrote, milliseconds.
    public var predictionRetentionMilliseconds: Int64?
    /// The alerting configuration (`alerting:`, an alertmanager.yml); only the file sets it.
    public var alerting: AlertingConfig?
    /// The service dependency graph (`services:`); only the file sets it.
    public var services: ServiceGraph?
    /// How alerts become incidents (`incidents:`); only the file sets it.
    public var incidents: IncidentCorrelator.Settings?

    /// Settings from their values.
    public init(host: String? = nil, port: Int? = nil, dataDirectory: String? = nil,
                allowedHosts: [String]? = nil, corsOrigins: [String]? = nil, authentication: Bool? = nil) {
        self.host = host; self.port = port; self.dataDirectory = dataDirectory
        self.allowedHosts = allowedHosts; self.corsOrigins = corsOrigins
        self.authentication = authentication
    }

    /// VANE_HOST, VANE_PORT, VANE_DATA_DIR, VANE_ALLOWED_HOSTS and VANE_CORS_ORIGINS (comma-separated),
    /// VANE_AUTH (on/off, true/false, 1/0), VANE_PREDICTION_SAMPLE (0 to 1) and
    /// VANE_PREDICTION_RETENTION (a duration: 36h, 7d).
    /// Throws ``VaneServerSettingsError`` for a VANE_PORT that is not a port number.
    public static func environment(_ env: [String: String]) throws(VaneServerSettingsError) -> VaneServerSettings {
        var settings = VaneServerSettings(host: env["VANE_HOST"], dataDirectory: env["VANE_DATA_DIR"])
        if let text = env["VANE_PORT"] {
            guard let port = Int(text), (0...65535).contains(port) else { throw VaneServerSettingsError(message: "Invalid port '\(text)'") }
            settings.port = port
        }
        settings.allowedHosts = env["VANE_ALLOWED_HOSTS"].map(CrossSitePolicy.list)
        settings.corsOrigins = env["VANE_CORS_ORIGINS"].map(CrossSitePolicy.list)
        if let text = env["VANE_AUTH"] {
            guard let on = Self.switchValue(text) else { throw VaneServerSettingsError(message: "Invalid VANE_AUTH '\(text.prefix(32))': use on or off") }
            settings.authentication = on
        }
        if let text = env["VANE_PREDICTION_SAMPLE"] {
            guard let sample = predictionSample(text) else {
                throw VaneServerSettingsError(message: "Invalid VANE_PREDICTION_SAMPLE '\(text.prefix(32))': a share from 0 to 1")
            }
            settings.predictionSample = sample
        }
        if let text = env["VANE_PREDICTION_RETENTION"] {
            guard let ms = predictionRetention(text) else {
                throw VaneServerSettingsError(message: "Invalid VANE_PREDICTION_RETENTION '\(text.prefix(32))': a duration of at least an hour, such as 36h or 7d")
            }
            settings.predictionRetentionMilliseconds = ms
        }
        return settings
    }

    /// A share from 0 to 1, or nil.
    public static func predictionSample(_ text: String) -> Double? {
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, (0...1).contains(v) else { return nil }
        return v
    }

    /// A duration of at least an hour (the log's partitions are hours), in milliseconds, or nil.
    public static func predictionRetention(_ text: String) -> Int64? {
        guard let ms = DurationText.milliseconds(text.trimmingCharacters(in: .whitespaces)), ms >= 3_600_000 else { return nil }
        return ms
    }
}

extension VaneServerSettings {
    /// `on`/`off`, `true`/`false`, `yes`/`no`, `1`/`0` (any case), or nil for anything else.
    public static func switchValue(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes", "1": true
        case "off", "false", "no", "0": false
        default: nil
        }
    }
}

/// A setting from the environment that is not valid.
public struct VaneServerSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    public var description: String { message }
}

extension VaneServerConfiguration {
    /// The configuration from `layers`, highest precedence first (flags, environment, file),
    /// falling back to 127.0.0.1, `defaultPort`, ./vane-data and ``CrossSitePolicy/defaults(listenHost:)``.
    public init(layers: [VaneServerSettings], defaultPort: Int = 5000) {
        let host = layers.lazy.compactMap(\.host).first ?? "127.0.0.1"
        var crossSite = CrossSitePolicy.defaults(listenHost: host)
        if let hosts = layers.lazy.compactMap(\.allowedHosts).first { crossSite.allowedHosts = CrossSitePolicy(allowedHosts: hosts).allowedHosts }
        if let origins = layers.lazy.compactMap(\.corsOrigins).first { crossSite.corsOrigins = origins }
        self.init(host: host,
                  port: layers.lazy.compactMap(\.port).first ?? defaultPort,
                  dataDirectory: layers.lazy.compactMap(\.dataDirectory).first ?? "./vane-data",
                  crossSite: crossSite,
                  authentication: layers.lazy.compactMap(\.authentication).first ?? false)
        if let sample = layers.lazy.compactMap(\.predictionSample).first { predictionLog.sample = sample }
        if let ms = layers.lazy.compactMap(\.predictionRetentionMilliseconds).first { predictionLog.retentionMilliseconds = ms }
        if let alerting = layers.lazy.compactMap(\.alerting).first { self.alerting = alerting }
        if let services = layers.lazy.compactMap(\.services).first { self.services = services }
        if let incidents = layers.lazy.compactMap(\.incidents).first { self.incidents = incidents }
    }
}
