/// The sample-ratio-mismatch check: Pearson's chi-square test of the requests each variant
/// received against the shares its weights promise. A split that does not match its weights
/// (a p-value below ``threshold``, 0.001 as is usual for this check) means the routing, not the
/// models, decides what is compared, and every comparison built on it is suspect.
public enum SampleRatioCheck {
    /// The p-value below which a split is flagged.
    public static let threshold = 0.001

    /// The p-value of `counts` against `shares` (normalised); nil with fewer than two variants of
    /// positive share or no requests. A variant with share 0 that received requests is a mismatch (p = 0).
    public static func pValue(counts: [Int], shares: [Double]) -> Double? {
        guard counts.count == shares.count else { return nil }
        let total = counts.reduce(0, +)
        let shareSum = shares.reduce(0, +)
        guard total > 0, shareSum > 0 else { return nil }
        var chi2 = 0.0
        var cells = 0
        for (count, share) in zip(counts, shares) {
            let expected = Double(total) * share / shareSum
            if expected == 0 {
                if count > 0 { return 0 }
                continue
            }
            cells += 1
            chi2 += (Double(count) - expected) * (Double(count) - expected) / expected
        }
        guard cells >= 2 else { return nil }
        return SpecialFunctions.regularizedUpperGamma(Double(cells - 1) / 2, chi2 / 2)
    }
}
