import VaneText

extension DeploymentSpec {
    /// The bounds of a declaration's text: 64 KiB, 16 levels, no aliases beyond 16, 10,000 nodes.
    public static let documentLimits = YAMLLimits(maxBytes: Limits.maxBytes, maxDepth: 16, maxAliases: 16, maxNodes: 10_000)

    /// Reads a declaration written in YAML or JSON (JSON is read as the YAML it also is), and
    /// validates it. Every error names the value's path and line.
    ///
    /// `name`, when given (the name in a `PUT` path), is the deployment's name: the declaration
    /// may leave `name` out, and must not name another.
    public static func read(_ text: String, name expected: String? = nil) throws(DocumentError) -> DeploymentSpec {
        guard let root = try YAMLTree.compose(text, limits: documentLimits) else {
            throw DocumentError(path: "", line: nil, message: "the declaration is empty")
        }
        let fields = try root.mapping(known: ["name", "variants", "shadows", "routing", "rollout", "experiment"])
        let name: String
        if let nameNode = fields["name"], !nameNode.isNull {
            name = try nameNode.string()
            if let expected, expected != name {
                throw nameNode.error("the declaration names '\(name.prefix(80))' but is applied as '\(expected.prefix(80))'")
            }
        } else if let expected {
            name = expected
        } else {
            throw root.error("'name' is required")
        }
        guard isValidName(name) else {
            throw DocumentError(path: "name", line: fields["name"]?.line,
                                message: "'\(name.prefix(80))' is not a deployment name: lowercase letters, digits and '-', starting with a letter or digit, at most \(Limits.maxNameLength) characters")
        }
        guard let variantsNode = fields["variants"], !variantsNode.isNull else { throw root.error("'variants' is required: at least one variant") }
        var variants: [Variant] = []
        for item in try variantsNode.sequence(maximum: Limits.maxVariants) {
            let f = try item.mapping(known: ["name", "model", "weight"])
            let variantName = try memberName(f["name"], in: item)
            let model = try modelURI(f["model"], in: item)
            guard let weightNode = f["weight"], !weightNode.isNull else { throw item.error("'weight' is required") }
            let weight = try weightNode.number()
            guard weight >= 0 else { throw weightNode.error("a weight cannot be negative (\(weight))") }
            variants.append(Variant(name: variantName, model: model, weight: weight))
        }
        var shadows: [Shadow] = []
        if let shadowsNode = fields["shadows"], !shadowsNode.isNull {
            for item in try shadowsNode.sequence(maximum: Limits.maxShadows) {
                let f = try item.mapping(known: ["name", "model", "sample"])
                let shadowName = try memberName(f["name"], in: item)
                let model = try modelURI(f["model"], in: item)
                var sample = 1.0
                if let sampleNode = f["sample"], !sampleNode.isNull {
                    sample = try sampleNode.number()
                    guard (0...1).contains(sample) else { throw sampleNode.error("a sample is a share from 0 to 1, not \(sample)") }
                }
                shadows.append(Shadow(name: shadowName, model: model, sample: sample))
            }
        }
        var routingKey: RoutingKey?
        if let routingNode = fields["routing"], !routingNode.isNull {
            let f = try routingNode.mapping(known: ["key"])
            if let keyNode = f["key"], !keyNode.isNull {
                let text = try keyNode.string()
                guard let key = RoutingKey(parsing: text) else {
                    throw keyNode.error("'\(text.prefix(80))' is not a routing key: write header:NAME or input:NAME")
                }
                routingKey = key
            }
        }
        var rollout: RolloutSpec?
        if let node = fields["rollout"], !node.isNull { rollout = try RolloutSpec.read(node) }
        var experiment: ExperimentSpec?
        if let node = fields["experiment"], !node.isNull { experiment = try ExperimentSpec.read(node) }
        let spec = DeploymentSpec(name: name, variants: variants, shadows: shadows, routingKey: routingKey,
                                  rollout: rollout, experiment: experiment)
        do { try spec.validate() } catch {
            // Point the error at the part of the document it is about.
            var located = error
            if located.line == nil {
                let node = located.path.hasPrefix("rollout") ? fields["rollout"] : located.path.hasPrefix("shadows") ? fields["shadows"] : variantsNode
                located.line = node?.line
            }
            throw located
        }
        return spec
    }

    private static func memberName(_ node: YAMLTree?, in item: YAMLTree) throws(DocumentError) -> String {
        guard let node, !node.isNull else { throw item.error("'name' is required") }
        let name = try node.string()
        guard isValidMemberName(name) else {
            throw node.error("'\(name.prefix(80))' is not a variant name: lowercase letters, digits, '-' and '_', starting with a letter or digit, at most \(Limits.maxNameLength) characters")
        }
        return name
    }

