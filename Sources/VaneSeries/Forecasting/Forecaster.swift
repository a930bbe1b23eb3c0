import Foundation

/// One forecast step.
public struct ForecastPoint: Sendable, Equatable, Codable {
    /// Epoch seconds.
    public var timestamp: Double
    /// Point forecast.
    public var value: Double
    /// Lower bound of the prediction interval.
    public var lower: Double
    /// Upper bound of the prediction interval.
    public var upper: Double
}

/// When the forecast crosses a limit: the earliest (the interval's near edge reaches it), the
/// likely (the point forecast reaches it) and the latest (the interval's far edge reaches it)
/// time. A nil time is not reached within the horizon.
public struct LimitCrossing: Sendable, Equatable, Codable {
    /// The limit.
    public var limit: Double
    /// `up` when the series approaches the limit from below, `down` from above.
    public var direction: String
    /// True when the last observation is already past the limit.
    public var alreadyCrossed: Bool
    /// Earliest crossing (epoch seconds).
    public var earliest: Double?
    /// Likely crossing: the point forecast.
    public var likely: Double?
    /// Latest crossing: the far edge of the interval.
    public var latest: Double?
}

/// A forecast with prediction intervals.
public struct Forecast: Sendable, Equatable {
    /// `holt-winters-additive` (seasonal) or `holt-linear`.
    public var model: String
    /// The fitted model.
    public var fit: HoltWinters
    /// Grid step in seconds.
    public var step: Double
    /// Epoch seconds of the last observation's grid point.
    public var lastTimestamp: Double
    /// Coverage of the intervals (0.95 = 95 %).
    public var level: Double
    /// The steps after the last observation, up to the horizon.
    public var points: [ForecastPoint]
    /// The crossing of the requested limit, if one was asked for.
    public var crossing: LimitCrossing?
}

/// Forecasts a series with Holt–Winters, seasonal where the series is.
public enum Forecaster {
    /// Largest number of forecast steps.
    public static let maximumSteps = 1_000_000
    /// At most this many of the most recent grid points are fitted (older history adds little
    /// to exponential smoothing and would only cost time).
    public static let maximumFitLength = 100_000

    /// Why no forecast could be made.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The series cannot be put on a grid.
        case series(RegularSeries.Failure)
        /// The horizon is not positive or too long for the step.
        case horizon(String)

        /// One line.
        public var description: String {
            switch self {
            case .series(let f): f.description
            case .horizon(let m): m
            }
        }
    }

    /// Fits the series and forecasts `horizon` seconds ahead with intervals at `level`; with
    /// `limit`, also when the series will cross it.
    public static func forecast(timestamps: [Double], values: [Double], horizon: Double, level: Double = 0.95,
                                limit: Double? = nil) throws(Failure) -> Forecast {
        let grid: RegularSeries
        do { grid = try RegularSeries(timestamps: timestamps, values: values, minimumPoints: 3) } catch { throw .series(error) }
        guard horizon > 0, horizon.isFinite else { throw .horizon("the horizon must be a positive duration") }
        let stepsD = (horizon / grid.step).rounded(.up)
        guard stepsD <= Double(maximumSteps) else {
            throw .horizon("the horizon is \(Int(min(stepsD, 1e15))) steps of \(grid.step) s; at most \(maximumSteps) are forecast")
        }
        let steps = max(1, Int(stepsD))
        let recent = Array(grid.values.suffix(maximumFitLength))
        var period = SeasonalityDetector.period(of: recent, step: grid.step)
        var model = HoltWinters.fit(recent, period: period)
        if period == nil, let weak = SeasonalityDetector.period(of: recent, step: grid.step, weak: true),
           prefersSeason(weak, recent) {
            // a faint calendar season (noisy counts), kept because it forecasts a held-out season better
            model = HoltWinters.fit(recent, period: weak)
            period = model.period
        }
        let points = model.forecast(steps: steps)
        let errors = model.standardErrors(steps: steps)
        let z = SpecialFunctionsSeries.normalQuantile(0.5 + level / 2)
        let last = grid.timestamp(grid.values.count - 1)
        var out: [ForecastPoint] = []
        out.reserveCapacity(steps)
        for k in 0..<steps {
            let half = z * errors[k]
            out.append(ForecastPoint(timestamp: last + Double(k + 1) * grid.step, value: points[k],
                                     lower: points[k] - half, upper: points[k] + half))
        }
        let crossing = limit.map { crossingOf($0, last: grid.values[grid.values.count - 1], lastTimestamp: last, points: out) }
        return Forecast(model: period == nil ? "holt-linear" : "holt-winters-additive", fit: model, step: grid.step,
                        lastTimestamp: last, level: level, points: out, crossing: crossing)
    }

    /// Whether a seasonal fit forecasts the last season of `y` better (mean absolute error) than a
    /// non-seasonal one, both fitted on the values before it. One-step errors cannot decide this
    /// for a faint season under heavy noise: the season pays off over the horizon.
    static func prefersSeason(_ m: Int, _ y: [Double]) -> Bool {
        let train = y.count - m
        guard train >= 3 * m else { return false }
        let head = Array(y[..<train]), tail = y[train...]
        func error(_ model: HoltWinters) -> Double {
            zip(model.forecast(steps: m), tail).reduce(0) { $0 + abs($1.0 - $1.1) }
        }
        let seasonal = HoltWinters.fit(head, period: m)
        return seasonal.period != nil && error(seasonal) < 0.95 * error(HoltWinters.fit(head, period: nil))
    }

    /// The first times the interval's near edge, the point forecast and the far edge reach `limit`.
    static func crossingOf(_ limit: Double, last: Double, lastTimestamp: Double, points: [ForecastPoint]) -> LimitCrossing {
        let up = last < limit
        if last == limit {
            return LimitCrossing(limit: limit, direction: up ? "up" : "down", alreadyCrossed: true,
                                 earliest: lastTimestamp, likely: lastTimestamp, latest: lastTimestamp)
        }
        func first(_ value: (ForecastPoint) -> Double) -> Double? {
            points.first { up ? value($0) >= limit : value($0) <= limit }?.timestamp
        }
        return LimitCrossing(limit: limit, direction: up ? "up" : "down", alreadyCrossed: false,
                             earliest: first { up ? $0.upper : $0.lower }, likely: first(\.value),
                             latest: first { up ? $0.lower : $0.upper })
    }
}

/// Normal quantile for interval bounds.
enum SpecialFunctionsSeries {
    /// Φ⁻¹(p) by Acklam's rational approximation refined with one Halley step (|error| < 1e-15).
    static func normalQuantile(_ p: Double) -> Double {
        guard p > 0 && p < 1 else { return p <= 0 ? -.infinity : .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
