import Testing
@testable import VaneMonitoring

struct JSONLinesReaderTests {
    @Test func flatObjects() throws {
        let text = """
        {"x": 1.5, "c": "a", "b": true}
        {"x": null, "c": "b\\u00e9", "b": false}

        {"c": "a", "x": -2e1, "extra": 3}
        """
        let t = try JSONLinesReader.parse(text: text)
        #expect(t.columnNames == ["x", "c", "b", "extra"])
        guard case .numeric(let x) = t.column(named: "x") else { Issue.record("x"); return }
        #expect(x[0] == 1.5 && x[1].isNaN && x[2] == -20)
        guard case .categorical(let c) = t.column(named: "c") else { Issue.record("c"); return }
        #expect(c.values == ["a", "bé", "a"])
        guard case .categorical(let b) = t.column(named: "b") else { Issue.record("b"); return }
        #expect(b.values == ["True", "False", nil])
        guard case .numeric(let extra) = t.column(named: "extra") else { Issue.record("extra"); return }
        #expect(extra[0].isNaN && extra[2] == 3)
    }

    @Test func nestedValueIsAnErrorWithLine() throws {
        let e = #expect(throws: DataReadError.self) {
            try JSONLinesReader.parse(text: "{\"a\": 1}\n{\"a\": [1, 2]}\n", file: "in.jsonl")
        }
        #expect(e?.kind == .invalidJSON)
        #expect(e?.line == 2)
    }

    @Test func stringInDeclaredNumericalColumn() throws {
        let e = #expect(throws: DataReadError.self) {
            try JSONLinesReader.parse(text: "{\"a\": 1}\n{\"a\": \"x\"}\n", file: "in.jsonl", schema: TableSchemaHint(numericalColumns: ["a"]))
        }
        #expect(e?.kind == .nonNumericValue)
        #expect(e?.line == 2)
        #expect(e?.column == "a")
    }

    @Test func emptyFile() throws {
        let e = #expect(throws: DataReadError.self) { try JSONLinesReader.parse(text: "\n\n", file: "e.jsonl") }
        #expect(e?.kind == .emptyFile)
    }
}
