import VaneCore

extension SearchFilter {
    /// The rules of one search surface (runs, experiments, registered models, model versions):
    /// which prefixes, attribute keys, comparators and value types it accepts, mirroring
    /// MLflow's `SearchUtils`, `SearchExperimentsUtils`, `SearchModelUtils` and
    /// `SearchModelVersionUtils` together with the checks its SQL stores add.
    struct Grammar: Sendable {
        enum AttributeKind: Sendable { case string, numeric }

        struct Attribute: Sendable {
            var canonical: String
            var kind: AttributeKind
        }

        /// Prefix → entity, e.g. `params` → `.param`. Case-sensitive, as in MLflow.
        var prefixes: [String: SearchEntity]
        /// What follows "Invalid entity type 'x'. " in the message for an unknown prefix.
        var validEntitiesMessage: String
        /// Filterable attribute names (including aliases) → canonical name and kind.
        var filterAttributes: [String: Attribute]
        /// Orderable attribute names (including aliases) → canonical name.
        var orderAttributes: [String: String]
        /// Canonical attribute keys that accept a parenthesised list.
        var listAttributes: Set<String>
        var stringAttributeComparators: [SearchComparator]
        var tagComparators: [SearchComparator]
        var paramComparators: [SearchComparator]
        /// Entities that may be used in order_by.
        var orderEntities: Set<SearchEntity>
        /// Whether a numeric literal given for a string attribute gets model-version wording.
        var numericOnlyForNumericAttributes = false
        /// Whether a quoted number is accepted for a numeric attribute (model versions' `version_number`).
        var acceptsQuotedNumbers = false

        static let numericComparators: [SearchComparator] = [.greater, .greaterOrEqual, .notEqual, .equal, .less, .lessOrEqual]
        static let datasetComparators: [SearchComparator] = [.notEqual, .equal, .like, .ilike, .in, .notIn]
        static let datasetKeys: Set<String> = ["name", "digest", "context"]

        // MARK: The four surfaces

        /// SearchRuns: `SearchUtils` plus the sqlalchemy store's translations.
        static let runs: Grammar = {
            var prefixes: [String: SearchEntity] = [:]
            for p in ["metric", "metrics"] { prefixes[p] = .metric }
            for p in ["parameter", "parameters", "param", "params"] { prefixes[p] = .param }
            for p in ["tag", "tags"] { prefixes[p] = .tag }
            for p in ["attribute", "attributes", "attr", "run"] { prefixes[p] = .attribute }
            for p in ["dataset", "datasets"] { prefixes[p] = .dataset }
            var attributes: [String: Attribute] = [:]
            for k in ["run_id", "run_name", "user_id", "status", "artifact_uri"] {
                attributes[k] = Attribute(canonical: k, kind: .string)
            }
            for k in ["start_time", "end_time"] { attributes[k] = Attribute(canonical: k, kind: .numeric) }
            for k in ["created", "Created"] { attributes[k] = Attribute(canonical: "start_time", kind: .numeric) }
            for k in ["run name", "Run name", "Run Name"] { attributes[k] = Attribute(canonical: "run_name", kind: .string) }
            var order: [String: String] = [:]
            for k in ["run_id", "run_name", "user_id", "status", "artifact_uri", "start_time", "end_time"] { order[k] = k }
            for k in ["created", "Created"] { order[k] = "start_time" }
            return Grammar(
                prefixes: prefixes,
                validEntitiesMessage: "Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
                filterAttributes: attributes,
                orderAttributes: order,
                listAttributes: ["run_id"],
                stringAttributeComparators: [.notEqual, .equal, .like, .ilike, .in, .notIn],
                tagComparators: [.notEqual, .equal, .like, .ilike, .isNull, .isNotNull],
                paramComparators: [.notEqual, .equal, .like, .ilike, .isNull, .isNotNull],
                orderEntities: [.metric, .param, .tag, .attribute])
        }()

