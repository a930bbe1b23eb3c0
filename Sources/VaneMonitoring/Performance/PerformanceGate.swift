import Foundation

/// Decides whether an evaluation should fail a pipeline.
///
/// - Against the reference (when one is given and ``EvaluationOptions/failIfWorseBy`` is set):
///   Evidently's default test condition for these metrics is `approx(reference, relative=0.2)`,
///   which fails on either side; Vane fails only on the *worse* side, since an improvement should
///   never break a pipeline. With tolerance `t` and reference `r`, a higher-is-better metric fails
///   when current < r − t·|r|, a lower-is-better one when current > r + t·|r| (the limit is
///   reported). Mean error has no direction and is not compared; a metric null in either window
///   is skipped.
/// - Bounds: ``EvaluationOptions/minimums`` / ``EvaluationOptions/maximums`` on the current
///   value (inclusive: equal to the bound passes). A bound on a metric that is null in the
///   current window (e.g. ROC AUC with a single class) is a finding of kind `unavailable`, since
///   the requirement cannot be verified.
public enum PerformanceGate {
    /// Checks the options' bounds and tolerance before any data is read (unknown metric names,
    /// metrics of the other task, non-finite or negative values).
    public static func validate(_ options: EvaluationOptions, task: ModelTask?) throws(EvaluationError) {
        if let t = options.failIfWorseBy, !(t.isFinite && t >= 0) {
            throw .invalidOption("fail-if-worse-by must be a finite number ≥ 0, got \(pythonRepr(t))")
        }
        for (kind, bounds) in [("minimum", options.minimums), ("maximum", options.maximums)] {
            for (name, value) in bounds.sorted(by: { $0.key < $1.key }) {
                guard let m = PerformanceMetric(rawValue: name) else {
                    let known = PerformanceMetric.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .invalidOption("\(kind) names unknown metric '\(name)' (known: \(known))")
                }
                if let task, m.task != task {
                    throw .invalidOption("\(kind) for '\(name)' is a \(m.task.rawValue) metric, but the task is \(task.rawValue)")
                }
                if !value.isFinite { throw .invalidOption("\(kind) for '\(name)' must be a finite number") }
            }
        }
    }

    /// Findings for the current window, compared with the reference and the bounds.
    public static func findings(task: ModelTask, current: WindowPerformance, reference: WindowPerformance?,
                                options: EvaluationOptions) -> [PerformanceFinding] {
        var out: [PerformanceFinding] = []
        for metric in PerformanceMetric.metrics(for: task) {
            let name = metric.rawValue
            let cur = current.value(of: metric)
            let ref = reference?.value(of: metric)
            if let tol = options.failIfWorseBy, let higher = metric.higherIsBetter, let cur, let ref {
                let slack = tol * abs(ref)
                let limit = higher ? ref - slack : ref + slack
                if higher ? cur < limit : cur > limit {
                    let pct = ref != 0 ? " (\(format(100 * abs(cur - ref) / abs(ref)))% worse)" : ""
                    out.append(PerformanceFinding(
                        metric: name, kind: .worseThanReference, reference: ref, current: cur, limit: limit,
                        message: "\(name) is \(format(cur)), worse than the reference \(format(ref))\(pct); limit \(format(limit)) allows \(format(100 * tol))%"))
                }
            }
            for (bound, isMinimum) in [(options.minimums[name], true), (options.maximums[name], false)] {
                guard let bound else { continue }
                guard let cur else {
                    out.append(PerformanceFinding(
                        metric: name, kind: .unavailable, reference: ref, current: nil, limit: bound,
                        message: "\(name) has a \(isMinimum ? "minimum" : "maximum") of \(format(bound)) but is undefined in the current data"))
                    continue
                }
                if isMinimum ? cur < bound : cur > bound {
                    out.append(PerformanceFinding(
                        metric: name, kind: isMinimum ? .belowMinimum : .aboveMaximum, reference: ref, current: cur, limit: bound,
                        message: "\(name) is \(format(cur)), \(isMinimum ? "below the minimum" : "above the maximum") \(format(bound))"))
                }
            }
        }
        return out
    }

    /// A number for messages: up to 6 significant digits.
    static func format(_ x: Double) -> String {
        String(format: "%.6g", x)
    }
}
