import Foundation
import Yams

/// Loads a model from a file or from an MLflow model directory.
///
/// A directory must hold an `MLmodel` file; its `flavors` pick the runtime (`xgboost`,
/// `lightgbm` or `onnx`) and name the model file inside the directory. A file is recognised by
/// its content (see ``ModelFormat/detect(_:fileName:)``).
public enum ModelLoader {
    /// Model files larger than this are refused before they are read.
    public static let maxModelBytes = 2 << 30

    /// Loads the model at `path`.
    public static func load(path: String) throws(ModelError) -> any InferenceModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelError.invalidModel("no model at '\(path)'")
        }
        if isDirectory.boolValue {
            let (file, format) = try mlflowModelFile(directory: path)
            return try load(data: try read(file), format: format)
        }
        let data = try read(path)
        guard let format = ModelFormat.detect(data, fileName: path) else {
            throw ModelError.unsupported("'\(path)' is not an XGBoost, LightGBM or ONNX model file")
        }
        return try load(data: data, format: format)
    }

    /// Loads a model of `format` from its bytes.
    public static func load(data: Data, format: ModelFormat) throws(ModelError) -> any InferenceModel {
        switch format {
        case .xgboost: try XGBoostModel(data: data)
        case .lightgbm: try LightGBMModel(data: data)
        case .onnx: try ONNXModel(data: data)
        }
    }

    /// The model file and format an MLflow model directory's `MLmodel` names.
    public static func mlflowModelFile(directory: String) throws(ModelError) -> (path: String, format: ModelFormat) {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let mlmodel = root.appendingPathComponent("MLmodel").path
        let text: String
        do {
            let data = try read(mlmodel)
            guard let decoded = String(data: data, encoding: .utf8) else { throw ModelError.invalidModel("MLmodel is not UTF-8") }
            text = decoded
        } catch {
            throw ModelError.invalidModel("'\(directory)' is a directory without a readable MLmodel file")
        }
        let yaml: Any?
        do { yaml = try Yams.load(yaml: text) } catch {
            throw ModelError.invalidModel("MLmodel is not valid YAML: \(error)")
        }
        guard let document = yaml as? [String: Any], let flavors = document["flavors"] as? [String: Any] else {
            throw ModelError.invalidModel("MLmodel has no 'flavors' mapping")
        }
        let candidates: [(flavor: String, format: ModelFormat, defaultFile: String)] = [
            ("xgboost", .xgboost, "model.xgb"), ("lightgbm", .lightgbm, "model.lgb"), ("onnx", .onnx, "model.onnx"),
        ]
        for candidate in candidates {
            guard let flavor = flavors[candidate.flavor] as? [String: Any] else { continue }
            let name = (flavor["data"] as? String) ?? candidate.defaultFile
            let file = root.appendingPathComponent(name).standardizedFileURL
            // The model file must stay inside the model directory.
            guard file.path.hasPrefix(root.path + "/") else {
                throw ModelError.invalidModel("MLmodel names a data file outside the model directory: '\(name)'")
            }
            return (file.path, candidate.format)
        }
        let names = flavors.keys.sorted().joined(separator: ", ")
        throw ModelError.unsupported("MLmodel flavours [\(names)]: Vane scores the xgboost, lightgbm and onnx flavours")
    }

    static func read(_ path: String) throws(ModelError) -> Data {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? NSNumber, size.intValue > maxModelBytes {
                throw ModelError.invalidModel("'\(path)' is \(size.intValue) bytes; the limit is \(maxModelBytes)")
            }
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.invalidModel("cannot read '\(path)': \(error.localizedDescription)")
        }
    }
}
