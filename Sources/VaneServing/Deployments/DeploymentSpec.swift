/// A deployment as its owner declares it: a named endpoint over registry models, with weighted
/// variants, shadows, a routing key, and optionally a canary rollout and an A/B experiment.
///
/// ```yaml
/// name: fraud
/// variants:
///   - {name: stable, model: "models:/fraud/1", weight: 90}
///   - {name: challenger, model: "models:/fraud@candidate", weight: 10}
/// shadows:
///   - {name: next, model: "models:/fraud/4", sample: 1.0}
/// routing: {key: "header:x-user-id"}
/// ```
///
/// Read from YAML or JSON by ``DeploymentSpec/read(_:)``, which checks everything
/// ``validate()`` checks; a spec built in code is checked by ``validate()``.
public struct DeploymentSpec: Sendable, Equatable, Codable {
    /// One variant: a model that answers a share of the requests.
    public struct Variant: Sendable, Equatable, Codable {
        /// Its name, unique within the deployment (`[a-z0-9][a-z0-9_-]*`).
        public var name: String
        /// A registry URI: `models:/name/version`, `models:/name@alias`, `models:/name/stage`, `runs:/id/path`.
        public var model: String
        /// Its share of the traffic, relative to the other variants' (a non-negative number).
        public var weight: Double

        public init(name: String, model: String, weight: Double) {
            self.name = name
            self.model = model
            self.weight = weight
        }
    }

    /// A model that receives a copy of (a sample of) the requests and never answers a client.
    public struct Shadow: Sendable, Equatable, Codable {
        public var name: String
        public var model: String
        /// The share of requests mirrored to it, from 0 to 1.
        public var sample: Double

        public init(name: String, model: String, sample: Double = 1) {
            self.name = name
            self.model = model
            self.sample = sample
        }
    }

    /// What a request is routed by.
    public enum RoutingKey: Sendable, Equatable, Codable, CustomStringConvertible {
        /// A request header's value (`header:x-user-id`).
        case header(String)
        /// The value of an input (feature) in the request's first row (`input:customer_id`).
        case input(String)

        /// Reads `header:NAME` or `input:NAME`.
        public init?(parsing text: String) {
            if text.hasPrefix("header:"), text.count > 7 {
                let name = String(text.dropFirst(7)).lowercased()
                guard name.utf8.allSatisfy(Self.isTokenByte) else { return nil }
                self = .header(name)
            } else if text.hasPrefix("input:"), text.count > 6 {
                self = .input(String(text.dropFirst(6)))
            } else {
                return nil
            }
        }

        public var description: String {
            switch self {
            case .header(let name): "header:\(name)"
            case .input(let name): "input:\(name)"
            }
        }

        /// An HTTP header name's characters (RFC 9110 token).
        static func isTokenByte(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let key = RoutingKey(parsing: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a routing key: \(text)"))
            }
            self = key
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    /// The endpoint's name, which clients call it by (`[a-z0-9][a-z0-9-]*`, at most 63 characters).
    public var name: String
    /// At least one variant; their weights are normalised.
    public var variants: [Variant]
    public var shadows: [Shadow]
    /// What sticky routing hashes; nil routes each request at random by weight.
    public var routingKey: RoutingKey?
    /// A canary rollout of one variant, in steps.
    public var rollout: RolloutSpec?
    /// An A/B experiment between the variants.
    public var experiment: ExperimentSpec?

    public init(name: String, variants: [Variant], shadows: [Shadow] = [], routingKey: RoutingKey? = nil,
                rollout: RolloutSpec? = nil, experiment: ExperimentSpec? = nil) {
        self.name = name
        self.variants = variants
        self.shadows = shadows
        self.routingKey = routingKey
        self.rollout = rollout
        self.experiment = experiment
    }

    enum CodingKeys: String, CodingKey {
        case name, variants, shadows, routingKey = "routing_key", rollout, experiment
    }

    /// Bounds on a declaration.
    public enum Limits {
        public static let maxVariants = 16
        public static let maxShadows = 8
        public static let maxNameLength = 63
        public static let maxModelURILength = 1024
        public static let maxSteps = 32
        /// The largest declaration read, in bytes.
        public static let maxBytes = 64 * 1024
    }

    /// Whether `name` may name a deployment: `[a-z0-9][a-z0-9-]*`, at most 63 characters.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= Limits.maxNameLength, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// Whether `name` may name a variant or shadow: `[a-z0-9][a-z0-9_-]*`, at most 63 characters.
    public static func isValidMemberName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= Limits.maxNameLength, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) }

