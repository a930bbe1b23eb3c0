import Synchronization

/// How far one variant's predictions have moved from another's: the Wasserstein-1 distance
/// between the two samples' distributions divided by the reference sample's standard deviation
/// (Evidently's "normed Wasserstein", whose usual threshold is 0.1), or the plain distance when
/// the reference does not vary.
public enum PredictionDrift {
    /// The normed distance between `current` and `reference`; nil when either is empty.
    public static func score(current: [Double], reference: [Double]) -> Double? {
        let a = current.filter(\.isFinite).sorted(), b = reference.filter(\.isFinite).sorted()
        guard !a.isEmpty, !b.isEmpty else { return nil }
        // ∫ |F_a − F_b| over the merged support.
        var i = 0, j = 0
        var distance = 0.0
        var previous = min(a[0], b[0])
        while i < a.count || j < b.count {
            let next: Double
            if j >= b.count || (i < a.count && a[i] <= b[j]) { next = a[i] } else { next = b[j] }
            let fa = Double(i) / Double(a.count), fb = Double(j) / Double(b.count)
            distance += abs(fa - fb) * (next - previous)
            previous = next
            if j >= b.count || (i < a.count && a[i] <= b[j]) { i += 1 } else { j += 1 }
        }
        let mean = b.reduce(0, +) / Double(b.count)
        let variance = b.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(b.count - 1, 1))
        let sd = variance.squareRoot()
        return sd > 0 ? distance / sd : distance
    }
}

/// A uniform sample of at most ``capacity`` values from a stream (reservoir sampling, algorithm R):
/// every value seen so far is in the sample with the same probability.
public final class ReservoirSample: Sendable {
    public let capacity: Int
    private let state: Mutex<(values: [Double], seen: Int)>

    public init(capacity: Int = 5_000) {
        self.capacity = max(1, capacity)
        state = Mutex(([], 0))
    }

    public func add(_ value: Double) {
        var g = SystemRandomNumberGenerator()
        let slot = Int.random(in: 0..<Int.max, using: &g)
        state.withLock { s in
            s.seen += 1
            if s.values.count < capacity {
                s.values.append(value)
            } else if slot % s.seen < capacity {
                s.values[slot % s.seen] = value
            }
        }
    }

    /// The sample and how many values were seen.
    public var snapshot: (values: [Double], seen: Int) { state.withLock { $0 } }
}
