import Foundation

/// The trees of a `TreeEnsembleClassifier` / `TreeEnsembleRegressor`, validated at load time:
/// every referenced node exists in its own tree, each tree's nodes are contiguous in the
/// attribute arrays, every tree reachable from its root is a proper tree (no cycle, no shared
/// node), and weights sit on leaves and name valid targets. Evaluation can then never loop or
/// index out of range.
struct ONNXTreeEnsemble: Sendable {
    enum Mode: UInt8, Sendable { case leaf, leq, lt, gte, gt, eq, neq }

    struct Node: Sendable {
        var mode: Mode
        var missingTracksTrue: Bool
        var feature: Int
        var threshold: Double
        var trueChild: Int
        var falseChild: Int
        /// The node's weights: `weightTargets[weightStart..<weightEnd]`.
        var weightStart: Int
        var weightEnd: Int
    }

    let nodes: [Node]
    /// The root node of each tree, in tree order.
    let roots: [Int]
    let weightTargets: [Int]
    let weightValues: [Double]
    /// One more than the largest feature index a reachable branch node reads.
    let featureBound: Int

    private struct NodeKey: Hashable {
        let tree: Int64
        let node: Int64
    }

    /// Reads the `nodes_*` attributes and the `<prefix>_*` weights (`class` or `target`).
    init(_ c: ONNXNodeContext, weightPrefix prefix: String, targetCount: Int) throws(ModelError) {
        let a = c.attributes
        let treeIDs = try a.requiredInts("nodes_treeids")
        let nodeIDs = try a.requiredInts("nodes_nodeids")
        let featureIDs = try a.requiredInts("nodes_featureids")
        let trueIDs = try a.requiredInts("nodes_truenodeids")
        let falseIDs = try a.requiredInts("nodes_falsenodeids")
        guard let modeNames = try a.strings("nodes_modes") else { throw c.invalid("required attribute 'nodes_modes' is missing") }
        guard let values = try a.doubles("nodes_values", asTensor: "nodes_values_as_tensor") else {
            throw c.invalid("required attribute 'nodes_values' is missing")
        }
        let missing = try a.ints("nodes_missing_value_tracks_true") ?? []
        let count = treeIDs.count
        guard count > 0, count <= ONNXLimits.maxElements else { throw c.invalid("the ensemble has \(count) nodes") }
        for (name, size) in [("nodes_nodeids", nodeIDs.count), ("nodes_featureids", featureIDs.count),
                             ("nodes_truenodeids", trueIDs.count), ("nodes_falsenodeids", falseIDs.count),
                             ("nodes_modes", modeNames.count), ("nodes_values", values.values.count)] where size != count {
            throw c.invalid("'\(name)' has \(size) entries, 'nodes_treeids' has \(count)")
        }
        guard missing.isEmpty || missing.count == count else {
            throw c.invalid("'nodes_missing_value_tracks_true' has \(missing.count) entries for \(count) nodes")
        }

        let weightTrees = try a.ints("\(prefix)_treeids") ?? []
        let weightNodes = try a.ints("\(prefix)_nodeids") ?? []
        let weightIDs = try a.ints("\(prefix)_ids") ?? []
        let weights = try a.doubles("\(prefix)_weights", asTensor: "\(prefix)_weights_as_tensor") ?? ([], values.isDouble)
        guard weightNodes.count == weightTrees.count, weightIDs.count == weightTrees.count,
              weights.values.count == weightTrees.count else {
            throw c.invalid("'\(prefix)_treeids', '\(prefix)_nodeids', '\(prefix)_ids' and '\(prefix)_weights' differ in length")
        }

        // Nodes and their (tree, node) ids.
        var index: [NodeKey: Int] = [:]
        index.reserveCapacity(count)
        var nodes: [Node] = []
        nodes.reserveCapacity(count)
        for i in 0..<count {
            let mode: Mode
            switch modeNames[i] {
            case "LEAF": mode = .leaf
            case "BRANCH_LEQ": mode = .leq
            case "BRANCH_LT": mode = .lt
            case "BRANCH_GTE": mode = .gte
            case "BRANCH_GT": mode = .gt
            case "BRANCH_EQ": mode = .eq
            case "BRANCH_NEQ": mode = .neq
            case let other: throw c.invalid("node \(i) has unknown mode '\(other.prefix(40))'")
            }
            guard index.updateValue(i, forKey: NodeKey(tree: treeIDs[i], node: nodeIDs[i])) == nil else {
                throw c.invalid("node \(nodeIDs[i]) of tree \(treeIDs[i]) is defined twice")
            }
            var feature = 0
            if mode != .leaf {
                guard featureIDs[i] >= 0, featureIDs[i] < Int64(ONNXLimits.maxElements) else {
                    throw c.invalid("node \(nodeIDs[i]) of tree \(treeIDs[i]) reads feature \(featureIDs[i])")
                }
                feature = Int(featureIDs[i])
            }
            let threshold = values.isDouble ? values.values[i] : Double(Float(values.values[i]))
            nodes.append(Node(mode: mode, missingTracksTrue: missing.isEmpty ? false : missing[i] == 1,
                              feature: feature, threshold: threshold, trueChild: -1, falseChild: -1,
                              weightStart: 0, weightEnd: 0))
        }

        // Children: looked up within the node's own tree.
        for i in 0..<count where nodes[i].mode != .leaf {
            for (isTrue, childID) in [(true, trueIDs[i]), (false, falseIDs[i])] {
                guard let child = index[NodeKey(tree: treeIDs[i], node: childID)] else {
                    throw c.invalid("node \(nodeIDs[i]) of tree \(treeIDs[i]) points to missing node \(childID)")
                }
                guard child != i else { throw c.invalid("node \(nodeIDs[i]) of tree \(treeIDs[i]) points to itself") }
                if isTrue { nodes[i].trueChild = child } else { nodes[i].falseChild = child }
            }
        }

        // Trees: contiguous runs of one tree id; the first node of a run is the root.
        var roots: [Int] = []
        var seenTrees: Set<Int64> = []
        for i in 0..<count where i == 0 || treeIDs[i] != treeIDs[i - 1] {
            guard seenTrees.insert(treeIDs[i]).inserted else {
                throw c.invalid("the nodes of tree \(treeIDs[i]) are not contiguous")
            }
            roots.append(i)
        }

        // Every tree must be a tree: each reachable node is reached exactly once.
        var visited = [Bool](repeating: false, count: count)
        var featureBound = 0
        var stack: [Int] = []
        for root in roots {
            stack.append(root)
            while let i = stack.popLast() {
                guard !visited[i] else {
                    throw c.invalid("tree \(treeIDs[root]) is not a tree: node \(nodeIDs[i]) is reached twice (cycle or shared node)")
                }
                visited[i] = true
                let node = nodes[i]
                if node.mode != .leaf {
                    featureBound = max(featureBound, node.feature + 1)
                    stack.append(node.falseChild)
                    stack.append(node.trueChild)
                }
            }
        }

        // Weights, grouped by node in file order.
        var perNode = [[(Int, Double)]](repeating: [], count: count)
        for w in 0..<weightTrees.count {
            guard let node = index[NodeKey(tree: weightTrees[w], node: weightNodes[w])] else {
                throw c.invalid("weight \(w) refers to missing node \(weightNodes[w]) of tree \(weightTrees[w])")
            }
            guard nodes[node].mode == .leaf else {
                throw c.invalid("weight \(w) sits on node \(weightNodes[w]) of tree \(weightTrees[w]), which is not a leaf")
            }
            guard weightIDs[w] >= 0, weightIDs[w] < Int64(targetCount) else {
                throw c.invalid("weight \(w) is for \(prefix) \(weightIDs[w]), expected 0..<\(targetCount)")
            }
            let value = weights.isDouble ? weights.values[w] : Double(Float(weights.values[w]))
            perNode[node].append((Int(weightIDs[w]), value))
        }
        var targets: [Int] = [], weightValues: [Double] = []
        targets.reserveCapacity(weightTrees.count)
        weightValues.reserveCapacity(weightTrees.count)
        for i in 0..<count {
            nodes[i].weightStart = targets.count
            for (target, value) in perNode[i] {
                targets.append(target)
                weightValues.append(value)
            }
            nodes[i].weightEnd = targets.count
        }

        self.nodes = nodes
        self.roots = roots
        self.weightTargets = targets
        self.weightValues = weightValues
        self.featureBound = featureBound
    }

    /// The leaf that `row` (one row of features, `featureBound` checked by the caller) reaches from `root`.
    @inline(__always)
    func leaf(from root: Int, _ row: UnsafeBufferPointer<Double>) -> Int {
        var i = root
        while true {
            let node = nodes[i]
            if node.mode == .leaf { return i }
            let x = row[node.feature]
            let t = node.threshold
            var goTrue: Bool
            switch node.mode {
            case .leaf: goTrue = false
            case .leq: goTrue = x <= t
            case .lt: goTrue = x < t
            case .gte: goTrue = x >= t
            case .gt: goTrue = x > t
            case .eq: goTrue = x == t
            case .neq: goTrue = x != t
            }
            if !goTrue && node.missingTracksTrue && x.isNaN { goTrue = true }
            i = goTrue ? node.trueChild : node.falseChild
        }
    }

    /// Rounds `value` to float32 unless scoring in double precision: onnxruntime accumulates in
    /// the input's precision (float32 for float inputs), and float32 arithmetic is exactly
    /// double arithmetic rounded to float32 after each operation.
    @inline(__always)
    static func round(_ value: Double, double: Bool) -> Double {
        double ? value : Double(Float(value))
    }
}
