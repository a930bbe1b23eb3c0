import Foundation

/// The model file formats Vane scores natively.
public enum ModelFormat: String, Sendable, CaseIterable {
    case xgboost
    case lightgbm
    case onnx

    /// Recognises a model file by its first bytes, falling back on its extension.
    ///
    /// XGBoost JSON and UBJSON both start with `{`; LightGBM's text format starts with a
    /// `tree` line; an ONNX `ModelProto` starts with field 1 (`ir_version`, tag byte 0x08).
    public static func detect(_ data: Data, fileName: String? = nil) -> ModelFormat? {
        var index = data.startIndex
        while index < data.endIndex, [0x20, 0x09, 0x0a, 0x0d].contains(data[index]) { index += 1 }
        if index < data.endIndex {
            switch data[index] {
            case UInt8(ascii: "{"): return .xgboost
            case UInt8(ascii: "t") where data[index...].starts(with: Array("tree".utf8)): return .lightgbm
            case 0x08 where index == data.startIndex: return .onnx
            default: break
            }
        }
        guard let ext = fileName.map({ ($0 as NSString).pathExtension.lowercased() }) else { return nil }
        switch ext {
        case "json", "ubj", "xgb", "ubjson": return .xgboost
        case "txt", "lgb": return .lightgbm
        case "onnx": return .onnx
        default: return nil
        }
    }
}