    private static func modelURI(_ node: YAMLTree?, in item: YAMLTree) throws(DocumentError) -> String {
        guard let node, !node.isNull else { throw item.error("'model' is required: a registry URI such as models:/name/1") }
        let text = try node.string()
        if let problem = modelURIProblem(text) { throw node.error(problem) }
        return text
    }

    /// Why `text` is not a model a deployment may serve, or nil when it is one: registry URIs only
    /// (`models:/…`, `runs:/…`), never a path, so a client cannot make the server open a file.
    public static func modelURIProblem(_ text: String) -> String? {
        guard text.utf8.count <= Limits.maxModelURILength else { return "a model URI is at most \(Limits.maxModelURILength) bytes" }
        let source: ModelSource
        do { source = try ModelSource(parsing: text) } catch {
            return "'\(text.prefix(120))' is not a model URI: \(error)"
        }
        switch source {
        case .registryVersion, .registryAlias, .registryLatest, .run, .loggedModel: return nil
        case .path:
            return "'\(text.prefix(120))' is not a registry URI: a deployment serves models:/name/version, models:/name@alias or runs:/id/path"
        }
    }

    /// Checks what the declaration's parts cannot check alone: unique names, a positive total
    /// weight, a rollout of an existing variant with increasing steps, bounds.
    public func validate() throws(DocumentError) {
        func fail(_ path: String, _ message: String) -> DocumentError { DocumentError(path: path, line: nil, message: message) }
        guard Self.isValidName(name) else { throw fail("name", "'\(name.prefix(80))' is not a deployment name") }
        guard !variants.isEmpty else { throw fail("variants", "at least one variant is required") }
        guard variants.count <= Limits.maxVariants else { throw fail("variants", "at most \(Limits.maxVariants) variants") }
        guard shadows.count <= Limits.maxShadows else { throw fail("shadows", "at most \(Limits.maxShadows) shadows") }
        var names = Set<String>()
        for (i, v) in variants.enumerated() {
            guard Self.isValidMemberName(v.name) else { throw fail("variants[\(i)].name", "'\(v.name.prefix(80))' is not a variant name") }
            guard names.insert(v.name).inserted else { throw fail("variants[\(i)].name", "the name '\(v.name)' is used twice") }
            if let problem = Self.modelURIProblem(v.model) { throw fail("variants[\(i)].model", problem) }
            guard v.weight.isFinite, v.weight >= 0 else { throw fail("variants[\(i)].weight", "a weight is a non-negative number, not \(v.weight)") }
        }
        guard variants.reduce(0, { $0 + $1.weight }) > 0 else {
            throw fail("variants", "the weights sum to zero: at least one variant needs a positive weight")
        }
        for (i, s) in shadows.enumerated() {
            guard Self.isValidMemberName(s.name) else { throw fail("shadows[\(i)].name", "'\(s.name.prefix(80))' is not a shadow name") }
            guard names.insert(s.name).inserted else { throw fail("shadows[\(i)].name", "the name '\(s.name)' is used twice") }
            if let problem = Self.modelURIProblem(s.model) { throw fail("shadows[\(i)].model", problem) }
            guard s.sample.isFinite, (0...1).contains(s.sample) else { throw fail("shadows[\(i)].sample", "a sample is a share from 0 to 1") }
        }
        if let rollout {
            guard variant(named: rollout.variant) != nil else {
                throw fail("rollout.variant", "no variant is named '\(rollout.variant.prefix(80))'; the variants are \(variants.map(\.name).joined(separator: ", "))")
            }
            guard variants.contains(where: { $0.name != rollout.variant && $0.weight > 0 }) else {
                throw fail("rollout", "a rollout needs another variant with a positive weight, to take the traffic the rolled-out one does not")
            }
            try rollout.validate()
        }
        if let experiment {
            guard variants.count >= 2 else { throw fail("experiment", "an experiment needs at least two variants") }
            guard experiment.alpha > 0, experiment.alpha < 0.5 else { throw fail("experiment.alpha", "alpha is a probability between 0 and 0.5, not \(experiment.alpha)") }
        }
    }
}

