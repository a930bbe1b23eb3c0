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
            guard level.contains("%"), let next = level.removingPercentEncoding, next != level else { break }
            level = next
        }
        self.components = raw.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }.map(String.init)
    }

    static func check(_ candidate: String, raw: String) throws(VaneError) {
        if candidate.contains("\0") || candidate.contains("\\") { throw unsafe(raw) }
        if candidate.hasPrefix("/") || candidate.hasPrefix("~") { throw unsafe(raw) }
        if candidate.count >= 2, candidate.dropFirst().first == ":", candidate.first!.isLetter { throw unsafe(raw) }
        if candidate.contains("://") { throw unsafe(raw) }
        for piece in candidate.split(separator: "/", omittingEmptySubsequences: true) where piece == ".." {
            throw unsafe(raw)
        }
    }

    /// Percent-decodes repeatedly until the string stops changing (bounded), as MLflow does.
    static func fullyDecoded(_ s: String) -> String {
        var current = s
        for _ in 0..<8 {
            guard current.contains("%"), let next = current.removingPercentEncoding, next != current else { break }
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
