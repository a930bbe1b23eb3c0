/// All trees of a model in flat, contiguous arrays, and the batch prediction loop.
///
/// Mirrors LightGBM's `GBDT::PredictRaw` / `Tree::Predict` in float64: per row, tree `t` adds its
/// leaf value to output `t mod K`, in file order, starting from 0.
///
/// Layout: each tree's internal nodes are followed by one *leaf node* per leaf, whose children
/// both point at itself (as does its NaN child `aux`) and whose `threshold` holds the leaf value. A walk therefore never leaves the node array, a step from a leaf
/// is a no-op, and a tree is finished for a row once its node index reaches the tree's first
/// leaf node.
struct LightGBMForest: Sendable {
    /// Upper bound on the total number of nodes plus leaves, bitset words and linear terms.
    static let maxTotal = 1 << 26
    /// LightGBM's `kZeroThreshold` (`1e-35f` widened to double): smaller magnitudes read as 0.
    static let zeroThreshold = Double(Float(1e-35))

    let nodes: [LightGBMNode]
    /// Per tree: its root node (its leaf node for a single-leaf tree).
    let roots: [Int32]
    /// Per tree: its first leaf node; nodes from there to the next tree's root are its leaves.
    let firstLeafNodes: [Int32]
    /// Per tree: the forest index of its first leaf (for the linear models of linear trees).
    let leafBases: [Int32]
    /// Per tree: its depth, which bounds the passes of the prediction loop.
    let depths: [Int32]
    let catBits: [UInt32]
    /// Per leaf of the forest when some tree is linear (a `count` of -1 marks a constant leaf).
    let linear: LightGBMLinearLeaves?
    /// Outputs per row (`num_tree_per_iteration`).
    let outputsPerRow: Int

    var treeCount: Int { roots.count }

    init(trees: [LightGBMTree], outputsPerRow: Int) throws(ModelError) {
        var nodeTotal = 0, wordTotal = 0, termTotal = 0
        for (index, tree) in trees.enumerated() {
            nodeTotal += tree.nodes.count + tree.leafCount
            wordTotal += tree.catBits.count
            termTotal += tree.linear?.features.count ?? 0
            guard nodeTotal <= Self.maxTotal, wordTotal <= Self.maxTotal, termTotal <= Self.maxTotal else {
                throw .invalidModel("LightGBM: the model is too large (limit reached at tree \(index): more than \(Self.maxTotal) nodes, bitset words or linear terms)")
            }
        }
        let anyLinear = trees.contains { $0.linear != nil }
        var nodes: [LightGBMNode] = []
        var roots: [Int32] = []
        var firstLeafNodes: [Int32] = []
        var leafBases: [Int32] = []
        var depths: [Int32] = []
        var catBits: [UInt32] = []
        var leafTotal: Int32 = 0
        var linearLeaves: [LightGBMLinearLeaves.Leaf] = []
        var linearFeatures: [Int32] = []
        var linearCoefficients: [Double] = []
        nodes.reserveCapacity(nodeTotal)
        roots.reserveCapacity(trees.count)
        firstLeafNodes.reserveCapacity(trees.count)
        catBits.reserveCapacity(wordTotal)

        for tree in trees {
            // Totals are below 2^26, so every rebased index fits in Int32.
            let nodeBase = Int32(nodes.count), wordBase = Int32(catBits.count)
            let firstLeaf = nodeBase + Int32(tree.nodes.count)
            func rebase(_ child: Int32) -> Int32 { child >= 0 ? nodeBase + child : firstLeaf + ~child }
            roots.append(nodeBase)
            firstLeafNodes.append(firstLeaf)
            leafBases.append(leafTotal)
            depths.append(Int32(tree.depth))
            for var node in tree.nodes {
                node.left = rebase(node.left)
                node.right = rebase(node.right)
                node.aux = node.flags & LightGBMNode.categorical != 0 ? node.aux + wordBase : rebase(node.aux)
                nodes.append(node)
            }
            for (leaf, value) in tree.leafValues.enumerated() {
                let index = firstLeaf + Int32(leaf)
                nodes.append(LightGBMNode(threshold: value, feature: 0, left: index, right: index,
                                          aux: index, catWords: 0, flags: 0))
            }
            leafTotal += Int32(tree.leafCount)
            catBits.append(contentsOf: tree.catBits)
            if anyLinear {
                if let linear = tree.linear {
                    let termBase = Int32(linearFeatures.count)
                    linearLeaves.append(contentsOf: linear.leaves.map { .init(constant: $0.constant, start: $0.start + termBase, count: $0.count) })
                    linearFeatures.append(contentsOf: linear.features)
                    linearCoefficients.append(contentsOf: linear.coefficients)
                } else {
                    linearLeaves.append(contentsOf: repeatElement(.init(constant: 0, start: 0, count: -1), count: tree.leafCount))
                }
            }
        }
        self.nodes = nodes
        self.roots = roots
        self.firstLeafNodes = firstLeafNodes
        self.leafBases = leafBases
        self.depths = depths
        self.catBits = catBits
        self.linear = anyLinear
            ? LightGBMLinearLeaves(leaves: linearLeaves, features: linearFeatures, coefficients: linearCoefficients) : nil
        self.outputsPerRow = outputsPerRow
    }

