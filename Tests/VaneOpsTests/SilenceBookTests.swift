import Foundation
import Synchronization
import Testing
@testable import VaneOps

@Suite struct SilenceBookTests {
    static let second: Int64 = 1_000_000
    static func t(_ s: Int64) -> WireTime { WireTime(micros: 1_800_000_000 * second + s * second) }

    func silence(_ start: Int64, _ end: Int64, id: String? = nil, matchers: [PostedSilence.PostedMatcher]? = nil) -> PostedSilence {
        PostedSilence(id: id, matchers: matchers ?? [.init(name: "service", value: "check.*", isRegex: true)],
                      startsAt: Self.t(start), endsAt: Self.t(end), createdBy: "me", comment: "c")
    }

    @Test func createsListsAndExpiresAsAlertmanagerDoes() throws {
        let book = SilenceBook()
        let active = try book.post(silence(-10, 100), now: Self.t(0))
        let pending = try book.post(silence(50, 200), now: Self.t(0))
        #expect(UUID(uuidString: active) != nil)
        // A start in the past becomes now.
        #expect(book.silence(active)?.startsAt == Self.t(0))
        #expect(book.all(now: Self.t(0).micros).map(\.id) == [active, pending])
        #expect(book.silence(pending)?.state(at: Self.t(0).micros) == .pending)
        try book.expire(pending, now: Self.t(10))
        let expired = try #require(book.silence(pending))
        #expect(expired.startsAt == Self.t(10) && expired.endsAt == Self.t(10) && expired.state(at: Self.t(10).micros) == .expired)
        try book.expire(active, now: Self.t(20))
        #expect(book.silence(active)?.endsAt == Self.t(20))
        // Expiring an expired silence changes nothing; an unknown one is not found.
        try book.expire(active, now: Self.t(30))
        #expect(book.silence(active)?.endsAt == Self.t(20))
        #expect(throws: SilenceError("silence not found", notFound: true)) { try book.expire("00000000-0000-0000-0000-000000000000", now: Self.t(0)) }
        // Most recently expired first.
        #expect(book.all(now: Self.t(40).micros).map(\.id) == [active, pending])
    }

    @Test func updatesInPlaceOnlyWhatMayChange() throws {
        let book = SilenceBook()
        let id = try book.post(silence(0, 100), now: Self.t(0))
        // Same matchers, same start (to the second), later end: the same silence.
        #expect(try book.post(silence(0, 300, id: id), now: Self.t(5)) == id)
        #expect(book.silence(id)?.endsAt == Self.t(300))
        // Other matchers: the old one is expired and a new one made.
        let other = try book.post(silence(0, 300, id: id, matchers: [.init(name: "a", value: "b", isRegex: false)]), now: Self.t(6))
        #expect(other != id)
        #expect(book.silence(id)?.state(at: Self.t(6).micros) == .expired)
        #expect(throws: SilenceError("silence not found", notFound: true)) {
            try book.post(silence(0, 300, id: "00000000-0000-0000-0000-000000000000"), now: Self.t(0))
        }
    }

    @Test func refusesWithAlertmanagersMessagesAndKeepsTheBookUnchanged() throws {
        let book = SilenceBook()
        #expect(throws: SilenceError("Failed to create silence: start time must be before end time")) { try book.post(silence(10, 10), now: Self.t(0)) }
        #expect(throws: SilenceError("Failed to create silence: end time can't be in the past")) { try book.post(silence(-20, -10), now: Self.t(0)) }
        #expect(throws: SilenceError("silence invalid: at least one matcher must not match the empty string")) {
            try book.post(silence(0, 10, matchers: [.init(name: "a", value: "", isRegex: false)]), now: Self.t(0))
        }
        #expect(throws: SilenceError(#"silence invalid: invalid label matcher 0: invalid label name "a b""#)) {
            try book.post(silence(0, 10, matchers: [.init(name: "a b", value: "x", isRegex: false)]), now: Self.t(0))
        }
        #expect(throws: SilenceError.self) { try book.post(silence(0, 10, matchers: [.init(name: "a", value: "(", isRegex: true)]), now: Self.t(0)) }
        #expect(book.all(now: 0).isEmpty)
    }

    @Test func silencesMatchAlertsOnlyWhileActive() throws {
        let book = SilenceBook()
        let id = try book.post(silence(10, 20, matchers: [.init(name: "service", value: "check.*", isRegex: true),
                                                          .init(name: "severity", value: "critical", isRegex: false, isEqual: false)]), now: Self.t(0))
        let warning = LabelSet(["service": "checkout", "severity": "warning"])
        let critical = LabelSet(["service": "checkout", "severity": "critical"])
        #expect(book.active(now: Self.t(5).micros).isEmpty)
        #expect(book.active(now: Self.t(15).micros).map(\.id) == [id])
        #expect(book.active(now: Self.t(15).micros)[0].matches(warning))
        #expect(!book.active(now: Self.t(15).micros)[0].matches(critical))
        #expect(book.active(now: Self.t(20).micros).isEmpty)
    }

    final class Journal: SilenceJournal, @unchecked Sendable {
        let saved = Mutex<[String]>([])
        let failing: Bool
        init(failing: Bool) { self.failing = failing }
        func save(_ silence: Silence) throws {
            if failing { throw SilenceError("disk full") }
            saved.withLock { $0.append(silence.id) }
        }
        func remove(ids: [String]) throws {}
    }

    @Test func aSilenceIsJournaledBeforeItIsAcknowledged() throws {
        let journal = Journal(failing: false)
        let id = try SilenceBook(journal: journal).post(silence(0, 10), now: Self.t(0))
        #expect(journal.saved.withLock { $0 } == [id])
        let broken = SilenceBook(journal: Journal(failing: true))
        #expect(throws: SilenceError.self) { try broken.post(silence(0, 10), now: Self.t(0)) }
        #expect(broken.all(now: 0).isEmpty)
    }

    @Test func expiredSilencesAreDroppedAfterRetention() throws {
        let book = SilenceBook(retention: 100 * Self.second)
        let id = try book.post(silence(0, 10), now: Self.t(0))
        book.collectGarbage(now: Self.t(50).micros)
        #expect(book.silence(id) != nil)
        book.collectGarbage(now: Self.t(200).micros)
        #expect(book.silence(id) == nil)
    }
}
