import Foundation

/// One label matcher as Alertmanager has them: `name="value"`, `name!="value"`,
/// `name=~"regex"`, `name!~"regex"`. A regex matches the whole value (`^(?:regex)$`); an absent
/// label reads as the empty string.
public struct Matcher: Sendable, Hashable, CustomStringConvertible {
    /// The comparison.
    public enum Kind: Int, Sendable, Hashable, CustomStringConvertible {
        case equal, notEqual, regex, notRegex

        public var description: String {
            switch self {
            case .equal: "="
            case .notEqual: "!="
            case .regex: "=~"
            case .notRegex: "!~"
            }
        }

        /// `=`/`!=` against `isRegex`/`isEqual` of the API's matchers.
        public init(isRegex: Bool, isEqual: Bool) {
            switch (isRegex, isEqual) {
            case (false, true): self = .equal
            case (false, false): self = .notEqual
            case (true, true): self = .regex
            case (true, false): self = .notRegex
            }
        }

        public var isRegex: Bool { self == .regex || self == .notRegex }
        public var isEqual: Bool { self == .equal || self == .regex }
    }

    public let name: String
    public let kind: Kind
    public let value: String
    let regex: LabelRegex?

    /// The longest regex a matcher takes, in bytes.
    public static let maxPatternBytes = 4096

    /// A matcher; throws a ``MatcherError`` for a regex that does not compile or is too long.
    public init(name: String, kind: Kind, value: String) throws(MatcherError) {
        self.name = name
        self.kind = kind
        self.value = value
        if kind.isRegex {
            guard value.utf8.count <= Matcher.maxPatternBytes else {
                throw MatcherError("regular expression of \(value.utf8.count) bytes; the limit is \(Matcher.maxPatternBytes)")
            }
            regex = try LabelRegex(value)
        } else {
            regex = nil
        }
    }

    /// Whether `value` (the label's value, "" when absent) satisfies the matcher.
    public func matches(_ candidate: String) -> Bool {
        switch kind {
        case .equal: return candidate == value
        case .notEqual: return candidate != value
        case .regex: return regex!.matches(candidate)
        case .notRegex: return !regex!.matches(candidate)
        }
    }

    /// Whether `labels` satisfies the matcher.
    public func matches(_ labels: LabelSet) -> Bool { matches(labels.value(name)) }

    /// `name="value"` with Go's quoting, as Alertmanager prints matchers.
    public var description: String { "\(name)\(kind)\(GoQuote.quote(value))" }

    public static func == (a: Matcher, b: Matcher) -> Bool { a.name == b.name && a.kind == b.kind && a.value == b.value }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(kind)
        hasher.combine(value)
    }

    /// Alertmanager's order of matchers: by name, then value, then kind.
    public static func ordered(_ a: Matcher, _ b: Matcher) -> Bool {
        if a.name != b.name { return a.name < b.name }
        if a.value != b.value { return a.value < b.value }
        return a.kind.rawValue < b.kind.rawValue
    }
}

extension Array where Element == Matcher {
    /// Whether every matcher accepts `labels`.
    public func matches(_ labels: LabelSet) -> Bool { allSatisfy { $0.matches(labels) } }

    /// `{a="b",c=~"d"}`, Alertmanager's `Matchers.String()`.
    public var description: String { "{" + map(\.description).joined(separator: ",") + "}" }
}

/// A matcher that cannot be built or parsed; `message` is Alertmanager's wording where it has one.
public struct MatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A compiled, anchored regular expression over label values.
final class LabelRegex: @unchecked Sendable {
    // NSRegularExpression is immutable once built and safe to use from several threads.
    private let expression: NSRegularExpression
    /// The alternatives when the pattern is a plain list of literals (`a|b|c`), matched by lookup.
    private let literals: Set<String>?

    init(_ pattern: String) throws(MatcherError) {
        try LabelRegex.checkSyntax(pattern)
        do {
            expression = try NSRegularExpression(pattern: "^(?:" + pattern + ")$", options: [])
        } catch {
            throw MatcherError("invalid regular expression \(GoQuote.quote(pattern))")
        }
        literals = LabelRegex.literalAlternatives(pattern)
    }

    func matches(_ value: String) -> Bool {
        if let literals { return literals.contains(value) }
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return expression.firstMatch(in: value, options: [.anchored], range: range) != nil
    }

    /// Refuses what RE2 (Go's regexp, which Alertmanager uses) does not have and what could make
    /// a backtracking engine run for a long time: backreferences, lookaround, atomic groups,
    /// possessive quantifiers, and a group that repeats (`*`, `+`, `{n,}`) while it holds a
    /// repetition or an alternative itself (`(a+)+`, `(a|aa)*`: exponential on a backtracking
    /// engine, where RE2 is linear).
    static func checkSyntax(_ pattern: String) throws(MatcherError) {
        let bytes = Array(pattern.utf8)
        func fail(_ why: String) -> MatcherError { MatcherError("invalid regular expression \(GoQuote.quote(pattern)): \(why)") }
        var i = 0
        var inClass = false
        // Per open group: whether it holds a repetition or an alternative.
        var groups: [Bool] = []
        func isRepeat(_ k: Int) -> Bool {
            k < bytes.count && (bytes[k] == UInt8(ascii: "*") || bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "{"))
        }
        func markRisky() { if !groups.isEmpty { groups[groups.count - 1] = true } }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") {
                if i + 1 < bytes.count {
                    let next = bytes[i + 1]
                    if !inClass, next >= UInt8(ascii: "1"), next <= UInt8(ascii: "9") { throw fail("backreferences are not supported") }
                    if next == UInt8(ascii: "k") { throw fail("backreferences are not supported") }
                }
                i += 2
                if isRepeat(i) { markRisky() }
                continue
            }
            if inClass {
                if c == UInt8(ascii: "]") {
                    inClass = false
                    if isRepeat(i + 1) { markRisky() }
                }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "["):
                inClass = true
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "^") { i += 1 }
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1 }
                continue
            case UInt8(ascii: "("):
                if i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "?") {
                    let kind = bytes[i + 2]
                    if kind == UInt8(ascii: "=") || kind == UInt8(ascii: "!") || kind == UInt8(ascii: ">")
                        || (kind == UInt8(ascii: "<") && i + 3 < bytes.count && (bytes[i + 3] == UInt8(ascii: "=") || bytes[i + 3] == UInt8(ascii: "!"))) {
                        throw fail("lookaround and atomic groups are not supported")
                    }
                }
                guard groups.count < 100 else { throw fail("more than 100 nested groups") }
                groups.append(false)
            case UInt8(ascii: ")"):
                let risky = groups.popLast() ?? false
                if isRepeat(i + 1) {
                    if risky { throw fail("a repeated group that holds a repetition or alternatives is not supported") }
                    markRisky()
                }
                if risky { markRisky() }
            case UInt8(ascii: "|"):
                markRisky()
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "}"):
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "+") { throw fail("possessive quantifiers are not supported") }
                if c != UInt8(ascii: "?") { markRisky() }
            default:
                if isRepeat(i + 1) { markRisky() }
            }
            i += 1
        }
    }

    /// The alternatives of a pattern made only of literal words separated by `|`, or nil.
    static func literalAlternatives(_ pattern: String) -> Set<String>? {
        let special = Set("\\^$.[]()*+?{}".unicodeScalars)
        guard !pattern.unicodeScalars.contains(where: { special.contains($0) }) else { return nil }
        return Set(pattern.split(separator: "|", omittingEmptySubsequences: false).map(String.init))
    }
}
