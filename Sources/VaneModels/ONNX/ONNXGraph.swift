import Foundation

/// The operator set versions a model imports.
struct ONNXOpsets: Sendable {
    var versions: [ONNXDomain: Int] = [:]

    /// Reads `opset_import`; unknown domains are ignored (a node using one is rejected later).
    init(model: Onnx_ModelProto) throws(ModelError) {
        if model.opsetImport.isEmpty {
            guard model.irVersion < 3 else {
                throw .invalidModel("the model imports no operator set (opset_import is empty)")
            }
            versions[.onnx] = 1
            return
        }
        for entry in model.opsetImport {
            guard let domain = ONNXDomain(entry.domain) else { continue }
            guard entry.version >= 1, entry.version <= Int64(Int32.max) else {
                throw .invalidModel("opset_import of domain \(domain.name) has version \(entry.version)")
            }
            let version = Int(entry.version)
            if let existing = versions[domain], existing != version {
                throw .invalidModel("opset_import lists domain \(domain.name) twice, with versions \(existing) and \(version)")
            }
            guard domain.versions.contains(version) else {
                throw .unsupported("opset \(version) of domain \(domain.name) is not supported (supported: \(domain.versions.lowerBound)...\(domain.versions.upperBound))")
            }
            versions[domain] = version
        }
    }
}

/// A validated, topologically ordered graph of compiled nodes over numbered value slots.
struct ONNXGraph: Sendable {
    struct Node: Sendable {
        let label: String
        let kernel: any ONNXKernel
        /// Slot per declared input, `nil` for an omitted optional input.
        let inputs: [Int?]
        /// Slot per declared output, `nil` for an unused (empty-named) output.
        let outputs: [Int?]
    }

    /// Value names, indexed by slot.
    let slotNames: [String]
    /// Initializer values by slot.
    let constants: [Int: ONNXValue]
    /// The slot of the graph's single runtime input.
    let inputSlot: Int
    /// Nodes in execution order.
    let nodes: [Node]
    /// For each slot, the index in `nodes` of the node producing it.
    let producers: [Int?]
    /// The slots of the graph outputs, in graph order.
    let outputSlots: [Int]

    /// Validates `graph` (names, references, cycles, operators) and compiles every node.
    init(graph: Onnx_GraphProto, opsets: ONNXOpsets, inputName: String) throws(ModelError) {
        guard graph.node.count <= ONNXLimits.maxNodes else {
            throw .invalidModel("the graph has \(graph.node.count) nodes, more than \(ONNXLimits.maxNodes)")
        }
        guard graph.sparseInitializer.isEmpty else {
            throw .unsupported("sparse initializers are not supported")
        }
        // Reject unsupported operators before anything else, so the error names the operator.
        for node in graph.node {
            guard let domain = ONNXDomain(node.domain), ONNXOperators.isSupported(node.opType, domain: domain) else {
                let domainName = ONNXDomain(node.domain)?.name ?? node.domain
                throw .unsupported("ONNX operator '\(node.opType)' (domain \(domainName)) is not supported")
            }
            guard opsets.versions[domain] != nil else {
                throw .invalidModel("operator '\(node.opType)' uses domain \(domain.name), which the model does not import")
            }
        }

        var slotOf: [String: Int] = [:]
        var names: [String] = []
        func define(_ name: String, _ what: String) throws(ModelError) -> Int {
            guard !name.isEmpty else { throw .invalidModel("\(what) has an empty name") }
            guard slotOf[name] == nil else { throw .invalidModel("value '\(name)' is defined twice (\(what))") }
            slotOf[name] = names.count
            names.append(name)
            return names.count - 1
        }

        inputSlot = try define(inputName, "graph input")
        var constants: [Int: ONNXValue] = [:]
        for initializer in graph.initializer {
            let slot = try define(initializer.name, "initializer")
            constants[slot] = .tensor(try ONNXInitializer.tensor(from: initializer, what: "initializer '\(initializer.name)'"))
        }
        self.constants = constants

        // Node outputs; a name may be produced only once.
        var producerOfName: [String: Int] = [:]
        for (index, node) in graph.node.enumerated() {
            for output in node.output where !output.isEmpty {
                _ = try define(output, "output of node \(Self.label(node, index))")
                producerOfName[output] = index
            }
        }

        // Kahn's algorithm, stable in file order.
        let count = graph.node.count
        var indegree = [Int](repeating: 0, count: count)
        var consumers = [[Int]](repeating: [], count: count)
        for (index, node) in graph.node.enumerated() {
            for input in node.input where !input.isEmpty {
                guard slotOf[input] != nil else {
                    throw .invalidModel("node \(Self.label(node, index)) reads '\(input)', which no input, initializer or node defines")
                }
                if let producer = producerOfName[input] {
                    indegree[index] += 1
                    consumers[producer].append(index)
                }
            }
        }
        var order: [Int] = []
        order.reserveCapacity(count)
        var ready = (0..<count).filter { indegree[$0] == 0 }
        var cursor = 0
        while cursor < ready.count {
            let index = ready[cursor]
            cursor += 1
            order.append(index)
            for consumer in consumers[index] {
                indegree[consumer] -= 1
                if indegree[consumer] == 0 { ready.append(consumer) }
            }
        }
        guard order.count == count else {
            let stuck = (0..<count).first { indegree[$0] > 0 }.map { Self.label(graph.node[$0], $0) } ?? "?"
            throw .invalidModel("the graph has a cycle (through node \(stuck))")
        }

        var nodes: [Node] = []
        nodes.reserveCapacity(count)
        var producers = [Int?](repeating: nil, count: names.count)
        for index in order {
            let proto = graph.node[index]
            let label = Self.label(proto, index)
            guard let domain = ONNXDomain(proto.domain), let opset = opsets.versions[domain] else {
                throw .invalidModel("\(label) uses an unknown domain")
            }
            let attributes = try ONNXAttributes(proto.attribute, owner: label)
            let context = ONNXNodeContext(node: proto, domain: domain, opset: opset, attributes: attributes, label: label)
            let kernel = try ONNXOperators.kernel(for: context)
            let inputs = proto.input.map { $0.isEmpty ? nil : slotOf[$0] }
            let outputs = proto.output.map { $0.isEmpty ? nil : slotOf[$0] }
            for case let slot? in outputs { producers[slot] = nodes.count }
            nodes.append(Node(label: label, kernel: kernel, inputs: inputs, outputs: outputs))
        }
        self.nodes = nodes
        self.producers = producers
        self.slotNames = names

        var outputSlots: [Int] = []
        var seen: Set<String> = []
        for output in graph.output {
            guard let slot = slotOf[output.name] else {
                throw .invalidModel("graph output '\(output.name)' is not defined by any node, input or initializer")
            }
            guard seen.insert(output.name).inserted else {
                throw .invalidModel("graph output '\(output.name)' is listed twice")
            }
            outputSlots.append(slot)
        }
        guard !outputSlots.isEmpty else { throw .invalidModel("the graph has no outputs") }
        self.outputSlots = outputSlots
    }

