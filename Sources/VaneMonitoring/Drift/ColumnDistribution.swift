import Foundation

/// Reference and current distributions of one column over shared bins or categories, for
/// reports and charts (Evidently keeps a `small_distribution` per window for the same purpose;
/// Vane bins both windows alike so that they can be drawn side by side).
public struct ColumnDistribution: Sendable, Equatable, Codable {
    /// What the bins are.
    public enum Kind: String, Sendable, Codable, Equatable {
        /// Equal-width bins between ``edges``.
        case histogram
        /// One bin per category in ``labels``.
        case categories
    }

    /// Histogram or categories.
    public var kind: Kind
    /// Bin edges (histogram only; one more than the counts). Finite.
    public var edges: [Double]?
    /// Category labels (categories only), most frequent over both windows first.
    public var labels: [String]?
    /// Reference count per bin or category.
    public var reference: [Int]
    /// Current count per bin or category.
    public var current: [Int]
    /// Reference values in categories beyond ``labels`` (categories only, else 0).
    public var otherReference: Int
    /// Current values in categories beyond ``labels``.
    public var otherCurrent: Int

    enum CodingKeys: String, CodingKey {
        case kind, edges, labels, reference, current
        case otherReference = "other_reference", otherCurrent = "other_current"
    }

    /// Number of equal-width bins of a numerical column's histogram.
    public static let histogramBins = 20
    /// Categories kept by name; the rest are summed into the "other" counts.
    public static let categoryLimit = 20

    /// Histogram of two ascending samples over `bins` equal-width bins spanning the finite values
    /// of both (`np.histogram` rules: the last bin is closed; ±inf are not counted). Nil when
    /// neither sample holds a finite value.
    public static func histogram(sortedReference r: [Double], sortedCurrent c: [Double], bins: Int = histogramBins) -> ColumnDistribution? {
        let lo = min(firstFinite(r) ?? .infinity, firstFinite(c) ?? .infinity)
        let hi = max(lastFinite(r) ?? -.infinity, lastFinite(c) ?? -.infinity)
        guard lo.isFinite, hi.isFinite, bins >= 1 else { return nil }
        let edges = lo == hi ? [lo - 0.5, lo + 0.5] : Histogram.linspace(lo, hi, bins + 1)
        return ColumnDistribution(kind: .histogram, edges: edges, labels: nil,
                                  reference: binCounts(sorted: r, edges: edges), current: binCounts(sorted: c, edges: edges),
                                  otherReference: 0, otherCurrent: 0)
    }

    /// Category counts over shared labels, keeping the `limit` most frequent over both windows
    /// (ties by label) and summing the rest.
    public static func categories(labels: [String], reference: [Int], current: [Int], limit: Int = categoryLimit) -> ColumnDistribution {
        let order = labels.indices.sorted { a, b in
            let ta = reference[a] + current[a], tb = reference[b] + current[b]
            return ta != tb ? ta > tb : labels[a].unicodeScalars.lexicographicallyPrecedes(labels[b].unicodeScalars)
        }
        let kept = order.prefix(limit), rest = order.dropFirst(limit)
        return ColumnDistribution(kind: .categories, edges: nil, labels: kept.map { labels[$0] },
                                  reference: kept.map { reference[$0] }, current: kept.map { current[$0] },
                                  otherReference: rest.reduce(0) { $0 + reference[$1] },
                                  otherCurrent: rest.reduce(0) { $0 + current[$1] })
    }

    /// Counts per bin of an ascending sample: bin i holds `edges[i] <= x < edges[i+1]`, the last
    /// bin also `x == edges.last`. Two binary searches per edge, no pass over the values.
    static func binCounts(sorted: [Double], edges: [Double]) -> [Int] {
        sorted.withUnsafeBufferPointer { s in
            var counts = [Int](repeating: 0, count: edges.count - 1)
            var previous = NumericKernels.lowerBound(s, edges[0])
            for i in 1..<edges.count {
                let end = i == edges.count - 1 ? NumericKernels.upperBound(s, edges[i]) : NumericKernels.lowerBound(s, edges[i])
                counts[i - 1] = end - previous
                previous = end
            }
            return counts
        }
    }

    private static func firstFinite(_ s: [Double]) -> Double? { s.first { $0.isFinite } }
    private static func lastFinite(_ s: [Double]) -> Double? { s.last { $0.isFinite } }
}
