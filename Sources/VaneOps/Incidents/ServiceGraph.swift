import VaneText

/// The service dependency graph (`services:` in `vane.yaml`, or a graph file): each service with
/// the hosts it runs on and the services it calls (`depends_on`, caller to callee).
public struct ServiceGraph: Sendable, Equatable {
    public struct Service: Sendable, Equatable {
        public var name: String
        public var hosts: [String]
        public var dependsOn: [String]

        public init(name: String, hosts: [String] = [], dependsOn: [String] = []) {
            self.name = name
            self.hosts = hosts
            self.dependsOn = dependsOn
        }
    }

    public let services: [String: Service]
    /// Callee → its callers.
    public let callers: [String: [String]]
    /// Service → every service it reaches through `depends_on` (itself included).
    let reach: [String: Set<String>]

    /// The most services a graph may declare.
    public static let maxServices = 100_000

    public static let empty = ServiceGraph(services: [])

    public init(services list: [Service]) {
        var services: [String: Service] = [:]
        for service in list { services[service.name] = service }
        var callers: [String: [String]] = [:]
        for service in list {
            for callee in service.dependsOn { callers[callee, default: []].append(service.name) }
        }
        self.services = services
        self.callers = callers
        var reach: [String: Set<String>] = [:]
        for name in services.keys {
            var seen: Set<String> = [name]
            var stack = [name]
            while let next = stack.popLast() {
                for callee in services[next]?.dependsOn ?? [] where seen.insert(callee).inserted { stack.append(callee) }
            }
            reach[name] = seen
        }
        self.reach = reach
    }

    /// The services `service` reaches (itself included); just itself when it is not in the graph.
    public func reachable(from service: String) -> Set<String> { reach[service] ?? [service] }

    /// Whether `a` calls `b` or `b` calls `a`.
    public func adjacent(_ a: String, _ b: String) -> Bool {
        (services[a]?.dependsOn.contains(b) ?? false) || (services[b]?.dependsOn.contains(a) ?? false)
    }

    /// Reads `services: [{name, hosts, depends_on}]` (a graph file, or the section of `vane.yaml`).
    public static func read(_ tree: YAMLTree) throws(DocumentError) -> ServiceGraph {
        let list: YAMLTree
        if case .mapping = tree.node {
            guard let services = try tree.mapping(known: ["services"])["services"] else { return .empty }
            list = services
        } else {
            list = tree
        }
        if list.isNull { return .empty }
        var services: [Service] = []
        var names = Set<String>()
        for item in try list.sequence(maximum: maxServices) {
            let f = try item.mapping(known: ["name", "hosts", "depends_on"])
            guard let nameTree = f["name"] else { throw item.error("a service needs a name") }
            let name = try nameTree.string()
            guard names.insert(name).inserted else { throw nameTree.error("service \"\(name)\" is declared twice") }
            var hosts: [String] = []
            if let h = f["hosts"], !h.isNull { for x in try h.sequence(maximum: 10_000) { hosts.append(try x.string()) } }
            var depends: [String] = []
            if let d = f["depends_on"], !d.isNull { for x in try d.sequence(maximum: 10_000) { depends.append(try x.string()) } }
            services.append(Service(name: name, hosts: hosts, dependsOn: depends))
        }
        return ServiceGraph(services: services)
    }

    /// Reads a graph file's text.
    public static func parse(_ text: String) throws(DocumentError) -> ServiceGraph {
        guard let tree = try YAMLTree.compose(text, limits: YAMLLimits(maxBytes: 64 << 20, maxDepth: 16, maxAliases: 64, maxNodes: 5_000_000)) else {
            return .empty
        }
        return try read(tree)
    }
}

/// A change that may explain an incident: a deploy, a configuration change, a feature flag, a
/// model rollout (`POST /api/vane/v1/changes`, or Vane's own deployment changes).
public struct OpsChange: Sendable, Equatable, Codable {
    public var id: String
    public var type: String
    public var service: String
    /// Microseconds since the epoch.
    public var at: Int64
    public var description: String

    public init(id: String, type: String, service: String, at: Int64, description: String) {
        self.id = id
        self.type = type
        self.service = service
        self.at = at
        self.description = description
    }
}
