import Histogram
import Synchronization
import VaneCore

/// Requests, errors and latency of one variant or shadow, overall and over the last minute.
///
/// Latencies go into HdrHistograms (microseconds, two significant digits, up to an hour): one
/// for everything and a ring of six for ten-second slots, merged for the last minute. Recording
/// is one short lock and a counter increment; memory is fixed per variant.
public final class RequestStats: Sendable {
    /// Counts and latency percentiles over some span.
    public struct Snapshot: Sendable, Equatable {
        public var requests: Int
        public var errors: Int
        /// Latency percentiles in milliseconds; nil before the first request.
        public var p50Milliseconds: Double?
        public var p99Milliseconds: Double?

        /// Failed requests over requests; nil before the first.
        public var errorRate: Double? { requests > 0 ? Double(errors) / Double(requests) : nil }
    }

    static let slotMilliseconds: Int64 = 10_000
    static let slotCount = 6
    static let highestMicroseconds: UInt64 = 3_600_000_000

    private struct State {
        var total = RequestStats.histogram()
        var requests = 0
        var errors = 0
        var slots = [Histogram<UInt64>](repeating: RequestStats.histogram(), count: RequestStats.slotCount)
        var slotRequests = [Int](repeating: 0, count: RequestStats.slotCount)
        var slotErrors = [Int](repeating: 0, count: RequestStats.slotCount)
        /// The ten-second period each slot holds (time / slotMilliseconds); -1 for none yet.
        var slotPeriod = [Int64](repeating: -1, count: RequestStats.slotCount)
    }

    private let state = Mutex(State())

    public init() {}

    static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: highestMicroseconds, numberOfSignificantValueDigits: .two)
    }

    /// Records one request that took `nanoseconds` at time `now`.
    public func record(nanoseconds: UInt64, failed: Bool, at now: EpochMillis) {
        let micros = min(max(nanoseconds / 1_000, 1), Self.highestMicroseconds)
        let period = now / Self.slotMilliseconds
        let slot = Int(period % Int64(Self.slotCount))
        state.withLock { s in
            s.requests += 1
            if failed { s.errors += 1 }
            _ = s.total.record(micros)
            if s.slotPeriod[slot] != period {
                s.slots[slot].reset()
                s.slotRequests[slot] = 0
                s.slotErrors[slot] = 0
                s.slotPeriod[slot] = period
            }
            s.slotRequests[slot] += 1
            if failed { s.slotErrors[slot] += 1 }
            _ = s.slots[slot].record(micros)
        }
    }

    /// Everything since the stats were made, and the last minute before `now`.
    public func snapshot(at now: EpochMillis) -> (overall: Snapshot, lastMinute: Snapshot) {
        let period = now / Self.slotMilliseconds
        return state.withLock { s in
            let overall = Self.snapshot(s.total, requests: s.requests, errors: s.errors)
            var merged = Self.histogram()
            var requests = 0, errors = 0
            for i in 0..<Self.slotCount where s.slotPeriod[i] >= 0 && period - s.slotPeriod[i] < Int64(Self.slotCount) {
                merged.add(s.slots[i])
                requests += s.slotRequests[i]
                errors += s.slotErrors[i]
            }
            return (overall, Self.snapshot(merged, requests: requests, errors: errors))
        }
    }

    static func snapshot(_ h: Histogram<UInt64>, requests: Int, errors: Int) -> Snapshot {
        guard h.totalCount > 0 else { return Snapshot(requests: requests, errors: errors) }
        return Snapshot(requests: requests, errors: errors,
                        p50Milliseconds: Double(h.valueAtPercentile(50)) / 1_000, p99Milliseconds: Double(h.valueAtPercentile(99)) / 1_000)
    }
}
