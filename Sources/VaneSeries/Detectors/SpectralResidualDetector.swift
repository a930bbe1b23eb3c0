import Foundation

/// Spectral residual (Ren et al., KDD 2019), streaming over a bounded window: the last
/// ``window`` − ``extrapolated`` values plus ``extension`` extrapolated ones are transformed (radix-2
/// FFT), the log-amplitude spectrum minus its 3-bin moving average is transformed back with the
/// original phases, and the saliency of the newest real point relative to the running mean of
/// past saliencies, `(S − S̄) / S̄`, is calibrated by an ``EmpiricalTail`` and log-scaled.
/// O(W log W) per point with constant W = 32, i.e. O(1).
public struct SpectralResidualDetector: AnomalyDetector {
    /// FFT length.
    public static let window = 32
    /// Extrapolated points appended after the newest value.
    public static let extrapolated = 4
    static let bits = 5
    private var clock = SamplingClock()
    private var values: [Double]
    private var head = 0
    private var re: [Double]
    private var im: [Double]
    private var saliencyMean = 0.0
    private var tail = EmpiricalTail(alpha: 1.0 / 2000)
    /// Rows scored 0 before the statistics are used.
    public var warmupRows = 120

    /// A fresh detector.
    public init() {
        let n = Self.window
        values = [Double](repeating: 0, count: n - Self.extrapolated)
        re = [Double](repeating: 0, count: n)
        im = [Double](repeating: 0, count: n)
    }

    private static func fft(_ re: inout [Double], _ im: inout [Double], inverse: Bool) {
        let n = window
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var len = 2
        while len <= n {
            let ang = (inverse ? 2.0 : -2.0) * Double.pi / Double(len)
            let wr = cos(ang), wi = sin(ang)
            var i = 0
            while i < n {
                var cr = 1.0, ci = 0.0
                for k in 0..<(len / 2) {
                    let a = i + k, b = a + len / 2
                    let tr = re[b] * cr - im[b] * ci
                    let ti = re[b] * ci + im[b] * cr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                    let nr = cr * wr - ci * wi
                    ci = cr * wi + ci * wr
                    cr = nr
                }
                i += len
            }
            len <<= 1
        }
    }

    /// See ``AnomalyDetector/score(timestamp:value:)``.
    public mutating func score(timestamp: Double, value: Double) -> Double {
        guard value.isFinite else { return 0 }
        let steps = clock.advance(to: timestamp)
        let k = values.count
        values[head] = SeriesMath.clampValue(value)
        head = head + 1 == k ? 0 : head + 1
        guard clock.rows >= k else { return 0 }
        // Oldest-first copy, centred and scaled by the window's mean absolute deviation.
        var mean = 0.0
        for v in values { mean += v / Double(k) }
        var mad = 0.0
        for v in values { mad += abs(v - mean) / Double(k) }
        guard mad > 1e-12 * abs(mean) && mad > 0 else { return 0 }
        for i in 0..<k { re[i] = (values[(head + i) % k] - mean) / mad; im[i] = 0 }
        let last = re[k - 1]
        var slope = 0.0
        for i in 1...Self.extrapolated { slope += (last - re[k - 1 - i]) / Double(i) }
        slope /= Double(Self.extrapolated)
        for i in 0..<Self.extrapolated { re[k + i] = last + slope * Double(i + 1) }
        Self.fft(&re, &im, inverse: false)
        let n = Self.window
        let amps = (0..<n).map { (re[$0] * re[$0] + im[$0] * im[$0]).squareRoot() }
        let logs = amps.map { log(max($0, 1e-12)) }
        for i in 0..<n {
            let avg = (logs[(i + n - 1) % n] + logs[i] + logs[(i + 1) % n]) / 3
            let scale = amps[i] > 1e-12 ? exp(logs[i] - avg) / amps[i] : 0
            re[i] *= scale; im[i] *= scale
        }
        Self.fft(&re, &im, inverse: true)
        let s = (re[k - 1] * re[k - 1] + im[k - 1] * im[k - 1]).squareRoot() / Double(n)
        let ratio = saliencyMean > 0 ? max(0, (s - saliencyMean) / saliencyMean) : 0
        saliencyMean += SeriesMath.decayedAlpha(1.0 / 21, steps: steps) * (s - saliencyMean)
        return tail.score(ratio, steps: steps, learning: clock.rows <= warmupRows)
    }

    /// Inline size plus the value window, the FFT buffers and the histogram.
    public var stateBytes: Int {
        MemoryLayout<Self>.size + 3 * SeriesMath.arrayHeaderBytes + (values.capacity + re.capacity + im.capacity) * 8
            + tail.heapBytes
    }
}
