/// One node of a flattened tree: 16 bytes, children stored as an adjacent pair.
///
/// A leaf is absorbing: it is its own left child, reads feature 0, has a NaN threshold and
/// sends missing values left, so the branch-free step `left + (goes right ? 1 : 0)` stays on it
/// (`x >= NaN` is false for every `x`). Its value is in ``XGBoostForest/leafValues``.
struct XGBoostNode: Sendable, Equatable {
    /// The split threshold of a numerical split (NaN for a leaf).
    var threshold: Float
    /// The feature the split reads (0 for a leaf).
    var feature: Int32
    /// Index of the left child in ``XGBoostForest/nodes``; the right child is `left + 1`.
    /// A leaf's own index.
    var left: Int32
    /// Bit 0: a missing value goes left (set on leaves); bit 1: categorical split;
    /// bits 2…: index into ``XGBoostForest/categorySets``.
    var flags: UInt32

    static let defaultLeftFlag: UInt32 = 1
    static let categoricalFlag: UInt32 = 2

    /// The absorbing leaf stored at `index`.
    static func leaf(at index: Int) -> XGBoostNode {
        XGBoostNode(threshold: .nan, feature: 0, left: Int32(index), flags: defaultLeftFlag)
    }

    static func == (a: XGBoostNode, b: XGBoostNode) -> Bool {
        a.threshold.bitPattern == b.threshold.bitPattern && a.feature == b.feature && a.left == b.left
            && a.flags == b.flags
    }
}

/// The category set of one categorical split: a bitset of `wordCount` words of
/// ``XGBoostForest/categoryWords`` from `start` (bit `c` set = category `c` is in the set).
struct XGBoostCategorySet: Sendable, Equatable {
    var start: Int32
    var wordCount: Int32
}

/// The trees of a model as flat, validated arrays.
///
/// Invariants established by ``append(_:group:weight:featureCount:treeIndex:)``: every tree is a
/// proper binary tree (each stored node is reached exactly once from its root, unreachable nodes
/// of the file are dropped), every internal node's children `left` and `left + 1` are stored
/// nodes of the same tree, every split feature is below the model's feature count, leaf values
/// are finite, numerical thresholds are not NaN, and ``depths`` bounds every root-to-leaf path.
struct XGBoostForest: Sendable {
    /// Upper bound on stored nodes over all trees.
    static let maxNodes = 1 << 26
    /// Categories are codes in `0..<2^24`, as in XGBoost (larger values are not exact in float32).
    static let categoryLimit: Int32 = 1 << 24
    /// Upper bound on the 64-bit words of all category bitsets (32 MiB).
    static let maxCategoryWords = 1 << 22

    private(set) var nodes: [XGBoostNode] = []
    /// The value of each leaf, by node index (0 for splits).
    private(set) var leafValues: [Float] = []
    /// Root node index of each tree, in file order.
    private(set) var roots: [Int32] = []
    /// Number of edges on the longest root-to-leaf path of each tree.
    private(set) var depths: [Int32] = []
    /// Number of edges on the shortest root-to-leaf path of each tree.
    private(set) var minimumDepths: [Int32] = []
    /// Output group (class / target) of each tree.
    private(set) var groups: [Int32] = []
    /// Whether each tree holds a categorical split.
    private(set) var categoricalTrees: [Bool] = []
    private(set) var categorySets: [XGBoostCategorySet] = []
    /// The bitsets of all category sets.
    private(set) var categoryWords: [UInt64] = []

    var treeCount: Int { roots.count }

    /// The arrays of one tree as the model file gives them (`split_type` may be empty).
    struct RawTree {
        var leftChildren: [Int32]
        var rightChildren: [Int32]
        var splitIndices: [Int32]
        var splitConditions: [Float]
        var defaultLeft: [Int32]
        var splitTypes: [Int32]
        var categoriesNodes: [Int32]
        var categoriesSegments: [Int32]
        var categoriesSizes: [Int32]
        var categories: [Int32]
    }

