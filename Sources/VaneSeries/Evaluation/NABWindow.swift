import Foundation

/// One NAB anomaly window: an inclusive row range, with the labels it was built from.
public struct NABWindow: Sendable, Equatable, Codable {
    /// First row of the window.
    public var start: Int
    /// Last row of the window (inclusive; NAB's "right edge").
    public var end: Int
    /// The labelled anomaly rows that fall in this window (more than one after merging).
    public var labels: [Int]

    /// Creates a window.
    public init(start: Int, end: Int, labels: [Int]) {
        self.start = start
        self.end = end
        self.labels = labels
    }

    /// Width in rows (`end - start + 1`).
    public var width: Int { end - start + 1 }
}

/// NAB's window construction, probationary period and scaled sigmoid (`labeler.py`, `sweeper.py`).
public enum NABWindowing {
    /// NAB's scaled sigmoid `2/(1+e^{5y}) − 1`, and exactly −1 for `y >= 3`
    /// (`sweeper.scaledSigmoid` uses `>= 3.0`).
    public static func scaledSigmoid(_ y: Double) -> Double {
        if y >= 3.0 { return -1.0 }
        return 2.0 / (1.0 + exp(5.0 * y)) - 1.0
    }

    /// Rows not scored at the start of a file: `min(floor(fraction·n), fraction·5000)` (750 for
    /// NAB's 0.15). NAB scores rows with `i >= ` that value, so a fractional cap rounds up.
    public static func probationaryLength(rowCount n: Int, fraction: Double = 0.15) -> Int {
        Int(min((fraction * Double(n)).rounded(.down), fraction * 5000).rounded(.up))
    }

    /// Builds NAB windows for a file of `n` rows (`LabelCombiner.applyWindows` + `checkWindows`).
    ///
    /// Length `L = int(windowFraction·n / labels)`; each window is
    /// `[max(a − L/2, 0), min(a + L/2, n − 1)]` with integer halving as in Python 2.
    /// Windows starting before the probationary period are deleted, then overlapping windows
    /// (next start ≤ current end) are merged. Labels outside `0..<n` are ignored.
    public static func windows(
        rowCount n: Int, labels rawLabels: [Int],
        windowFraction: Double = 0.10, probationaryFraction: Double = 0.15
    ) -> [NABWindow] {
        let labels = Array(Set(rawLabels.filter { $0 >= 0 && $0 < n })).sorted()
        // NAB counts every label (duplicates are distinct timestamps there, so none occur).
        guard !labels.isEmpty, n > 0 else { return [] }
        let length = Int(windowFraction * Double(n) / Double(labels.count))
        let half = length / 2
        let probation = probationaryLength(rowCount: n, fraction: probationaryFraction)
        var raw: [NABWindow] = []
        for a in labels {
            let w = NABWindow(start: max(a - half, 0), end: min(a + half, n - 1), labels: [a])
            if w.start >= probation { raw.append(w) }
        }
        var merged: [NABWindow] = []
        for w in raw {
            if var last = merged.last, w.start <= last.end {
                last.end = max(last.end, w.end)
                last.labels.append(contentsOf: w.labels)
                merged[merged.count - 1] = last
            } else {
                merged.append(w)
            }
        }
        return merged
    }
}

/// Per-row preprocessing of one file, independent of the detector and the profile
/// (the unweighted part of `Sweeper.calcSweepScore`).
struct NABFileLayout: Sendable {
    /// Number of rows in the file.
    let rowCount: Int
    /// First scored row.
    let probation: Int
    /// Windows after deletion and merging.
    let windows: [NABWindow]
    /// For each row, the index in `windows` of the window containing it, or −1.
    let windowOfRow: [Int32]
    /// Unweighted sweep value: inside a window `σ(y)/σ(−1)` (× A_TP later); outside `σ(y)` (× A_FP later).
    let unweighted: [Double]

    init(rowCount n: Int, labels: [Int], windowFraction: Double = 0.10, probationaryFraction: Double = 0.15) {
        rowCount = n
        probation = NABWindowing.probationaryLength(rowCount: n, fraction: probationaryFraction)
        windows = NABWindowing.windows(
            rowCount: n, labels: labels, windowFraction: windowFraction,
            probationaryFraction: probationaryFraction)
        var owner = [Int32](repeating: -1, count: n)
        var values = [Double](repeating: 0, count: n)
        let maxTP = NABWindowing.scaledSigmoid(-1.0)
        var next = 0
        var current: Int? = nil
        var prevEnd: Int? = nil
        var prevWidth = 0
        for i in 0..<n {
            if current == nil, next < windows.count, windows[next].start == i {
                current = next
                next += 1
            }
            if let c = current {
                let w = windows[c]
                let y = -Double(w.end - i + 1) / Double(w.width)
                owner[i] = Int32(c)
                values[i] = NABWindowing.scaledSigmoid(y) / maxTP
                if i == w.end {
                    prevEnd = w.end
                    prevWidth = w.width
                    current = nil
                }
            } else if let r = prevEnd {
                // NAB divides by (width − 1); a one-row window would divide by zero there,
                // so it is treated as "far away" (NAB's older scorer.py uses 2.0 for that case).
                let y = prevWidth > 1 ? Double(abs(r - i)) / Double(prevWidth - 1) : 3.0
                values[i] = NABWindowing.scaledSigmoid(y)
            } else {
                values[i] = -1.0
            }
        }
        windowOfRow = owner
        unweighted = values
    }
}
