import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP

/// The inference surfaces of `vane serve`: Open Inference Protocol v2 REST (JSON and binary
/// tensors) and MLflow scoring, checked against every fixture model and with bad input.
@Suite("Inference routes")
struct InferenceRoutesTests {
    // MARK: Every fixture model, both endpoints

    @Test("every fixture model scores within tolerance through OIP infer", arguments: try InferenceFixtures.manifest())
    func everyModelThroughOIP(entry: InferenceFixtures.Entry) async throws {
        let inputs = try InferenceFixtures.inputs(entry.name)
        try await InferenceFixtures.serve(entry.file) { client in
            let meta = try await client.execute(uri: "/v2/models/m", method: .get).json()
            let inputName = try #require((meta["inputs"] as? [[String: Any]])?.first?["name"] as? String)
            let r = try await client.post("/v2/models/m/infer", InferenceFixtures.oipBody(inputName: inputName, rows: inputs.rows))
            try r.expectOK()
            let outputs = try #require(try r.json()["outputs"] as? [[String: Any]])
            for compare in entry.compare {
                let output = try #require(outputs.first { $0["name"] as? String == compare.field }, "no output \(compare.field)")
                let shape = try #require(output["shape"] as? [Int])
                #expect(shape.first == inputs.rows.count)
                let actual = InferenceFixtures.numbers(output["data"] as Any)
                let expected = try InferenceFixtures.expected(entry.name, compare.field).flatMap { $0 }
                #expect(shape.reduce(1, *) == actual.count)
                let bad = InferenceFixtures.mismatch(actual, expected, compare.tolerance)
                #expect(bad == nil, "\(entry.name) \(compare.field): \(bad ?? "")")
            }
        }
    }

    @Test("every fixture model scores within tolerance through /invocations", arguments: try InferenceFixtures.manifest())
    func everyModelThroughInvocations(entry: InferenceFixtures.Entry) async throws {
        let inputs = try InferenceFixtures.inputs(entry.name)
        let rows = inputs.rows.map { $0.map { $0.map { NSNumber(value: $0) as Any } ?? NSNull() } }
        let body = jsonBody(["dataframe_split": ["columns": inputs.feature_names, "data": rows]])
        try await InferenceFixtures.serve(entry.file) { client in
            let r = try await client.post("/invocations", body)
            try r.expectOK()
            let predictions = try #require(try r.json()["predictions"] as? [Any])
            #expect(predictions.count == inputs.rows.count)
            for (n, compare) in entry.compare.enumerated() {
                let values: [Any]
                if let records = predictions as? [[String: Any]] {
                    values = records.map { $0[compare.field] as Any }
                } else if n == 0 {
                    values = predictions // tree flavours answer with their first output
                } else {
                    continue
                }
                let actual = values.flatMap(InferenceFixtures.numbers)
                let expected = try InferenceFixtures.expected(entry.name, compare.field).flatMap { $0 }
                let bad = InferenceFixtures.mismatch(actual, expected, compare.tolerance)
                #expect(bad == nil, "\(entry.name) \(compare.field): \(bad ?? "")")
            }
        }
    }

    // MARK: OIP details

    @Test func metadataHealthAndServerExtensions() async throws {
        try await InferenceFixtures.serve("xgb_binary_logistic.json", name: "xgb") { client in
            try await client.execute(uri: "/v2/health/live", method: .get).expectOK()
            try await client.execute(uri: "/v2/health/ready", method: .get).expectOK()
            try await client.execute(uri: "/v2/models/xgb/ready", method: .get).expectOK()
            let server = try await client.execute(uri: "/v2", method: .get).json()
            #expect(server["name"] as? String == "vane")
            #expect((server["extensions"] as? [String])?.contains("binary_tensor_data") == true)
            let meta = try await client.execute(uri: "/v2/models/xgb", method: .get).json()
            #expect(meta["platform"] as? String == "xgboost")
            let input = try #require((meta["inputs"] as? [[String: Any]])?.first)
            #expect(input["name"] as? String == "input-0")
            #expect(input["datatype"] as? String == "FP32")
            #expect(input["shape"] as? [Int] == [-1, 8])
            #expect((meta["outputs"] as? [[String: Any]])?.map { $0["name"] as? String } == ["predict", "margin"])
            try await client.execute(uri: "/v2/models/nope/ready", method: .get).expectOIPError(.notFound, containing: "nope")
            try await client.execute(uri: "/v2/models/xgb/versions/9/ready", method: .get).expectOIPError(.notFound, containing: "version 9")
        }
    }

