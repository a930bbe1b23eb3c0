/// One label: a name and its value.
public struct Label: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A set of labels (or annotations), kept sorted by name with one value per name, and its
/// fingerprint computed once.
public struct LabelSet: Sendable, Hashable, Sequence, Codable, CustomStringConvertible {
    /// The labels in ascending order of name.
    public let labels: [Label]
    /// Alertmanager's fingerprint of the set.
    public let fingerprint: Fingerprint

    /// The empty set.
    public static let empty = LabelSet(sortedUnique: [])

    /// A set from `labels` in any order; where a name repeats, the last value wins (as Go's JSON
    /// decoding into a map does).
    public init(_ labels: [Label]) {
        // Senders written in Go post maps with their keys sorted: taken as they are.
        if zip(labels, labels.dropFirst()).allSatisfy({ $0.name < $1.name }) {
            self.init(sortedUnique: labels)
            return
        }
        var sorted = labels.enumerated().sorted { a, b in
            a.element.name != b.element.name ? a.element.name < b.element.name : a.offset < b.offset
        }.map(\.element)
        var index = sorted.count - 1
        while index > 0 {
            if sorted[index - 1].name == sorted[index].name { sorted.remove(at: index - 1) }
            index -= 1
        }
        self.init(sortedUnique: sorted)
    }

    /// Equal sets have equal fingerprints: the fingerprint is hashed (not every string), and
    /// compared first.
    public static func == (a: LabelSet, b: LabelSet) -> Bool { a.fingerprint == b.fingerprint && a.labels == b.labels }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint.value) }

    /// A set from a dictionary.
    public init(_ dictionary: [String: String]) {
        self.init(sortedUnique: dictionary.map { Label($0.key, $0.value) }.sorted { $0.name < $1.name })
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: String].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: labels.map { ($0.name, $0.value) }))
    }

    init(sortedUnique labels: [Label]) {
        self.labels = labels
        self.fingerprint = Fingerprint(sorted: labels)
    }

    /// A set read back from storage, whose fingerprint is already known.
    init(sortedUnique labels: [Label], fingerprint: Fingerprint) {
        self.labels = labels
        self.fingerprint = fingerprint
    }

    /// The value of `name`, or nil where the set has no such label.
    public subscript(name: String) -> String? {
        var low = 0, high = labels.count
        while low < high {
            let mid = (low + high) / 2
            if labels[mid].name < name { low = mid + 1 } else { high = mid }
        }
        return low < labels.count && labels[low].name == name ? labels[low].value : nil
    }

    /// The value of `name`, the empty string where it is absent (how Alertmanager's matchers read it).
    public func value(_ name: String) -> String { self[name] ?? "" }

    public var count: Int { labels.count }
    public var isEmpty: Bool { labels.isEmpty }
    public func makeIterator() -> IndexingIterator<[Label]> { labels.makeIterator() }

    /// The labels whose names are in `names` (all of them when `all`), for group keys.
    public func restricted(to names: Set<String>, all: Bool = false) -> LabelSet {
        all ? self : LabelSet(sortedUnique: labels.filter { names.contains($0.name) })
    }

    /// The set without labels whose value is empty (Alertmanager drops them on intake).
    public var withoutEmptyValues: LabelSet {
        labels.contains { $0.value.isEmpty } ? LabelSet(sortedUnique: labels.filter { !$0.value.isEmpty }) : self
    }

    /// Prometheus' `LabelSet.Before`: a smaller set first, then label by label in name order.
    public func before(_ other: LabelSet) -> Bool {
        if labels.count != other.labels.count { return labels.count < other.labels.count }
        var names = Set(labels.map(\.name))
        names.formUnion(other.labels.map(\.name))
        for name in names.sorted() {
            guard let mine = self[name] else { return true }
            guard let theirs = other[name] else { return false }
            if mine != theirs { return mine < theirs }
        }
        return false
    }

    /// `{name="value", …}` with Go's quoting, as Alertmanager prints label sets in group keys.
    public var description: String {
        "{" + labels.map { "\($0.name)=\(GoQuote.quote($0.value))" }.joined(separator: ", ") + "}"
    }
}

/// Prometheus' rules for label names: `[a-zA-Z_][a-zA-Z0-9_]*`.
public enum LabelName {
    public static func isValid(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
            let digit = byte >= 0x30 && byte <= 0x39
            if !(letter || (!first && digit)) { return false }
            first = false
        }
        return !first
    }
}

/// Go's `strconv.Quote` for the strings Alertmanager prints: escapes quotes, backslashes and
/// control characters; other Unicode stays as it is.
public enum GoQuote {
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
