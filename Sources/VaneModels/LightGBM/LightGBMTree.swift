/// One node, laid out for the prediction loop (32 bytes).
///
/// A child `>= 0` is a node index, a child `< 0` is `~leafIndex`, as in LightGBM. In a single
/// ``LightGBMTree`` indices are local to the tree; ``LightGBMForest`` rebases them to its flat
/// arrays and appends one self-referencing leaf node per leaf.
struct LightGBMNode: Sendable, Equatable {
    /// Numerical: go left when `value <= threshold`. Leaf node: the leaf value.
    var threshold: Double
    var feature: Int32
    var left: Int32
    var right: Int32
    /// Numerical: the child a NaN goes to (resolved at load from the missing type, so the loop
    /// needs no test for it). Categorical: first word of the category bitset in `catBits`.
    /// Leaf node: the leaf's index in the forest.
    var aux: Int32
    /// Categorical: number of 32-bit words in the node's bitset.
    var catWords: Int32
    /// Missing type in bits 0–1, ``defaultLeft``, ``categorical``, ``slow``.
    var flags: UInt8

    static let missingMask: UInt8 = 3
    static let missingZero: UInt8 = 1
    static let missingNaN: UInt8 = 2
    static let defaultLeft: UInt8 = 4
    static let categorical: UInt8 = 8
    /// Set on nodes that need more than `value <= threshold` plus the NaN child: categorical
    /// splits and missing type Zero (where 0 also takes the default direction).
    static let slow: UInt8 = 16

    /// The child of a numerical node for a NaN input (`Tree::NumericalDecision`): the default
    /// direction for missing types NaN and Zero; for None, NaN reads as 0.
    var nanChild: Int32 {
        let missing = flags & Self.missingMask
        if missing == Self.missingNaN || missing == Self.missingZero {
            return flags & Self.defaultLeft != 0 ? left : right
        }
        return 0 <= threshold ? left : right
    }
}

/// The linear models of a `linear_tree` model's leaves.
struct LightGBMLinearLeaves: Sendable, Equatable {
    /// Per leaf: constant term, and the range of its terms in ``features`` / ``coefficients``.
    struct Leaf: Sendable, Equatable {
        var constant: Double
        var start: Int32
        var count: Int32
    }

    var leaves: [Leaf]
    var features: [Int32]
    var coefficients: [Double]
}

/// One validated LightGBM tree (see `Tree::Tree(const char*)` and `Tree::Predict` in LightGBM).
///
/// Validation guarantees that prediction cannot go out of bounds or loop: every child index is in
/// range, every internal node is reached exactly once from the root (so there is no cycle and the
/// depth is below the node count), every leaf is reached exactly once, split features are below
/// the model's feature count and categorical nodes point at a well-formed bitset.
struct LightGBMTree: Sendable {
    /// Upper bound on `num_leaves` of one tree (LightGBM itself caps it at 131072).
    static let maxLeaves = 1 << 20
    /// Upper bound on bitset words and linear terms of one tree.
    static let maxArrayLength = 1 << 26

    let nodes: [LightGBMNode]
    let leafValues: [Double]
    let catBits: [UInt32]
    let linear: LightGBMLinearLeaves?
    /// Number of decisions on the longest root-to-leaf path (0 for a single-leaf tree).
    let depth: Int

    var leafCount: Int { leafValues.count }

    init(_ fields: LightGBMTreeFields, featureCount: Int) throws(ModelError) {
        let tree = fields.tree
        func fail(_ message: String) -> ModelError { .invalidModel("LightGBM tree \(tree): \(message)") }

        let numLeaves = try fields.int("num_leaves")
        guard numLeaves >= 1, numLeaves <= Self.maxLeaves else {
            throw fail("'num_leaves' is \(numLeaves), expected 1...\(Self.maxLeaves)")
        }
        let internalCount = numLeaves - 1
        let numCat = try fields.int("num_cat")
        guard numCat >= 0, numCat <= internalCount else {
            throw fail("'num_cat' is \(numCat), expected 0...\(internalCount) (one per internal node at most)")
        }
        leafValues = try fields.doubles("leaf_value", count: numLeaves)

        var isLinear = false
        if fields.has("is_linear") {
            let flag = try fields.int("is_linear")
            guard flag == 0 || flag == 1 else { throw fail("'is_linear' is \(flag), expected 0 or 1") }
            isLinear = flag == 1
        }
        linear = isLinear ? try Self.linearLeaves(fields, numLeaves: numLeaves, featureCount: featureCount) : nil

        guard internalCount > 0 else {
            nodes = []
            depth = 0
            catBits = []
            return
        }

        let left = try fields.int32s("left_child", count: internalCount)
        let right = try fields.int32s("right_child", count: internalCount)
        let splitFeature = try fields.int32s("split_feature", count: internalCount)
        let threshold = try fields.doubles("threshold", count: internalCount)
        let decisionType = fields.has("decision_type")
            ? try fields.int32s("decision_type", count: internalCount)
            : [Int32](repeating: 0, count: internalCount)

        var boundaries: [Int32] = []
        if numCat > 0 {
            boundaries = try fields.int32s("cat_boundaries", count: numCat + 1)
            guard boundaries[0] == 0 else { throw fail("'cat_boundaries' must start at 0, found \(boundaries[0])") }
            for index in 1..<boundaries.count where boundaries[index] < boundaries[index - 1] {
                throw fail("'cat_boundaries' decreases at position \(index)")
            }
            let words = Int(boundaries[numCat])
            guard words <= Self.maxArrayLength else { throw fail("'cat_boundaries' announces \(words) bitset words") }
            catBits = try fields.uint32s("cat_threshold", count: words)
        } else {
            catBits = []
        }

        var built: [LightGBMNode] = []
        built.reserveCapacity(internalCount)
        for index in 0..<internalCount {
            let feature = splitFeature[index]
            guard feature >= 0, Int(feature) < featureCount else {
                throw fail("'split_feature' of node \(index) is \(feature), the model has \(featureCount) feature(s)")
            }
            let type = decisionType[index]
            guard type >= 0, type <= 15, type >> 2 != 3 else {
                throw fail("'decision_type' of node \(index) is \(type), not a valid LightGBM decision type")
            }
            var flags = UInt8(type >> 2)
            if type & 2 != 0 { flags |= LightGBMNode.defaultLeft }
            if flags & LightGBMNode.missingMask == LightGBMNode.missingZero { flags |= LightGBMNode.slow }
            var node = LightGBMNode(threshold: threshold[index], feature: feature, left: left[index], right: right[index],
                                    aux: 0, catWords: 0, flags: flags)
            node.aux = node.nanChild
            // Like LightGBM's GetLeaf, the categorical bit is only honoured when the tree has categories.
            if type & 1 != 0, numCat > 0 {
                let value = threshold[index]
                guard value > -1, value < Double(numCat) else {
                    throw fail("categorical node \(index) has threshold \(value), expected a category set index below \(numCat)")
                }
                let set = Int(value)
                node.aux = boundaries[set]
                node.catWords = boundaries[set + 1] - boundaries[set]
                node.flags |= LightGBMNode.categorical | LightGBMNode.slow
            }
            built.append(node)
        }
        nodes = built
        depth = try Self.checkStructure(nodes, leafCount: numLeaves, tree: tree)
    }

