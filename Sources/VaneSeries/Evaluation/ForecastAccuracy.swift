import Foundation

/// Forecast accuracy on held-out horizons: sMAPE and prediction-interval coverage.
public enum ForecastAccuracy {
    /// sMAPE as defined by the M4 competition: `200/h · Σ |y − ŷ| / (|y| + |ŷ|)`, in [0, 200].
    ///
    /// A term with `|y| + |ŷ| = 0` (both zero) counts as 0. Returns nil when the arrays are empty
    /// or differ in length, or when any value is not finite.
    public static func sMAPE(actual: [Double], forecast: [Double]) -> Double? {
        guard !actual.isEmpty, actual.count == forecast.count else { return nil }
        var sum = 0.0
        for (y, f) in zip(actual, forecast) {
            guard y.isFinite, f.isFinite else { return nil }
            let denominator = abs(y) + abs(f)
            if denominator > 0 { sum += abs(y - f) / denominator }
        }
        return 200.0 * sum / Double(actual.count)
    }

    /// Share (in [0, 1]) of held-out points inside their closed interval `[lower, upper]`.
    ///
    /// Returns nil when the arrays are empty or differ in length. A NaN bound never covers.
    public static func intervalCoverage(actual: [Double], lower: [Double], upper: [Double]) -> Double? {
        guard !actual.isEmpty, actual.count == lower.count, actual.count == upper.count else { return nil }
        var inside = 0
        for i in actual.indices where lower[i] <= actual[i] && actual[i] <= upper[i] {
            inside += 1
        }
        return Double(inside) / Double(actual.count)
    }

    /// Mean width `upper − lower` of the intervals (nil when empty or lengths differ).
    public static func meanIntervalWidth(lower: [Double], upper: [Double]) -> Double? {
        guard !lower.isEmpty, lower.count == upper.count else { return nil }
        return zip(lower, upper).reduce(0) { $0 + ($1.1 - $1.0) } / Double(lower.count)
    }
}
