import Foundation
import Testing
@testable import VaneMonitoring

struct CSVReaderTests {
    func tempFile(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vane-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func numbersMissingValuesAndInfinities() throws {
        let t = try CSVReader.parse(text: "a,b\n1.5,x\n,y\ninf,z\n-Infinity,x\nnan,\n1e3,\"q,r\"\n")
        guard case .numeric(let a) = t.column(named: "a") else { Issue.record("a not numeric"); return }
        #expect(a.count == 6)
        #expect(a[0] == 1.5 && a[1].isNaN && a[2] == .infinity && a[3] == -.infinity && a[4].isNaN && a[5] == 1000)
        guard case .categorical(let b) = t.column(named: "b") else { Issue.record("b not text"); return }
        #expect(b.values == ["x", "y", "z", "x", nil, "q,r"])
    }

    @Test func quotedFieldsWithEscapesAndNewlines() throws {
        let t = try CSVReader.parse(text: "name,v\r\n\"say \"\"hi\"\"\",1\r\n\"two\nlines\",2\r\n")
        guard case .categorical(let c) = t.column(named: "name") else { Issue.record("name not text"); return }
        #expect(c.values == ["say \"hi\"", "two\nlines"])
        #expect(t.column(named: "v") == .numeric([1, 2]))
    }

    @Test func parsesLongAndExtremeLiterals() throws {
        let t = try CSVReader.parse(text: "x\n0.1000000000000000055511151231257827\n1.7976931348623157e308\n4.9e-324\n-0.3\n12345678901234567890\n")
        #expect(t.column(named: "x") == .numeric([0.1, 1.7976931348623157e308, Double.leastNonzeroMagnitude, -0.3, Double("12345678901234567890")!]))
    }

    @Test("pandas' missing tokens leave a column numeric, those that start like a number too")
    func missingTokensInNumericColumns() throws {
        let t = try CSVReader.parse(text: "x\n1.5\nNA\n1.#IND\n-1.#QNAN\n#N/A\n2\n")
        guard case .numeric(let v) = t.column(named: "x") else { Issue.record("x not numeric"); return }
        #expect(v.count == 6)
        #expect(v[0] == 1.5 && v[5] == 2)
        #expect(v[1...4].allSatisfy { $0.isNaN })
    }

    @Test func autoColumnSwitchesToTextKeepingEarlierRows() throws {
        let t = try CSVReader.parse(text: "c\n1\n2\nthree\n4\n")
        guard case .categorical(let c) = t.column(named: "c") else { Issue.record("c not text"); return }
        #expect(c.values == ["1", "2", "three", "4"])
    }

    @Test func integerHintDetectsPandasIntColumns() throws {
        let t = try CSVReader.parse(text: "i,f,m\n1,1.0,1\n2,2.5,\n")
        #expect(t.hints(named: "i")?.integerLiteralsOnly == true)
        #expect(t.hints(named: "f")?.integerLiteralsOnly == false)
        #expect(t.hints(named: "m")?.integerLiteralsOnly == false)   // a missing value makes pandas use float
    }

    @Test func raggedRowNamesFileAndLine() throws {
        let path = try tempFile("ragged.csv", "a,b\n1,2\n3\n5,6\n")
        let e = #expect(throws: DataReadError.self) { try CSVReader.read(path: path) }
        #expect(e?.kind == .raggedRow)
        #expect(e?.line == 3)
        #expect(e?.file == path)
        #expect(e?.description.contains("\(path):3") == true)
    }

    @Test func tooManyFieldsIsRagged() throws {
        let e = #expect(throws: DataReadError.self) { try CSVReader.parse(text: "a,b\n1,2,3\n", file: "x.csv") }
        #expect(e?.kind == .raggedRow)
        #expect(e?.line == 2)
    }

    @Test func emptyFile() throws {
        let path = try tempFile("empty.csv", "")
        let e = #expect(throws: DataReadError.self) { try CSVReader.read(path: path) }
        #expect(e?.kind == .emptyFile)
        #expect(e?.file == path)
        #expect(e?.line == 1)
    }

    @Test func nonNumericValueInNumericalColumnNamesLineAndColumn() throws {
        let schema = TableSchemaHint(numericalColumns: ["price"])
        let e = #expect(throws: DataReadError.self) {
            try CSVReader.parse(text: "id,price\n1,2.5\n2,cheap\n", file: "cur.csv", schema: schema)
        }
        #expect(e?.kind == .nonNumericValue)
        #expect(e?.line == 3)
        #expect(e?.column == "price")
        #expect(e?.description == "cur.csv:3: column 'price': value 'cheap' is not a number")
    }

    @Test func columnMissingOnOneSideNamesTheFileLackingIt() throws {
        let ref = try tempFile("ref.csv", "a,b\n1,2\n")
        let cur = try tempFile("cur.csv", "a\n1\n")
        let e = #expect(throws: DataReadError.self) { try TableReader.readPair(reference: ref, current: cur) }
        #expect(e?.kind == .missingColumn)
        #expect(e?.file == cur)
        #expect(e?.column == "b")
        #expect(e?.line == 1)
    }

    @Test func declaredColumnAbsentFromBothFiles() throws {
        let ref = try tempFile("ref.csv", "a\n1\n")
        let cur = try tempFile("cur.csv", "a\n2\n")
        let e = #expect(throws: DataReadError.self) {
            try TableReader.readPair(reference: ref, current: cur, schema: TableSchemaHint(categoricalColumns: ["zz"]))
        }
        #expect(e?.kind == .missingColumn)
        #expect(e?.column == "zz")
        #expect(e?.file == ref)
    }

    @Test func unterminatedQuote() throws {
        let e = #expect(throws: DataReadError.self) { try CSVReader.parse(text: "a\n\"open\n", file: "q.csv") }
        #expect(e?.kind == .unterminatedQuote)
        #expect(e?.line == 2)
    }

    @Test func duplicateHeader() throws {
        let e = #expect(throws: DataReadError.self) { try CSVReader.parse(text: "a,a\n1,2\n", file: "d.csv") }
        #expect(e?.kind == .duplicateColumn)
        #expect(e?.column == "a")
    }

    @Test func missingFile() throws {
        let e = #expect(throws: DataReadError.self) { try CSVReader.read(path: "/nonexistent/vane.csv") }
        #expect(e?.kind == .io)
    }

    @Test func directoryIsRefusedNotAllocated() throws {
        let e = #expect(throws: DataReadError.self) { try CSVReader.read(path: FileManager.default.temporaryDirectory.path) }
        #expect(e?.kind == .io)
        #expect(e?.detail.contains("directory") == true)
    }

    @Test func fileOverTheSizeLimitIsRefusedBeforeReading() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vane-big-\(ProcessInfo.processInfo.processIdentifier).csv")
        try Data(repeating: UInt8(ascii: "1"), count: 4096).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let e = #expect(throws: DataReadError.self) { try CSVReader.readFile(url.path, limit: 1024) }
        #expect(e?.detail.contains("read into memory") == true)
        #expect(try CSVReader.readFile(url.path, limit: 4096).count == 4096)
        #expect(CSVReader.maximumFileBytes >= 1 << 30)
    }
}
