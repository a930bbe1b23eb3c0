import Foundation
import VaneText

/// The line formats of the operations side's files: one JSON object per alert or silence,
/// written by hand (the alert journal is on the intake's path) and read back at start.
enum OpsRecords {
    static func writeLabels(_ key: String, _ labels: LabelSet, to w: inout JSONWriter) {
        w.beginObject(key)
        for label in labels { w.field(label.name, label.value) }
        w.endObject()
    }

    static func writeTime(_ key: String, _ time: WireTime, to w: inout JSONWriter) {
        w.beginArray(key)
        w.rawElement(time.micros)
        w.rawElement(Int64(time.offsetSeconds))
        w.endArray()
    }

    /// An alert as one line (newline included).
    static func line(_ alert: Alert, into w: inout JSONWriter) {
        w.beginObject()
        writeLabels("l", alert.labels, to: &w)
        writeLabels("a", alert.annotations, to: &w)
        writeTime("s", alert.startsAt, to: &w)
        writeTime("e", alert.endsAt, to: &w)
        writeTime("u", alert.updatedAt, to: &w)
        if !alert.generatorURL.isEmpty { w.field("g", alert.generatorURL) }
        if alert.timeout { w.field("t", true) }
        w.endObject()
    }

    static func time(_ value: Any?) -> WireTime? {
        guard let pair = value as? [NSNumber], pair.count == 2 else { return nil }
        return WireTime(micros: pair[0].int64Value, offsetSeconds: pair[1].int32Value)
    }

    static func line(_ silence: Silence) -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.field("id", silence.id)
        w.beginArray("m")
        for matcher in silence.matchers {
            w.beginObject()
            w.field("n", matcher.name)
            w.field("v", matcher.value)
            w.field("k", Int64(matcher.kind.rawValue))
            w.endObject()
        }
        w.endArray()
        writeTime("s", silence.startsAt, to: &w)
        writeTime("e", silence.endsAt, to: &w)
        writeTime("u", silence.updatedAt, to: &w)
        w.field("by", silence.createdBy)
        w.field("c", silence.comment)
        w.endObject()
        w.rawByte(0x0A)
        return w.bytes
    }

    static func silence(_ object: [String: Any]) -> Silence? {
        guard let id = object["id"] as? String, let list = object["m"] as? [[String: Any]], let starts = time(object["s"]),
              let ends = time(object["e"]), let updated = time(object["u"]) else { return nil }
        var matchers: [Matcher] = []
        for m in list {
            guard let name = m["n"] as? String, let value = m["v"] as? String, let raw = (m["k"] as? NSNumber)?.intValue,
                  let kind = Matcher.Kind(rawValue: raw), let matcher = try? Matcher(name: name, kind: kind, value: value) else { return nil }
            matchers.append(matcher)
        }
        return Silence(id: id, matchers: matchers, startsAt: starts, endsAt: ends, updatedAt: updated,
                       createdBy: object["by"] as? String ?? "", comment: object["c"] as? String ?? "")
    }

    /// The JSON objects of a file of lines; a line cut short by a crash (the last) or damaged is skipped.
    static func objects(inFile path: String) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var result: [[String: Any]] = []
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            if let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] { result.append(object) }
        }
        return result
    }
}