extension RolloutSpec {
    static func read(_ node: YAMLTree) throws(DocumentError) -> RolloutSpec {
        let f = try node.mapping(known: ["variant", "steps", "interval", "min_requests", "deadline", "guards", "on_failure"])
        guard let variantNode = f["variant"], !variantNode.isNull else { throw node.error("'variant' is required: the variant rolled out") }
        let variant = try variantNode.string()
        guard let stepsNode = f["steps"], !stepsNode.isNull else { throw node.error("'steps' is required: the variant's weight at each step") }
        var steps: [Double] = []
        for item in try stepsNode.sequence(maximum: DeploymentSpec.Limits.maxSteps) { steps.append(try item.number()) }
        guard let intervalNode = f["interval"], !intervalNode.isNull else { throw node.error("'interval' is required: the least time per step, such as 5m") }
        let interval = try duration(intervalNode)
        var minRequests = 100
        if let n = f["min_requests"], !n.isNull {
            minRequests = try n.integer()
            guard minRequests >= 0 else { throw n.error("min_requests cannot be negative") }
        }
        var deadline: Int64?
        if let n = f["deadline"], !n.isNull { deadline = try duration(n) }
        var guards = Guards()
        if let g = f["guards"], !g.isNull {
            let gf = try g.mapping(known: ["error_rate", "latency_p99_ms", "disagreement", "prediction_drift"])
            func threshold(_ key: String) throws(DocumentError) -> Double? {
                guard let n = gf[key], !n.isNull else { return nil }
                let v = try n.number()
                guard v >= 0 else { throw n.error("a threshold cannot be negative") }
                return v
            }
            guards = Guards(errorRate: try threshold("error_rate"), latencyP99Milliseconds: try threshold("latency_p99_ms"),
                            disagreement: try threshold("disagreement"), predictionDrift: try threshold("prediction_drift"))
        }
        var onFailure = FailurePolicy.rollback
        if let n = f["on_failure"], !n.isNull {
            let text = try n.string()
            guard let policy = FailurePolicy(rawValue: text) else { throw n.error("on_failure is rollback or pause, not '\(text.prefix(40))'") }
            onFailure = policy
        }
        let spec = RolloutSpec(variant: variant, steps: steps, intervalMilliseconds: interval, minRequests: minRequests,
                               deadlineMilliseconds: deadline, guards: guards, onFailure: onFailure)
        do { try spec.validate() } catch {
            var located = error
            located.line = (located.path.hasPrefix("rollout.steps") ? stepsNode : node).line
            throw located
        }
        return spec
    }

    static func duration(_ node: YAMLTree) throws(DocumentError) -> Int64 {
        let text = try node.string()
        guard let ms = DurationText.milliseconds(text) else {
            throw node.error("'\(text.prefix(40))' is not a duration: write a number and a unit, such as 500ms, 2s, 5m or 1h30m")
        }
        return ms
    }

    /// Steps strictly increasing within (0, 100]; positive interval and deadline.
    func validate() throws(DocumentError) {
        func fail(_ path: String, _ message: String) -> DocumentError { DocumentError(path: path, line: nil, message: message) }
        guard !steps.isEmpty else { throw fail("rollout.steps", "at least one step is required") }
        guard steps.count <= DeploymentSpec.Limits.maxSteps else { throw fail("rollout.steps", "at most \(DeploymentSpec.Limits.maxSteps) steps") }
        for (i, step) in steps.enumerated() {
            guard step.isFinite, step > 0, step <= 100 else { throw fail("rollout.steps[\(i)]", "a step is a weight in percent, above 0 and at most 100, not \(step)") }
            if i > 0, step <= steps[i - 1] { throw fail("rollout.steps[\(i)]", "steps must increase: \(step) follows \(steps[i - 1])") }
        }
        guard intervalMilliseconds >= 1 else { throw fail("rollout.interval", "the interval must be longer than zero") }
        guard deadlineMilliseconds >= intervalMilliseconds else { throw fail("rollout.deadline", "the deadline cannot be shorter than the interval") }
        guard minRequests >= 0 else { throw fail("rollout.min_requests", "min_requests cannot be negative") }
        for (name, value) in [("error_rate", guards.errorRate), ("disagreement", guards.disagreement)] {
            if let value, !(value >= 0 && value <= 1) { throw fail("rollout.guards.\(name)", "\(name) is a share from 0 to 1") }
        }
        for (name, value) in [("latency_p99_ms", guards.latencyP99Milliseconds), ("prediction_drift", guards.predictionDrift)] {
            if let value, !(value.isFinite && value >= 0) { throw fail("rollout.guards.\(name)", "\(name) is a non-negative number") }
        }
    }
}

extension ExperimentSpec {
    static func read(_ node: YAMLTree) throws(DocumentError) -> ExperimentSpec {
        let f = try node.mapping(known: ["alpha", "policy"])
        var spec = ExperimentSpec()
        if let n = f["alpha"], !n.isNull { spec.alpha = try n.number() }
        if let n = f["policy"], !n.isNull {
            let text = try n.string()
            guard let policy = Policy(rawValue: text) else { throw n.error("policy is fixed or thompson, not '\(text.prefix(40))'") }
            spec.policy = policy
        }
        return spec
    }
}
