/// A loaded model that scores batches of rows. Implementations are immutable and thread-safe.
public protocol InferenceModel: Sendable {
    /// The model's inputs and outputs, for protocol metadata and input checks.
    var signature: ModelSignature { get }

    /// Scores `batch` and returns the outputs named in `outputs` (all of them when `nil`),
    /// in the order of ``ModelSignature/outputs``.
    func predict(_ batch: FeatureBatch, outputs: Set<String>?) throws(ModelError) -> [ModelOutput]
}

extension InferenceModel {
    /// Scores `batch` and returns every output.
    public func predict(_ batch: FeatureBatch) throws(ModelError) -> [ModelOutput] {
        try predict(batch, outputs: nil)
    }
}

/// What a model takes and gives.
public struct ModelSignature: Sendable, Equatable {
    /// The runtime's name: `xgboost`, `lightgbm` or `onnx`.
    public var platform: String
    /// The name of the single 2-D input (`input-0` for tree models, the graph's input name for ONNX).
    public var inputName: String
    /// Element type the model reads the input as.
    public var inputDatatype: TensorDatatype
    /// Number of features per row.
    public var featureCount: Int
    /// Feature names when the model file records them.
    public var featureNames: [String]?
    /// The outputs, in the order `predict` returns them.
    public var outputs: [OutputSpec]
    /// What the first output holds, so that two models' predictions can be compared row by row.
    public var predictionKind: PredictionKind

    public init(platform: String, inputName: String, inputDatatype: TensorDatatype, featureCount: Int,
                featureNames: [String]?, outputs: [OutputSpec], predictionKind: PredictionKind = .value) {
        self.platform = platform
        self.inputName = inputName
        self.inputDatatype = inputDatatype
        self.featureCount = featureCount
        self.featureNames = featureNames
        self.outputs = outputs
        self.predictionKind = predictionKind
    }

    /// What a model's first output holds per row.
    public enum PredictionKind: String, Sendable, Equatable {
        /// A number (a regression, a score, a margin).
        case value
        /// The probability of the positive class of a binary classifier; the label is 1 at 0.5 and above.
        case probability
        /// One probability per class; the label is the most probable class.
        case classProbabilities = "class_probabilities"
        /// The predicted class itself.
        case classLabel = "class_label"
    }

    /// One output: its name, element type and shape per row (`[]` for a scalar per row).
    public struct OutputSpec: Sendable, Equatable {
        public var name: String
        public var datatype: TensorDatatype
        public var shapePerRow: [Int]

        public init(name: String, datatype: TensorDatatype, shapePerRow: [Int]) {
            self.name = name
            self.datatype = datatype
            self.shapePerRow = shapePerRow
        }
    }
}
