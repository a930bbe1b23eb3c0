import Foundation

/// Additive Holt–Winters exponential smoothing (level, linear trend and, with a period, an
/// additive season), fitted by minimising the one-step-ahead squared error, with prediction
/// intervals from the equivalent ETS(A,A,A) / ETS(A,A,N) state-space model.
public struct HoltWinters: Sendable, Equatable {
    /// Level smoothing, 0 < α < 1.
    public var alpha: Double
    /// Trend smoothing (of the level's change), 0 ≤ β ≤ 1.
    public var beta: Double
    /// Season smoothing, 0 ≤ γ ≤ 1 (0 without a period).
    public var gamma: Double
    /// Season length in steps; nil for Holt's linear method.
    public var period: Int?
    /// Level after the last observation (in the series' unit).
    public var level: Double
    /// Trend per step after the last observation.
    public var trend: Double
    /// Season terms for the next `period` steps (next step first).
    public var season: [Double]
    /// Standard deviation of the one-step errors.
    public var sigma: Double
    /// Observations fitted.
    public var count: Int

    /// Fits the model to a regular series (finite values). Values are standardised while fitting,
    /// so huge or tiny magnitudes fit as well as unit ones.
    public static func fit(_ y: [Double], period: Int?) -> HoltWinters {
        let n = y.count
        precondition(n >= 2, "at least two points")
        var mean = 0.0
        for v in y { mean += v / Double(n) }
        // standard deviation computed on deviations divided by the largest one, so that huge
        // magnitudes cannot overflow the squares
        var spread = 0.0
        for v in y { spread = max(spread, abs(v - mean)) }
        var ss = 0.0
        if spread > 0 { for v in y { let d = (v - mean) / spread; ss += d * d / Double(n) } }
        let scale = spread > 0 && spread.isFinite ? ss.squareRoot() * spread : max(abs(mean), 1)
        let z = y.map { ($0 - mean) / scale }
        let m = period.flatMap { $0 >= 2 && 2 * $0 <= n ? $0 : nil }
        var best = (sse: Double.infinity, a: 0.5, b: 0.1, g: 0.1)
        let alphas = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99]
        let betas = [0.0, 0.01, 0.05, 0.1, 0.3]
        let gammas = m == nil ? [0.0] : [0.0, 0.05, 0.1, 0.2, 0.4]
        for a in alphas { for b in betas { for g in gammas {
            let sse = smooth(z, a, b, g, m).sse
            if sse < best.sse { best = (sse, a, b, g) }
        } } }
        // pattern search around the best grid point
        var stepSize = 0.05
        for _ in 0..<24 {
            var improved = false
            for (da, db, dg) in [(1.0, 0.0, 0.0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)] {
                if m == nil && dg != 0 { continue }
                let a = min(0.999, max(0.001, best.a + da * stepSize))
                let b = min(1, max(0, best.b + db * stepSize))
                let g = min(1, max(0, best.g + dg * stepSize))
                let sse = smooth(z, a, b, g, m).sse
                if sse < best.sse { best = (sse, a, b, g); improved = true }
            }
            if !improved { stepSize /= 2; if stepSize < 1e-4 { break } }
        }
        let final = smooth(z, best.a, best.b, best.g, m)
        let fitted = max(final.terms, 1)
        let sigma = (final.sse / Double(max(fitted - (m == nil ? 2 : 3), 1))).squareRoot() * scale
        return HoltWinters(alpha: best.a, beta: best.b, gamma: m == nil ? 0 : best.g, period: m,
                           level: final.level * scale + mean, trend: final.trend * scale,
                           season: final.season.map { $0 * scale }, sigma: sigma.isFinite ? sigma : 0, count: n)
    }

    /// Runs the smoother; returns the one-step SSE and the state after the last point, with the
    /// season rotated so that index 0 is the next step's term.
    static func smooth(_ y: [Double], _ a: Double, _ b: Double, _ g: Double, _ m: Int?)
        -> (sse: Double, terms: Int, level: Double, trend: Double, season: [Double]) {
        let n = y.count
        var level: Double, trend: Double
        var season: [Double] = []
        var start: Int
        if let m {
            // season terms averaged over up to four full periods (each less its period's mean), so
            // one noisy first period does not seed the season and push the fit to a large γ
            let periods = max(2, min(4, n / m))
            var means = [Double](repeating: 0, count: periods)
            for j in 0..<periods { for i in 0..<m { means[j] += y[j * m + i] } ; means[j] /= Double(m) }
            level = means[0]
            trend = (means[periods - 1] - means[0]) / Double((periods - 1) * m)
            season = [Double](repeating: 0, count: m)
            for j in 0..<periods { for i in 0..<m { season[i] += (y[j * m + i] - means[j]) / Double(periods) } }
            start = m
        } else {
            // least-squares line through the first points: a two-point slope would start the
            // trend from noise, and the fit would then favour a large β to forget it
            let k = min(n, max(2, min(100, n / 4)))
            var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
            for i in 0..<k {
                let x = Double(i)
                sx += x; sy += y[i]; sxx += x * x; sxy += x * y[i]
            }
            let d = Double(k) * sxx - sx * sx
            trend = d == 0 ? 0 : (Double(k) * sxy - sx * sy) / d
            level = (sy - trend * sx) / Double(k) - trend   // the state before the first point
            start = 0
        }
        var sse = 0.0
        var slot = 0
        season.withUnsafeMutableBufferPointer { s in
            for t in start..<n {
                let seasonal = m == nil ? 0 : s[slot]
                let forecast = level + trend + seasonal
                let e = y[t] - forecast
                sse += e * e
                let previousLevel = level
                level = a * (y[t] - seasonal) + (1 - a) * (level + trend)
                trend = b * (level - previousLevel) + (1 - b) * trend
                if let m {
                    s[slot] = g * (y[t] - previousLevel - trend) + (1 - g) * seasonal
                    slot += 1
                    if slot == m { slot = 0 }
                }
            }
        }
        if m != nil { season = Array(season[slot...] + season[..<slot]) }
        return (sse, n - start, level, trend, season)
    }

    /// Point forecasts for steps 1…h after the last observation.
    public func forecast(steps h: Int) -> [Double] {
        (1...max(h, 1)).map { k in
            level + Double(k) * trend + (period.map { season[($0 == 0 ? 0 : (k - 1) % $0)] } ?? 0)
        }
    }

    /// Forecast standard errors for steps 1…h: σ·sqrt(1 + Σ_{j<k} c_j²) with
    /// c_j = α + αβ·j + γ(1−α)·[j mod m = 0] (Hyndman et al., ETS(A,A,A) class-1 variance).
    public func standardErrors(steps h: Int) -> [Double] {
        var out = [Double](repeating: 0, count: max(h, 1))
        var cumulative = 0.0
        for k in 1...max(h, 1) {
            out[k - 1] = sigma * (1 + cumulative).squareRoot()
            let j = Double(k)
            var c = alpha + alpha * beta * j
            if let m = period, k % m == 0 { c += gamma * (1 - alpha) }
            cumulative += c * c
        }
        return out
    }
}
