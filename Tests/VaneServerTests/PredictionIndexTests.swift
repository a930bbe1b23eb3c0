import Testing
import VaneServer
import VaneServing
import VaneStorage

/// The prediction log's index on SQLite: batches of any size (inserted in groups of rows per
/// statement), the last entry for a repeated id winning, and retention.
@Suite("Prediction index")
struct PredictionIndexTests {
    @Test("every entry of a large batch is found; a repeated id keeps its last entry; old entries are pruned")
    func batches() async throws {
        let db = try VaneDatabase.inMemory()
        try db.migrate(VaneStores.migrations)
        let index = SQLitePredictionIndex(database: db)
        // 257 entries: two full groups and a remainder, with "r5" repeated across groups.
        var entries = (0..<256).map { PredictionIndexEntry(deployment: "d", requestID: "r\($0)", variant: $0 % 2 == 0 ? "a" : "b", time: Int64($0)) }
        entries.append(PredictionIndexEntry(deployment: "d", requestID: "r5", variant: "c", time: 1_000, prediction: "1"))
        try await index.insert(entries)
        try await index.insert([PredictionIndexEntry(deployment: "other", requestID: "r1", variant: "z", time: 5)])
        let found = try await index.entries(deployment: "d", requestIDs: (0..<256).map { "r\($0)" } + ["missing"])
        #expect(found.count == 256)
        #expect(found["r5"] == PredictionIndexEntry(deployment: "d", requestID: "r5", variant: "c", time: 1_000, prediction: "1"))
        #expect(found["r200"]?.variant == "a" && found["r201"]?.variant == "b")
        #expect(found["r1"]?.variant == "b")
        try await index.deleteOlder(than: 100)
        let kept = try await index.entries(deployment: "d", requestIDs: (0..<256).map { "r\($0)" })
        #expect(kept.count == 156 + 1)  // times 100…255, and r5 at 1,000
        #expect(try await index.entries(deployment: "other", requestIDs: ["r1"]).isEmpty)
    }
}
