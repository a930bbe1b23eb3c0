import Foundation

/// Bar charts drawn as inline SVG, comparing the reference and current windows.
public enum SVGChart {
    /// Chart size in CSS pixels.
    static let width = 360.0, height = 170.0
    static let left = 46.0, right = 6.0, top = 8.0, bottom = 38.0

    /// Reference vs current shares per bin or category of a column.
    public static func distribution(_ d: ColumnDistribution) -> String {
        var labels: [String], ref = d.reference, cur = d.current
        switch d.kind {
        case .histogram:
            labels = (d.edges ?? []).dropLast().map { TextFormat.short($0) }
        case .categories:
            labels = d.labels ?? []
            if d.otherReference + d.otherCurrent > 0 {
                labels.append("(other)")
                ref.append(d.otherReference)
                cur.append(d.otherCurrent)
            }
        }
        let rt = Double(max(ref.reduce(0, +), 1)), ct = Double(max(cur.reduce(0, +), 1))
        let axis: Axis = d.kind == .histogram
            ? .edges(first: TextFormat.short(d.edges?.first ?? 0), last: TextFormat.short(d.edges?.last ?? 0))
            : .categories(labels)
        return bars(reference: ref.map { Double($0) / rt }, current: cur.map { Double($0) / ct }, axis: axis, valueAxisLabel: "share")
    }

    /// How the x axis is labelled.
    public enum Axis: Sendable {
        /// A continuous range: only its two ends are labelled.
        case edges(first: String, last: String)
        /// One label under each group of bars.
        case categories([String])
    }

    /// Grouped bars: per slot, a reference bar and a current bar, on a shared y scale from 0.
    public static func bars(reference: [Double], current: [Double], axis: Axis, valueAxisLabel: String) -> String {
        let n = max(reference.count, current.count)
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = max(reference.max() ?? 0, current.max() ?? 0, 1e-12)
        let slot = plotW / Double(max(n, 1))
        let barW = max(slot * 0.42, 0.5)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        svg += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"reference and current distribution\">"
        // frame and y ticks
        let baseY = top + plotH
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(baseY))\" x2=\"\(f(width - right))\" y2=\"\(f(baseY))\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(baseY))\" stroke=\"#999\"/>"
        svg += "<text x=\"\(f(left - 3))\" y=\"\(f(top + 8))\" text-anchor=\"end\">\(TextFormat.short(maxValue))</text>"
        svg += "<text x=\"\(f(left - 3))\" y=\"\(f(baseY))\" text-anchor=\"end\">0</text>"
        svg += "<text x=\"2\" y=\"\(f(top + plotH / 2))\" transform=\"rotate(-90 8 \(f(top + plotH / 2)))\" text-anchor=\"middle\">\(HTMLReport.escape(valueAxisLabel))</text>"
        for i in 0..<n {
            let x0 = left + Double(i) * slot + (slot - 2 * barW) / 2
            let r = i < reference.count ? reference[i] : 0, c = i < current.count ? current[i] : 0
            let rh = plotH * r / maxValue, ch = plotH * c / maxValue
            svg += "<rect class=\"bar-ref\" x=\"\(f(x0))\" y=\"\(f(baseY - rh))\" width=\"\(f(barW))\" height=\"\(f(rh))\" fill=\"\(HTMLReport.referenceColor)\"><title>reference \(TextFormat.short(r))</title></rect>"
            svg += "<rect class=\"bar-cur\" x=\"\(f(x0 + barW))\" y=\"\(f(baseY - ch))\" width=\"\(f(barW))\" height=\"\(f(ch))\" fill=\"\(HTMLReport.currentColor)\"><title>current \(TextFormat.short(c))</title></rect>"
        }
        switch axis {
        case .edges(let first, let last):
            svg += "<text x=\"\(f(left))\" y=\"\(f(baseY + 13))\" text-anchor=\"start\">\(HTMLReport.escape(first))</text>"
            svg += "<text x=\"\(f(width - right))\" y=\"\(f(baseY + 13))\" text-anchor=\"end\">\(HTMLReport.escape(last))</text>"
        case .categories(let labels):
            let every = max(1, Int((Double(labels.count) * 14 / plotW).rounded(.up)))
            for (i, label) in labels.enumerated() where i % every == 0 {
                let x = left + (Double(i) + 0.5) * slot, y = baseY + 10
                let shown = label.count > 10 ? String(label.prefix(9)) + "…" : label
                svg += "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"end\" transform=\"rotate(-35 \(f(x)) \(f(y)))\">\(HTMLReport.escape(shown))</text>"
            }
        }
        return svg + "</svg>"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}

