import Foundation
import VaneCore

/// A relative artifact path that has been checked to stay inside an artifact root.
///
/// Defeats the traversal patterns of MLflow's published advisories: `..` segments (also
/// percent-encoded, once or several times), absolute paths, backslashes, NUL bytes, `~`
/// expansion, and `?`/`#` smuggled into a path.
public struct ArtifactPath: Sendable, Equatable, CustomStringConvertible {
    /// The normalised path components, never empty strings, `.` or `..`.
    public let components: [String]

    /// The path with `/` separators; empty for the root.
    public var description: String { components.joined(separator: "/") }

    /// The root itself.
    public static let root = ArtifactPath(trusted: [])

    init(trusted components: [String]) { self.components = components }

    /// Validates an untrusted relative path (already URL-decoded once, as a web framework does).
    /// Empty means the root. Every further percent-decoding of it is checked too, so that
    /// `%2e%2e`, `%252e%252e` and friends are refused wherever they might be decoded later.
    public init(validating raw: String) throws(VaneError) {
        var level = raw
        for _ in 0..<8 {
            try Self.check(level, raw: raw)
            let next = Self.percentDecoded(level)
            if next == level { break }
            level = next
        }
        let parts = Self.splitPath(raw).filter { $0 != "." }
        if parts.contains(where: { $0.hasPrefix(Self.reservedPrefix) }) { throw Self.unsafe(raw) }
        if let long = parts.first(where: { $0.utf8.count > 255 }) {
            throw VaneError.invalid("Invalid path: the name '\(long.prefix(40))…' is longer than 255 bytes.")
        }
        self.components = parts
    }

    /// Names starting with this are Vane's own temporary files; clients may not use them.
    public static let reservedPrefix = ".vane-upload-"

    /// Splits on the `/` scalar. (Splitting on Characters would merge `/` with a following
    /// combining mark and hide a `..` component.)
    public static func splitPath(_ s: String) -> [String] {
        s.unicodeScalars.split(separator: "/", omittingEmptySubsequences: true).map { String(String.UnicodeScalarView($0)) }
    }

    /// Percent-decodes like Python's `unquote`: valid `%XX` escapes are decoded, anything else is kept.
    public static func percentDecoded(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: return b - 48
            case 65...70: return b - 55
            case 97...102: return b - 87
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func check(_ candidate: String, raw: String) throws(VaneError) {
        // NUL, backslashes and `#` (refused by MLflow's `validate_path_is_safe` too).
        if candidate.contains("\0") || candidate.contains("\\") || candidate.contains("#") { throw unsafe(raw) }
        if candidate.hasPrefix("/") || candidate.hasPrefix("~") { throw unsafe(raw) }
        if candidate.count >= 2, candidate.dropFirst().first == ":", candidate.first!.isLetter { throw unsafe(raw) }
        if candidate.contains("://") { throw unsafe(raw) }
        for piece in splitPath(candidate) where piece == ".." {
            throw unsafe(raw)
        }
    }

    /// Percent-decodes repeatedly until the string stops changing (bounded), as MLflow does.
    static func fullyDecoded(_ s: String) -> String {
        var current = s
        for _ in 0..<8 {
            let next = percentDecoded(current)
            if next == current { break }
            current = next
        }
        return current
    }

    static func unsafe(_ raw: String) -> VaneError {
        VaneError.invalid("Invalid path: '\(raw)'. Artifact paths must be relative, must not contain '..', and must stay inside the artifact root.")
    }

    /// This path followed by `other`.
    public func appending(_ other: ArtifactPath) -> ArtifactPath { ArtifactPath(trusted: components + other.components) }

    /// The last component, or the empty string for the root.
    public var lastComponent: String { components.last ?? "" }
}

extension ArtifactPath {
    /// A path from components that come from Vane itself (never from a client).
    public init(trustedComponents: [String]) { self.init(trusted: trustedComponents) }
}
