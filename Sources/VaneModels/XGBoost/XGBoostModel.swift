import Foundation

/// A native XGBoost tree-ensemble model (gbtree or DART), loaded from the JSON or UBJSON
/// file `Booster.save_model` writes (also `model.xgb` from the MLflow xgboost flavour).
///
/// Prediction follows XGBoost exactly: inputs are cast to float32, a numerical split sends
/// `x < split_condition` left, a missing (NaN) value follows the node's `default_left`, a
/// categorical split sends codes listed at the node right and all others left, and margins are
/// accumulated in float32 from the base score, tree by tree in file order, before the
/// objective's float32 transform.
///
/// Outputs: `predict` (probability, value, class probabilities `[N, K]` or — for
/// `multi:softmax` — the class index as a float) and `margin` (`[N]`, or `[N, K]` for models
/// with several output groups), both FP32.
public struct XGBoostModel: InferenceModel {
    /// The model's input and outputs (platform `xgboost`, input `input-0`, FP32).
    public let signature: ModelSignature
    /// The objective name the model was trained with, e.g. `binary:logistic`.
    public let objectiveName: String
    /// Number of margins per row: classes for multiclass models, targets for multi-output, else 1.
    public let outputGroupCount: Int

    let objective: XGBoostObjective
    let forest: XGBoostForest
    /// The initial margin of each output group.
    let baseMargins: [Float]

    /// Name of the transformed prediction output.
    public static let predictOutputName = "predict"
    /// Name of the raw margin output.
    public static let marginOutputName = "margin"

    /// Number of trees in the ensemble.
    public var treeCount: Int { forest.treeCount }

    /// Loads a model from the bytes of an XGBoost JSON or UBJSON model file.
    ///
    /// The format is detected from the content. Model files are treated as untrusted: malformed,
    /// truncated, inconsistent or oversized files throw ``ModelError/invalidModel(_:)``, and
    /// objectives or boosters this runtime does not implement throw ``ModelError/unsupported(_:)``.
    public init(data: Data) throws(ModelError) {
        let document = try Self.parseDocument(data)
        try self.init(document: document)
    }

    init(signature: ModelSignature, objectiveName: String, objective: XGBoostObjective,
         forest: XGBoostForest, baseMargins: [Float]) {
        self.signature = signature
        self.objectiveName = objectiveName
        self.objective = objective
        self.forest = forest
        self.baseMargins = baseMargins
        self.outputGroupCount = baseMargins.count
    }

    /// Scores `batch` and returns `predict` and / or `margin` (both when `outputs` is `nil`).
    ///
    /// Throws ``ModelError/badInput(_:)`` when the batch's feature count differs from the
    /// model's or `outputs` names an unknown output.
    public func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput] {
        guard batch.featureCount == signature.featureCount else {
            throw ModelError.badInput("the batch has \(batch.featureCount) features, the model takes \(signature.featureCount)")
        }
        let (expectedCount, overflow) = batch.rowCount.multipliedReportingOverflow(by: batch.featureCount)
        guard batch.rowCount >= 0, !overflow, batch.values.count == expectedCount,
              !outputGroupCount.multipliedReportingOverflow(by: batch.rowCount).overflow else {
            throw ModelError.badInput("the batch holds \(batch.values.count) values for \(batch.rowCount) rows")
        }
        let names = Set(signature.outputs.map(\.name))
        if let outputs {
            for name in outputs where !names.contains(name) {
                throw ModelError.badInput("unknown output \"\(name)\" (the model has \(names.sorted().joined(separator: ", ")))")
            }
        }
        let wantPredict = outputs?.contains(Self.predictOutputName) ?? true
        let wantMargin = outputs?.contains(Self.marginOutputName) ?? true
        guard wantPredict || wantMargin else { return [] }
        let rows = batch.rowCount
        let groups = outputGroupCount
        let margins = computeMargins(batch)
        var result: [ModelOutput] = []
        if wantPredict {
            let width = objective == .softmax ? 1 : groups
            var values = [Float](repeating: 0, count: rows * width)
            margins.withUnsafeBufferPointer { m in
                values.withUnsafeMutableBufferPointer { out in
                    for row in 0..<rows {
                        let source = UnsafeBufferPointer(rebasing: m[(row * groups)..<((row + 1) * groups)])
                        let target = UnsafeMutableBufferPointer(rebasing: out[(row * width)..<((row + 1) * width)])
                        objective.transform(margins: source, into: target)
                    }
                }
            }
            let shape = width == 1 && signature.outputs[0].shapePerRow.isEmpty ? [rows] : [rows, width]
            result.append(ModelOutput(name: Self.predictOutputName,
                                      value: .tensor(Tensor(shape: shape, data: .float32(values)))))
        }
        if wantMargin {
            let shape = groups == 1 ? [rows] : [rows, groups]
            result.append(ModelOutput(name: Self.marginOutputName,
                                      value: .tensor(Tensor(shape: shape, data: .float32(margins)))))
        }
        return result
    }

    /// The signature for a model with these parameters.
    static func makeSignature(featureCount: Int, featureNames: [String]?, objective: XGBoostObjective,
                              groups: Int) -> ModelSignature {
        let predictShape: [Int] = objective == .softmax || groups == 1 ? [] : [groups]
        let marginShape: [Int] = groups == 1 ? [] : [groups]
        return ModelSignature(
            platform: "xgboost", inputName: "input-0", inputDatatype: .fp32,
            featureCount: featureCount, featureNames: featureNames,
            outputs: [
                .init(name: predictOutputName, datatype: .fp32, shapePerRow: predictShape),
                .init(name: marginOutputName, datatype: .fp32, shapePerRow: marginShape),
            ],
            predictionKind: predictionKind(objective: objective, groups: groups))
    }

    /// What `predict` holds for `objective`: `binary:logistic` (and `reg:logistic`, which XGBoost
    /// computes alike) a probability, `multi:softprob` probabilities per class, `multi:softmax`
    /// and `binary:hinge` a class.
    static func predictionKind(objective: XGBoostObjective, groups: Int) -> ModelSignature.PredictionKind {
        switch objective {
        case .logistic: groups == 1 ? .probability : .value
        case .softprob: .classProbabilities
        case .softmax, .hinge: .classLabel
        case .identity, .logitRaw, .exponential: .value
        }
    }
}
