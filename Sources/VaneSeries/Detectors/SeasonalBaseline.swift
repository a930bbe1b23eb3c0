import Foundation

/// Robust seasonal baselines with online season selection, the model behind
/// ``SeasonalRobustDetector`` and the seasonal half of ``DefaultDetector``.
///
/// Three additive models `x ≈ level + season(t)` run side by side: no season, a daily profile
/// (24 hourly knots) and a weekly profile (28 six-hour knots); profiles are piecewise linear
/// between knots, so a smooth daily shape leaves no within-slot trend in the residual. Updates use
/// Huber-clipped residuals (±3σ) so anomalies barely move the baseline. Each model keeps an
/// exponentially weighted mean absolute residual; the season in use is the eligible model with
/// the smallest one (daily once 1.5 days were seen at a step ≤ 1 h, weekly after 1.5 weeks at a
/// step ≤ 6 h) — detected from the timestamps, without look-ahead.
public struct SeasonalBaseline: Sendable {
    static let daySlots = 24
    static let weekSlots = 28
    /// Per-row weight of the level of the model without season (it must follow the series alone).
    public var plainAlpha = 0.1
    /// Per-row weight of the level of the seasonal models (the profile carries the fast part).
    public var levelAlpha = 0.02
    /// Per-visit weight of a profile knot.
    public var profileAlpha = 0.1
    /// Per-row weight of the residual scale.
    public var scaleAlpha = 1.0 / 500
    private var profile: [Double]
    private var levels: (Double, Double, Double) = (0, 0, 0)
    private var scales: (Double, Double, Double) = (0, 0, 0)
    private var firstTimestamp = Double.nan
    /// Values seen.
    public private(set) var count = 0
    /// The running mean absolute residuals of the plain, daily and weekly models (diagnostics).
    public var modelScales: (Double, Double, Double) { scales }

    /// Fresh baselines.
    public init() {
        profile = [Double](repeating: 0, count: Self.daySlots + Self.weekSlots)
    }

    /// Heap bytes of the profiles.
    public var heapBytes: Int { SeriesMath.arrayHeaderBytes + profile.capacity * MemoryLayout<Double>.stride }

    /// Knot pair and weight of the second knot for `t` in a profile of `slots` knots over `period`.
    @inline(__always)
    private static func knots(_ t: Double, period: Double, slots: Int, offset: Int) -> (Int, Int, Double) {
        var phase = t.truncatingRemainder(dividingBy: period)
        if phase < 0 { phase += period }
        let u = phase / period * Double(slots)
        let i = min(slots - 1, max(0, Int(u)))
        let w = min(max(u - Double(i), 0), 1)
        return (offset + i, offset + (i + 1) % slots, w)
    }

    /// Result of one update: the standardised residual of the chosen model and the value with the
    /// chosen season removed.
    public struct Residual: Sendable {
        /// Standardised residual against the chosen model's forecast (0 for an exact forecast).
        public var z: Double
        /// The value minus the chosen seasonal profile.
        public var deseasonalised: Double
    }

    @inline(__always)
    private mutating func step(_ m: Int, _ x: Double, knots k: (Int, Int, Double)?, steps: Double)
        -> (z: Double, season: Double, scale: Double) {
        var level = m == 0 ? levels.0 : m == 1 ? levels.1 : levels.2
        var scale = m == 0 ? scales.0 : m == 1 ? scales.1 : scales.2
        var s = 0.0
        if let (i, j, w) = k { s = profile[i] * (1 - w) + profile[j] * w }
        let r = x - level - s
        let sigma = max(1.2533 * scale, 1e-9 * abs(level + s), 1e-300)
        let z = r == 0 ? 0 : r / sigma
        let clipped = count < 120 ? r : min(max(r, -3 * sigma), 3 * sigma)
        let a = max(SeriesMath.decayedAlpha(m == 0 ? plainAlpha : levelAlpha, steps: steps), 1.0 / Double(count))
        level += a * clipped
        if let (i, j, w) = k {
            profile[i] += profileAlpha * (1 - w) * (clipped - a * clipped)
            profile[j] += profileAlpha * w * (clipped - a * clipped)
        }
        let b = max(SeriesMath.decayedAlpha(scaleAlpha, steps: steps), 1.0 / Double(max(count - 1, 1)))
        if count > 1 { scale += b * (min(abs(r), 5 * sigma + scale) - scale) }
        switch m {
        case 0: levels.0 = level; scales.0 = scale
        case 1: levels.1 = level; scales.1 = scale
        default: levels.2 = level; scales.2 = scale
        }
        return (z, s, scale)
    }

    /// Adds `x` at `timestamp` (`steps` rows after the previous value; `typicalStep` seconds
    /// between rows, 0 if unknown) and returns the chosen model's residual.
    public mutating func update(_ x: Double, timestamp: Double, steps: Double, typicalStep: Double) -> Residual {
        count += 1
        if count == 1 {
            levels = (x, x, x)
            if timestamp.isFinite { firstTimestamp = timestamp }
            return Residual(z: 0, deseasonalised: x)
        }
        if firstTimestamp.isNaN && timestamp.isFinite { firstTimestamp = timestamp }
        let t = timestamp.isFinite ? timestamp : firstTimestamp.isFinite ? firstTimestamp : 0
        let span = firstTimestamp.isFinite ? t - firstTimestamp : 0
        let dayK = Self.knots(t, period: 86_400, slots: Self.daySlots, offset: 0)
        let weekK = Self.knots(t, period: 604_800, slots: Self.weekSlots, offset: Self.daySlots)
        let plain = step(0, x, knots: nil, steps: steps)
        let day = step(1, x, knots: dayK, steps: steps)
        let week = step(2, x, knots: weekK, steps: steps)
        var best = (plain.z, 0.0)
        var bestScale = plain.scale
        if typicalStep > 0 && typicalStep <= 3_600 && span > 1.5 * 86_400 && day.scale < bestScale {
            best = (day.z, day.season)
            bestScale = day.scale
        }
        if typicalStep > 0 && typicalStep <= 21_600 && span > 1.5 * 604_800 && week.scale < bestScale {
            best = (week.z, week.season)
        }
        return Residual(z: best.0, deseasonalised: x - best.1)
    }
}
