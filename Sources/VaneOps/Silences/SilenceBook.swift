import Foundation
import Synchronization

/// A silence as a client posts it, before Vane checks it.
public struct PostedSilence: Sendable {
    public struct PostedMatcher: Sendable {
        public var name: String
        public var value: String
        public var isRegex: Bool
        public var isEqual: Bool

        public init(name: String, value: String, isRegex: Bool, isEqual: Bool = true) {
            self.name = name
            self.value = value
            self.isRegex = isRegex
            self.isEqual = isEqual
        }
    }

    public var id: String?
    public var matchers: [PostedMatcher]
    public var startsAt: WireTime
    public var endsAt: WireTime
    public var createdBy: String
    public var comment: String

    public init(id: String? = nil, matchers: [PostedMatcher], startsAt: WireTime, endsAt: WireTime, createdBy: String, comment: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }
}

/// Why a silence was refused: Alertmanager's message, and whether it is a missing silence (404).
public struct SilenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let notFound: Bool
    public init(_ message: String, notFound: Bool = false) {
        self.message = message
        self.notFound = notFound
    }
    public var description: String { message }
}

/// Where silences are kept across restarts; the book calls it inside its lock, so that what is
/// acknowledged is written.
public protocol SilenceJournal: Sendable {
    /// Writes `silence` (new or changed); a failure refuses the change.
    func save(_ silence: Silence) throws
    /// Forgets silences that expired past retention.
    func remove(ids: [String]) throws
}

/// The silences, by id, with Alertmanager's rules for creating, updating and expiring them.
public final class SilenceBook: Sendable {
    private let silences: Mutex<[String: Silence]>
    private let journal: (any SilenceJournal)?
    /// How long an expired silence is kept, in microseconds (Alertmanager: `--data.retention`, 120h).
    public let retention: Int64
    /// The most silences kept at once.
    public static let limit = 100_000

    public init(silences: [Silence] = [], journal: (any SilenceJournal)? = nil, retention: Int64 = 120 * 3_600_000_000) {
        self.silences = Mutex(Dictionary(silences.map { ($0.id, $0) }, uniquingKeysWith: { $1 }))
        self.journal = journal
        self.retention = retention
    }

    /// Every silence, in Alertmanager's listing order.
    public func all(now: Int64) -> [Silence] {
        silences.withLock { Array($0.values) }.sorted { Silence.listed($0, $1, now: now) }
    }

    /// The silence with `id`.
    public func silence(_ id: String) -> Silence? { silences.withLock { $0[id.lowercased()] } }

    /// The silences active at `now`.
    public func active(now: Int64) -> [Silence] {
        silences.withLock { $0.values.filter { $0.state(at: now) == .active } }.sorted { $0.id < $1.id }
    }

    /// Creates or updates a silence the way `POST /api/v2/silences` does; returns its id.
    ///
    /// An `id` that exists is updated in place when only what may change changed (an active
    /// silence's end and texts, a pending one's times); otherwise the old one is expired and a new
    /// one made. A new silence starting in the past starts now.
    public func post(_ posted: PostedSilence, now: WireTime) throws(SilenceError) -> String {
        if posted.startsAt >= posted.endsAt {
            throw SilenceError("Failed to create silence: start time must be before end time")
        }
        if posted.endsAt.micros < now.micros { throw SilenceError("Failed to create silence: end time can't be in the past") }
        var matchers: [Matcher] = []
        for (index, m) in posted.matchers.enumerated() {
            guard LabelName.isValid(m.name) else {
                throw SilenceError("silence invalid: invalid label matcher \(index): invalid label name \(GoQuote.quote(m.name))")
            }
            do { matchers.append(try Matcher(name: m.name, kind: .init(isRegex: m.isRegex, isEqual: m.isEqual), value: m.value)) } catch {
                throw SilenceError("silence invalid: invalid label matcher \(index): \(error.message)")
            }
        }
        var candidate = Silence(id: "", matchers: matchers, startsAt: posted.startsAt, endsAt: posted.endsAt, updatedAt: now,
                                createdBy: posted.createdBy, comment: posted.comment)
        if let problem = candidate.validate() { throw SilenceError("silence invalid: \(problem)") }
        let journal = self.journal
        return try silences.withLock { (book: inout [String: Silence]) throws(SilenceError) -> String in
            var expired: Silence?
            if let id = posted.id {
                guard let previous = book[id.lowercased()] else { throw SilenceError("silence not found", notFound: true) }
                if SilenceBook.canUpdate(previous, to: candidate, now: now.micros) {
                    candidate.id = previous.id
                    try SilenceBook.save(candidate, in: &book, journal: journal)
                    return candidate.id
                }
                if previous.state(at: now.micros) != .expired { expired = SilenceBook.expiring(previous, now: now) }
            }
            guard book.count < SilenceBook.limit else { throw SilenceError("too many silences: the limit is \(SilenceBook.limit)") }
            candidate.id = UUID().uuidString.lowercased()
            if candidate.startsAt < now { candidate.startsAt = now.utc }
            if let expired { try SilenceBook.save(expired, in: &book, journal: journal) }
            try SilenceBook.save(candidate, in: &book, journal: journal)
            return candidate.id
        }
    }

    /// Expires the silence `id` (`DELETE /api/v2/silence/{id}`): an active one ends now, a
    /// pending one starts and ends now, an expired one stays as it is.
    public func expire(_ id: String, now: WireTime) throws(SilenceError) {
        let journal = self.journal
        try silences.withLock { (book: inout [String: Silence]) throws(SilenceError) in
            guard let silence = book[id.lowercased()] else { throw SilenceError("silence not found", notFound: true) }
            guard silence.state(at: now.micros) != .expired else { return }
            try SilenceBook.save(SilenceBook.expiring(silence, now: now), in: &book, journal: journal)
        }
    }

    /// Drops silences expired for longer than ``retention``.
    public func collectGarbage(now: Int64) {
        let journal = self.journal
        silences.withLock { book in
            let old = book.values.filter { $0.state(at: now) == .expired && now - $0.endsAt.micros > retention }.map(\.id)
            guard !old.isEmpty else { return }
            do { try journal?.remove(ids: old) } catch { return }
            for id in old { book[id] = nil }
        }
    }

    static func expiring(_ silence: Silence, now: WireTime) -> Silence {
        var changed = silence
        if silence.state(at: now.micros) == .pending { changed.startsAt = now.utc }
        changed.endsAt = now.utc
        changed.updatedAt = now.utc
        return changed
    }

    static func save(_ silence: Silence, in book: inout [String: Silence], journal: (any SilenceJournal)?) throws(SilenceError) {
        do { try journal?.save(silence) } catch {
            throw SilenceError("the silence could not be stored: \(error)")
        }
        book[silence.id] = silence
    }

    /// Alertmanager's `canUpdate`: the same matchers; an active silence keeps its start (to the
    /// second) and does not end in the past; a pending one does not start in the past.
    static func unixSeconds(_ time: WireTime) -> Int64 {
        time.micros >= 0 ? time.micros / 1_000_000 : (time.micros - 999_999) / 1_000_000
    }

    static func canUpdate(_ a: Silence, to b: Silence, now: Int64) -> Bool {
        guard a.matchers == b.matchers else { return false }
        switch a.state(at: now) {
        case .active: return unixSeconds(b.startsAt) == unixSeconds(a.startsAt) && b.endsAt.micros >= now
        case .pending: return b.startsAt.micros >= now
        case .expired: return false
        }
    }
}
