import Foundation

/// Reference scorers used to calibrate the harness (not production detectors).
public enum ReferenceDetectors {
    /// NAB's null detector: a constant 0.5 on every row. Normalises to 0 by definition.
    public static func null(_ series: LabelledSeries) -> [Double] {
        [Double](repeating: 0.5, count: series.count)
    }

    /// A perfect oracle: 1.0 exactly at the first row of each NAB window, 0 elsewhere. Normalises to 100.
    public static func oracle(_ series: LabelledSeries) -> [Double] {
        var scores = [Double](repeating: 0, count: series.count)
        for w in NABWindowing.windows(rowCount: series.count, labels: series.labels) {
            scores[w.start] = 1.0
        }
        return scores
    }

    /// NAB's windowed Gaussian detector (`nab/detectors/gaussian/windowedGaussian_detector.py`).
    ///
    /// Each value is scored against the mean and population standard deviation of the window of
    /// previous values: `score = 1 − Q(|x − mean| / std)` (Q the Gaussian tail probability), so
    /// scores lie in [0.5, 1) and the first row scores 0. The window grows one value at a time to
    /// `windowSize`, then slides forward `stepSize` values at a time (statistics only change every
    /// `stepSize` rows). A zero std becomes 1e-6. NAB's tuned values are 6400 and 100.
    public static func windowedGaussian(_ series: LabelledSeries) -> [Double] {
        windowedGaussian(values: series.values)
    }

    /// The windowed Gaussian on raw values, with configurable window and step sizes.
    public static func windowedGaussian(values: [Double], windowSize: Int = 6400, stepSize: Int = 100) -> [Double] {
        var scores = [Double](repeating: 0, count: values.count)
        var mean = 0.0
        var std = 1.0
        // Growth phase: Welford's running mean/variance (numpy's mean/std of the whole window).
        var count = 0
        var runningMean = 0.0
        var m2 = 0.0
        var windowStart = 0  // index in `values` of the window's first element once full
        var buffered = 0
        for (i, x) in values.enumerated() {
            if i > 0 {
                scores[i] = 1.0 - tailProbability(x, mean: mean, std: std)
            }
            if count < windowSize {
                count += 1
                let delta = x - runningMean
                runningMean += delta / Double(count)
                m2 += delta * (x - runningMean)
                mean = runningMean
                std = (max(m2, 0) / Double(count)).squareRoot()
                if std == 0 { std = 0.000001 }
            } else {
                buffered += 1
                if buffered == stepSize {
                    windowStart += stepSize
                    buffered = 0
                    let window = values[windowStart..<(windowStart + windowSize)]
                    let m = window.reduce(0, +) / Double(windowSize)
                    let v = window.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(windowSize)
                    mean = m
                    std = v.squareRoot()
                    if std == 0 { std = 0.000001 }
                }
            }
        }
        return scores
    }

    /// The Gaussian tail probability `P(X > x)` folded around the mean (NAB's `normalProbability`).
    public static func tailProbability(_ x: Double, mean: Double, std: Double) -> Double {
        let z = abs(x - mean) / std
        return 0.5 * erfc(z / 2.0.squareRoot())
    }
}
