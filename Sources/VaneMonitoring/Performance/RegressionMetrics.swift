import Foundation

/// Regression quality of one window, as Evidently 0.7's legacy `RegressionQualityMetric` reports it.
///
/// With `e = prediction − target` over the rows kept (target and prediction both finite; NaN and
/// ±inf rows are dropped as Evidently's `_prepare_dataset` does):
/// - `mean_error` = mean(e) (Evidently's sign: positive = over-prediction);
/// - `mae` = mean(|e|) (`sklearn.metrics.mean_absolute_error`);
/// - `rmse` = √mean(e²) (`root_mean_squared_error`);
/// - `mape` = 100 · mean(|e| / max(target, ε)), ε = 2.220446049250313e-16 (float64 machine epsilon).
///   This is Evidently's `_calculate_quality_metrics` formula, *not* scikit-learn's
///   `mean_absolute_percentage_error` (which uses |target| and is a fraction): a row with target 0
///   contributes |e| / ε (a huge but finite number; 0 when the prediction is exact too), and a
///   negative target is divided by ε as well, exactly as Evidently does;
/// - `r2` = 1 − Σe² / Σ(target − mean(target))² (`r2_score`, `force_finite=True`: 1.0 when both
///   sums are 0, 0.0 when only the denominator is); nil with a note for fewer than two rows, where
///   scikit-learn returns NaN.
///
/// Sums use NumPy's pairwise order (``NumericKernels/pairwiseSum(_:)-(Array<Double>)``).
/// A value that overflows to ±inf is reported as nil with a note (JSON never holds NaN/inf).
public struct RegressionMetrics: Sendable, Equatable, Codable {
    /// Mean of prediction − target.
    public var meanError: Double?
    /// Mean absolute error.
    public var mae: Double?
    /// Root mean squared error.
    public var rmse: Double?
    /// Mean absolute percentage error in percent (Evidently's formula, see the type's doc).
    public var mape: Double?
    /// Coefficient of determination; nil for fewer than two rows.
    public var r2: Double?

    enum CodingKeys: String, CodingKey {
        case meanError = "mean_error", mae, rmse, mape, r2
    }

    /// Creates metrics from values.
    public init(meanError: Double?, mae: Double?, rmse: Double?, mape: Double?, r2: Double?) {
        self.meanError = meanError
        self.mae = mae
        self.rmse = rmse
        self.mape = mape
        self.r2 = r2
    }

    /// Encodes every key, writing undefined (nil) values as JSON null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(meanError, forKey: .meanError)
        try c.encode(mae, forKey: .mae)
        try c.encode(rmse, forKey: .rmse)
        try c.encode(mape, forKey: .mape)
        try c.encode(r2, forKey: .r2)
    }

    /// The value of a regression metric (nil for classification metrics or when undefined).
    public func value(of metric: PerformanceMetric) -> Double? {
        switch metric {
        case .meanError: meanError
        case .mae: mae
        case .rmse: rmse
        case .mape: mape
        case .r2: r2
        default: nil
        }
    }

    /// Computes the metrics of finite, equally long `target` and `prediction` arrays (at least one row).
    /// Notes explain every nil value.
    public static func compute(target: [Double], prediction: [Double]) -> (metrics: RegressionMetrics, notes: [String]) {
        precondition(target.count == prediction.count && !target.isEmpty)
        let n = target.count
        var err = [Double](repeating: 0, count: n)      // prediction − target
        var absErr = [Double](repeating: 0, count: n)
        var sq = [Double](repeating: 0, count: n)       // (target − prediction)²
        var pct = [Double](repeating: 0, count: n)
        let eps = Double.ulpOfOne
        for i in 0..<n {
            let e = prediction[i] - target[i]
            err[i] = e
            absErr[i] = abs(e)
            let d = target[i] - prediction[i]
            sq[i] = d * d
            pct[i] = abs(e) / max(target[i], eps)
        }
        var notes: [String] = []
        func finite(_ x: Double, _ name: String) -> Double? {
            if x.isFinite { return x }
            notes.append("\(name) is not a finite number (the values overflow double precision); reported as null")
            return nil
        }
        let me = finite(NumericKernels.mean(err), "mean_error")
        let mae = finite(NumericKernels.mean(absErr), "mae")
        let rmse = finite(NumericKernels.mean(sq).squareRoot(), "rmse")
        let mape = finite(100.0 * NumericKernels.mean(pct), "mape")
        let nonPositive = target.reduce(0) { $0 + ($1 <= 0 ? 1 : 0) }
        if nonPositive > 0 {
            notes.append("mape: \(nonPositive) row(s) with a target ≤ 0 are divided by machine epsilon (Evidently's formula), which dominates the value")
        }
        var r2: Double? = nil
        if n < 2 {
            notes.append("r2 is undefined for fewer than two rows (scikit-learn returns NaN); reported as null")
        } else {
            let numerator = NumericKernels.pairwiseSum(sq)
            let meanTarget = NumericKernels.mean(target)
            let dev = target.map { ($0 - meanTarget) * ($0 - meanTarget) }
            let denominator = NumericKernels.pairwiseSum(dev)
            let value: Double
            if denominator != 0 {
                value = numerator != 0 ? 1 - numerator / denominator : 1
            } else {
                value = numerator != 0 ? 0 : 1
                notes.append("r2: the target is constant, so r2 is \(value == 1 ? "1 (exact predictions)" : "0") as scikit-learn reports it")
            }
            r2 = finite(value, "r2")
        }
        return (RegressionMetrics(meanError: me, mae: mae, rmse: rmse, mape: mape, r2: r2), notes)
    }
}
