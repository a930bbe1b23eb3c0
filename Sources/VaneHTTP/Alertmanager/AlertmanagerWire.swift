import VaneText
import VaneCore
import VaneOps

/// Alertmanager's API v2 JSON: posted alerts and silences in, gettable alerts and silences out,
/// keys in the order Alertmanager writes them.
enum AlertmanagerWire {
    // MARK: reading

    /// `postableAlerts`: a JSON array of `{labels (required), annotations, startsAt, endsAt, generatorURL}`.
    static func postedAlerts(_ bytes: [UInt8], maxValues: Int) throws -> [PostedAlert] {
        if let alerts = postedAlertsFast(bytes, maxValues: maxValues) { return alerts }
        return try postedAlertsFromTree(bytes, maxValues: maxValues)
    }

    /// `postableAlerts` read through a JSON tree: every body, with Alertmanager's errors.
    static func postedAlertsFromTree(_ bytes: [UInt8], maxValues: Int) throws -> [PostedAlert] {
        let root: JSONValue
        do { root = try JSONValue.parse(bytes, maxValues: maxValues) } catch {
            throw AlertmanagerError.parsing("alerts", error.message)
        }
        guard case .array(let items) = root else {
            throw AlertmanagerError.parsing("alerts", "json: cannot unmarshal \(goKind(root)) into Go value of type models.PostableAlerts")
        }
        var result: [PostedAlert] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item else {
                throw AlertmanagerError.parsing("alerts", "json: cannot unmarshal \(goKind(item)) into Go value of type models.PostableAlert")
            }
            guard let labelsValue = fields["labels"], labelsValue != .null else { throw AlertmanagerError.required("\(index).labels") }
            let labels = try stringMap(labelsValue, field: "labels")
            let annotations = try fields["annotations"].map { v throws in try stringMap(v, field: "annotations") } ?? []
            let startsAt = try time(fields["startsAt"])
            let endsAt = try time(fields["endsAt"])
            var generatorURL: String?
            if let value = fields["generatorURL"], value != .null {
                guard case .string(let text) = value else {
                    throw AlertmanagerError.parsing("alerts", "json: cannot unmarshal \(goKind(value)) into Go struct field Alert.generatorURL of type strfmt.URI")
                }
                guard text.isEmpty || isURI(text) else {
                    throw AlertmanagerError.format("\(index).generatorURL in body must be of type uri: \(GoQuote.quote(text))")
                }
                generatorURL = text
            }
            result.append(PostedAlert(labels: labels, annotations: annotations, startsAt: startsAt, endsAt: endsAt, generatorURL: generatorURL))
        }
        return result
    }

    static func stringMap(_ value: JSONValue, field: String) throws -> [Label] {
        if value == .null { return [] }
        guard case .object(let map) = value else {
            throw AlertmanagerError.parsing("alerts", "json: cannot unmarshal \(goKind(value)) into Go struct field PostableAlert.\(field) of type models.LabelSet")
        }
        var labels: [Label] = []
        labels.reserveCapacity(map.count)
        for (name, item) in map {
            guard case .string(let text) = item else {
                throw AlertmanagerError.parsing("alerts", "json: cannot unmarshal \(goKind(item)) into Go struct field PostableAlert.\(field) of type string")
            }
            labels.append(Label(name, text))
        }
        return labels
    }

    static func time(_ value: JSONValue?) throws -> WireTime? {
        guard let value, value != .null else { return nil }
        guard case .string(let text) = value else {
            throw AlertmanagerError.parsing("alerts", "json: cannot unmarshal \(goKind(value)) into Go value of type strfmt.DateTime")
        }
        if text.isEmpty { return nil }
        guard let time = WireTime(rfc3339: text) else {
            throw AlertmanagerError.parsing("alerts", "parsing time \(GoQuote.quote(text)): not an RFC 3339 time")
        }
        return time
    }

    /// Go's `url.ParseRequestURI` in spirit: an absolute URI with a scheme, no spaces.
    static func isURI(_ text: String) -> Bool {
        guard !text.contains(where: { $0 == " " || $0.isNewline }) else { return false }
        if text.hasPrefix("/") { return true }
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let scheme = text[..<colon]
        return scheme.first!.isLetter && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    static func goKind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// `postableSilence`: `{id?, matchers (≥ 1, each {name, value, isRegex (required), isEqual}),
    /// startsAt, endsAt, createdBy, comment}` (all required but `id`).
    static func postedSilence(_ bytes: [UInt8]) throws -> PostedSilence {
        let root: JSONValue
        do { root = try JSONValue.parse(bytes, maxValues: 100_000) } catch {
            throw AlertmanagerError.parsing("silence", error.message)
        }
        guard case .object(let fields) = root else {
            throw AlertmanagerError.parsing("silence", "json: cannot unmarshal \(goKind(root)) into Go value of type models.PostableSilence")
        }
        func string(_ key: String, required: Bool = true) throws -> String? {
            guard let value = fields[key], value != .null else {
                if required { throw AlertmanagerError.required(key) }
                return nil
            }
            guard case .string(let text) = value else {
                throw AlertmanagerError.parsing("silence", "json: cannot unmarshal \(goKind(value)) into Go struct field PostableSilence.\(key) of type string")
            }
            return text
        }
        func time(_ key: String) throws -> WireTime {
            guard let text = try string(key) else { throw AlertmanagerError.required(key) }
            guard let time = WireTime(rfc3339: text) else {
                throw AlertmanagerError.parsing("silence", "parsing time \(GoQuote.quote(text)): not an RFC 3339 time")
            }
            return time
        }
        guard let matchersValue = fields["matchers"], matchersValue != .null else { throw AlertmanagerError.required("matchers") }
        guard case .array(let items) = matchersValue else {
            throw AlertmanagerError.parsing("silence", "json: cannot unmarshal \(goKind(matchersValue)) into Go struct field PostableSilence.matchers of type models.Matchers")
        }
        guard !items.isEmpty else {
            throw AlertmanagerError(status: .unprocessableContent, body: .coded(612, "matchers in body should have at least 1 items"))
        }
        guard items.count <= 1000 else { throw AlertmanagerError.text("a silence has at most 1000 matchers") }
        var matchers: [PostedSilence.PostedMatcher] = []
        for (index, item) in items.enumerated() {
            guard case .object(let m) = item else {
                throw AlertmanagerError.parsing("silence", "json: cannot unmarshal \(goKind(item)) into Go value of type models.Matcher")
            }
            func field(_ key: String) throws -> JSONValue {
                guard let value = m[key], value != .null else { throw AlertmanagerError.required("matchers.\(index).\(key)") }
                return value
            }
            guard case .string(let name) = try field("name"), case .string(let value) = try field("value") else {
                throw AlertmanagerError.parsing("silence", "json: cannot unmarshal a non-string into Go struct field Matcher.matchers.name of type string")
            }
            guard case .bool(let isRegex) = try field("isRegex") else {
                throw AlertmanagerError.parsing("silence", "json: cannot unmarshal a non-boolean into Go struct field Matcher.matchers.isRegex of type bool")
            }
            var isEqual = true
            if let e = m["isEqual"], e != .null {
                guard case .bool(let flag) = e else {
                    throw AlertmanagerError.parsing("silence", "json: cannot unmarshal a non-boolean into Go struct field Matcher.matchers.isEqual of type bool")
                }
                isEqual = flag
            }
            matchers.append(.init(name: name, value: value, isRegex: isRegex, isEqual: isEqual))
        }
        let comment = try string("comment")!
        let createdBy = try string("createdBy")!
        let endsAt = try time("endsAt")
        let startsAt = try time("startsAt")
        var id = try string("id", required: false)
        if id?.isEmpty == true { id = nil }
        return PostedSilence(id: id, matchers: matchers, startsAt: startsAt, endsAt: endsAt, createdBy: createdBy, comment: comment)
    }

    // MARK: writing

    static func writeLabels(_ key: String, _ labels: LabelSet, to w: inout JSONWriter) {
        w.beginObject(key)
        for label in labels { w.field(label.name, label.value) }
        w.endObject()
    }

    /// A `gettableAlert`.
    static func write(_ view: Alerting.AlertView, to w: inout JSONWriter) {
        let alert = view.alert
        w.beginObject()
        writeLabels("annotations", alert.annotations, to: &w)
        w.field("endsAt", alert.endsAt.description)
        w.field("fingerprint", alert.fingerprint.description)
        w.beginArray("receivers")
        for receiver in view.receivers {
            w.beginObject()
            w.field("name", receiver)
            w.endObject()
        }
        w.endArray()
        w.field("startsAt", alert.startsAt.description)
        w.beginObject("status")
        w.beginArray("inhibitedBy")
        for id in view.status.inhibitedBy { w.element(id) }
        w.endArray()
        w.beginArray("silencedBy")
        for id in view.status.silencedBy { w.element(id) }
        w.endArray()
        w.field("state", view.status.state)
        w.endObject()
        w.field("updatedAt", alert.updatedAt.description)
        if !alert.generatorURL.isEmpty { w.field("generatorURL", alert.generatorURL) }
        writeLabels("labels", alert.labels, to: &w)
        w.endObject()
    }

    /// A `gettableSilence`.
    static func write(_ silence: Silence, now: Int64, to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", silence.id)
        w.beginObject("status")
        w.field("state", silence.state(at: now).rawValue)
        w.endObject()
        w.field("updatedAt", silence.updatedAt.description)
        w.field("comment", silence.comment)
        w.field("createdBy", silence.createdBy)
        w.field("endsAt", silence.endsAt.description)
        w.beginArray("matchers")
        for matcher in silence.matchers {
            w.beginObject()
            w.field("isEqual", matcher.kind.isEqual)
            w.field("isRegex", matcher.kind.isRegex)
            w.field("name", matcher.name)
            w.field("value", matcher.value)
            w.endObject()
        }
        w.endArray()
        w.field("startsAt", silence.startsAt.description)
        w.endObject()
    }
}
