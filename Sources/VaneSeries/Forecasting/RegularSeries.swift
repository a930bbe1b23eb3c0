import Foundation

/// A series on a regular time grid, made from irregular, unsorted or repeated timestamps:
/// points are bucketed to the median sampling step, repeated buckets averaged, gaps filled by
/// linear interpolation. Non-finite values are ignored.
public struct RegularSeries: Sendable, Equatable {
    /// Epoch seconds of the first grid point.
    public var start: Double
    /// Grid step in seconds (the median positive difference between consecutive timestamps).
    public var step: Double
    /// One value per grid point.
    public var values: [Double]

    /// Why a series cannot be put on a grid.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Fewer than `needed` finite points.
        case tooFewPoints(found: Int, needed: Int)
        /// All timestamps are equal.
        case noTimeSpan
        /// The grid would be too long (timestamps far apart relative to the step).
        case gridTooLong(Int)

        /// One line.
        public var description: String {
            switch self {
            case .tooFewPoints(let f, let n): "the series has \(f) usable point\(f == 1 ? "" : "s"); at least \(n) are needed"
            case .noTimeSpan: "every timestamp is the same; the series spans no time"
            case .gridTooLong(let n): "the timestamps are too irregular to put on one grid (\(n) steps)"
            }
        }
    }

    /// The largest grid accepted.
    public static let maximumGridLength = 5_000_000

    /// Puts `(timestamps, values)` on a regular grid; `minimumPoints` finite points are required.
    public init(timestamps: [Double], values: [Double], minimumPoints: Int = 3) throws(Failure) {
        var pairs: [(Double, Double)] = []
        pairs.reserveCapacity(values.count)
        for (t, v) in zip(timestamps, values) where t.isFinite && v.isFinite { pairs.append((t, v)) }
        guard pairs.count >= minimumPoints else { throw .tooFewPoints(found: pairs.count, needed: minimumPoints) }
        if !zip(pairs, pairs.dropFirst()).allSatisfy({ $0.0 <= $1.0 }) { pairs.sort { $0.0 < $1.0 } }
        var diffs: [Double] = []
        diffs.reserveCapacity(pairs.count)
        for i in 1..<pairs.count where pairs[i].0 > pairs[i - 1].0 { diffs.append(pairs[i].0 - pairs[i - 1].0) }
        guard !diffs.isEmpty else { throw .noTimeSpan }
        let mid = diffs.count / 2
        diffs.withUnsafeMutableBufferPointer { b in
            // nth element by partial sort: O(n) on average
            var lo = 0, hi = b.count - 1
            while lo < hi {
                let pivot = b[(lo + hi) / 2]
                var i = lo, j = hi
                while i <= j {
                    while b[i] < pivot { i += 1 }
                    while b[j] > pivot { j -= 1 }
                    if i <= j { b.swapAt(i, j); i += 1; j -= 1 }
                }
                if mid <= j { hi = j } else if mid >= i { lo = i } else { break }
            }
        }
        let step = diffs[mid]
        let first = pairs[0].0
        let lengthD = ((pairs[pairs.count - 1].0 - first) / step).rounded() + 1
        guard lengthD <= Double(Self.maximumGridLength) else { throw .gridTooLong(Int(min(lengthD, 1e18))) }
        let length = Int(lengthD)
        var sums = [Double](repeating: 0, count: length), counts = [Int](repeating: 0, count: length)
        for (t, v) in pairs {
            let k = min(length - 1, max(0, Int(((t - first) / step).rounded())))
            sums[k] += v
            counts[k] += 1
        }
        var values = [Double](repeating: .nan, count: length)
        var previous = -1
        for k in 0..<length where counts[k] > 0 {
            values[k] = sums[k] / Double(counts[k])
            if previous >= 0 && k - previous > 1 {
                let a = values[previous], b = values[k]
                for j in (previous + 1)..<k { values[j] = a + (b - a) * Double(j - previous) / Double(k - previous) }
            }
            previous = k
        }
        self.start = first
        self.step = step
        self.values = values
    }

    /// Epoch seconds of grid point `i` (may be past the end, for forecasts).
    public func timestamp(_ i: Int) -> Double { start + Double(i) * step }
}
