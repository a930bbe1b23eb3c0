import Foundation
import VaneText

/// Loads a model from a file or from an MLflow model directory.
///
/// A directory must hold an `MLmodel` file; its `flavors` pick the runtime (`xgboost`,
/// `lightgbm` or `onnx`) and name the model file inside the directory. A file is recognised by
/// its content (see ``ModelFormat/detect(_:fileName:)``).
///
/// Every input is bounded before work starts: a model file by ``maxModelBytes``, the `MLmodel`
/// by ``YAMLLimits/mlmodel`` (size, nesting depth, aliases). Where the files may be reached
/// from is the caller's ``ModelFileAccess``: models from Vane's artifact store are confined to
/// its root with no symbolic link followed.
public enum ModelLoader {
    /// Model files larger than this (2 GiB) are refused before they are read. MLflow sets no
    /// limit; 2 GiB is ONNX's own bound on a protobuf model without external data, and far above
    /// any XGBoost or LightGBM model of millions of trees.
    public static let maxModelBytes = 2 << 30

    /// Loads the model at `path`, reached under `access` (by default as given, links followed).
    public static func load(path: String, access: ModelFileAccess = .followingLinks) throws(ModelError) -> any InferenceModel {
        let entry = try ModelFileHandle.open(path, access: access)
        if entry.isDirectory {
            let (file, format) = try mlflowModelFile(in: entry, access: access)
            return try load(data: try file.read(limit: maxModelBytes), format: format)
        }
        let data = try entry.read(limit: maxModelBytes)
        guard let format = ModelFormat.detect(data, fileName: path) else {
            throw ModelError.unsupported("'\(entry.display)' is not an XGBoost, LightGBM or ONNX model file")
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
    public static func mlflowModelFile(directory: String, access: ModelFileAccess = .followingLinks) throws(ModelError) -> (path: String, format: ModelFormat) {
        let entry = try ModelFileHandle.open(directory, access: access)
        guard entry.isDirectory else { throw ModelError.invalidModel("'\(entry.display)' is not a directory") }
        let (name, format) = try flavorFile(in: entry, access: access)
        let relative = name.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        return (directory + "/" + relative, format)
    }

    /// Opens the model file the `MLmodel` of `directory` names.
    static func mlflowModelFile(in directory: ModelFileHandle, access: ModelFileAccess) throws(ModelError) -> (ModelFileHandle, ModelFormat) {
        let (name, format) = try flavorFile(in: directory, access: access)
        return (try directory.open(relative: name, followLinks: access == .followingLinks), format)
    }

    /// The data file name (relative to the directory, checked to stay inside it) and format
    /// of the first flavour Vane scores.
    private static func flavorFile(in directory: ModelFileHandle, access: ModelFileAccess) throws(ModelError) -> (String, ModelFormat) {
        let mlmodel: ModelFileHandle
        do { mlmodel = try directory.open(relative: "MLmodel", followLinks: access == .followingLinks) } catch {
            let shown = directory.display.isEmpty ? "MLmodel" : directory.display + "/MLmodel"
            if error == ModelFileHandle.linkRefused(shown) { throw error }
            throw ModelError.invalidModel("'\(directory.display)' is a directory without a readable MLmodel file")
        }
        let yaml: Any?
        do {
            let data = try mlmodel.read(limit: YAMLLimits.mlmodel.maxBytes)
            yaml = try BoundedYAML.load(data: data, limits: .mlmodel)
        } catch let error as YAMLReadError {
            throw ModelError.invalidModel("MLmodel is refused: \(error.message)")
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.invalidModel("MLmodel cannot be read: \(error)")
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
            // The model file must stay inside the model directory.
            let parts = name.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
            guard !name.hasPrefix("/"), !name.contains("\\"), !name.contains("\0"), !parts.isEmpty, !parts.contains("..") else {
                throw ModelError.invalidModel("MLmodel names a data file outside the model directory: '\(name.prefix(200))'")
            }
            return (name, candidate.format)
        }
        let names = flavors.keys.sorted().map { String($0.prefix(100)) }.joined(separator: ", ")
        throw ModelError.unsupported("MLmodel flavours [\(names)]: Vane scores the xgboost, lightgbm and onnx flavours")
    }
}
