import Foundation
import GRDB
import VaneCore

extension SQLiteTrackingStore {
    /// Loads whole runs for `ids`, keeping the order of `ids`; unknown ids are skipped.
    /// Four queries whatever the number of runs: info, params, tags, latest metrics (+ inputs, outputs).
    static func loadRuns(_ db: Database, ids: [String]) throws -> [Run] {
        guard !ids.isEmpty else { return [] }
        var infos: [String: RunInfo] = [:]
        var params: [String: [Param]] = [:]
        var tags: [String: [Tag]] = [:]
        var metrics: [String: [Metric]] = [:]
        var inputs: [String: [DatasetInput]] = [:]
        var outputs: [String: [ModelOutput]] = [:]
        for chunkStart in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[chunkStart..<min(chunkStart + 500, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let args = StatementArguments(chunk)
            for row in try Row.fetchAll(db, sql: """
                SELECT run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri
                FROM runs WHERE run_uuid IN (\(marks))
                """, arguments: args) {
                let id: String = row[0]
                infos[id] = RunInfo(
                    runID: id, experimentID: row[1], runName: row[2], userID: row[3],
                    status: RunStatus(rawValue: row[4]) ?? .running, startTime: row[5], endTime: row[6],
                    artifactURI: row[8], lifecycleStage: LifecycleStage(rawValue: row[7]) ?? .active)
            }
            for row in try Row.fetchAll(db, sql: "SELECT run_uuid, key, value FROM params WHERE run_uuid IN (\(marks)) ORDER BY key", arguments: args) {
                params[row[0], default: []].append(Param(key: row[1], value: row[2]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT run_uuid, key, value FROM tags WHERE run_uuid IN (\(marks)) ORDER BY key", arguments: args) {
                tags[row[0], default: []].append(Tag(key: row[1], value: row[2] ?? ""))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT run_uuid, key, step, timestamp, value, is_nan FROM latest_metrics WHERE run_uuid IN (\(marks)) ORDER BY key
                """, arguments: args) {
                let isNaN: Bool = row[5]
                metrics[row[0], default: []].append(Metric(key: row[1], value: isNaN ? .nan : (row[4] as Double? ?? .nan), timestamp: row[3], step: row[2]))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT i.run_uuid, i.tags, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
                FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid
                WHERE i.run_uuid IN (\(marks)) ORDER BY d.name, d.digest
                """, arguments: args) {
                let ds = Dataset(name: row[2], digest: row[3], sourceType: row[4], source: row[5], schema: row[6], profile: row[7])
                inputs[row[0], default: []].append(DatasetInput(dataset: ds, tags: TagListCoding.decode(row[1])))
            }
            for row in try Row.fetchAll(db, sql: "SELECT run_uuid, model_id, step FROM run_outputs WHERE run_uuid IN (\(marks)) ORDER BY model_id", arguments: args) {
                outputs[row[0], default: []].append(ModelOutput(modelID: row[1], step: row[2]))
            }
        }
        return ids.compactMap { id in
            guard let info = infos[id] else { return nil }
            return Run(info: info, metrics: metrics[id] ?? [], params: params[id] ?? [], tags: tags[id] ?? [],
                       inputs: inputs[id] ?? [], outputs: outputs[id] ?? [])
        }
    }
}

/// Stores a small list of tags as JSON text in one column.
enum TagListCoding {
    static func encode(_ tags: [Tag]) -> String {
        let arr = tags.map { ["key": $0.key, "value": $0.value] }
        guard let data = try? JSONSerialization.data(withJSONObject: arr, options: [.sortedKeys]) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [Tag] {
        guard let arr = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]] else { return [] }
        return arr.compactMap { d in d["key"].map { Tag(key: $0, value: d["value"] ?? "") } }
    }
}

/// MLflow-style random run names: `adjective-noun-number`.
enum RunNames {
    static let adjectives = ["able", "bold", "brave", "bright", "calm", "clever", "crisp", "daring", "eager", "fair",
                             "gentle", "glad", "grand", "happy", "keen", "kind", "lively", "lucky", "merry", "nimble",
                             "proud", "quick", "quiet", "rare", "sharp", "shy", "smart", "swift", "tidy", "warm", "wise", "zesty"]
    static let nouns = ["ant", "bass", "bear", "bee", "carp", "cat", "crab", "crow", "deer", "doe", "dove", "eel",
                        "elk", "finch", "fox", "frog", "gnu", "hare", "hawk", "jay", "koi", "lark", "lynx", "mole",
                        "moth", "owl", "ram", "seal", "slug", "snail", "swan", "toad", "trout", "wasp", "wolf", "wren"]
    static func random() -> String {
        "\(adjectives.randomElement()!)-\(nouns.randomElement()!)-\(Int.random(in: 0..<1000))"
    }
}