    /// Rows normalised and scored together per tree (fewer for very wide models, so the block
    /// buffer stays within 64 K values).
    static func blockRows(featureCount: Int) -> Int {
        Swift.max(1, Swift.min(16, (1 << 16) / Swift.max(featureCount, 1)))
    }

    /// Raw scores, `rowCount × outputsPerRow` row-major. `values` must hold `rowCount × featureCount`
    /// elements and `featureCount` must exceed every split and linear feature index (the model checks both).
    func predictRaw(_ values: [Double], rowCount: Int, featureCount: Int) -> [Double] {
        var output = [Double](repeating: 0, count: rowCount * outputsPerRow)
        let blockRows = Self.blockRows(featureCount: featureCount)
        var block = [Double](repeating: 0, count: blockRows * Swift.max(featureCount, 1))
        var cursors = [Int32](repeating: 0, count: blockRows)
        let linear = self.linear ?? LightGBMLinearLeaves(leaves: [], features: [], coefficients: [])
        let hasLinear = self.linear != nil
        let width = outputsPerRow
        values.withUnsafeBufferPointer { input in
        nodes.withUnsafeBufferPointer { nodes in
        roots.withUnsafeBufferPointer { roots in
        firstLeafNodes.withUnsafeBufferPointer { firstLeafNodes in
        leafBases.withUnsafeBufferPointer { leafBases in
        depths.withUnsafeBufferPointer { depths in
        catBits.withUnsafeBufferPointer { bits in
        linear.leaves.withUnsafeBufferPointer { linearLeaves in
        linear.features.withUnsafeBufferPointer { linearFeatures in
        linear.coefficients.withUnsafeBufferPointer { linearCoefficients in
        block.withUnsafeMutableBufferPointer { block in
        cursors.withUnsafeMutableBufferPointer { cursors in
        output.withUnsafeMutableBufferPointer { out in
            let kernel = Kernel(nodes: nodes, roots: roots, firstLeafNodes: firstLeafNodes,
                                leafBases: leafBases, depths: depths, bits: bits, hasLinear: hasLinear,
                                linearLeaves: linearLeaves, linearFeatures: linearFeatures,
                                linearCoefficients: linearCoefficients)
            kernel.run(input: input, rowCount: rowCount, featureCount: featureCount, width: width,
                       block: block, cursors: cursors, out: out)
        }}}}}}}}}}}}}
        return output
    }

    /// The forest's arrays as buffers, for the prediction loop.
    struct Kernel {
        let nodes: UnsafeBufferPointer<LightGBMNode>
        let roots: UnsafeBufferPointer<Int32>
        let firstLeafNodes: UnsafeBufferPointer<Int32>
        let leafBases: UnsafeBufferPointer<Int32>
        let depths: UnsafeBufferPointer<Int32>
        let bits: UnsafeBufferPointer<UInt32>
        let hasLinear: Bool
        let linearLeaves: UnsafeBufferPointer<LightGBMLinearLeaves.Leaf>
        let linearFeatures: UnsafeBufferPointer<Int32>
        let linearCoefficients: UnsafeBufferPointer<Double>