        /// SearchExperiments: `SearchExperimentsUtils` plus the store's comparator checks.
        static let experiments = Grammar(
            prefixes: ["attribute": .attribute, "attributes": .attribute, "tag": .tag, "tags": .tag],
            validEntitiesMessage: "Valid entity types are ('attribute', 'tag', 'tags')",
            filterAttributes: [
                "name": Attribute(canonical: "name", kind: .string),
                "creation_time": Attribute(canonical: "creation_time", kind: .numeric),
                "last_update_time": Attribute(canonical: "last_update_time", kind: .numeric),
            ],
            orderAttributes: ["name": "name", "experiment_id": "experiment_id", "creation_time": "creation_time", "last_update_time": "last_update_time"],
            listAttributes: [],
            stringAttributeComparators: [.notEqual, .equal, .like, .ilike],
            tagComparators: [.notEqual, .equal, .like, .ilike, .isNull, .isNotNull],
            paramComparators: [],
            orderEntities: [.attribute])

        /// SearchRegisteredModels: `SearchModelUtils` plus the registry store's checks.
        static let registeredModels = Grammar(
            prefixes: ["attribute": .attribute, "attributes": .attribute, "tag": .tag, "tags": .tag],
            validEntitiesMessage: "Valid entity types are ('attribute', 'tag', 'tags')",
            filterAttributes: ["name": Attribute(canonical: "name", kind: .string)],
            orderAttributes: [
                "name": "name", "timestamp": "last_updated_timestamp",
                "last_updated_timestamp": "last_updated_timestamp", "creation_timestamp": "creation_timestamp",
            ],
            listAttributes: [],
            stringAttributeComparators: [.notEqual, .equal, .like, .ilike],
            tagComparators: [.notEqual, .equal, .like, .ilike],
            paramComparators: [],
            orderEntities: [.attribute])

        /// SearchModelVersions: `SearchModelVersionUtils` plus the registry store's checks.
        static let modelVersions = Grammar(
            prefixes: ["attribute": .attribute, "attributes": .attribute, "tag": .tag, "tags": .tag],
            validEntitiesMessage: "Valid entity types are ('attribute', 'tag', 'tags')",
            filterAttributes: [
                "name": Attribute(canonical: "name", kind: .string),
                "run_id": Attribute(canonical: "run_id", kind: .string),
                "source_path": Attribute(canonical: "source_path", kind: .string),
                "version_number": Attribute(canonical: "version_number", kind: .numeric),
            ],
            orderAttributes: [
                "name": "name", "version_number": "version_number",
                "creation_timestamp": "creation_timestamp", "last_updated_timestamp": "last_updated_timestamp",
            ],
            listAttributes: ["run_id"],
            stringAttributeComparators: [.notEqual, .equal, .like, .ilike, .in],
            tagComparators: [.notEqual, .equal, .like, .ilike],
            paramComparators: [],
            orderEntities: [.attribute],
            numericOnlyForNumericAttributes: true,
            acceptsQuotedNumbers: true)

        /// SearchLoggedModels: `SearchLoggedModelsUtils` (MLflow 3). Lists are accepted for
        /// every string attribute; datasets are not an entity here.
        static let loggedModels: Grammar = {
            var prefixes = runs.prefixes
            prefixes["dataset"] = nil
            prefixes["datasets"] = nil
            var attributes: [String: Attribute] = [:]
            for k in ["name", "model_id", "model_type", "status", "source_run_id"] {
                attributes[k] = Attribute(canonical: k, kind: .string)
            }
            for k in ["creation_timestamp", "creation_time"] { attributes[k] = Attribute(canonical: "creation_timestamp", kind: .numeric) }
            for k in ["last_updated_timestamp", "last_updated_time"] { attributes[k] = Attribute(canonical: "last_updated_timestamp", kind: .numeric) }
            return Grammar(
                prefixes: prefixes,
                validEntitiesMessage: "Valid values are ['metric', 'parameter', 'tag', 'attribute']",
                filterAttributes: attributes,
                orderAttributes: attributes.mapValues(\.canonical),
                listAttributes: ["name", "model_id", "model_type", "status", "source_run_id"],
                stringAttributeComparators: [.notEqual, .equal, .like, .ilike, .in, .notIn],
                tagComparators: [.notEqual, .equal, .like, .ilike],
                paramComparators: [.notEqual, .equal, .like, .ilike],
                orderEntities: [.metric, .param, .tag, .attribute])
        }()

        // MARK: Filter parsing

        /// A right-hand side before validation against the key's entity.
        private enum RawValue {
            case number(String)
            case string(String)
            case bare(String)
            case list([String], text: String)
            case none

            var text: String {
                switch self {
                case .number(let t), .bare(let t): t
                case .string(let s): "'\(s)'"
                case .list(_, let text): text
                case .none: ""
                }
            }
        }

