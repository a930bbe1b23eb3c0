import Foundation

/// Finds the seasonal period of a regular series: calendar periods first (a day, a week, an
/// hour at the series' step), then the strongest autocorrelation peak.
public enum SeasonalityDetector {
    /// Smallest autocorrelation that counts as seasonality.
    public static let minimumCorrelation = 0.3

    /// A weaker calendar period (autocorrelation of at least this) that ``Forecaster`` keeps only
    /// when a seasonal fit beats a non-seasonal one.
    public static let weakCorrelation = 0.1

    /// The period in grid steps, or nil when the series shows none. Needs at least three full
    /// periods. With `weak`, calendar periods down to ``weakCorrelation`` count, and the search
    /// for other periods is skipped.
    public static func period(of values: [Double], step: Double, weak: Bool = false) -> Int? {
        let n = values.count
        guard n >= 12 else { return nil }
        let x = detrended(values)
        var variance = 0.0
        for v in x { variance += v * v }
        guard variance > 0, variance.isFinite else { return nil }
        // autocorrelation as the mean lagged product over the variance, so long lags are not
        // penalised for having fewer pairs
        func acf(_ lag: Int) -> Double {
            guard lag > 0, lag < n else { return 0 }
            var s = 0.0
            x.withUnsafeBufferPointer { b in
                for i in lag..<n { s += b[i] * b[i - lag] }
            }
            return (s / Double(n - lag)) / (variance / Double(n))
        }
        // a period: its autocorrelation is a peak (within rounding: the trend removal leaves a
        // slight tilt that may favour a neighbour), and the series decorrelates within it (half a
        // period apart it is much less alike), which a merely smooth series does not
        func isPeriod(_ m: Int) -> Bool {
            let r = acf(m)
            return r + 0.01 >= acf(m - 1) && r + 0.01 >= acf(m + 1) && r - acf(m / 2) >= 0.2
        }
        // calendar candidates (local autocorrelation peaks), shortest first: a longer period, which
        // repeats every shorter one, wins only when it is clearly stronger (a weekly shape on top of a daily one)
        var found: [(period: Int, r: Double)] = []
        for seconds in [3_600.0, 86_400.0, 604_800.0] {
            let m = (seconds / step).rounded()
            guard m >= 2, abs(seconds / step - m) < 0.01 * m, Int(m) * 3 <= n else { continue }
            let r = acf(Int(m))
            if r >= (weak ? weakCorrelation : minimumCorrelation) && isPeriod(Int(m)) { found.append((Int(m), r)) }
        }
        if var chosen = found.first {
            for candidate in found.dropFirst() where candidate.r > chosen.r + 0.05 { chosen = candidate }
            return chosen.period
        }
        if weak { return nil }
        // no calendar period: the highest local autocorrelation peak among lags up to n/3
        let maxLag = min(n / 3, 2_000, 20_000_000 / n)   // bounded work: at most 20 M products
        guard maxLag >= 2 else { return nil }
        var r = [Double](repeating: 0, count: maxLag + 2)
        for lag in 1...min(maxLag + 1, n - 1) { r[lag] = acf(lag) }
        var peak: (Int, Double)? = nil
        for lag in 2...maxLag where r[lag] > r[lag - 1] && r[lag] >= r[lag + 1] && r[lag] >= 0.5 && r[lag] - r[lag / 2] >= 0.2 {
            if r[lag] > (peak?.1 ?? 0) { peak = (lag, r[lag]) }
        }
        return peak?.0
    }

    /// The values minus their least-squares line.
    static func detrended(_ v: [Double]) -> [Double] {
        let n = Double(v.count)
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for (i, y) in v.enumerated() {
            let x = Double(i)
            sx += x; sy += y; sxx += x * x; sxy += x * y
        }
        let d = n * sxx - sx * sx
        let slope = d == 0 ? 0 : (n * sxy - sx * sy) / d
        let intercept = (sy - slope * sx) / n
        return v.enumerated().map { $0.element - (intercept + slope * Double($0.offset)) }
    }
}
