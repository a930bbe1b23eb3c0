import Foundation
import HummingbirdTesting
import Testing
import VaneHTTP

/// Inference bodies are read straight into numbers: fields a protocol ignores are stepped over
/// without building them (bounded in depth only), the fields it reads are bounded in count, and
/// the data frame forms keep pandas' meaning.
@Suite("Inference bodies read as a stream")
struct InferenceStreamingTests {
    static let model = "xgb_binary_logistic.json"

    static func manyValues(_ count: Int) -> String {
        "[" + Array(repeating: "1", count: count).joined(separator: ",") + "]"
    }

    @Test func ignoredFieldsAreSteppedOverButStillChecked() async throws {
        let inputs = try InferenceFixtures.inputs("xgb_binary_logistic")
        let row = inputs.rows[0].map { $0 ?? 0 }
        let oip = InferenceFixtures.oipBody(rows: [row])
        try await InferenceFixtures.serve(Self.model) { client in
            // A large ignored field costs nothing and changes nothing.
            let padded = "{\"junk\": {\"a\": [\(Self.manyValues(300_000)), \"s\\u00e9\", true, null]}," + oip.dropFirst()
            try await client.post("/v2/models/m/infer", padded).expectOK()
            let scoring = #"{"params": {"x": \#(Self.manyValues(300_000))}, "instances": [\#(row.map { String($0) }.joined(separator: ","))]}"#
            try await client.post("/invocations", scoring).expectOK()
            // But it must still be JSON, and no deeper than the nesting limit.
            let deep = String(repeating: "[", count: 80) + String(repeating: "]", count: 80)
            try await client.post("/v2/models/m/infer", "{\"junk\": \(deep)," + oip.dropFirst()).expectOIPError(.badRequest)
            try await client.post("/v2/models/m/infer", "{\"junk\": [1, 2,]," + oip.dropFirst()).expectOIPError(.badRequest)
            try await client.post("/v2/models/m/infer", "{\"junk\": \"\\q\"," + oip.dropFirst()).expectOIPError(.badRequest)
            try await client.post("/invocations", #"{"params": \#(deep), "instances": [[1]]}"#).expectMLflowError(.badRequest, "BAD_REQUEST")
            // Fields that are read into trees (parameters) are bounded in count.
            let parameters = "{\"parameters\": {\"x\": \(Self.manyValues(200_000))}," + oip.dropFirst()
            try await client.post("/v2/models/m/infer", parameters).expectOIPError(.badRequest, containing: "values")
        }
    }

    /// Records whose keys vary: a key missing from a record is a missing value, as pandas reads it.
    @Test func recordsWithVaryingKeysPadMissingValues() async throws {
        let inputs = try InferenceFixtures.inputs("xgb_binary_logistic")
        let names = inputs.feature_names
        let rows = inputs.rows.prefix(2).map { $0.map { $0 ?? 0 } }
        var first: [String: Double] = [:]
        for (n, v) in zip(names, rows[0]) where n != names.last { first[n] = v }
        let second = Dictionary(uniqueKeysWithValues: zip(names, rows[1]))
        let records = jsonBody(["dataframe_records": [first, second]])
        var split = rows.map { $0.map { Optional($0) } }
        split[0][names.count - 1] = nil
        let splitBody = jsonBody(["dataframe_split": ["columns": names, "data": split.map { $0.map { $0 ?? Double.nan }.map { $0.isNaN ? NSNull() as Any : $0 as Any } }]])
        try await InferenceFixtures.serve(Self.model) { client in
            let a = try await client.post("/invocations", records)
            try a.expectOK()
            let b = try await client.post("/invocations", splitBody)
            try b.expectOK()
            #expect(InferenceFixtures.numbers(try a.json()["predictions"] as Any) == InferenceFixtures.numbers(try b.json()["predictions"] as Any))
        }
    }

    /// Data arrays are read in runs of plain numbers; every other cell form between them, and
    /// every malformed array, is still read (or refused) as before, on both protocols.
    @Test func dataCellsOfEveryFormAroundRunsOfNumbers() async throws {
        let inputs = try InferenceFixtures.inputs("xgb_binary_logistic")
        let row = inputs.rows[0].map { $0 ?? 0 }.map { Double(Float($0)) }
        let width = row.count
        let plainOIP = InferenceFixtures.oipBody(rows: [row, row])
        // The second row spelled with spaces, a quoted number, a nested pair and a boolean-free mix.
        let text: @Sendable (Double) -> String = { String(Float($0)) }
        var mixed = row.map(text)
        mixed[0] = " \n" + mixed[0] + " "
        mixed[1] = "\"" + mixed[1] + "\""
        let mixedData = "[" + row.map(text).joined(separator: ",") + ", [" + mixed.prefix(2).joined(separator: ",") + "], " + mixed.dropFirst(2).joined(separator: " , ") + "\t]"
        let mixedOIP = #"{"inputs":[{"name":"input-0","shape":[2,\#(width)],"datatype":"FP32","data":\#(mixedData)}]}"#
        let plainScoring = #"{"instances": [[\#(row.map(text).joined(separator: ","))], [\#(row.map(text).joined(separator: ","))]]}"#
        let mixedScoring = #"{"instances": [[\#(row.map(text).joined(separator: ","))], [\#(mixed.joined(separator: ","))]]}"#
        try await InferenceFixtures.serve(Self.model) { client in
            let a = try await client.post("/v2/models/m/infer", plainOIP)
            try a.expectOK()
            let b = try await client.post("/v2/models/m/infer", mixedOIP)
            try b.expectOK()
            let predictions = { (r: TestResponse) throws -> [Double] in
                InferenceFixtures.numbers((try r.json()["outputs"] as? [[String: Any]])?.first?["data"] as Any)
            }
            #expect(try predictions(a).count == 2)
            #expect(try predictions(a) == predictions(b))
            let c = try await client.post("/invocations", plainScoring)
            try c.expectOK()
            let d = try await client.post("/invocations", mixedScoring)
            try d.expectOK()
            #expect(InferenceFixtures.numbers(try c.json()["predictions"] as Any) == InferenceFixtures.numbers(try d.json()["predictions"] as Any))
            // A null cell is a missing value, not an error.
            var withNull = row.map(text)
            withNull[2] = "null"
            let nullBody = #"{"inputs":[{"name":"input-0","shape":[1,\#(width)],"datatype":"FP32","data":[\#(withNull.joined(separator: ","))]}]}"#
            try await client.post("/v2/models/m/infer", nullBody).expectOK()
            // Malformed arrays stop the run and are refused with the protocol's error.
            let head = row.prefix(width - 1).map(text).joined(separator: ",")
            for bad in ["[\(head), 1 2]", "[\(head), 1.]", "[\(head), 1e]", "[\(head), -]", "[\(head),]", "[\(head), 1", "[\(head), x]"] {
                let body = #"{"inputs":[{"name":"input-0","shape":[1,\#(width)],"datatype":"FP32","data":\#(bad)}]}"#
                _ = try await client.post("/v2/models/m/infer", body).expectOIPError(.badRequest)
                let scoring = #"{"instances": [\#(bad)]}"#
                try await client.post("/invocations", scoring).expectMLflowError(.badRequest, "BAD_REQUEST")
            }
        }
    }
}
