import VaneCore

// MLflow's search grammar: the `filter` strings of SearchRuns, SearchExperiments,
// SearchRegisteredModels and SearchModelVersions, parsed into clauses that the stores
// compile to SQL. The tokenizer lives here; the parser and the per-entity rules are in
// `SearchFilter+Parser.swift`.

/// What a search key refers to: MLflow's identifier types.
public enum SearchEntity: Sendable, Hashable {
    /// A run's latest metric value (`metrics.` / `metric.`).
    case metric
    /// A parameter (`params.` / `param.` / `parameters.` / `parameter.`).
    case param
    /// A tag (`tags.` / `tag.`).
    case tag
    /// A column of the entity itself (`attributes.` / `attribute.` / `attr.` / `run.`, or no prefix).
    case attribute
    /// A dataset used as a run input (`datasets.` / `dataset.`): `name`, `digest` or `context`.
    case dataset
}

/// A key in a filter or an order_by item, after prefix and alias resolution.
///
/// For attributes the key is MLflow's canonical attribute name: `created` becomes
/// `start_time`, `Run name` becomes `run_name`, and for registered models `timestamp`
/// becomes `last_updated_timestamp`. Metric, param and tag keys are the user's key with
/// backticks or double quotes removed (`metrics.`my metric`` → `my metric`).
public struct SearchKey: Sendable, Hashable {
    public var entity: SearchEntity
    public var key: String

    public init(entity: SearchEntity, key: String) {
        self.entity = entity
        self.key = key
    }
}

/// A comparison operator of the search grammar. The raw value is MLflow's spelling.
public enum SearchComparator: String, Sendable, Hashable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    /// Case-sensitive SQL pattern match (`%` any run, `_` one character).
    case like = "LIKE"
    /// Case-insensitive SQL pattern match.
    case ilike = "ILIKE"
    /// Membership in a parenthesised list of quoted strings.
    case `in` = "IN"
    case notIn = "NOT IN"
    /// The key is absent (tags and params only).
    case isNull = "IS NULL"
    /// The key is present (tags and params only).
    case isNotNull = "IS NOT NULL"
}

/// The right-hand side of a clause.
public enum SearchValue: Sendable, Equatable {
    /// A numeric literal (metrics and numeric attributes).
    case number(Double)
    /// A quoted string, without its quotes. MLflow does not unescape the inside, and neither do we.
    case string(String)
    /// A parenthesised list of quoted strings (`IN` / `NOT IN`).
    case list([String])
    /// No value: `IS NULL` / `IS NOT NULL`.
    case none
}

/// One `key comparator value` term; a filter is the AND of its clauses.
public struct SearchClause: Sendable, Equatable {
    public var key: SearchKey
    public var comparator: SearchComparator
    public var value: SearchValue

    public init(key: SearchKey, comparator: SearchComparator, value: SearchValue) {
        self.key = key
        self.comparator = comparator
        self.value = value
    }
}

/// A parsed, validated search filter: the AND of ``clauses``.
///
/// Each entry point accepts exactly what MLflow's server accepts for that search (its
/// entity prefixes, attribute keys, comparators per entity and value types) and throws
/// `VaneError.invalid` (MLflow's `INVALID_PARAMETER_VALUE`) with MLflow-like messages for
/// anything else. `nil`, empty and blank filters have no clauses.
public struct SearchFilter: Sendable, Equatable {
    public var clauses: [SearchClause]

    public init(clauses: [SearchClause] = []) {
        self.clauses = clauses
    }

    /// Parses a SearchRuns filter: metrics, params, tags, run attributes and datasets.
    public static func runs(_ filter: String?) throws(VaneError) -> SearchFilter {
        try Grammar.runs.parseFilter(filter)
    }

    /// Parses a SearchExperiments filter: `name`, `creation_time`, `last_update_time` and tags.
    public static func experiments(_ filter: String?) throws(VaneError) -> SearchFilter {
        try Grammar.experiments.parseFilter(filter)
    }

