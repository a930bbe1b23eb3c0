import VaneText
import Hummingbird
import VaneCore
import VaneRegistry
import VaneTracking

/// MLflow's JSON shapes for the domain types. Empty collections are omitted, as the reference does.
extension JSONWriter {
    /// An array of objects under `key`, left out when empty (MLflow omits empty collections).
    mutating func objects<T>(_ key: String, _ items: [T], _ body: (inout JSONWriter, T) -> Void) {
        guard !items.isEmpty else { return }
        beginArray(key)
        for item in items {
            beginObject()
            body(&self, item)
            endObject()
        }
        endArray()
    }

    /// A list answer: `{"<key>": [...], "next_page_token": ...}`, both left out when empty.
    static func list<T>(_ key: String, _ items: [T], nextPageToken: String? = nil, capacity: Int = 2048,
                        _ body: (inout JSONWriter, T) -> Void) -> Response {
        var w = JSONWriter(capacity: capacity)
        w.beginObject()
        w.objects(key, items, body)
        w.field("next_page_token", nextPageToken)
        w.endObject()
        return w.response()
    }

    mutating func tags(_ key: String, _ tags: [Tag]) {
        guard !tags.isEmpty else { return }
        beginArray(key)
        for t in tags {
            beginObject()
            field("key", t.key)
            field("value", t.value)
            endObject()
        }
        endArray()
    }

    mutating func experiment(_ e: Experiment) {
        field("experiment_id", String(e.id))
        field("name", e.name)
        field("artifact_location", e.artifactLocation)
        field("lifecycle_stage", e.lifecycleStage.rawValue)
        field("last_update_time", e.lastUpdateTime)
        field("creation_time", e.creationTime)
        tags("tags", e.tags)
    }

    mutating func metric(_ m: Metric) {
        field("key", m.key)
        field("value", m.value)
        field("timestamp", m.timestamp)
        field("step", m.step)
        field("run_id", m.runID)
        field("model_id", m.modelID)
    }

    /// `{"metrics": [...], "next_page_token": ...}` for one key's history. The key is the same in
    /// every point, so its bytes are prepared once: this answer can hold 100,000 points.
    static func metricHistory(_ page: Page<Metric>) -> JSONWriter {
        var w = JSONWriter(capacity: 64 + page.items.count * 72)
        w.beginObject()
        if let first = page.items.first {
            w.beginArray("metrics")
            var keyWriter = JSONWriter()
            keyWriter.writeString(first.key)
            let prefix = Array("{\"key\":".utf8) + keyWriter.bytes + Array(",\"value\":".utf8)
            let timestamp = Array(",\"timestamp\":".utf8), step = Array(",\"step\":".utf8)
            for (i, m) in page.items.enumerated() {
                if i > 0 { w.rawByte(UInt8(ascii: ",")) }
                w.raw(prefix)
                w.rawNumber(m.value)
                w.raw(timestamp)
                w.rawNumber(m.timestamp)
                w.raw(step)
                w.rawNumber(m.step)
                w.rawByte(UInt8(ascii: "}"))
            }
            w.endArray()
        }
        w.field("next_page_token", page.nextPageToken)
        w.endObject()
        return w
    }

    mutating func runInfo(_ i: RunInfo) {
        field("run_id", i.runID)
        field("run_uuid", i.runID)
        field("run_name", i.runName)
        field("experiment_id", String(i.experimentID))
        field("user_id", i.userID)
        field("status", i.status.rawValue)
        field("start_time", i.startTime)
        field("end_time", i.endTime)
        field("artifact_uri", i.artifactURI)
        field("lifecycle_stage", i.lifecycleStage.rawValue)
    }

    mutating func run(_ r: Run) {
        beginObject("info"); runInfo(r.info); endObject()
        beginObject("data")
        objects("metrics", r.metrics) { $0.metric($1) }
        tags("params", r.params)
        tags("tags", r.tags)
        endObject()
        beginObject("inputs")
        if !r.inputs.isEmpty {
            beginArray("dataset_inputs")
            for input in r.inputs {
                beginObject()
                tags("tags", input.tags)
                beginObject("dataset")
                field("name", input.dataset.name)
                field("digest", input.dataset.digest)
                field("source_type", input.dataset.sourceType)
                field("source", input.dataset.source)
                field("schema", input.dataset.schema)
                field("profile", input.dataset.profile)
                endObject()
                endObject()
            }
            endArray()
        }
        endObject()
        beginObject("outputs")
        if !r.outputs.isEmpty {
            beginArray("model_outputs")
            for o in r.outputs {
                beginObject(); field("model_id", o.modelID); field("step", o.step); endObject()
            }
            endArray()
        }
        endObject()
    }

    mutating func modelVersion(_ v: ModelVersion) {
        field("name", v.name)
        field("version", String(v.version))
        field("creation_timestamp", v.creationTimestamp)
        field("last_updated_timestamp", v.lastUpdatedTimestamp)
        field("description", v.description)
        field("user_id", v.userID)
        field("current_stage", v.currentStage.rawValue)
        field("source", v.source)
        field("run_id", v.runID)
        field("run_link", v.runLink)
        field("status", v.status)
        field("status_message", v.statusMessage)
        tags("tags", v.tags)
        if !v.aliases.isEmpty {
            beginArray("aliases")
            for a in v.aliases { element(a) }
            endArray()
        }
    }

    mutating func registeredModel(_ m: RegisteredModel) {
        field("name", m.name)
        field("creation_timestamp", m.creationTimestamp)
        field("last_updated_timestamp", m.lastUpdatedTimestamp)
        field("description", m.description)
        objects("latest_versions", m.latestVersions) { $0.modelVersion($1) }
        tags("tags", m.tags)
        if !m.aliases.isEmpty {
            beginArray("aliases")
            for a in m.aliases { beginObject(); field("alias", a.alias); field("version", String(a.version)); endObject() }
            endArray()
        }
    }

    mutating func loggedModel(_ m: LoggedModel) {
        beginObject("info")
        field("model_id", m.modelID)
        field("experiment_id", String(m.experimentID))
        field("name", m.name)
        field("artifact_uri", m.artifactLocation)
        field("creation_timestamp_ms", m.creationTimestamp)
        field("last_updated_timestamp_ms", m.lastUpdatedTimestamp)
        field("status", m.status.rawValue)
        field("model_type", m.modelType)
        field("source_run_id", m.sourceRunID)
        tags("tags", m.tags)
        endObject()
        beginObject("data")
        tags("params", m.params)
        objects("metrics", m.metrics) { $0.metric($1) }
        endObject()
    }
}