        /// A comparator as written; `unknown` ones are reported once the value has been checked.
        private enum RawComparator {
            case known(SearchComparator)
            case unknown(String)

            var text: String {
                switch self {
                case .known(let c): c.rawValue
                case .unknown(let s): s
                }
            }
        }

        private static let reservedWords: Set<String> = ["AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL"]

        func parseFilter(_ filter: String?) throws(VaneError) -> SearchFilter {
            guard let filter else { return SearchFilter() }
            try SearchLimits.checkFilterLength(filter)
            guard !filter.allSatisfy(\.isWhitespace) else { return SearchFilter() }
            let tokens = try Lexer.tokenize(filter)
            var position = 0
            var clauses: [SearchClause] = []
            var listValues = 0
            while true {
                if clauses.count == SearchLimits.maxFilterTerms { throw SearchLimits.tooManyTerms() }
                let (clause, values) = try parseClause(tokens, &position)
                listValues += values
                if listValues > SearchLimits.maxListValues { throw SearchLimits.tooManyListValues() }
                clauses.append(clause)
                if position == tokens.count { break }
                if tokens[position].isKeyword("AND"), position + 1 < tokens.count {
                    position += 1
                    continue
                }
                throw Self.invalidClause(tokens, from: position)
            }
            return SearchFilter(clauses: clauses)
        }

        private static func invalidClause(_ tokens: [Token], from position: Int) -> VaneError {
            let rest = tokens[min(position, tokens.count)...].map(\.text).joined(separator: " ")
            return VaneError.invalid("Invalid clause(s) in filter string: '\(rest)'")
        }

        /// One clause, and how many values its list has as written (0 without a list).
        private func parseClause(_ tokens: [Token], _ position: inout Int) throws(VaneError) -> (SearchClause, listValues: Int) {
            let start = position
            guard position < tokens.count else { throw Self.invalidClause(tokens, from: start) }
            let segments: [Segment]
            switch tokens[position].kind {
            case .identifier(let s):
                if s.count == 1, s[0].quote == nil, Self.reservedWords.contains(s[0].text.uppercased()) {
                    throw Self.invalidClause(tokens, from: start)
                }
                segments = s
            case .doubleQuoted(let text):
                segments = [Segment(text: text, quote: "\"")]
            default:
                throw Self.invalidClause(tokens, from: start)
            }
            position += 1
            let key = try resolveFilterKey(segments)

            let comparator = try parseComparator(tokens, &position, clauseStart: start)
            let value = try parseValue(tokens, &position, comparator: comparator, clauseStart: start)
            var listValues = 0
            if case .list(let items, _) = value { listValues = items.count }
            return (try validate(key: key, comparator: comparator, value: value), listValues)
        }

        private func parseComparator(_ tokens: [Token], _ position: inout Int, clauseStart: Int) throws(VaneError) -> RawComparator {
            guard position < tokens.count else { throw Self.invalidClause(tokens, from: clauseStart) }
            let token = tokens[position]
            position += 1
            if case .comparison(let op) = token.kind {
                switch op {
                case "=": return .known(.equal)
                case "!=": return .known(.notEqual)
                case "<": return .known(.less)
                case "<=": return .known(.lessOrEqual)
                case ">": return .known(.greater)
                case ">=": return .known(.greaterOrEqual)
                default: return .unknown(op)
                }
            }
            if token.isKeyword("LIKE") { return .known(.like) }
            if token.isKeyword("ILIKE") { return .known(.ilike) }
            if token.isKeyword("IN") { return .known(.in) }
            if token.isKeyword("NOT"), position < tokens.count {
                let next = tokens[position]
                position += 1
                if next.isKeyword("IN") { return .known(.notIn) }
                if next.isKeyword("LIKE") || next.isKeyword("ILIKE") || next.isKeyword("RLIKE") || next.isKeyword("REGEXP") {
                    return .unknown("NOT \(next.text.uppercased())")
                }
            }
            if token.isKeyword("RLIKE") || token.isKeyword("REGEXP") { return .unknown(token.text.uppercased()) }
            if token.isKeyword("IS"), position < tokens.count {
                if tokens[position].isKeyword("NULL") {
                    position += 1
                    return .known(.isNull)
                }
                if tokens[position].isKeyword("NOT"), position + 1 < tokens.count, tokens[position + 1].isKeyword("NULL") {
                    position += 2
                    return .known(.isNotNull)
                }
            }
            throw Self.invalidClause(tokens, from: clauseStart)
        }