    /// Validates `tree` and appends its reachable nodes in breadth-first order.
    ///
    /// `weight` scales leaf values in float32 (DART `weight_drop`; 1 for gbtree).
    mutating func append(_ tree: RawTree, group: Int32, weight: Float, featureCount: Int,
                         treeIndex: Int) throws(ModelError) {
        func invalid(_ message: String) -> ModelError { ModelError.invalidModel("tree \(treeIndex): \(message)") }
        let n = tree.leftChildren.count
        guard n >= 1 else { throw invalid("has no nodes") }
        guard n <= Self.maxNodes - nodes.count else {
            throw ModelError.invalidModel("the model has more than \(Self.maxNodes) tree nodes")
        }
        let lengths = [("right_children", tree.rightChildren.count), ("split_indices", tree.splitIndices.count),
                       ("split_conditions", tree.splitConditions.count), ("default_left", tree.defaultLeft.count)]
        for (name, count) in lengths where count != n {
            throw invalid("\(name) has \(count) entries for \(n) nodes")
        }
        guard tree.splitTypes.isEmpty || tree.splitTypes.count == n else {
            throw invalid("split_type has \(tree.splitTypes.count) entries for \(n) nodes")
        }
        let nodeCategories = try categoryRanges(of: tree, nodeCount: n, invalid: invalid)

        var visited = [Bool](repeating: false, count: n)
        visited[0] = true
        let root = nodes.count
        appendPlaceholder()
        // (file node, stored node, depth)
        var queue: [(Int, Int, Int32)] = [(0, root, 0)]
        queue.reserveCapacity(n)
        var head = 0
        var maxDepth: Int32 = 0
        var minDepth = Int32.max
        var categorical = false
        while head < queue.count {
            let (old, stored, depth) = queue[head]
            head += 1
            maxDepth = max(maxDepth, depth)
            let left = Int(tree.leftChildren[old])
            let right = Int(tree.rightChildren[old])
            if left == -1 {
                guard right == -1 else { throw invalid("node \(old) has no left child but a right child \(right)") }
                let leaf = tree.splitConditions[old]
                let value = leaf * weight
                guard leaf.isFinite, value.isFinite else { throw invalid("leaf \(old) has the non-finite value \(leaf)") }
                nodes[stored] = .leaf(at: stored)
                leafValues[stored] = value
                minDepth = min(minDepth, depth)
                continue
            }
            guard left >= 0, left < n, right >= 0, right < n else {
                throw invalid("node \(old) has children \(left), \(right) outside 0..<\(n)")
            }
            guard left != right, !visited[left], !visited[right] else {
                throw invalid("node \(old) links to a node reached twice (cycle or shared child)")
            }
            visited[left] = true
            visited[right] = true
            let feature = Int(tree.splitIndices[old])
            guard feature >= 0, feature < featureCount else {
                throw invalid("node \(old) splits on feature \(feature), the model has \(featureCount)")
            }
            var flags: UInt32 = tree.defaultLeft[old] != 0 ? XGBoostNode.defaultLeftFlag : 0
            let splitType = tree.splitTypes.isEmpty ? 0 : tree.splitTypes[old]
            switch splitType {
            case 0:
                guard !tree.splitConditions[old].isNaN else { throw invalid("node \(old) has a NaN split condition") }
            case 1:
                let values = tree.categories[nodeCategories[old] ?? 0..<0]
                let wordCount = values.max().map { (Int($0) >> 6) + 1 } ?? 0
                guard wordCount <= Self.maxCategoryWords - categoryWords.count else {
                    throw invalid("categorical splits need more than \(Self.maxCategoryWords * 8) bytes of bitsets")
                }
                let start = categoryWords.count
                categoryWords.append(contentsOf: repeatElement(0, count: wordCount))
                for code in values { categoryWords[start + (Int(code) >> 6)] |= 1 << UInt64(code & 63) }
                categorySets.append(XGBoostCategorySet(start: Int32(start), wordCount: Int32(wordCount)))
                flags |= XGBoostNode.categoricalFlag | UInt32(categorySets.count - 1) << 2
                categorical = true
            default:
                throw invalid("node \(old) has the unknown split_type \(splitType)")
            }
            let childBase = nodes.count
            appendPlaceholder()
            appendPlaceholder()
            nodes[stored] = XGBoostNode(threshold: tree.splitConditions[old], feature: Int32(feature),
                                        left: Int32(childBase), flags: flags)
            queue.append((left, childBase, depth + 1))
            queue.append((right, childBase + 1, depth + 1))
        }
        roots.append(Int32(root))
        depths.append(maxDepth)
        minimumDepths.append(minDepth)
        groups.append(group)
        categoricalTrees.append(categorical)
    }

    private mutating func appendPlaceholder() {
        nodes.append(.leaf(at: nodes.count))
        leafValues.append(0)
    }

    /// Per file node, the range of `tree.categories` listing its categories.
    private func categoryRanges(of tree: RawTree, nodeCount n: Int,
                                invalid: (String) -> ModelError) throws(ModelError) -> [Int: Range<Int>] {
        let count = tree.categoriesNodes.count
        guard tree.categoriesSegments.count == count, tree.categoriesSizes.count == count else {
            throw invalid("categories_nodes, categories_segments and categories_sizes differ in length")
        }
        var ranges: [Int: Range<Int>] = [:]
        for i in 0..<count {
            let node = Int(tree.categoriesNodes[i])
            let start = Int(tree.categoriesSegments[i])
            let size = Int(tree.categoriesSizes[i])
            guard node >= 0, node < n else { throw invalid("categories_nodes lists node \(node) outside 0..<\(n)") }
            guard start >= 0, size >= 0, start + size <= tree.categories.count else {
                throw invalid("category segment \(start)+\(size) exceeds the \(tree.categories.count) categories")
            }
            guard ranges.updateValue(start..<(start + size), forKey: node) == nil else {
                throw invalid("categories_nodes lists node \(node) twice")
            }
        }
        return ranges
    }

    /// Read-only views of the arrays the prediction loop walks.
    struct Buffers {
        var nodes: UnsafeBufferPointer<XGBoostNode>
        var leafValues: UnsafeBufferPointer<Float>
        var sets: UnsafeBufferPointer<XGBoostCategorySet>
        var words: UnsafeBufferPointer<UInt64>
    }

    /// Calls `body` with views of the forest's arrays, valid only during the call.
    func withBuffers<R>(_ body: (Buffers) -> R) -> R {
        nodes.withUnsafeBufferPointer { nodes in
            leafValues.withUnsafeBufferPointer { leafValues in
                categorySets.withUnsafeBufferPointer { sets in
                    categoryWords.withUnsafeBufferPointer { words in
                        body(Buffers(nodes: nodes, leafValues: leafValues, sets: sets, words: words))
                    }
                }
            }
        }
    }

    /// Whether the category code `value` (not NaN) belongs to set `index`: XGBoost sends such
    /// rows right; negative, too large and unlisted codes go left. Codes are truncated like
    /// XGBoost's `static_cast<int>`.
    @inline(__always)
    static func category(_ value: Float, isIn set: XGBoostCategorySet, words: UnsafeBufferPointer<UInt64>) -> Bool {
        guard value >= 0, value < Float(categoryLimit) else { return false }
        let code = Int(value)
        let word = code >> 6
        guard word < Int(set.wordCount) else { return false }
        return words[Int(set.start) &+ word] >> UInt64(code & 63) & 1 != 0
    }
}
