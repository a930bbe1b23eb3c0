import Foundation

extension XGBoostModel {
    /// The two serialisations `Booster.save_model` writes.
    enum FileFormat: Equatable {
        case json
        case ubjson
    }

    /// Detects the format from the first bytes.
    ///
    /// Both formats start with `{`. In UBJSON the next byte is the integer marker of the first
    /// key's length (`i U I l L`), a container optimisation (`# $`), a no-op `N` or `}`; in JSON it
    /// is whitespace, `"` or `}`. JSON may also start with whitespace or a byte order mark.
    static func detectFormat(_ bytes: [UInt8]) throws(ModelError) -> FileFormat {
        guard let first = bytes.first else { throw ModelError.invalidModel("the model file is empty") }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return .json }
        switch first {
        case 0x20, 0x09, 0x0A, 0x0D:
            return .json
        case UInt8(ascii: "{"):
            guard bytes.count >= 2 else { throw ModelError.invalidModel("the model file is truncated") }
            switch bytes[1] {
            case UInt8(ascii: "\""), 0x20, 0x09, 0x0A, 0x0D:
                return .json
            case UInt8(ascii: "i"), UInt8(ascii: "U"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"),
                 UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "N"), UInt8(ascii: "}"):
                return .ubjson
            default:
                throw ModelError.invalidModel("the model file is neither XGBoost JSON nor UBJSON")
            }
        default:
            if bytes.starts(with: Array("binf".utf8)) {
                throw ModelError.unsupported("the legacy XGBoost binary model format; re-save the model as JSON or UBJSON")
            }
            throw ModelError.invalidModel(
                "the model file is neither XGBoost JSON nor UBJSON (legacy binary models are not supported)")
        }
    }

    /// Parses the file into a document tree.
    static func parseDocument(_ data: Data) throws(ModelError) -> XGBoostValue {
        let bytes = [UInt8](data)
        switch try detectFormat(bytes) {
        case .json: return try XGBoostJSONReader.parse(bytes)
        case .ubjson: return try UBJSONReader.parse(bytes)
        }
    }

    /// Builds the model from a parsed document (the schema of XGBoost ≥ 1.0 `save_model`).
    init(document: XGBoostValue) throws(ModelError) {
        let learner = try document.member("learner", in: "the model").object("learner")
        func learnerMember(_ key: String) throws(ModelError) -> XGBoostValue {
            guard let value = learner[key] else { throw ModelError.invalidModel("learner has no \"\(key)\"") }
            return value
        }
        let params = try learnerMember("learner_model_param").object("learner_model_param")
        guard let featureValue = params["num_feature"] else {
            throw ModelError.invalidModel("learner_model_param has no \"num_feature\"")
        }
        let featureCount = try featureValue.integer("num_feature", in: 0...Int(Int32.max))
        let classCount = try params["num_class"]?.integer("num_class", in: 0...65_536) ?? 0
        let targetCount = try params["num_target"]?.integer("num_target", in: 1...65_536) ?? 1

        let objectiveName = try learnerMember("objective").member("name", in: "objective").string("objective name")
        let objective = try XGBoostObjective(name: objectiveName)
        let groups: Int
        if objective.isMulticlass {
            guard classCount >= 1 else { throw ModelError.invalidModel("\(objectiveName) needs num_class ≥ 1, found \(classCount)") }
            guard targetCount == 1 else { throw ModelError.unsupported("multiclass models with num_target \(targetCount)") }
            groups = classCount
        } else {
            guard classCount <= 1 else {
                throw ModelError.invalidModel("num_class \(classCount) does not fit the objective \(objectiveName)")
            }
            groups = targetCount
        }

        let baseScores = try Self.parseBaseScore(params["base_score"])
        guard baseScores.count == 1 || baseScores.count == groups else {
            throw ModelError.invalidModel("base_score has \(baseScores.count) values for \(groups) output groups")
        }
        var baseMargins: [Float] = []
        for group in 0..<groups {
            baseMargins.append(try objective.margin(fromBaseScore: baseScores[baseScores.count == 1 ? 0 : group]))
        }

        var featureNames: [String]?
        if let namesValue = learner["feature_names"] {
            let names = try namesValue.stringArray("feature_names")
            if !names.isEmpty {
                guard names.count == featureCount else {
                    throw ModelError.invalidModel("feature_names has \(names.count) names for \(featureCount) features")
                }
                featureNames = names
            }
        }

        let forest = try Self.loadForest(learnerMember("gradient_booster"), featureCount: featureCount, groups: groups)
        self.init(signature: Self.makeSignature(featureCount: featureCount, featureNames: featureNames,
                                                objective: objective, groups: groups),
                  objectiveName: objectiveName, objective: objective, forest: forest, baseMargins: baseMargins)
    }

    /// Parses `base_score`: `"[a,b,…]"` (XGBoost ≥ 3.0), `"a"` (earlier) or a number; 0.5 when absent.
    static func parseBaseScore(_ value: XGBoostValue?) throws(ModelError) -> [Float] {
        guard let value else { return [0.5] }
        switch value {
        case .int, .double: return try XGBoostValue.array([value]).floatArray("base_score")
        case .floats, .doubles, .ints, .array: return try value.floatArray("base_score")
        default: break
        }
        var text = Substring(try value.string("base_score"))
        guard text.utf8.count <= 1 << 20 else { throw ModelError.invalidModel("base_score is too long") }
        text = text.drop { $0 == " " }
        if text.first == "[" {
            guard text.last == "]" else { throw ModelError.invalidModel("base_score \"\(text.prefix(40))\" is malformed") }
            text = text.dropFirst().dropLast()
        }
        var scores: [Float] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard trimmed.utf8.allSatisfy({ Self.isNumberByte($0) }), let score = Float(trimmed), score.isFinite else {
                throw ModelError.invalidModel("base_score \"\(text.prefix(40))\" is not a list of finite numbers")
            }
            scores.append(score)
        }
        guard !scores.isEmpty else { throw ModelError.invalidModel("base_score is empty") }
        return scores
    }

    private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
    }

    /// Loads the trees of a `gbtree` or `dart` booster.
    static func loadForest(_ booster: XGBoostValue, featureCount: Int, groups: Int) throws(ModelError) -> XGBoostForest {
        let boosterName = try booster.member("name", in: "gradient_booster").string("gradient_booster name")
        let model: XGBoostValue
        var weights: [Float]?
        switch boosterName {
        case "gbtree":
            model = try booster.member("model", in: "gradient_booster")
        case "dart":
            model = try booster.member("gbtree", in: "dart booster").member("model", in: "dart gbtree")
            weights = try booster.member("weight_drop", in: "dart booster").floatArray("weight_drop")
        case "gblinear":
            throw ModelError.unsupported("the gblinear booster (only gbtree and dart)")
        default:
            throw ModelError.unsupported("the XGBoost booster \"\(boosterName)\"")
        }
        guard case .array(let trees) = try model.member("trees", in: "gbtree model") else {
            if model["trees"]?.arrayCount == 0 {
                return XGBoostForest()  // an empty array of trees: predictions are the base score
            }
            throw ModelError.invalidModel("trees must be an array of objects")
        }
        let treeInfo = try model.member("tree_info", in: "gbtree model")
            .int32Array("tree_info", in: 0...Int32(groups - 1))
        guard treeInfo.count == trees.count else {
            throw ModelError.invalidModel("tree_info has \(treeInfo.count) entries for \(trees.count) trees")
        }
        if let param = model["gbtree_model_param"] {
            if let numTrees = param["num_trees"] {
                let declared = try numTrees.integer("num_trees", in: 0...Int(Int32.max))
                guard declared == trees.count else {
                    throw ModelError.invalidModel("num_trees is \(declared) but the model holds \(trees.count) trees")
                }
            }
            if let parallel = param["num_parallel_tree"] {
                _ = try parallel.integer("num_parallel_tree", in: 1...Int(Int32.max))
            }
        }
        if let indptr = model["iteration_indptr"] {
            let offsets = try indptr.int32Array("iteration_indptr", in: 0...Int32.max)
            if !offsets.isEmpty {
                guard offsets.first == 0, offsets.last.map(Int.init) == trees.count,
                      zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                    throw ModelError.invalidModel("iteration_indptr is not a non-decreasing list from 0 to \(trees.count)")
                }
            }
        }
        if let weights {
            guard weights.count == trees.count else {
                throw ModelError.invalidModel("weight_drop has \(weights.count) weights for \(trees.count) trees")
            }
            guard weights.allSatisfy(\.isFinite) else { throw ModelError.invalidModel("weight_drop holds a non-finite weight") }
        }
        var forest = XGBoostForest()
        for (index, tree) in trees.enumerated() {
            let raw = try parseTree(tree, index: index)
            try forest.append(raw, group: treeInfo[index], weight: weights?[index] ?? 1,
                              featureCount: featureCount, treeIndex: index)
        }
        return forest
    }

    /// Reads the arrays of one tree object.
    static func parseTree(_ value: XGBoostValue, index: Int) throws(ModelError) -> XGBoostForest.RawTree {
        let what = "tree \(index)"
        let tree = try value.object(what)
        func array(_ key: String) throws(ModelError) -> XGBoostValue {
            guard let member = tree[key] else { throw ModelError.invalidModel("\(what) has no \"\(key)\"") }
            return member
        }
        let param = try array("tree_param")
        let nodeCount = try param.member("num_nodes", in: "\(what) tree_param")
            .integer("\(what) num_nodes", in: 1...XGBoostForest.maxNodes)
        if let leafVector = param["size_leaf_vector"] {
            let size = try leafVector.integer("\(what) size_leaf_vector", in: 0...Int(Int32.max))
            guard size <= 1 else { throw ModelError.unsupported("multi-target trees (size_leaf_vector \(size))") }
        }
        let any = Int32.min...Int32.max
        let raw = XGBoostForest.RawTree(
            leftChildren: try array("left_children").int32Array("\(what) left_children", in: any),
            rightChildren: try array("right_children").int32Array("\(what) right_children", in: any),
            splitIndices: try array("split_indices").int32Array("\(what) split_indices", in: any),
            splitConditions: try array("split_conditions").floatArray("\(what) split_conditions"),
            defaultLeft: try array("default_left").int32Array("\(what) default_left", in: 0...1),
            splitTypes: try tree["split_type"]?.int32Array("\(what) split_type", in: any) ?? [],
            categoriesNodes: try tree["categories_nodes"]?.int32Array("\(what) categories_nodes", in: any) ?? [],
            categoriesSegments: try tree["categories_segments"]?.int32Array("\(what) categories_segments", in: any) ?? [],
            categoriesSizes: try tree["categories_sizes"]?.int32Array("\(what) categories_sizes", in: any) ?? [],
            categories: try tree["categories"]?.int32Array("\(what) categories",
                                                           in: 0...(XGBoostForest.categoryLimit - 1)) ?? [])
        guard raw.leftChildren.count == nodeCount else {
            throw ModelError.invalidModel("\(what): left_children has \(raw.leftChildren.count) entries, num_nodes is \(nodeCount)")
        }
        return raw
    }
}