        private func parseValue(_ tokens: [Token], _ position: inout Int, comparator: RawComparator, clauseStart: Int) throws(VaneError) -> RawValue {
            if case .known(let c) = comparator, c == .isNull || c == .isNotNull { return .none }
            guard position < tokens.count else { throw Self.invalidClause(tokens, from: clauseStart) }
            let token = tokens[position]
            let wantsList: Bool
            if case .known(let c) = comparator, c == .in || c == .notIn { wantsList = true } else { wantsList = false }
            if wantsList {
                guard case .leftParen = token.kind else { throw Self.invalidClause(tokens, from: clauseStart) }
                return try parseList(tokens, &position)
            }
            position += 1
            switch token.kind {
            case .number(let text): return .number(text)
            case .singleQuoted(let s), .doubleQuoted(let s):
                try SearchLimits.checkString(s)
                return .string(s)
            case .identifier:
                if token.isKeyword("AND") { throw Self.invalidClause(tokens, from: clauseStart) }
                return .bare(token.text)
            default:
                throw Self.invalidClause(tokens, from: clauseStart)
            }
        }

        /// Parses `('a', "b", ...)` the way MLflow's `ast.literal_eval` reads it: non-empty,
        /// strings only, a trailing comma allowed.
        private func parseList(_ tokens: [Token], _ position: inout Int) throws(VaneError) -> RawValue {
            let illFormed = VaneError.invalid("While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")
            let start = position
            position += 1  // (
            var items: [String] = []
            var sawNonString = false
            var expectItem = true
            while true {
                guard position < tokens.count else { throw illFormed }
                let token = tokens[position]
                position += 1
                switch token.kind {
                case .rightParen:
                    let text = tokens[start..<position].map(\.text).joined(separator: " ")
                    if items.isEmpty && !sawNonString {
                        if expectItem && position - start == 2 {
                            throw VaneError.invalid("While parsing a list in the query, expected a non-empty list of string values, but got empty list")
                        }
                        throw illFormed
                    }
                    if sawNonString {
                        throw VaneError.invalid("While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: \(text)")
                    }
                    return .list(items, text: text)
                case .comma:
                    if expectItem { throw illFormed }
                    expectItem = true
                case .singleQuoted(let s), .doubleQuoted(let s):
                    if !expectItem { throw illFormed }
                    if items.count == SearchLimits.maxListValues { throw SearchLimits.tooManyListValues() }
                    try SearchLimits.checkString(s)
                    items.append(s)
                    expectItem = false
                case .number:
                    if !expectItem { throw illFormed }
                    sawNonString = true
                    expectItem = false
                default:
                    throw illFormed
                }
            }
        }

        /// Splits a dotted identifier into MLflow's entity type and key: everything after the
        /// first dot is the key, unquoted if the whole key is quoted.
        private func splitIdentifier(_ segments: [Segment]) -> (prefix: String?, key: String) {
            if segments.count == 1 { return (nil, segments[0].text) }
            let first = segments[0]
            let prefix = first.quote == "`" ? first.text : first.raw
            if segments.count == 2, segments[1].quote != nil { return (prefix, segments[1].text) }
            return (prefix, segments.dropFirst().map(\.raw).joined(separator: "."))
        }

        private func resolveEntity(_ prefix: String?) throws(VaneError) -> SearchEntity {
            guard let prefix else { return .attribute }
            guard let entity = prefixes[prefix] else {
                throw VaneError.invalid("Invalid entity type '\(prefix)'. \(validEntitiesMessage)")
            }
            return entity
        }

        private func resolveFilterKey(_ segments: [Segment]) throws(VaneError) -> (key: SearchKey, kind: AttributeKind?) {
            let (prefix, key) = splitIdentifier(segments)
            let entity = try resolveEntity(prefix)
            switch entity {
            case .attribute:
                guard let attribute = filterAttributes[key] else {
                    throw VaneError.invalid("Invalid attribute key '\(key)' specified. Valid keys are '\(Self.setRepr(filterAttributes.keys))'")
                }
                return (SearchKey(entity: .attribute, key: attribute.canonical), attribute.kind)
            case .dataset:
                guard Self.datasetKeys.contains(key) else {
                    throw VaneError.invalid("Invalid dataset key '\(key)' specified. Valid keys are '\(Self.setRepr(Self.datasetKeys))'")
                }
                return (SearchKey(entity: .dataset, key: key), nil)
            case .metric, .param, .tag:
                return (SearchKey(entity: entity, key: key), nil)
            }
        }