/// Short number formatting shared by the reports and the terminal tables.
public enum TextFormat {
    /// Up to 4 significant digits; scientific notation when tiny or huge; `NaN`, `inf`, `-` for nil.
    public static func short(_ v: Double?) -> String {
        guard let v else { return "-" }
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == 0 { return "0" }
        if abs(v) < 1e-3 || abs(v) >= 1e6 { return String(format: "%.3e", v) }
        return String(format: "%.4g", v)
    }
}

extension SVGChart {
    /// One window's spread for ``ranges(reference:current:)``.
    public struct Spread: Sendable {
        /// Smallest value.
        public var minimum: Double
        /// Largest value.
        public var maximum: Double
        /// Mean, drawn as a tick.
        public var mean: Double?

        /// Creates a spread.
        public init(minimum: Double, maximum: Double, mean: Double?) {
            self.minimum = minimum
            self.maximum = maximum
            self.mean = mean
        }
    }

    /// Two horizontal bars, the reference's and the current window's [min, max] on a shared
    /// scale, each with its mean as a dark tick: values outside the reference range show at once.
    public static func ranges(reference: Spread?, current: Spread?) -> String {
        let spreads = [reference, current].compactMap { $0 }.filter { $0.minimum.isFinite && $0.maximum.isFinite }
        guard let lo0 = spreads.map(\.minimum).min(), let hi0 = spreads.map(\.maximum).max() else { return "" }
        let (lo, hi) = lo0 == hi0 ? (lo0 - 0.5, hi0 + 0.5) : (lo0, hi0)
        let h = 92.0, x0 = 70.0, x1 = width - 14
        func x(_ v: Double) -> Double { x0 + (x1 - x0) * (v - lo) / (hi - lo) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(h))\" "
        svg += "viewBox=\"0 0 \(Int(width)) \(Int(h))\" role=\"img\" aria-label=\"reference and current range\">"
        for (row, spread, color, cls, name) in [(0, reference, HTMLReport.referenceColor, "bar-ref", "reference"),
                                                (1, current, HTMLReport.currentColor, "bar-cur", "current")] {
            let y = 12.0 + Double(row) * 30
            svg += "<text x=\"\(f(x0 - 6))\" y=\"\(f(y + 13))\" text-anchor=\"end\">\(name)</text>"
            guard let s = spread, s.minimum.isFinite, s.maximum.isFinite else { continue }
            let a = x(s.minimum), b = max(x(s.maximum), a + 2)
            svg += "<rect class=\"\(cls)\" x=\"\(f(a))\" y=\"\(f(y))\" width=\"\(f(b - a))\" height=\"18\" fill=\"\(color)\">"
            svg += "<title>\(name) \(TextFormat.short(s.minimum)) to \(TextFormat.short(s.maximum))</title></rect>"
            if let m = s.mean, m.isFinite {
                svg += "<rect x=\"\(f(x(m) - 1))\" y=\"\(f(y - 2))\" width=\"2\" height=\"22\" fill=\"#222\"><title>mean \(TextFormat.short(m))</title></rect>"
            }
        }
        svg += "<text x=\"\(f(x0))\" y=\"\(f(h - 8))\" text-anchor=\"start\">\(TextFormat.short(lo))</text>"
        svg += "<text x=\"\(f(x1))\" y=\"\(f(h - 8))\" text-anchor=\"end\">\(TextFormat.short(hi))</text>"
        return svg + "</svg>"
    }
}