    private static func label(_ node: Onnx_NodeProto, _ index: Int) -> String {
        let op = String(node.opType.prefix(64))
        return node.name.isEmpty ? "node #\(index) (\(op))" : "node '\(node.name.prefix(64))' (\(op))"
    }

    /// The node producing graph output `index`, if a node does.
    func producer(ofOutput index: Int) -> Node? {
        producers[outputSlots[index]].map { nodes[$0] }
    }

    /// Runs the nodes needed for the graph outputs at `wanted` (indices into ``outputSlots``)
    /// and returns their values in the same order.
    func run(input: Tensor, wanted: [Int]) throws(ModelError) -> [ONNXValue] {
        // Nodes needed for the wanted outputs, walking back from them.
        var needed = [Bool](repeating: false, count: nodes.count)
        var stack = wanted.compactMap { producers[outputSlots[$0]] }
        while let index = stack.popLast() {
            guard !needed[index] else { continue }
            needed[index] = true
            for case let slot? in nodes[index].inputs {
                if let producer = producers[slot], !needed[producer] { stack.append(producer) }
            }
        }
        // Last reader of each slot, so intermediate values are released early.
        var lastUse = [Int](repeating: -1, count: slotNames.count)
        for (index, node) in nodes.enumerated() where needed[index] {
            for case let slot? in node.inputs { lastUse[slot] = index }
        }
        var keep = Set(wanted.map { outputSlots[$0] })
        keep.insert(inputSlot)

        var slots = [ONNXValue?](repeating: nil, count: slotNames.count)
        for (slot, value) in constants { slots[slot] = value }
        slots[inputSlot] = .tensor(input)
        for (index, node) in nodes.enumerated() where needed[index] {
            let inputs = ONNXInputs(values: node.inputs.map { slot in slot.flatMap { slots[$0] } })
            let results: [ONNXValue]
            do {
                results = try node.kernel.run(inputs)
            } catch {
                throw Self.prefixed(error, node.label)
            }
            guard results.count >= node.outputs.count else {
                throw .invalidModel("\(node.label) declares \(node.outputs.count) outputs but produces \(results.count)")
            }
            for (position, slot) in node.outputs.enumerated() {
                if let slot { slots[slot] = results[position] }
            }
            for case let slot? in node.inputs where lastUse[slot] == index && !keep.contains(slot) && constants[slot] == nil {
                slots[slot] = nil
            }
        }
        var values: [ONNXValue] = []
        for index in wanted {
            guard let value = slots[outputSlots[index]] else {
                throw .invalidModel("graph output '\(slotNames[outputSlots[index]])' was not computed")
            }
            values.append(value)
        }
        return values
    }

    private static func prefixed(_ error: ModelError, _ label: String) -> ModelError {
        switch error {
        case .invalidModel(let message): .invalidModel("\(label): \(message)")
        case .unsupported(let message): .unsupported("\(label): \(message)")
        case .badInput(let message): .badInput("\(label): \(message)")
        }
    }
}