        // MARK: Validation

        private static func setRepr<S: Sequence>(_ items: S) -> String where S.Element == String {
            "{" + items.sorted().map { "'\($0)'" }.joined(separator: ", ") + "}"
        }

        private static func comparatorError(_ comparator: RawComparator, allowed: [SearchComparator]) -> VaneError {
            VaneError.invalid("Invalid comparator '\(comparator.text)' not one of '\(setRepr(allowed.map(\.rawValue)))'")
        }

        private static func check(_ comparator: RawComparator, _ allowed: [SearchComparator]) throws(VaneError) -> SearchComparator {
            guard case .known(let c) = comparator, allowed.contains(c) else {
                throw comparatorError(comparator, allowed: allowed)
            }
            return c
        }

        private static func notQuoted(_ text: String) -> VaneError {
            VaneError.invalid("Parameter value is either not quoted or unidentified quote types used for string value \(text). Use either single or double quotes.")
        }

        /// Python's `str.islower()`: at least one cased character and none upper- or title-case.
        static func isLowercased(_ s: String) -> Bool {
            let cased = s.filter(\.isCased)
            return !cased.isEmpty && cased.allSatisfy(\.isLowercase)
        }

        private func validate(key resolved: (key: SearchKey, kind: AttributeKind?), comparator: RawComparator, value: RawValue) throws(VaneError) -> SearchClause {
            let key = resolved.key
            let isNullCheck: Bool
            if case .known(let c) = comparator, c == .isNull || c == .isNotNull { isNullCheck = true } else { isNullCheck = false }

            switch key.entity {
            case .metric:
                if isNullCheck { throw Self.comparatorError(comparator, allowed: Self.numericComparators) }
                guard case .number(let text) = value, let number = Double(text) else {
                    throw VaneError.invalid("Expected numeric value type for metric. Found \(value.text)")
                }
                let c = try Self.check(comparator, Self.numericComparators)
                return SearchClause(key: key, comparator: c, value: .number(number))

            case .param, .tag:
                let allowed = key.entity == .param ? paramComparators : tagComparators
                if isNullCheck {
                    return SearchClause(key: key, comparator: try Self.check(comparator, allowed), value: .none)
                }
                let string: String
                switch value {
                case .string(let s): string = s
                case .bare(let text): throw Self.notQuoted(text)
                default:
                    let kind = key.entity == .param ? "parameter" : "tag"
                    throw VaneError.invalid("Expected a quoted string value for \(kind) (e.g. 'my-value'). Got value \(value.text)")
                }
                return SearchClause(key: key, comparator: try Self.check(comparator, allowed), value: .string(string))

            case .attribute where resolved.kind == .numeric:
                if isNullCheck { throw Self.comparatorError(comparator, allowed: Self.numericComparators) }
                let number: Double
                switch value {
                case .number(let text) where Double(text) != nil:
                    number = Double(text)!
                case .string(let s) where acceptsQuotedNumbers && Double(s) != nil:
                    number = Double(s)!
                case .bare(let text) where !acceptsQuotedNumbers:
                    throw VaneError.invalid("Expected numeric value type for numeric attribute: \(key.key). Found \(text)")
                case .bare(let text):
                    throw Self.notQuoted(text)
                default:
                    throw VaneError.invalid("Expected numeric value type for numeric attribute: \(key.key). Found \(value.text)")
                }
                return SearchClause(key: key, comparator: try Self.check(comparator, Self.numericComparators), value: .number(number))

            case .attribute:
                if isNullCheck { throw Self.comparatorError(comparator, allowed: stringAttributeComparators) }
                let result: SearchValue
                switch value {
                case .string(let s):
                    result = .string(s)
                case .list(let items, _):
                    guard listAttributes.contains(key.key) else {
                        let names = listAttributes.isEmpty ? "run_id" : listAttributes.sorted().joined(separator: "', '")
                        throw VaneError.invalid("Only the '\(names)' attribute supports comparison with a list of quoted string values.")
                    }
                    // MLflow drops ids that are not lower-case (MySQL's IN is case-insensitive).
                    result = .list(items.filter(Self.isLowercased))
                case .bare(let text):
                    throw Self.notQuoted(text)
                case .number:
                    if numericOnlyForNumericAttributes {
                        let numeric = filterAttributes.values.filter { $0.kind == .numeric }.map(\.canonical)
                        throw VaneError.invalid("Only the '\(Self.setRepr(numeric))' attributes support comparison with numeric values.")
                    }
                    throw VaneError.invalid("Expected a quoted string value for attributes. Got value \(value.text)")
                case .none:
                    throw Self.comparatorError(comparator, allowed: stringAttributeComparators)
                }
                return SearchClause(key: key, comparator: try Self.check(comparator, stringAttributeComparators), value: result)

            case .dataset:
                if isNullCheck { throw Self.comparatorError(comparator, allowed: Self.datasetComparators) }
                let result: SearchValue
                switch value {
                case .string(let s): result = .string(s)
                // MLflow parses dataset lists with its run-id helper, which drops non-lower-case items.
                case .list(let items, _): result = .list(items.filter(Self.isLowercased))
                case .bare(let text): throw Self.notQuoted(text)
                default:
                    throw VaneError.invalid("Expected a quoted string value for dataset attributes. Got value \(value.text)")
                }
                return SearchClause(key: key, comparator: try Self.check(comparator, Self.datasetComparators), value: result)
            }
        }

