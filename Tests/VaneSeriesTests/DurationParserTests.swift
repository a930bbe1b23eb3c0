import Foundation
import Testing
@testable import VaneSeries

struct DurationParserTests {
    @Test func forms() {
        #expect(DurationParser.seconds("7d") == 604_800)
        #expect(DurationParser.seconds("1d12h") == 129_600)
        #expect(DurationParser.seconds("90m") == 5_400)
        #expect(DurationParser.seconds("2W") == 1_209_600)
        #expect(DurationParser.seconds("3600") == 3_600)
        #expect(DurationParser.seconds("1.5h") == 5_400)
        for bad in ["", "0", "-1d", "d", "7x", "7d3", "inf", "1e999"] { #expect(DurationParser.seconds(bad) == nil, "\(bad)") }
    }
}
