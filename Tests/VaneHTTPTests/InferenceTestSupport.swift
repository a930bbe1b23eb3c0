import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VaneHTTP
import VaneModels
import VaneServing

/// The model fixtures (Tests/Fixtures/models) as the inference tests read them.
enum InferenceFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    struct Tolerance: Decodable { let abs: Double; let rel: Double }
    struct Compare: Decodable { let field: String; let tolerance: Tolerance }
    struct Entry: Decodable {
        let name: String
        let files: [String: String]
        let compare: [Compare]
        /// One model file of the entry (every format of it is checked by VaneModelsTests).
        var file: String { files.values.sorted()[0] }
    }
    struct Manifest: Decodable { let models: [Entry] }
    struct Inputs: Decodable {
        let feature_names: [String]
        let rows: [[Double?]]
    }

    static func manifest() throws -> [Entry] {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json"))).models
    }

    static func inputs(_ name: String) throws -> Inputs {
        try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: directory.appendingPathComponent("\(name).inputs.json")))
    }

    /// An expected field as rows of numbers.
    static func expected(_ name: String, _ field: String) throws -> [[Double]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("\(name).expected.json")))
        let rows = try #require((object as? [String: Any])?[field] as? [Any])
        return rows.map(numbers)
    }

    /// A JSON value (number, list, or object of numbers in key order given by `keys`) as numbers.
    static func numbers(_ value: Any) -> [Double] {
        if let n = value as? NSNumber { return [n.doubleValue] }
        if let list = value as? [Any] { return list.flatMap(numbers) }
        if let object = value as? [String: Any] {
            return object.keys.sorted { (Double($0) ?? 0, $0) < (Double($1) ?? 0, $1) }.flatMap { numbers(object[$0]!) }
        }
        if let s = value as? String, let d = Double(s) { return [d] }
        return [.nan]
    }

    /// The first element that differs beyond tolerance, described; nil when all match.
    static func mismatch(_ actual: [Double], _ expected: [Double], _ tolerance: Tolerance) -> String? {
        guard actual.count == expected.count else { return "\(actual.count) values for \(expected.count)" }
        for (i, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= tolerance.abs + tolerance.rel * abs(e)) {
            return "element \(i): \(a) vs \(e)"
        }
        return nil
    }

    /// A `vane serve` router for `file`, named `name`.
    static func serve<T: Sendable>(_ file: String, name: String = "m", _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        _ = VaneMetrics.registry
        let model = try ModelLoader.load(path: directory.appendingPathComponent(file).path)
        let catalog = SingleModelCatalog(ServedModel(name: name, version: nil, model: model))
        let app = Application(router: VaneApplication.makeServeRouter(catalog: catalog))
        return try await app.test(.router) { client in try await body(client) }
    }

    /// An OIP request body with the rows as one FP32 [rows, features] input.
    static func oipBody(inputName: String = "input-0", rows: [[Double?]], nested: Bool = false, id: String? = nil) -> String {
        let width = rows.first?.count ?? 0
        func cell(_ v: Double?) -> String { v.map { String(Float($0)) } ?? "null" }
        let rowTexts: [String] = rows.map { row in row.map(cell).joined(separator: ",") }
        let data: String = nested
            ? "[[" + rowTexts.joined(separator: "],[") + "]]"
            : "[" + rowTexts.joined(separator: ",") + "]"
        let idField = id.map { "\"id\":\"\($0)\"," } ?? ""
        return "{\(idField)\"inputs\":[{\"name\":\"\(inputName)\",\"shape\":[\(rows.count),\(width)],\"datatype\":\"FP32\",\"data\":\(data)}]}"
    }
}

extension TestClientProtocol {
    func post(_ uri: String, _ body: String, contentType: String = "application/json") async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    /// Checks the OIP error shape: the status and `{"error": "<non-empty>"}`; returns the message.
    @discardableResult
    func expectOIPError(_ status: HTTPResponse.Status, containing fragment: String? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) -> String {
        #expect(self.status == status, "body: \(text.prefix(300))", sourceLocation: sourceLocation)
        let object = try? json()
        let message = object?["error"] as? String ?? ""
        #expect(object?.count == 1 && !message.isEmpty, "body: \(text.prefix(300))", sourceLocation: sourceLocation)
        if let fragment { #expect(message.contains(fragment), "message: \(message)", sourceLocation: sourceLocation) }
        return message
    }
}
