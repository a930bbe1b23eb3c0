import Foundation

/// An opaque paging token: base64 of `{"offset": N}`, the shape the MLflow reference uses.
public enum PageToken {
    /// Encodes an offset as a token.
    public static func encode(offset: Int) -> String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }

    /// Decodes a token into an offset; `nil` or empty means the first page.
    public static func decode(_ token: String?) throws(VaneError) -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let number = obj["offset"] as? NSNumber,
              number.doubleValue >= 0, number.doubleValue < 1e15, number.doubleValue == number.doubleValue.rounded(),
              case let offset = number.intValue, Double(offset) == number.doubleValue
        else { throw VaneError.invalid("Invalid page token, could not base64-decode") }
        return offset
    }
}
