extension XGBoostModel {
    /// The margins of every row, `[rows × outputGroupCount]`: base margin plus the leaf of every
    /// tree, accumulated in float32 in file order.
    ///
    /// The hot loop reads the validated forest through unsafe buffers; the forest's invariants
    /// (children and features in range, bounded depth) make every access in bounds.
    func computeMargins(_ batch: FeatureBatch) -> [Float] {
        let rows = batch.rowCount
        let features = batch.featureCount
        let groups = outputGroupCount
        var margins = [Float](repeating: 0, count: rows * groups)
        guard rows > 0, features == signature.featureCount, batch.values.count == rows * features else { return margins }
        var input = batch.values.map { Float($0) }
        let hasMissing = input.contains { $0.isNaN }
        if input.isEmpty { input = [0] }  // no features: leaves still read "feature 0"
        for row in 0..<rows {
            for g in 0..<groups { margins[row * groups + g] = baseMargins[g] }
        }
        var cursor = [Int](repeating: 0, count: Self.blockSize)
        input.withUnsafeBufferPointer { input in
            margins.withUnsafeMutableBufferPointer { margins in
                cursor.withUnsafeMutableBufferPointer { cursor in
                    forest.withBuffers { view in
                        var blockStart = 0
                        while blockStart < rows {
                            let count = min(Self.blockSize, rows - blockStart)
                            let x = input.baseAddress.unsafelyUnwrapped + blockStart * features
                            for t in 0..<forest.treeCount {
                                let tree = TreeShape(root: Int(forest.roots[t]),
                                                     minimumDepth: Int(forest.minimumDepths[t]),
                                                     depth: Int(forest.depths[t]))
                                if forest.categoricalTrees[t] {
                                    Self.leavesCategorical(view, tree: tree, rows: count, x: x, stride: features,
                                                           cursor: cursor)
                                } else if hasMissing {
                                    Self.leaves(view.nodes, tree: tree, rows: count, x: x, stride: features,
                                                cursor: cursor)
                                } else {
                                    Self.leavesWithoutMissing(view.nodes, tree: tree, rows: count, x: x,
                                                              stride: features, cursor: cursor)
                                }
                                let out = blockStart * groups + Int(forest.groups[t])
                                for r in 0..<count { margins[out + r * groups] += view.leafValues[cursor[r]] }
                            }
                            blockStart += count
                        }
                    }
                }
            }
        }
        return margins
    }

    /// Rows scored together per tree.
    static let blockSize = 64

    /// Moves every row's cursor `cursor[r]` through one tree with `step(r, node) -> next node`,
    /// in lockstep: the first `minimumDepth` steps unconditionally (no row can have reached a
    /// leaf yet), then until no cursor moves (all rows on their absorbing leaves), at most
    /// `depth` steps in all.
    @inline(__always)
    static func walk(rows: Int, root: Int, minimumDepth: Int, depth: Int, cursor: UnsafeMutableBufferPointer<Int>,
                     step: (Int, Int) -> Int) {
        for r in 0..<rows { cursor[r] = root }
        for _ in 0..<minimumDepth {
            for r in 0..<rows { cursor[r] = step(r, cursor[r]) }
        }
        var remaining = depth - minimumDepth
        while remaining > 0 {
            var moved = 0
            for r in 0..<rows {
                let current = cursor[r]
                let next = step(r, current)
                moved |= next ^ current
                cursor[r] = next
            }
            if moved == 0 { break }
            remaining -= 1
        }
    }

    /// Sends rows (row `r` at `x + r * stride`) through one numerical tree without
    /// data-dependent branches; `cursor[r]` ends at the row's leaf.
    ///
    /// A split sends a row to `left + 1` unless it goes left: `x < threshold`, or for a missing
    /// value `default_left` (`!(x >= threshold)` is true for NaN, `x < threshold` false).
    /// Leaves are absorbing (see ``XGBoostNode``).
    @inline(__always)
    static func leaves(_ nodes: UnsafeBufferPointer<XGBoostNode>, tree: TreeShape, rows: Int,
                       x: UnsafePointer<Float>, stride: Int, cursor: UnsafeMutableBufferPointer<Int>) {
        walk(rows: rows, root: tree.root, minimumDepth: tree.minimumDepth, depth: tree.depth, cursor: cursor) { r, index in
            let node = nodes[index]
            let value = x[r &* stride &+ Int(node.feature)]
            let missingLeft = node.flags & XGBoostNode.defaultLeftFlag != 0
            let goRight = missingLeft ? value >= node.threshold : !(value < node.threshold)
            return Int(node.left) &+ (goRight ? 1 : 0)
        }
    }

    /// ``leaves(_:tree:rows:x:stride:cursor:)`` for rows without missing values, where
    /// `x >= threshold` alone decides (and stays false on a leaf's NaN threshold).
    @inline(__always)
    static func leavesWithoutMissing(_ nodes: UnsafeBufferPointer<XGBoostNode>, tree: TreeShape, rows: Int,
                                     x: UnsafePointer<Float>, stride: Int, cursor: UnsafeMutableBufferPointer<Int>) {
        walk(rows: rows, root: tree.root, minimumDepth: tree.minimumDepth, depth: tree.depth, cursor: cursor) { r, index in
            let node = nodes[index]
            let goRight = x[r &* stride &+ Int(node.feature)] >= node.threshold
            return Int(node.left) &+ (goRight ? 1 : 0)
        }
    }

    /// ``leaves(_:tree:rows:x:stride:cursor:)`` for a tree with categorical splits: a present
    /// code goes right when it is in the node's set, a missing value follows `default_left`.
    @inline(__always)
    static func leavesCategorical(_ view: XGBoostForest.Buffers, tree: TreeShape, rows: Int,
                                  x: UnsafePointer<Float>, stride: Int, cursor: UnsafeMutableBufferPointer<Int>) {
        walk(rows: rows, root: tree.root, minimumDepth: tree.minimumDepth, depth: tree.depth, cursor: cursor) { r, index in
            let node = view.nodes[index]
            let value = x[r &* stride &+ Int(node.feature)]
            let missingLeft = node.flags & XGBoostNode.defaultLeftFlag != 0
            let goRight: Bool
            if node.flags & XGBoostNode.categoricalFlag != 0 {
                goRight = value.isNaN
                    ? !missingLeft
                    : XGBoostForest.category(value, isIn: view.sets[Int(node.flags >> 2)], words: view.words)
            } else {
                goRight = missingLeft ? value >= node.threshold : !(value < node.threshold)
            }
            return Int(node.left) &+ (goRight ? 1 : 0)
        }
    }

    /// Where a tree starts and how deep its leaves lie.
    struct TreeShape {
        var root: Int
        var minimumDepth: Int
        var depth: Int
    }
}
