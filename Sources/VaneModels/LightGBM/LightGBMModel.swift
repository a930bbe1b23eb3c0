import Foundation

/// A LightGBM model read natively from its text format (`Booster.save_model` / `model_to_string`),
/// scored in float64 exactly as LightGBM's `Booster.predict` does.
///
/// Outputs, in this order:
/// - `predict`: the converted prediction (probability for `binary`, per-class probabilities for
///   `multiclass`, `exp` of the score for `poisson`/`gamma`/`tweedie`, the value for regressions);
/// - `raw_score`: the summed leaf values (`predict(raw_score=True)`).
///
/// Both are FP64 tensors of shape `[rows]`, or `[rows, K]` when the model has `K > 1` trees per
/// iteration (multiclass). Model files are treated as untrusted: anything malformed, inconsistent
/// or too large is rejected with ``ModelError/invalidModel(_:)`` naming the tree and key, and an
/// objective this runtime does not know with ``ModelError/unsupported(_:)``.
public struct LightGBMModel: InferenceModel {
    /// Name of the converted output.
    public static let predictOutput = "predict"
    /// Name of the raw score output.
    public static let rawScoreOutput = "raw_score"

    /// Upper bound on `num_tree_per_iteration` (classes).
    static let maxOutputsPerRow = 1 << 16
    /// Upper bound on the feature count (`max_feature_idx + 1`).
    static let maxFeatures = 1 << 24

    /// Inputs and outputs: platform `lightgbm`, one FP64 input `input-0` of `max_feature_idx + 1` features.
    public let signature: ModelSignature
    /// The model's objective line (`binary sigmoid:1`, `multiclass num_class:3`, …), empty when absent.
    public let objectiveDescription: String
    /// Number of trees in the model.
    public var treeCount: Int { forest.treeCount }
    /// Values per row of each output (`num_tree_per_iteration`: the class count for multiclass, else 1).
    public var outputsPerRow: Int { forest.outputsPerRow }

    let forest: LightGBMForest
    let objective: LightGBMObjective
    /// Random-forest mode (`average_output`): `predict` averages over iterations; `raw_score` stays the sum.
    let averageOutput: Bool

    /// Loads a model from the bytes of a LightGBM text model file (UTF-8).
    public init(data: Data) throws(ModelError) {
        try self.init(bytes: [UInt8](data))
    }

    /// Loads a model from LightGBM's text format.
    public init(text: String) throws(ModelError) {
        try self.init(bytes: Array(text.utf8))
    }

