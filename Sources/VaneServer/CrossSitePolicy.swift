import Foundation

/// Which `Host` names Vane answers to and which browser origins may call it: the protection
/// against cross-site requests and DNS rebinding, as MLflow 3's security middleware has it.
///
/// - Every request but `/health` and `/version` must name an allowed host (a page that
///   rebinds its own name to 127.0.0.1 still sends its own name).
/// - A state-changing request (POST, PUT, PATCH, DELETE) with an `Origin` must come from Vane's
///   own origin or from one of ``corsOrigins``.
/// - A POST, PATCH or DELETE to the MLflow REST API must carry a content type that a browser
///   cannot send cross-site without asking first (`application/json`), so a form or a
///   `text/plain` fetch from another site never reaches a handler.
public struct CrossSitePolicy: Sendable, Equatable {
    /// Allowed `Host` patterns: a name or address, optionally with `:port`; `*` matches any run of
    /// characters (`*.example.com`, `10.*`); `*` alone allows every host.
    public var allowedHosts: [String] { didSet { hostPatterns = Self.patterns(allowedHosts) } }
    /// ``allowedHosts`` split into name and port once, not on every request.
    private var hostPatterns: [HostPattern]
    /// Origins (`scheme://host[:port]`, `*` wildcards allowed) whose pages may call Vane; they get
    /// CORS headers and preflight answers.
    public var corsOrigins: [String]

    public init(allowedHosts: [String], corsOrigins: [String] = []) {
        self.allowedHosts = allowedHosts.map { $0.lowercased() }
        self.corsOrigins = corsOrigins
        self.hostPatterns = Self.patterns(self.allowedHosts)
    }

    /// One allowed-host pattern: `*` alone, or a name pattern with or without a port.
    private struct HostPattern: Sendable, Equatable {
        var matchesAll: Bool
        /// The name part (the whole pattern when it has no port).
        var name: String
        var port: Int?
        var hasWildcard: Bool

        func matches(name host: String, port hostPort: Int?) -> Bool {
            if matchesAll { return true }
            if let port, port != hostPort { return false }
            return hasWildcard ? CrossSitePolicy.glob(name, matches: host) : name == host
        }
    }

    private static func patterns(_ hosts: [String]) -> [HostPattern] {
        hosts.map { pattern in
            if pattern == "*" { return HostPattern(matchesAll: true, name: pattern, port: nil, hasWildcard: true) }
            if let (name, port) = splitHost(pattern), let port {
                return HostPattern(matchesAll: false, name: name, port: port, hasWildcard: name.utf8.contains(UInt8(ascii: "*")))
            }
            return HostPattern(matchesAll: false, name: pattern, port: nil, hasWildcard: pattern.utf8.contains(UInt8(ascii: "*")))
        }
    }

    /// The loopback names, with any port.
    public static let loopbackHosts = ["localhost", "127.0.0.1", "[::1]"]

    /// The default: the listen address (unless it is a wildcard address) and the loopback names.
    public static func defaults(listenHost: String) -> CrossSitePolicy {
        var hosts = loopbackHosts
        let listen = listenHost.lowercased()
        if !["0.0.0.0", "::", "[::]", ""].contains(listen) {
            let bracketed = listen.contains(":") && !listen.hasPrefix("[") ? "[\(listen)]" : listen
            if !hosts.contains(bracketed) { hosts.append(bracketed) }
        }
        return CrossSitePolicy(allowedHosts: hosts)
    }

    /// Splits a comma-separated list, dropping blanks.
    public static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    // MARK: Decisions

    /// Whether a `Host` header value is allowed.
    public func allows(host header: String) -> Bool {
        let hasUpper = header.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        guard let (name, port) = Self.splitHost(hasUpper ? header.lowercased() : header) else { return false }
        return hostPatterns.contains { $0.matches(name: name, port: port) }
    }

    /// Whether a page at `origin` may send state-changing requests to a server reached as `host`
    /// over `scheme`: its own origin (same scheme, host and port), or a configured CORS origin.
    public func allows(origin: String, host: String?, scheme serverScheme: String = "http") -> Bool {
        if isCORSOrigin(origin) { return true }
        guard let host, let url = URL(string: origin), let scheme = url.scheme?.lowercased(),
              scheme == serverScheme.lowercased(), let originHost = url.host?.lowercased() else { return false }
        guard let (hostName, hostPort) = Self.splitHost(host.lowercased()) else { return false }
        let defaultPort = scheme == "https" ? 443 : 80
        let bracketed = originHost.contains(":") && !originHost.hasPrefix("[") ? "[\(originHost)]" : originHost
        return bracketed == hostName && (url.port ?? defaultPort) == (hostPort ?? defaultPort)
    }

    /// Whether `origin` is one of the configured CORS origins.
    public func isCORSOrigin(_ origin: String) -> Bool {
        corsOrigins.contains { $0 == "*" || $0 == origin || ($0.contains("*") && Self.glob($0, matches: origin)) }
    }

    /// Whether a content type is one a browser sends cross-site without a preflight (or none).
    public static func isSimple(contentType: String?) -> Bool {
        guard let contentType else { return true }
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return media.isEmpty || ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"].contains(media)
    }

    // MARK: Helpers

    /// `name[:port]` or `[v6][:port]`; nil when malformed.
    static func splitHost(_ text: String) -> (name: String, port: Int?)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let name = String(text[...close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (name, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return (name, port)
        }
        let utf8 = text.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return text.isEmpty ? nil : (text, nil) }
        let portText = text[text.index(after: colon)...]
        guard colon != text.startIndex, !portText.utf8.contains(UInt8(ascii: ":")),
              let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (String(text[..<colon]), port)
    }

    /// Shell-style matching with `*` only, without recursion (greedy with backtracking to the
    /// last star): linear in practice, never exponential.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] != UInt8(ascii: "*"), p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