    @Test func nestedAndFlatDataAgreeAndTheIdIsEchoed() async throws {
        let rows = Array(try InferenceFixtures.inputs("xgb_binary_logistic").rows.prefix(3))
        try await InferenceFixtures.serve("xgb_binary_logistic.json") { client in
            let flat = try await client.post("/v2/models/m/infer", InferenceFixtures.oipBody(rows: rows, id: "req-7")).json()
            let nested = try await client.post("/v2/models/m/infer", InferenceFixtures.oipBody(rows: rows, nested: true)).json()
            #expect(flat["id"] as? String == "req-7")
            #expect((nested["id"] as? String)?.isEmpty == false)
            #expect(flat["model_name"] as? String == "m")
            #expect(flat["model_version"] == nil)
            let a = (flat["outputs"] as? [[String: Any]])?.first?["data"] as? [Double]
            let b = (nested["outputs"] as? [[String: Any]])?.first?["data"] as? [Double]
            #expect(a != nil && a == b)
            let expected = try InferenceFixtures.expected("xgb_binary_logistic", "predict").prefix(3).flatMap { $0 }
            #expect(InferenceFixtures.mismatch(a ?? [], Array(expected), .init(abs: 1e-6, rel: 0)) == nil)
        }
    }

    @Test func missingValueSpellingsAllScoreAsMissing() async throws {
        let row = "-1.15,-1.8,0.12,0.26,0.57,-0.91,-2.44,"
        try await InferenceFixtures.serve("xgb_binary_logistic_missing.json") { client in
            var answers: [[Double]] = []
            for missing in ["null", "NaN", "\"NaN\"", "\"nan\""] {
                let body = "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[1,8],\"datatype\":\"FP64\",\"data\":[\(row)\(missing)]}]}"
                let r = try await client.post("/v2/models/m/infer", body)
                try r.expectOK()
                answers.append(InferenceFixtures.numbers(((try r.json()["outputs"] as? [[String: Any]])?.first?["data"]) as Any))
            }
            #expect(Set(answers).count == 1, "\(answers)")
            // Infinity is a value, not a missing one; it is accepted too.
            let inf = "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[1,8],\"datatype\":\"FP64\",\"data\":[\(row)Infinity]}]}"
            try await client.post("/v2/models/m/infer", inf).expectOK()
        }
    }

    @Test func requestedOutputsComeBackInTheirOrder() async throws {
        let rows = Array(try InferenceFixtures.inputs("xgb_binary_logistic").rows.prefix(2))
        let body = String(InferenceFixtures.oipBody(rows: rows).dropLast()) + ",\"outputs\":[{\"name\":\"margin\"},{\"name\":\"predict\"}]}"
        try await InferenceFixtures.serve("xgb_binary_logistic.json") { client in
            let outputs = try await client.post("/v2/models/m/infer", body).json()["outputs"] as? [[String: Any]]
            #expect(outputs?.map { $0["name"] as? String } == ["margin", "predict"])
            let unknown = String(InferenceFixtures.oipBody(rows: rows).dropLast()) + ",\"outputs\":[{\"name\":\"predict_proba\"}]}"
            try await client.post("/v2/models/m/infer", unknown).expectOIPError(.badRequest, containing: "predict_proba")
        }
    }