    init(bytes: [UInt8]) throws(ModelError) {
        let document = try LightGBMTextParser.parse(bytes)

        func int(_ key: String) throws(ModelError) -> Int? {
            guard let tokens = document.headerTokens(key) else { return nil }
            guard tokens.count == 1, let value = LightGBMTextParser.integer(ArraySlice(tokens[0].utf8)) else {
                let raw = document.headerString(key) ?? ""
                throw .invalidModel("LightGBM header: '\(key)' value '\(LightGBMTextParser.clip(raw))' is not an integer")
            }
            return value
        }
        func required(_ key: String) throws(ModelError) -> Int {
            guard let value = try int(key) else { throw .invalidModel("LightGBM header: missing key '\(key)'") }
            return value
        }

        let numClass = try required("num_class")
        guard numClass >= 1, numClass <= Self.maxOutputsPerRow else {
            throw .invalidModel("LightGBM header: 'num_class' is \(numClass), expected 1...\(Self.maxOutputsPerRow)")
        }
        let perIteration = try int("num_tree_per_iteration") ?? numClass
        guard perIteration >= 1, perIteration <= Self.maxOutputsPerRow else {
            throw .invalidModel("LightGBM header: 'num_tree_per_iteration' is \(perIteration), expected 1...\(Self.maxOutputsPerRow)")
        }
        _ = try required("label_index")
        let maxFeatureIndex = try required("max_feature_idx")
        guard maxFeatureIndex >= 0, maxFeatureIndex < Self.maxFeatures else {
            throw .invalidModel("LightGBM header: 'max_feature_idx' is \(maxFeatureIndex), expected 0..<\(Self.maxFeatures)")
        }
        let featureCount = maxFeatureIndex + 1

        guard let names = document.headerTokens("feature_names") else {
            throw .invalidModel("LightGBM header: missing key 'feature_names'")
        }
        guard names.count == featureCount else {
            throw .invalidModel("LightGBM header: 'feature_names' has \(names.count) names, max_feature_idx=\(maxFeatureIndex) needs \(featureCount)")
        }
        guard let infoCount = document.headerTokens("feature_infos")?.count else {
            throw .invalidModel("LightGBM header: missing key 'feature_infos'")
        }
        guard infoCount == featureCount else {
            throw .invalidModel("LightGBM header: 'feature_infos' has \(infoCount) entries, max_feature_idx=\(maxFeatureIndex) needs \(featureCount)")
        }
        if let count = document.headerTokens("tree_sizes")?.count {
            guard count == document.trees.count else {
                throw .invalidModel("LightGBM header: 'tree_sizes' lists \(count) trees, the file has \(document.trees.count)")
            }
        }
        guard document.trees.count % perIteration == 0 else {
            throw .invalidModel("LightGBM: \(document.trees.count) trees is not a multiple of num_tree_per_iteration=\(perIteration)")
        }
        if perIteration > 1, numClass != perIteration {
            throw .invalidModel("LightGBM header: 'num_class' is \(numClass) but 'num_tree_per_iteration' is \(perIteration)")
        }

        let objectiveTokens = document.headerTokens("objective") ?? []
        objective = try LightGBMObjective(parsing: objectiveTokens, outputsPerRow: perIteration)
        objectiveDescription = objectiveTokens.joined(separator: " ")
        averageOutput = document.header["average_output"] != nil

        var trees: [LightGBMTree] = []
        trees.reserveCapacity(document.trees.count)
        for fields in document.trees {
            trees.append(try LightGBMTree(fields, featureCount: featureCount))
        }
        forest = try LightGBMForest(trees: trees, outputsPerRow: perIteration)

        let shape = perIteration == 1 ? [] : [perIteration]
        let kind: ModelSignature.PredictionKind
        switch objective {
        case .sigmoid: kind = perIteration == 1 ? .probability : .value
        case .softmax, .sigmoidPerClass: kind = .classProbabilities
        default: kind = .value
        }
        signature = ModelSignature(
            platform: "lightgbm", inputName: "input-0", inputDatatype: .fp64, featureCount: featureCount,
            featureNames: names,
            outputs: [
                .init(name: Self.predictOutput, datatype: .fp64, shapePerRow: shape),
                .init(name: Self.rawScoreOutput, datatype: .fp64, shapePerRow: shape),
            ],
            predictionKind: kind)
    }

    /// Scores `batch` (NaN = missing) and returns `predict` and/or `raw_score`, in signature order.
    public func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput] {
        let featureCount = signature.featureCount
        guard batch.featureCount == featureCount else {
            throw .badInput("the batch has \(batch.featureCount) features per row, the LightGBM model takes \(featureCount)")
        }
        let (valueCount, valueOverflow) = batch.rowCount.multipliedReportingOverflow(by: featureCount)
        guard batch.rowCount >= 0, !valueOverflow, batch.values.count == valueCount else {
            throw .badInput("the batch holds \(batch.values.count) values for \(batch.rowCount) rows of \(featureCount) features")
        }
        let width = forest.outputsPerRow
        guard !batch.rowCount.multipliedReportingOverflow(by: width).overflow else {
            throw .badInput("the batch has too many rows (\(batch.rowCount))")
        }
        let known = Set(signature.outputs.map(\.name))
        if let outputs, let unknown = outputs.subtracting(known).sorted().first {
            throw .badInput("the LightGBM model has no output '\(unknown)' (outputs: predict, raw_score)")
        }
        let wanted = signature.outputs.filter { outputs?.contains($0.name) ?? true }
        guard !wanted.isEmpty else { return [] }

        let raw = forest.predictRaw(batch.values, rowCount: batch.rowCount, featureCount: featureCount)
        let shape = width == 1 ? [batch.rowCount] : [batch.rowCount, width]
        return wanted.map { spec in
            guard spec.name == Self.predictOutput else {
                return ModelOutput(name: spec.name, value: .tensor(Tensor(shape: shape, data: .float64(raw))))
            }
            var values = raw
            let iterations = forest.treeCount / width
            if averageOutput, iterations > 0 {
                let divisor = Double(iterations)
                for i in values.indices { values[i] /= divisor }
            }
            objective.apply(to: &values, width: width)
            return ModelOutput(name: spec.name, value: .tensor(Tensor(shape: shape, data: .float64(values))))
        }
    }
}
