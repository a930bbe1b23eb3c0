import Foundation
import Testing
import VaneCore

@Suite("Identifiers")
struct IdentifiersTests {
    static let hexDigits = Set("0123456789abcdef")

    @Test("hex32 is 32 lowercase hexadecimal characters, the shape of MLflow run ids")
    func shape() {
        for _ in 0..<2_000 {
            let id = Identifiers.hex32()
            #expect(id.count == 32, "\(id)")
            #expect(id.utf8.count == 32, "\(id)")
            #expect(id.allSatisfy { Self.hexDigits.contains($0) }, "\(id)")
            #expect(id == id.lowercased())
        }
    }

    @Test("ids are distinct")
    func distinct() {
        let ids = (0..<20_000).map { _ in Identifiers.hex32() }
        #expect(Set(ids).count == ids.count)
        // Both 64-bit halves vary independently (a generator reusing one half would collide here).
        #expect(Set(ids.map { $0.prefix(16) }).count == ids.count)
        #expect(Set(ids.map { $0.suffix(16) }).count == ids.count)
    }

    @Test("every position takes every hex digit: leading zeros are kept, not dropped or fixed")
    func everyPositionVaries() {
        let ids = (0..<4_000).map { _ in Array(Identifiers.hex32()) }
        for position in 0..<32 {
            let seen = Set(ids.map { $0[position] })
            #expect(seen == Self.hexDigits, "position \(position) only saw \(seen.sorted())")
        }
    }

    @Test("uuid is a lowercase version-4 RFC 4122 UUID that Foundation reads back, all random digits varying")
    func uuids() throws {
        let ids = (0..<4_000).map { _ in Identifiers.uuid() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(500) {
            #expect(id.utf8.count == 36, "\(id)")
            let parsed = try #require(UUID(uuidString: id), "\(id)")
            #expect(parsed.uuidString.lowercased() == id)
            let chars = Array(id)
            #expect(chars[8] == "-" && chars[13] == "-" && chars[18] == "-" && chars[23] == "-", "\(id)")
            #expect(chars[14] == "4", "\(id)")
            #expect("89ab".contains(chars[19]), "\(id)")
        }
        // Every position but the fixed ones takes every hex digit.
        let digits = ids.map { Array($0.replacingOccurrences(of: "-", with: "")) }
        for position in 0..<32 where position != 12 && position != 16 {
            let seen = Set(digits.map { $0[position] })
            #expect(seen == Self.hexDigits, "position \(position) only saw \(seen.sorted())")
        }
    }

    @Test("timeOrderedUUID is a version-7 UUID that Foundation reads back, carrying its millisecond time first, so later ids sort later")
    func timeOrderedUUIDs() throws {
        let millis: Int64 = 1_796_000_000_123
        let id = Identifiers.timeOrderedUUID(millis: millis)
        #expect(try #require(UUID(uuidString: id)).uuidString.lowercased() == id)
        let hex = id.replacingOccurrences(of: "-", with: "")
        #expect(Int64(hex.prefix(12), radix: 16) == millis)
        #expect(Array(id)[14] == "7")
        #expect("89ab".contains(Array(id)[19]))
        let ids = (0..<1_000).map { Identifiers.timeOrderedUUID(millis: millis + Int64($0)) }
        #expect(ids.sorted() == ids)
        #expect(Set((0..<1_000).map { _ in Identifiers.timeOrderedUUID(millis: millis) }).count == 1_000)
        let now = SystemClock().nowMillis()
        let current = Int64(Identifiers.timeOrderedUUID().replacingOccurrences(of: "-", with: "").prefix(12), radix: 16) ?? 0
        #expect(abs(current - now) < 60_000)
    }
}