    /// Every child in range, every internal node and every leaf reached exactly once from node 0.
    /// Returns the depth of the deepest leaf.
    private static func checkStructure(_ nodes: [LightGBMNode], leafCount: Int, tree: Int) throws(ModelError) -> Int {
        func fail(_ message: String) -> ModelError { .invalidModel("LightGBM tree \(tree): \(message)") }
        var nodeSeen = [Bool](repeating: false, count: nodes.count)
        var leafSeen = [Bool](repeating: false, count: leafCount)
        var stack: [(node: Int, depth: Int)] = [(0, 1)]
        var deepest = 0
        nodeSeen[0] = true
        while let (parent, depth) = stack.popLast() {
            for (side, child) in [("left_child", nodes[parent].left), ("right_child", nodes[parent].right)] {
                if child >= 0 {
                    let target = Int(child)
                    guard target < nodes.count else {
                        throw fail("'\(side)' of node \(parent) is \(child), out of range (\(nodes.count) internal nodes)")
                    }
                    guard !nodeSeen[target] else {
                        throw fail("'\(side)' of node \(parent) points at node \(child), which is already reached (cycle or shared subtree)")
                    }
                    nodeSeen[target] = true
                    stack.append((target, depth + 1))
                } else {
                    let leaf = Int(~child)
                    guard leaf < leafCount else {
                        throw fail("'\(side)' of node \(parent) is \(child), leaf \(leaf) out of range (\(leafCount) leaves)")
                    }
                    guard !leafSeen[leaf] else {
                        throw fail("'\(side)' of node \(parent) points at leaf \(leaf), which is already reached")
                    }
                    leafSeen[leaf] = true
                    deepest = max(deepest, depth)
                }
            }
        }
        if let node = nodeSeen.firstIndex(of: false) {
            throw fail("internal node \(node) is not reachable from the root")
        }
        if let leaf = leafSeen.firstIndex(of: false) {
            throw fail("leaf \(leaf) is not reachable from the root")
        }
        return deepest
    }

    /// `leaf_const`, `num_features`, `leaf_features`, `leaf_coeff` of a linear tree.
    private static func linearLeaves(_ fields: LightGBMTreeFields, numLeaves: Int,
                                     featureCount: Int) throws(ModelError) -> LightGBMLinearLeaves {
        let tree = fields.tree
        let constants = try fields.doubles("leaf_const", count: numLeaves)
        let counts = try fields.int32s("num_features", count: numLeaves)
        var leaves: [LightGBMLinearLeaves.Leaf] = []
        leaves.reserveCapacity(numLeaves)
        var total = 0
        for (leaf, count) in counts.enumerated() {
            guard count >= 0, total + Int(count) <= maxArrayLength else {
                throw .invalidModel("LightGBM tree \(tree): 'num_features' of leaf \(leaf) is \(count)")
            }
            leaves.append(.init(constant: constants[leaf], start: Int32(total), count: count))
            total += Int(count)
        }
        var features: [Int32] = []
        var coefficients: [Double] = []
        if total > 0 || fields.has("leaf_features") {
            features = try fields.int32s("leaf_features", count: total)
        }
        if total > 0 || fields.has("leaf_coeff") {
            coefficients = try fields.doubles("leaf_coeff", count: total)
        }
        for (position, feature) in features.enumerated() where feature < 0 || Int(feature) >= featureCount {
            throw .invalidModel("LightGBM tree \(tree): 'leaf_features' value \(position) is \(feature), the model has \(featureCount) feature(s)")
        }
        return LightGBMLinearLeaves(leaves: leaves, features: features, coefficients: coefficients)
    }
}