    /// Parses a SearchRegisteredModels filter: `name` (`=`, `!=`, `LIKE`, `ILIKE`) and tags.
    public static func registeredModels(_ filter: String?) throws(VaneError) -> SearchFilter {
        try Grammar.registeredModels.parseFilter(filter)
    }

    /// Parses a SearchLoggedModels filter (MLflow 3): the attributes `name`, `model_id`,
    /// `model_type`, `status`, `source_run_id` (all also with `IN` / `NOT IN`),
    /// `creation_timestamp` / `creation_time` and `last_updated_timestamp` /
    /// `last_updated_time` (numeric, normalised to the `…_timestamp` names), and metrics,
    /// params and tags.
    public static func loggedModels(_ filter: String?) throws(VaneError) -> SearchFilter {
        try Grammar.loggedModels.parseFilter(filter)
    }

    /// Parses a SearchModelVersions filter: `name`, `run_id` (also `IN`), `source_path`,
    /// `version_number` (numeric) and tags.
    public static func modelVersions(_ filter: String?) throws(VaneError) -> SearchFilter {
        try Grammar.modelVersions.parseFilter(filter)
    }
}

// MARK: - Tokenizer

extension SearchFilter {
    /// One part of a dotted identifier: a bare word, or a backtick- or double-quoted name.
    struct Segment: Equatable, Sendable {
        /// The name without quotes.
        var text: String
        /// The quote character used, if any.
        var quote: Character?

        /// The segment as written.
        var raw: String {
            guard let quote else { return text }
            return "\(quote)\(text)\(quote)"
        }
    }

    /// A lexical token of the search grammar.
    struct Token: Equatable, Sendable {
        enum Kind: Equatable, Sendable {
            /// Dot-separated segments, e.g. `metrics`.`my metric`. Keywords are one bare segment.
            case identifier([Segment])
            /// A lone double-quoted string: a value, or an identifier on the left of a comparator.
            case doubleQuoted(String)
            /// A single-quoted string value.
            case singleQuoted(String)
            /// A numeric literal as written.
            case number(String)
            /// A run of comparison characters (`<>=~!`), valid or not.
            case comparison(String)
            case leftParen
            case rightParen
            case comma
        }

        var kind: Kind
        /// The source text of the token, for error messages.
        var text: String

        /// Whether this token is the bare keyword `word` (case-insensitive).
        func isKeyword(_ word: String) -> Bool {
            if case .identifier(let segments) = kind, segments.count == 1, segments[0].quote == nil {
                return segments[0].text.uppercased() == word
            }
            return false
        }
    }

    /// Splits a filter or order_by string into tokens, the way sqlparse splits MLflow's.
    struct Lexer {
        private let chars: [Character]
        private var index = 0
        private let source: String

        init(_ source: String) {
            self.source = source
            self.chars = Array(source)
        }

        static func tokenize(_ source: String) throws(VaneError) -> [Token] {
            var lexer = Lexer(source)
            var tokens: [Token] = []
            while let token = try lexer.next() {
                tokens.append(token)
            }
            return tokens
        }

        private static func isWordStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
        private static func isWordChar(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }
        private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        private static let comparisonChars: Set<Character> = ["<", ">", "=", "~", "!"]

        private func peek(_ offset: Int = 0) -> Character? {
            let i = index + offset
            return i < chars.count ? chars[i] : nil
        }

        private func invalid(_ detail: String) -> VaneError {
            VaneError.invalid("Invalid clause(s) in filter string: \(detail)")
        }

