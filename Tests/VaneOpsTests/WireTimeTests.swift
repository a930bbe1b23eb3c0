import Testing
@testable import VaneOps

@Suite struct WireTimeTests {
    @Test func readsAndWritesAlertmanagersForm() throws {
        let t = try #require(WireTime(rfc3339: "2026-11-22T23:32:13.832Z"))
        #expect(t.description == "2026-11-22T23:32:13.832Z")
        #expect(WireTime(rfc3339: "2026-11-22T23:32:13Z")?.description == "2026-11-22T23:32:13.000Z")
        // Fractions beyond milliseconds are kept to the microsecond and written truncated.
        let fine = try #require(WireTime(rfc3339: "2026-03-02T09:13:25.222999999Z"))
        #expect(fine.micros % 1_000_000 == 222_999)
        #expect(fine.description == "2026-03-02T09:13:25.222Z")
    }

    @Test func keepsTheOffsetItWasWrittenWith() throws {
        let t = try #require(WireTime(rfc3339: "2026-01-01T10:00:00.123456+02:00"))
        #expect(t.description == "2026-01-01T10:00:00.123+02:00")
        #expect(t == WireTime(rfc3339: "2026-01-01T08:00:00.123456Z"))
        #expect(t.utc.description == "2026-01-01T08:00:00.123Z")
        #expect(WireTime(rfc3339: "2026-01-01T10:00:00-05:30")?.description == "2026-01-01T10:00:00.000-05:30")
        #expect(WireTime(rfc3339: "2026-01-01T10:00:00+00:00")?.description == "2026-01-01T10:00:00.000Z")
    }

    @Test func refusesWhatIsNotATime() {
        for text in ["", "notatime", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00",
                     "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00:00+2:00", "10000-01-01T00:00:00Z"] {
            #expect(WireTime(rfc3339: text) == nil, "\(text)")
        }
        #expect(WireTime(rfc3339: "2024-02-29T00:00:00Z") != nil)
        #expect(WireTime(rfc3339: "1969-12-31T23:59:59.500Z")?.description == "1969-12-31T23:59:59.500Z")
    }
}
