import Foundation
import Testing
@testable import VaneSeries

struct TimeSeriesCSVTests {
    func parse(_ text: String) throws(TimeSeriesReadError) -> TimeSeriesTable {
        try TimeSeriesCSV.parse(Array(text.utf8), file: "s.csv")
    }

    @Test func timestampForms() {
        #expect(TimestampParser.parse("1970-01-01 00:00:00") == 0)
        #expect(TimestampParser.parse("2014-04-01 00:05:00") == 1_396_310_700)
        #expect(TimestampParser.parse("2014-04-01T00:05:00Z") == 1_396_310_700)
        #expect(TimestampParser.parse("2014-04-01T02:05:00+02:00") == 1_396_310_700)
        #expect(TimestampParser.parse("2014-03-31T19:05:00.5-05:00") == 1_396_310_700.5)
        #expect(TimestampParser.parse("2000-02-29") == 951_782_400)
        #expect(TimestampParser.parse("1396310700") == 1_396_310_700)
        #expect(TimestampParser.parse("1396310700.25") == 1_396_310_700.25)
        for bad in ["2014-02-30 00:00:00", "2014-13-01", "yesterday", "2014-04-01 25:00:00", "12:00", "", "1e5", "2014-04-01T00:05:00+2"] {
            #expect(TimestampParser.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func rowsKeepTheirTextAndFindColumnsByName() throws {
        let t = try parse("value,timestamp\n1.5,2014-04-01 00:00:00\r\n\n,\"2014-04-01 00:05:00\"\ninf,1396310400\n")
        #expect(t.count == 3)
        #expect(t.header.timestamp == "timestamp")
        #expect(t.values[0] == 1.5 && t.values[1].isNaN && t.values[2] == .infinity)
        #expect(t.timestamps == [1_396_310_400, 1_396_310_700, 1_396_310_400])
        #expect(String(decoding: t.bytes[t.timestampFields[1]], as: UTF8.self) == "2014-04-01 00:05:00")
        #expect(String(decoding: t.bytes[t.valueFields[0]], as: UTF8.self) == "1.5")
    }

    @Test func badRowsNameTheirLine() {
        let e1 = #expect(throws: TimeSeriesReadError.self) { try parse("timestamp,value\n2014-04-01 00:00:00,1\nnot a time,2\n") }
        #expect(e1?.line == 3 && e1?.description.contains("s.csv:3") == true)
        let e2 = #expect(throws: TimeSeriesReadError.self) { try parse("timestamp,value\n2014-04-01 00:00:00,abc\n") }
        #expect(e2?.line == 2 && e2?.detail.contains("abc") == true)
        let e3 = #expect(throws: TimeSeriesReadError.self) { try parse("timestamp,value\n2014-04-01 00:00:00,1,2\n") }
        #expect(e3?.line == 2)
        let e4 = #expect(throws: TimeSeriesReadError.self) { try parse("") }
        #expect(e4?.line == nil)
        #expect(throws: TimeSeriesReadError.self) { try parse("just one column\n1\n") }
        #expect(throws: TimeSeriesReadError.self) { try parse("timestamp,value\n1,0x1p3\n") }
    }

    @Test func headerOnlyIsAnEmptySeries() throws {
        #expect(try parse("timestamp,value\n").count == 0)
    }
}
