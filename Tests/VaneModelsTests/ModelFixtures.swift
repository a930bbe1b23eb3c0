import Foundation
import Testing
@testable import VaneModels

/// The library-written model fixtures copied from ../shared/fixtures/models into Tests/Fixtures/models.
enum ModelFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    struct Tolerance: Decodable { let abs: Double; let rel: Double }
    struct Compare: Decodable { let field: String; let tolerance: Tolerance }
    struct Entry: Decodable {
        let name: String
        let library: String
        let files: [String: String]
        let n_features: Int
        let compare: [Compare]
    }
    struct Manifest: Decodable { let models: [Entry] }
    struct Inputs: Decodable {
        let feature_names: [String]
        let rows: [[Double?]]
    }

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }

    static func inputs(_ name: String) throws -> Inputs {
        try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: directory.appendingPathComponent("\(name).inputs.json")))
    }

    /// The expected outputs: field name → per-row list of numbers (a scalar row becomes a one-element list).
    static func expected(_ name: String) throws -> [String: [[Double]]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("\(name).expected.json")))
        guard let fields = object as? [String: Any] else { return [:] }
        var result: [String: [[Double]]] = [:]
        for (key, value) in fields {
            guard let rows = value as? [Any] else { continue }
            var parsed: [[Double]] = []
            var ok = true
            for row in rows {
                if let number = row as? NSNumber { parsed.append([number.doubleValue]) }
                else if let list = row as? [Any] {
                    let numbers = list.compactMap { ($0 as? NSNumber)?.doubleValue }
                    if numbers.count != list.count { ok = false; break }
                    parsed.append(numbers)
                } else { ok = false; break }
            }
            if ok { result[key] = parsed }
        }
        return result
    }

    static func data(_ file: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(file))
    }

    /// The rows of `output` as lists of doubles (a label map in label order).
    static func rows(of output: ModelOutput, rowCount: Int) -> [[Double]] {
        switch output.value {
        case .tensor(let tensor):
            let values = tensor.doubles
            let width = rowCount == 0 ? 0 : values.count / rowCount
            return (0..<rowCount).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
        case .labelMap(let labels, let values):
            let width = labels.count
            return (0..<rowCount).map { r in (0..<width).map { Double(values[r * width + $0]) } }
        }
    }

    /// Checks `actual` against the manifest's expected field within tolerance; returns the first mismatch.
    static func mismatch(actual: [[Double]], expected: [[Double]], tolerance: Tolerance) -> String? {
        guard actual.count == expected.count else { return "\(actual.count) rows for \(expected.count)" }
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            guard a.count == e.count else { return "row \(index): \(a) vs \(e)" }
            for (x, y) in zip(a, e) where !(abs(x - y) <= tolerance.abs + tolerance.rel * abs(y)) {
                return "row \(index): \(x) vs \(y)"
            }
        }
        return nil
    }
}