        mutating func next() throws(VaneError) -> Token? {
            while let c = peek(), c.isWhitespace { index += 1 }
            guard let c = peek() else { return nil }
            let start = index
            switch c {
            case "(":
                index += 1
                return Token(kind: .leftParen, text: "(")
            case ")":
                index += 1
                return Token(kind: .rightParen, text: ")")
            case ",":
                index += 1
                return Token(kind: .comma, text: ",")
            case ";":
                throw VaneError.invalid("Search filter contained multiple expression '\(source)'. Provide AND-ed expression list.")
            case "'":
                let body = try quoted(by: "'")
                return Token(kind: .singleQuoted(body), text: String(chars[start..<index]))
            case _ where Self.comparisonChars.contains(c):
                while let d = peek(), Self.comparisonChars.contains(d) { index += 1 }
                let op = String(chars[start..<index])
                return Token(kind: .comparison(op), text: op)
            case _ where Self.isDigit(c) || ((c == "-" || c == ".") && startsNumber(at: index)):
                return try number()
            case "\"", "`":
                return try identifier()
            case _ where Self.isWordStart(c):
                return try identifier()
            default:
                throw invalid("'\(String(chars[start...]))'")
            }
        }

        /// Whether a number starts at `i` (after an optional minus sign).
        private func startsNumber(at i: Int) -> Bool {
            var j = i
            if j < chars.count, chars[j] == "-" { j += 1 }
            guard j < chars.count else { return false }
            if Self.isDigit(chars[j]) { return true }
            return chars[j] == "." && j + 1 < chars.count && Self.isDigit(chars[j + 1])
        }

        /// Reads a quoted run starting at the opening quote; returns the inside as written.
        /// A doubled quote or a backslash-escaped quote does not end it (sqlparse's rule).
        private mutating func quoted(by quote: Character) throws(VaneError) -> String {
            let start = index
            index += 1
            var body = ""
            while let c = peek() {
                if c == quote {
                    if quote != "`", peek(1) == quote {
                        body.append(c); body.append(c)
                        index += 2
                        continue
                    }
                    index += 1
                    return body
                }
                if c == "\\", quote != "`", let n = peek(1) {
                    body.append(c); body.append(n)
                    index += 2
                    continue
                }
                body.append(c)
                index += 1
            }
            throw invalid("unterminated quoted string \(String(chars[start...]))")
        }

        private mutating func number() throws(VaneError) -> Token {
            let start = index
            if peek() == "-" { index += 1 }
            var hadDigits = false
            while let c = peek(), Self.isDigit(c) { index += 1; hadDigits = true }
            if peek() == ".", hadDigits || peek(1).map(Self.isDigit) == true {
                index += 1
                while let c = peek(), Self.isDigit(c) { index += 1 }
            }
            if let e = peek(), e == "e" || e == "E" {
                var j = index + 1
                if j < chars.count, chars[j] == "-" || chars[j] == "+" { j += 1 }
                if j < chars.count, Self.isDigit(chars[j]) {
                    index = j
                    while let c = peek(), Self.isDigit(c) { index += 1 }
                }
            }
            if let c = peek(), Self.isWordChar(c) || c == "." || c == "`" || c == "\"" {
                while let c = peek(), !c.isWhitespace { index += 1 }
                throw invalid("'\(String(chars[start..<index]))'")
            }
            let text = String(chars[start..<index])
            return Token(kind: .number(text), text: text)
        }

        /// Reads dot-joined segments: bare words, `backticked` or "double-quoted" names.
        private mutating func identifier() throws(VaneError) -> Token {
            let start = index
            var segments: [Segment] = []
            while true {
                guard let c = peek() else {
                    throw invalid("'\(String(chars[start...]))'")
                }
                if c == "`" || c == "\"" {
                    let body = try quoted(by: c)
                    segments.append(Segment(text: body, quote: c))
                } else if Self.isWordChar(c) {
                    let s = index
                    while let d = peek(), Self.isWordChar(d) { index += 1 }
                    segments.append(Segment(text: String(chars[s..<index]), quote: nil))
                } else {
                    throw invalid("'\(String(chars[start..<index]))'")
                }
                if peek() == "." {
                    index += 1
                    continue
                }
                break
            }
            let text = String(chars[start..<index])
            if segments.count == 1, segments[0].quote == "\"" {
                return Token(kind: .doubleQuoted(segments[0].text), text: text)
            }
            return Token(kind: .identifier(segments), text: text)
        }
    }
}