    /// The variant named `name`.
    public func variant(named name: String) -> Variant? { variants.first { $0.name == name } }
}

/// A canary rollout: one variant's weight raised step by step, each step judged by its guards.
public struct RolloutSpec: Sendable, Equatable, Codable {
    /// What happens when a guard fails.
    public enum FailurePolicy: String, Sendable, Equatable, Codable {
        /// The variant goes to weight 0 and the rollout ends, rolled back.
        case rollback
        /// The variant goes to weight 0 and the rollout waits for a person (resume, promote or roll back).
        case pause
    }

    /// Thresholds judged on each step's window; nil is not judged.
    public struct Guards: Sendable, Equatable, Codable {
        /// The variant's share of failed requests.
        public var errorRate: Double?
        /// The variant's 99th percentile latency, milliseconds.
        public var latencyP99Milliseconds: Double?
        /// The share of rows where the variant and the baseline disagree (scored in shadow on a sample).
        public var disagreement: Double?
        /// The drift score of the variant's predictions against the baseline's.
        public var predictionDrift: Double?

        public init(errorRate: Double? = nil, latencyP99Milliseconds: Double? = nil, disagreement: Double? = nil, predictionDrift: Double? = nil) {
            self.errorRate = errorRate
            self.latencyP99Milliseconds = latencyP99Milliseconds
            self.disagreement = disagreement
            self.predictionDrift = predictionDrift
        }

        enum CodingKeys: String, CodingKey {
            case errorRate = "error_rate", latencyP99Milliseconds = "latency_p99_ms", disagreement, predictionDrift = "prediction_drift"
        }
    }

    /// The variant rolled out.
    public var variant: String
    /// Its weight at each step, percent of the traffic, strictly increasing, each in (0, 100].
    public var steps: [Double]
    /// The least time a step lasts, milliseconds.
    public var intervalMilliseconds: Int64
    /// The least requests the variant must receive in a step before it is judged.
    public var minRequests: Int
    /// How long a step may wait for ``minRequests`` before the rollout pauses, milliseconds.
    public var deadlineMilliseconds: Int64
    public var guards: Guards
    public var onFailure: FailurePolicy

    public init(variant: String, steps: [Double], intervalMilliseconds: Int64, minRequests: Int = 100,
                deadlineMilliseconds: Int64? = nil, guards: Guards = Guards(), onFailure: FailurePolicy = .rollback) {
        self.variant = variant
        self.steps = steps
        self.intervalMilliseconds = intervalMilliseconds
        self.minRequests = minRequests
        self.deadlineMilliseconds = deadlineMilliseconds ?? Self.defaultDeadline(interval: intervalMilliseconds)
        self.guards = guards
        self.onFailure = onFailure
    }

    /// Ten intervals, at least a minute.
    public static func defaultDeadline(interval: Int64) -> Int64 { max(interval * 10, 60_000) }

    enum CodingKeys: String, CodingKey {
        case variant, steps, intervalMilliseconds = "interval_ms", minRequests = "min_requests",
             deadlineMilliseconds = "deadline_ms", guards, onFailure = "on_failure"
    }
}

/// An A/B experiment between a deployment's variants, on rewards or labels sent as feedback.
public struct ExperimentSpec: Sendable, Equatable, Codable {
    /// How traffic is split while the experiment runs.
    public enum Policy: String, Sendable, Equatable, Codable {
        /// The declared weights.
        case fixed
        /// Thompson sampling: weights move toward the arm more likely to be best.
        case thompson
    }

    /// The false positive rate the sequential test guarantees, however often it is looked at.
    public var alpha: Double
    public var policy: Policy

    public init(alpha: Double = 0.05, policy: Policy = .fixed) {
        self.alpha = alpha
        self.policy = policy
    }
}