        // MARK: Order by

        /// Parses one order_by item: `key`, `key ASC` or `key DESC` (case-insensitive direction).
        func parseOrderBy(_ item: String) throws(VaneError) -> OrderByClause {
            let unparsable = VaneError.invalid("Invalid order_by clause '\(item)'. Could not be parsed.")
            let tokens: [Token]
            do {
                tokens = try Lexer.tokenize(item)
            } catch {
                throw unparsable
            }
            guard !tokens.isEmpty, tokens.count <= 2 else { throw unparsable }
            let segments: [Segment]
            switch tokens[0].kind {
            case .identifier(let s): segments = s
            case .doubleQuoted(let text): segments = [Segment(text: text, quote: "\"")]
            default: throw unparsable
            }
            var ascending = true
            if tokens.count == 2 {
                guard case .identifier = tokens[1].kind else { throw unparsable }
                if tokens[1].isKeyword("ASC") {
                    ascending = true
                } else if tokens[1].isKeyword("DESC") {
                    ascending = false
                } else {
                    throw VaneError.invalid("Invalid ordering key in order_by clause '\(item)'.")
                }
            }
            let (prefix, key) = splitIdentifier(segments)
            let entity = try resolveEntity(prefix)
            switch entity {
            case .attribute:
                guard let canonical = orderAttributes[key] else {
                    throw VaneError.invalid("Invalid attribute key '\(key)' specified. Valid keys are '\(Self.setRepr(orderAttributes.keys))'")
                }
                return OrderByClause(key: SearchKey(entity: .attribute, key: canonical), ascending: ascending)
            case .dataset:
                guard Self.datasetKeys.contains(key) else {
                    throw VaneError.invalid("Invalid dataset key '\(key)' specified. Valid keys are '\(Self.setRepr(Self.datasetKeys))'")
                }
                throw VaneError.invalid("Invalid identifier type 'dataset'")
            case .metric, .param, .tag:
                guard orderEntities.contains(entity) else {
                    throw VaneError.invalid("Invalid order_by entity: tag")
                }
                return OrderByClause(key: SearchKey(entity: entity, key: key), ascending: ascending)
            }
        }

        /// Parses a list of order_by items, rejecting a key that appears twice (after aliasing).
        func parseOrderBy(_ items: [String]) throws(VaneError) -> [OrderByClause] {
            try SearchLimits.checkOrderBy(items)
            var result: [OrderByClause] = []
            var seen: Set<SearchKey> = []
            for item in items {
                let clause = try parseOrderBy(item)
                guard seen.insert(clause.key).inserted else {
                    let list = items.map { "'\($0)'" }.joined(separator: ", ")
                    throw VaneError.invalid("`order_by` contains duplicate fields: [\(list)]")
                }
                result.append(clause)
            }
            return result
        }
    }
}
