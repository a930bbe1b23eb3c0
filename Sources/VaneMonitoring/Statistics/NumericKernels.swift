import Foundation

/// Small numeric kernels that reproduce NumPy's floating-point evaluation order where it matters
/// for matching reference values (pairwise summation, `np.mean`, `np.var`, `np.histogram_bin_edges`).
public enum NumericKernels {
    /// Sum of `values` in NumPy's pairwise order (`np.sum` on a contiguous float64 array):
    /// blocks of at most 128 elements summed with 8 interleaved accumulators, halves split
    /// at a multiple of 8.
    public static func pairwiseSum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwiseSum($0) }
    }

    /// Pairwise sum over a buffer (see ``pairwiseSum(_:)-(Array<Double>)``).
    public static func pairwiseSum(_ a: UnsafeBufferPointer<Double>) -> Double {
        guard let base = a.baseAddress else { return 0 }
        return 0.0 + pairwise(base, a.count)
    }

    private static func pairwise(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
        if n < 8 {
            var res = -0.0
            for i in 0..<n { res += a[i] }
            return res
        } else if n <= 128 {
            var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3]
            var r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
            var i = 8
            let limit = n - (n % 8)
            while i < limit {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { res += a[i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwise(a, n2) + pairwise(a + n2, n - n2)
        }
    }

    /// `np.mean(values)`: pairwise sum divided by the count. NaN for an empty array.
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return pairwiseSum(values) / Double(values.count)
    }

    /// Mean of squared deviations from the mean (`np.var(values)`, ddof 0), NumPy order.
    public static func populationVariance(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let m = mean(values)
        var squares = [Double](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            squares.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count {
                    let d = src[i] - m
                    dst[i] = d * d
                }
            }
        }
        return pairwiseSum(squares) / Double(values.count)
    }

    /// `np.std(values)` (population standard deviation, ddof 0).
    public static func populationStandardDeviation(_ values: [Double]) -> Double {
        populationVariance(values).squareRoot()
    }

    /// Sample variance as SciPy's `_var(x, ddof=1)` computes it: `mean((x - mean)^2) * n / (n - 1)`.
    public static func sampleVariance(_ values: [Double]) -> Double {
        let n = Double(values.count)
        return populationVariance(values) * (n / (n - 1))
    }

    /// Number of elements of a sorted array that are `< value` (`searchsorted(side="left")`).
    @inline(__always)
    static func lowerBound(_ a: UnsafeBufferPointer<Double>, _ value: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if a[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Number of elements of a sorted array that are `<= value` (`searchsorted(side="right")`).
    @inline(__always)
    static func upperBound(_ a: UnsafeBufferPointer<Double>, _ value: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if a[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Distinct values of a sorted array with their multiplicities.
    static func distinctCounts(sorted a: [Double]) -> (values: [Double], counts: [Int]) {
        var values: [Double] = []
        var counts: [Int] = []
        var i = 0
        while i < a.count {
            let v = a[i]
            var j = i + 1
            while j < a.count && a[j] == v { j += 1 }
            values.append(v)
            counts.append(j - i)
            i = j
        }
        return (values, counts)
    }

    /// Number of distinct values of a sorted array (NaN-free).
    static func distinctCount(sorted a: [Double]) -> Int {
        guard !a.isEmpty else { return 0 }
        var c = 1
        for i in 1..<a.count where a[i] != a[i - 1] { c += 1 }
        return c
    }

    /// Number of distinct values in the union of two sorted arrays (NaN-free).
    static func distinctCount(sorted a: [Double], _ b: [Double]) -> Int {
        var i = 0, j = 0, count = 0
        var last = Double.nan
        var haveLast = false
        while i < a.count || j < b.count {
            let v: Double
            if j >= b.count || (i < a.count && a[i] <= b[j]) { v = a[i]; i += 1 } else { v = b[j]; j += 1 }
            if !haveLast || v != last { count += 1; last = v; haveLast = true }
        }
        return count
    }

    /// Merge two sorted arrays into one sorted array.
    static func mergeSorted(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] <= b[j] { out.append(a[i]); i += 1 } else { out.append(b[j]); j += 1 }
        }
        if i < a.count { out.append(contentsOf: a[i...]) }
        if j < b.count { out.append(contentsOf: b[j...]) }
        return out
    }
}

/// Histogram helpers matching `np.histogram_bin_edges(..., bins="sturges")` and `np.histogram`.
public enum Histogram {
    /// Error raised where NumPy raises for a non-finite automatic range.
    public struct NonFiniteRange: Error, Sendable, CustomStringConvertible {
        /// Smallest value of the sample.
        public let low: Double
        /// Largest value of the sample.
        public let high: Double
        /// NumPy's message.
        public var description: String {
            "ValueError: autodetected range of [\(pythonRepr(low)), \(pythonRepr(high))] is not finite"
        }
    }

    /// Sturges bin edges for a sample of `count` values spanning `[minimum, maximum]`.
    ///
    /// NumPy: width = ptp / (log2(n) + 1); bins = ceil((last - first) / width) (1 when width is 0,
    /// with the range widened by ±0.5); edges = linspace(first, last, bins + 1).
    public static func sturgesEdges(minimum: Double, maximum: Double, count: Int) throws(NonFiniteRange) -> [Double] {
        guard minimum.isFinite && maximum.isFinite else { throw NonFiniteRange(low: minimum, high: maximum) }
        var first = minimum, last = maximum
        if first == last { first -= 0.5; last += 0.5 }
        let width = (maximum - minimum) / (log2(Double(count)) + 1.0)
        let bins: Int
        if width != 0 {
            bins = Int((( last - first) / width).rounded(.up))
        } else {
            bins = 1
        }
        return linspace(first, last, bins + 1)
    }

    /// `np.linspace(start, stop, num)` with `endpoint=True`.
    public static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        precondition(num >= 2)
        let div = Double(num - 1)
        let delta = stop - start
        let step = delta / div
        var y = [Double](repeating: 0, count: num)
        for i in 0..<num {
            let fi = Double(i)
            y[i] = (step == 0 ? (fi / div) * delta : fi * step) + start
        }
        y[num - 1] = stop
        return y
    }

    /// Counts per bin (`np.histogram(values, edges)[0]`): bin i holds `edges[i] <= x < edges[i+1]`,
    /// the last bin also holds `x == edges.last`; values outside the edges are not counted.
    public static func counts(_ values: [Double], edges: [Double]) -> [Int] {
        let bins = edges.count - 1
        var counts = [Int](repeating: 0, count: bins)
        guard bins > 0 else { return counts }
        let lo = edges[0], hi = edges[bins]
        edges.withUnsafeBufferPointer { e in
            for x in values {
                if !(x >= lo && x <= hi) { continue }
                if x == hi { counts[bins - 1] += 1; continue }
                // number of edges <= x, minus one, is the bin
                let k = NumericKernels.upperBound(e, x) - 1
                counts[min(max(k, 0), bins - 1)] += 1
            }
        }
        return counts
    }
}

/// Python's `repr` of a float for messages (`inf`, `-inf`, `nan`, shortest round-trip otherwise).
func pythonRepr(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    return "\(x)"
}
