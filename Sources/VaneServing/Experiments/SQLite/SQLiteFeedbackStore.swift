import Foundation
import GRDB
import VaneCore
import VaneStorage

/// Feedback on the embedded SQLite database: one row per request that got feedback, and one row
/// per deployment for the experiment's decision.
public struct SQLiteFeedbackStore: FeedbackStore {
    let db: any DatabaseWriter

    public init(database: VaneDatabase) {
        self.db = database.writer
    }

    /// Registers the feedback migrations; identifiers never change once shipped.
    public static func register(in migrations: inout SchemaMigrations) {
        migrations.register("0009_deployment_feedback") { db in
            try db.execute(sql: """
                CREATE TABLE deployment_feedback (
                    deployment TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    variant TEXT NOT NULL,
                    time INTEGER NOT NULL,
                    metric TEXT NOT NULL CHECK (metric IN ('reward', 'accuracy')),
                    value REAL NOT NULL,
                    PRIMARY KEY (deployment, request_id)
                ) WITHOUT ROWID;
                CREATE TABLE experiment_decisions (
                    deployment TEXT PRIMARY KEY NOT NULL,
                    minimum_p_values TEXT NOT NULL,
                    winner TEXT,
                    decided_at INTEGER
                );
                """)
        }
    }

    static func summary(_ db: Database, deployment: String) throws -> (arms: [ExperimentAnalysis.Arm], metric: String?, decision: ExperimentDecision) {
        let arms = try Row.fetchAll(db, sql: """
            SELECT variant, COUNT(*) AS n, SUM(value) AS s, SUM(value * value) AS ss FROM deployment_feedback
            WHERE deployment = ? GROUP BY variant ORDER BY variant
            """, arguments: [deployment]).map { row in
            ExperimentAnalysis.Arm(name: row["variant"], count: row["n"], sum: row["s"] ?? 0, sumOfSquares: row["ss"] ?? 0)
        }
        let metric = try String.fetchOne(db, sql: "SELECT metric FROM deployment_feedback WHERE deployment = ? LIMIT 1", arguments: [deployment])
        var decision = ExperimentDecision()
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM experiment_decisions WHERE deployment = ?", arguments: [deployment]) {
            let text: String = row["minimum_p_values"]
            decision = ExperimentDecision(minimumPValues: (try? JSONDecoder().decode([String: Double].self, from: Data(text.utf8))) ?? [:],
                                          winner: row["winner"], decidedAt: row["decided_at"])
        }
        return (arms, metric, decision)
    }

    public func record(_ entries: [FeedbackEntry], deployment: String,
                       decide: @escaping @Sendable ([ExperimentAnalysis.Arm], String?, ExperimentDecision) -> ExperimentDecision) async throws
        -> (arms: [ExperimentAnalysis.Arm], metric: String?, decision: ExperimentDecision) {
        try await db.timedWrite("record feedback") { db in
            if let metric = entries.first?.metric,
               let existing = try String.fetchOne(db, sql: "SELECT metric FROM deployment_feedback WHERE deployment = ? AND metric != ? LIMIT 1",
                                                  arguments: [deployment, metric]) {
                throw VaneError.invalid("Deployment \(deployment) already has \(existing == "reward" ? "rewards" : "labels") as feedback; an experiment measures one of rewards or labels, not both.")
            }
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO deployment_feedback (deployment, request_id, variant, time, metric, value) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for e in entries {
                try statement.execute(arguments: [e.deployment, e.requestID, e.variant, e.time, e.metric, e.value])
            }
            var current = try Self.summary(db, deployment: deployment)
            current.decision = decide(current.arms, current.metric, current.decision)
            let text = String(decoding: try JSONEncoder().encode(current.decision.minimumPValues), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO experiment_decisions (deployment, minimum_p_values, winner, decided_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(deployment) DO UPDATE SET minimum_p_values = excluded.minimum_p_values, winner = excluded.winner,
                    decided_at = excluded.decided_at
                """, arguments: [deployment, text, current.decision.winner, current.decision.decidedAt])
            return current
        }
    }

    public func summary(deployment: String) async throws -> (arms: [ExperimentAnalysis.Arm], metric: String?, decision: ExperimentDecision) {
        try await db.timedRead("experiment summary") { db in try Self.summary(db, deployment: deployment) }
    }

    public func reset(deployment: String) async throws {
        try await db.timedWrite("reset experiment") { db in
            try db.execute(sql: "DELETE FROM deployment_feedback WHERE deployment = ?", arguments: [deployment])
            try db.execute(sql: "DELETE FROM experiment_decisions WHERE deployment = ?", arguments: [deployment])
        }
    }
}
