import Foundation
import GRDB
import VaneCore
import VaneTracking

extension SQLiteRegistryStore {
    public func createModelVersion(name: String, source: String, runID: String?, runLink: String?, description: String?, tags: [Tag], modelID: String?) async throws -> ModelVersion {
        let now = clock.nowMillis()
        return try await write("create model version") { db in
            try Self.requireModel(db, name)
            let next = (try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM model_versions WHERE name = ?", arguments: [name]) ?? 0) + 1
            try db.execute(sql: """
                INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, current_stage,
                    source, run_id, run_link, status, model_id)
                VALUES (?, ?, ?, ?, ?, 'None', ?, ?, ?, 'READY', ?)
                """, arguments: [name, next, now, now, description, source, runID, runLink, modelID])
            for t in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)", arguments: [name, next, t.key, t.value])
            }
            try db.execute(sql: "UPDATE registered_models SET last_updated_time = ? WHERE name = ?", arguments: [now, name])
            return try Self.loadVersion(db, name, next)
        }
    }

    public func modelVersion(name: String, version: Int64) async throws -> ModelVersion {
        try await read("get model version") { db in try Self.loadVersion(db, name, version) }
    }

    public func updateModelVersion(name: String, version: Int64, description: String?) async throws -> ModelVersion {
        let now = clock.nowMillis()
        return try await write("update model version") { db in
            _ = try Self.loadVersion(db, name, version)
            try db.execute(sql: "UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?",
                           arguments: [description, now, name, version])
            return try Self.loadVersion(db, name, version)
        }
    }

    public func deleteModelVersion(name: String, version: Int64) async throws {
        let now = clock.nowMillis()
        try await write("delete model version") { db in
            _ = try Self.loadVersion(db, name, version)
            // Soft delete keeps the number from being reused, as MLflow does.
            try db.execute(sql: "UPDATE model_versions SET deleted = 1, current_stage = 'Deleted_Internal', last_updated_time = ? WHERE name = ? AND version = ?",
                           arguments: [now, name, version])
            try db.execute(sql: "DELETE FROM model_version_tags WHERE name = ? AND version = ?", arguments: [name, version])
            try db.execute(sql: "DELETE FROM registered_model_aliases WHERE name = ? AND version = ?", arguments: [name, version])
            try db.execute(sql: "UPDATE registered_models SET last_updated_time = ? WHERE name = ?", arguments: [now, name])
        }
    }

    public func transitionStage(name: String, version: Int64, stage: ModelStage, archiveExisting: Bool) async throws -> ModelVersion {
        let now = clock.nowMillis()
        return try await write("transition model version stage") { db in
            _ = try Self.loadVersion(db, name, version)
            if archiveExisting {
                try db.execute(sql: """
                    UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?
                    WHERE name = ? AND version != ? AND current_stage = ? AND deleted = 0
                    """, arguments: [now, name, version, stage.rawValue])
            }
            try db.execute(sql: "UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?",
                           arguments: [stage.rawValue, now, name, version])
            try db.execute(sql: "UPDATE registered_models SET last_updated_time = ? WHERE name = ?", arguments: [now, name])
            return try Self.loadVersion(db, name, version)
        }
    }

    public func latestVersions(name: String, stages: [ModelStage]) async throws -> [ModelVersion] {
        try await read("get latest versions") { db in
            let model = try Self.loadModel(db, name)
            if stages.isEmpty { return model.latestVersions }
            let wanted = Set(stages.map(\.rawValue))
            return model.latestVersions.filter { wanted.contains($0.currentStage.rawValue) }
        }
    }

    public func setModelVersionTag(name: String, version: Int64, tag: Tag) async throws {
        try await write("set model version tag") { db in
            _ = try Self.loadVersion(db, name, version)
            try db.execute(sql: "INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)",
                           arguments: [name, version, tag.key, tag.value])
        }
    }

    public func deleteModelVersionTag(name: String, version: Int64, key: String) async throws {
        try await write("delete model version tag") { db in
            _ = try Self.loadVersion(db, name, version)
            try db.execute(sql: "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?", arguments: [name, version, key])
        }
    }
}
