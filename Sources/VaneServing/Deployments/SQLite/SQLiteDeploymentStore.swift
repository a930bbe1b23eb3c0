import Foundation
import GRDB
import VaneCore
import VaneStorage

/// Deployments on the embedded SQLite database: one row per deployment, its declaration and
/// resolution as a JSON document; one transaction per write.
public struct SQLiteDeploymentStore: DeploymentStore {
    let db: any DatabaseWriter

    public init(database: VaneDatabase) {
        self.db = database.writer
    }

    static func deployment(_ row: Row) throws -> Deployment {
        let document: String = row["document"]
        do {
            return try JSONDecoder().decode(Deployment.self, from: Data(document.utf8))
        } catch {
            let name: String = row["name"]
            throw VaneError(.internalError, "The stored deployment '\(name)' cannot be read: \(error)")
        }
    }

    public func deployments() async throws -> [Deployment] {
        try await db.timedRead("list deployments") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deployments ORDER BY name").map(Self.deployment)
        }
    }

    public func deployment(named name: String) async throws -> Deployment? {
        try await db.timedRead("get deployment") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM deployments WHERE name = ?", arguments: [name]).map(Self.deployment)
        }
    }

    public func save(_ deployment: Deployment) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let document = String(decoding: try encoder.encode(deployment), as: UTF8.self)
        try await db.timedWrite("save deployment") { db in
            try db.execute(sql: """
                INSERT INTO deployments (name, document, generation, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET document = excluded.document, generation = excluded.generation,
                    updated_at = excluded.updated_at
                """, arguments: [deployment.name, document, deployment.generation, deployment.createdAt, deployment.updatedAt])
        }
    }

    public func delete(named name: String) async throws -> Bool {
        try await db.timedWrite("delete deployment") { db in
            try db.execute(sql: "DELETE FROM deployments WHERE name = ?", arguments: [name])
            return db.changesCount == 1
        }
    }
}