        /// Scores every row into `out` (zero-filled), accumulating each row's trees in file order.
        /// This loop is the whole cost of a prediction, so it is one function, optimised even in
        /// debug builds. Rows go in blocks (`block` holds `cursors.count` normalised rows) and each
        /// tree is walked for a block before the next tree, so the tree stays in cache; `cursors`
        /// receives the leaf node reached by each row of the block.
        @_optimize(speed)
        func run(input: UnsafeBufferPointer<Double>, rowCount: Int, featureCount: Int, width: Int,
                 block: UnsafeMutableBufferPointer<Double>, cursors: UnsafeMutableBufferPointer<Int32>,
                 out: UnsafeMutableBufferPointer<Double>) {
            let treeCount = roots.count
            let zero = LightGBMForest.zeroThreshold
            var start = 0
            while start < rowCount {
                let count = Swift.min(cursors.count, rowCount - start)
                // Like LightGBM's dense-row reader: |x| <= kZeroThreshold becomes exactly 0; NaN stays.
                let base = start * featureCount
                for j in 0..<(count * featureCount) {
                    let value = input[base + j]
                    block[j] = value >= -zero && value <= zero ? 0 : value
                }
                var cls = 0
                for t in 0..<treeCount {
                    // Tree::GetLeaf, four rows at a time in lockstep: the four walks are independent,
                    // so the CPU overlaps them. A step moves a row one level down or leaves it on its
                    // leaf node, so `depth` steps always suffice; the loop usually stops earlier.
                    let root = roots[t], firstLeaf = firstLeafNodes[t], depth = depths[t]
                    var b = 0
                    while b < count {
                        // The last group repeats the block's last row where it runs short.
                        let last = count - 1
                        let base0 = b &* featureCount, base1 = Swift.min(b + 1, last) &* featureCount
                        let base2 = Swift.min(b + 2, last) &* featureCount, base3 = Swift.min(b + 3, last) &* featureCount
                        var c0 = root, c1 = root, c2 = root, c3 = root
                        var stepsLeft = depth
                        while stepsLeft > 0, Swift.min(Swift.min(c0, c1), Swift.min(c2, c3)) < firstLeaf {
                            stepsLeft &-= 1
                            c0 = step(c0, base0, block)
                            c1 = step(c1, base1, block)
                            c2 = step(c2, base2, block)
                            c3 = step(c3, base3, block)
                        }
                        cursors[b] = c0
                        if b + 1 < count { cursors[b + 1] = c1 }
                        if b + 2 < count { cursors[b + 2] = c2 }
                        if b + 3 < count { cursors[b + 3] = c3 }
                        b += 4
                    }
                    for b in 0..<count {
                        let leafNode = nodes[Int(cursors[b])]
                        var contribution = leafNode.threshold
                        if hasLinear {
                            // Tree::Predict of a linear tree: the leaf's linear model unless a feature is NaN.
                            let model = linearLeaves[Int(cursors[b] - firstLeaf + leafBases[t])]
                            if model.count >= 0 {
                                var linear = model.constant
                                for term in Int(model.start)..<Int(model.start + model.count) {
                                    let value = block[b * featureCount + Int(linearFeatures[term])]
                                    if value != value { linear = contribution; break }
                                    linear += linearCoefficients[term] * value
                                }
                                contribution = linear
                            }
                        }
                        out[(start + b) * width + cls] += contribution
                    }
                    cls += 1
                    if cls == width { cls = 0 }
                }
                start += count
            }
        }

        /// One decision (`Tree::NumericalDecision` / `Tree::CategoricalDecision`) for the row at
        /// `rowBase` in `block`, from node `index`; a leaf node steps to itself.
        @_optimize(speed) @inline(__always)
        func step(_ index: Int32, _ rowBase: Int, _ block: UnsafeMutableBufferPointer<Double>) -> Int32 {
            let node = nodes[Int(index)]
            let value = block[rowBase &+ Int(node.feature)]
            var next = value <= node.threshold ? node.left : node.right
            if value != value { next = node.aux }
            if node.flags & LightGBMNode.slow != 0 {
                if node.flags & LightGBMNode.categorical != 0 {
                    // NaN, negative codes (trunc(x) < 0), codes past Int32 and codes outside the
                    // bitset go right.
                    next = node.right
                    if value > -1, value < 2_147_483_648 {
                        let category = Int(value)
                        let word = category >> 5
                        if word < Int(node.catWords), (bits[Int(node.aux) + word] >> UInt32(category & 31)) & 1 != 0 {
                            next = node.left
                        }
                    }
                } else if value == 0 {
                    // Missing type Zero: 0 (and NaN, above) take the default direction.
                    next = node.aux
                }
            }
            return next
        }
    }
}
