import Crypto
import Foundation

/// The secrets of API tokens: `vane_` and 32 random bytes in base64url (43 characters), stored
/// as their SHA-256. A token carries 256 random bits, so a fast hash is enough: there is nothing
/// to guess that a slow hash would protect.
public enum TokenSecret {
    /// The prefix every token starts with, so that secret scanners and people can tell one.
    public static let prefix = "vane_"
    /// The length of a secret: the prefix and 43 characters.
    public static let length = prefix.count + 43

    /// A new random secret.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + base64URL(bytes)
    }

    /// A new public token id: 12 hex digits.
    public static func generateID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Whether `text` has the shape of a token (checked before hashing).
    public static func looksLikeToken(_ text: String) -> Bool {
        text.utf8.count == length && text.hasPrefix(prefix)
            && text.utf8.dropFirst(prefix.count).allSatisfy { isBase64URL($0) }
    }

    /// The SHA-256 of a secret, as stored.
    public static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }
}