    @Test func binaryTensorsInAndOut() async throws {
        let rows = Array(try InferenceFixtures.inputs("xgb_binary_logistic").rows.prefix(4))
        var raw: [UInt8] = []
        for row in rows { for v in row { withUnsafeBytes(of: Float(v ?? .nan).bitPattern.littleEndian) { raw.append(contentsOf: $0) } } }
        let header = "{\"id\":\"b1\",\"inputs\":[{\"name\":\"input-0\",\"shape\":[4,8],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":\(raw.count)}}],"
            + "\"outputs\":[{\"name\":\"predict\",\"parameters\":{\"binary_data\":true}},{\"name\":\"margin\",\"parameters\":{\"binary_data\":false}}]}"
        var buffer = ByteBuffer(string: header)
        buffer.writeBytes(raw)
        let body = buffer
        try await InferenceFixtures.serve("xgb_binary_logistic.json") { client in
            let r = try await client.execute(uri: "/v2/models/m/infer", method: .post,
                                             headers: [HTTPField.Name("Inference-Header-Content-Length")!: String(header.utf8.count)], body: body)
            try r.expectOK()
            let jsonLength = try #require(r.headers[HTTPField.Name("Inference-Header-Content-Length")!].flatMap { Int($0) })
            let bytes = Array(r.body.readableBytesView)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes[0..<jsonLength])) as? [String: Any])
            #expect(json["id"] as? String == "b1")
            let outputs = try #require(json["outputs"] as? [[String: Any]])
            #expect((outputs[0]["parameters"] as? [String: Any])?["binary_data_size"] as? Int == 16)
            #expect(outputs[0]["data"] == nil)
            #expect((outputs[1]["data"] as? [Double])?.count == 4)
            let binary = Array(bytes[jsonLength...])
            #expect(binary.count == 16)
            let predict = (0..<4).map { i in
                Double(Float(bitPattern: UInt32(binary[4 * i]) | UInt32(binary[4 * i + 1]) << 8 | UInt32(binary[4 * i + 2]) << 16 | UInt32(binary[4 * i + 3]) << 24))
            }
            let expected = try InferenceFixtures.expected("xgb_binary_logistic", "predict").prefix(4).flatMap { $0 }
            #expect(InferenceFixtures.mismatch(predict, Array(expected), .init(abs: 1e-6, rel: 0)) == nil)
        }
    }

    // MARK: Bad input: the protocol's error shape, never a 500

    @Test func badRequestsGetOIPErrors() async throws {
        let row8 = "[1,2,3,4,5,6,7,8]"
        let cases: [(String, HTTPResponse.Status, String)] = [
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}", .badRequest, "expected 8 features"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,8],\"datatype\":\"FP32\",\"data\":\(row8)}]}", .badRequest, "holds 16"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,8],\"datatype\":\"FP99\",\"data\":\(row8)}]}", .badRequest, "FP99"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,8],\"datatype\":\"BYTES\",\"data\":\(row8)}]}", .badRequest, "BYTES"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,8],\"datatype\":\"FP32\"}]}", .badRequest, "no 'data'"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[-1,8],\"datatype\":\"FP32\",\"data\":\(row8)}]}", .badRequest, "non-negative"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,\"eight\"]}]}", .badRequest, "not a number"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,[8,[9]]]}]}", .badRequest, "holds 8"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[100000000000,8],\"datatype\":\"FP32\",\"data\":\(row8)}]}", .badRequest, "larger than"),
            ("{\"inputs\":[]}", .badRequest, "no 'inputs'"),
            ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":\(row8)}", .badRequest, "Malformed JSON"),
            ("[1,2]", .badRequest, "expected an object"),
            ("", .badRequest, "Malformed JSON"),
            (String(repeating: "[", count: 200), .badRequest, "Malformed JSON"),
        ]
        try await InferenceFixtures.serve("xgb_binary_logistic.json") { client in
            for (body, status, fragment) in cases {
                try await client.post("/v2/models/m/infer", body).expectOIPError(status, containing: fragment)
            }
            try await client.post("/v2/models/nope/infer", "{}").expectOIPError(.notFound, containing: "Model nope not found")
            try await client.post("/v2/models/m/versions/3/infer", "{}").expectOIPError(.notFound, containing: "version 3")
            // Binary sizes that do not add up.
            let header = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,8],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":32}}]}"
            var short = ByteBuffer(string: header)
            short.writeBytes([UInt8](repeating: 0, count: 16))
            let lengthHeader: HTTPFields = [HTTPField.Name("Inference-Header-Content-Length")!: String(header.utf8.count)]
            try await client.execute(uri: "/v2/models/m/infer", method: .post, headers: lengthHeader, body: short)
                .expectOIPError(.badRequest, containing: "remain")
            var long = ByteBuffer(string: header)
            long.writeBytes([UInt8](repeating: 0, count: 40))
            try await client.execute(uri: "/v2/models/m/infer", method: .post, headers: lengthHeader, body: long)
                .expectOIPError(.badRequest, containing: "no input claims")
            try await client.execute(uri: "/v2/models/m/infer", method: .post,
                                     headers: [HTTPField.Name("Inference-Header-Content-Length")!: "999999"], body: ByteBuffer(string: "{}"))
                .expectOIPError(.badRequest, containing: "exceeds")
        }
    }

    @Test func anOversizedBodyIs413() async throws {
        var buffer = ByteBuffer()
        buffer.writeRepeatingByte(UInt8(ascii: " "), count: 64 * 1024 * 1024 + 1)
        let big = buffer
        _ = try await InferenceFixtures.serve("xgb_binary_logistic.json") { client in
            try await client.execute(uri: "/v2/models/m/infer", method: .post, body: big).expectOIPError(.contentTooLarge)
        }
    }

    // MARK: MLflow scoring formats

    @Test func everyScoringFormatGivesTheSamePredictions() async throws {
        let inputs = try InferenceFixtures.inputs("xgb_binary_logistic")
        let rows = Array(inputs.rows.prefix(3)).map { $0.map { $0! } }
        let names = inputs.feature_names
        let reversed = Array(names.reversed())
        let records = rows.map { row in Dictionary(uniqueKeysWithValues: zip(names, row)) }
        let columnar = Dictionary(uniqueKeysWithValues: names.enumerated().map { i, n in (n, rows.map { $0[i] }) })
        let csv = names.joined(separator: ",") + "\n" + rows.map { $0.map { String($0) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
        let bodies: [(String, String)] = [
            (jsonBody(["dataframe_split": ["columns": names, "data": rows]]), "application/json"),
            // Columns in another order are matched by name.
            (jsonBody(["dataframe_split": ["columns": reversed, "data": rows.map { Array($0.reversed()) }]]), "application/json"),
            (jsonBody(["dataframe_records": records]), "application/json"),
            (jsonBody(["instances": rows]), "application/json"),
            (jsonBody(["instances": records]), "application/json"),
            (jsonBody(["inputs": rows]), "application/json"),
            (jsonBody(["inputs": columnar]), "application/json"),
            (csv, "text/csv"),
        ]
        let expected = try InferenceFixtures.expected("xgb_binary_logistic", "predict").prefix(3).flatMap { $0 }
        try await InferenceFixtures.serve("xgb_binary_logistic.json") { client in
            for (body, type) in bodies {
                let r = try await client.post("/invocations", body, contentType: type)
                try r.expectOK()
                let predictions = InferenceFixtures.numbers(try r.json()["predictions"] as Any)
                #expect(InferenceFixtures.mismatch(predictions, Array(expected), .init(abs: 1e-6, rel: 0)) == nil, "\(body.prefix(80)): \(predictions)")
            }
        }
    }

    /// Bodies past 32 KiB are decoded on NIO's thread pool: the same answers, the same errors.
    @Test func largeBodiesDecodeOffThePoolAlike() async throws {
        let inputs = try InferenceFixtures.inputs("xgb_binary_logistic")
        let expected = try InferenceFixtures.expected("xgb_binary_logistic", "predict").flatMap { $0 }
        var rows: [[Double?]] = [], wanted: [Double] = []
        while rows.count < 3_000 { rows += inputs.rows; wanted += expected }
        let want = wanted
        let oip = InferenceFixtures.oipBody(rows: rows)
        let scoring = jsonBody(["dataframe_split": ["columns": inputs.feature_names,
                                                    "data": rows.map { $0.map { $0.map { NSNumber(value: $0) as Any } ?? NSNull() } }]])
        #expect(oip.utf8.count > 64 << 10 && scoring.utf8.count > 64 << 10)
        try await InferenceFixtures.serve("xgb_binary_logistic.json") { client in
            let r = try await client.post("/v2/models/m/infer", oip)
            try r.expectOK()
            let output = try #require((try r.json()["outputs"] as? [[String: Any]])?.first { $0["name"] as? String == "predict" })
            #expect(InferenceFixtures.mismatch(InferenceFixtures.numbers(output["data"] as Any), want, .init(abs: 1e-6, rel: 0)) == nil)
            let s = try await client.post("/invocations", scoring)
            try s.expectOK()
            #expect(InferenceFixtures.mismatch(InferenceFixtures.numbers(try s.json()["predictions"] as Any), want, .init(abs: 1e-6, rel: 0)) == nil)
            // A large body that is not JSON is the same 400 as a small one.
            let broken = String(oip.dropLast(2))
            let bad = try await client.post("/v2/models/m/infer", broken)
            #expect(bad.status == .badRequest, "\(bad.status)")
            #expect((try? bad.json()["error"] as? String) != nil)
            let badScoring = try await client.post("/invocations", String(scoring.dropLast(2)))
            #expect(badScoring.status == .badRequest, "\(badScoring.status)")
        }
    }

    @Test func badScoringRequestsGetMLflowErrors() async throws {
        let cases: [(String, String)] = [
            ("{\"bad\": 1}", "application/json"),
            ("{\"instances\": [[1,2]], \"inputs\": [[1,2]]}", "application/json"),
            ("{\"instances\": [[1,2,3]]}", "application/json"),
            ("{\"instances\": [[1,2,3,4,5,6,7,8], [1]]}", "application/json"),
            ("{\"dataframe_split\": {\"columns\": [\"a\"], \"data\": [[1,2]]}}", "application/json"),
            ("{\"dataframe_records\": [1, 2]}", "application/json"),
            ("{\"instances\": [[1,2,3,4,5,6,7,\"x\"]]}", "application/json"),
            ("{\"instances\": ", "application/json"),
            ("f0,f1\n1,2\n", "text/csv"),
            ("f0,f1,f2,f3,f4,f5,f6,f7\n1,2,3,4,5,6,7,oops\n", "text/csv"),
            ("a=1", "application/x-www-form-urlencoded"),
        ]
        try await InferenceFixtures.serve("xgb_binary_logistic.json") { client in
            for (body, type) in cases {
                try await client.post("/invocations", body, contentType: type).expectMLflowError(.badRequest, "BAD_REQUEST")
            }
        }
    }

    @Test func metricsCountRequestsRowsAndErrorsPerModel() async throws {
        let rows = Array(try InferenceFixtures.inputs("lgb_binary").rows.prefix(5))
        try await InferenceFixtures.serve("lgb_binary.txt", name: "metrics-probe") { client in
            try await client.post("/v2/models/metrics-probe/infer", InferenceFixtures.oipBody(rows: rows)).expectOK()
            try await client.post("/v2/models/metrics-probe/infer", "{\"inputs\": 3}").expectOIPError(.badRequest)
            let text = try await client.execute(uri: "/metrics", method: .get).text
            #expect(text.contains("vane_inference_requests_total{model=\"metrics-probe\",version=\"\",protocol=\"v2\"} 2"), "\(text.prefix(2000))")
            #expect(text.contains("vane_inference_errors_total{model=\"metrics-probe\",version=\"\",protocol=\"v2\"} 1"))
            #expect(text.contains("vane_inference_rows_total{model=\"metrics-probe\",version=\"\",protocol=\"v2\"} 5"))
            #expect(text.contains("vane_inference_request_duration_seconds_count{model=\"metrics-probe\",version=\"\",protocol=\"v2\"} 2"))
        }
    }
}
