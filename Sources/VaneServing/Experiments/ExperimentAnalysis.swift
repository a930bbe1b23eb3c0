#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The A/B analysis of a deployment's variants on their feedback: per variant the mean reward (or
/// the accuracy of its labels) with a confidence interval, and an always-valid sequential test of
/// each variant against the control (the first declared variant).
///
/// The test is the mixture sequential probability ratio test (mSPRT; Johari, Pekelis and Walsh,
/// "Always valid inference", 2017) on the difference of means δ = x̄_variant − x̄_control, with
/// its variance v = s²_variant / n_variant + s²_control / n_control and a normal mixture N(0, τ²)
/// over the effect:
///
///   Λ = √(v / (v + τ²)) · exp(τ² δ² / (2 v (v + τ²))),  p = min(1, 1 / Λ),
///
/// and the always-valid p-value is the smallest p seen so far. Under no difference, the chance
/// that it ever falls to α is at most α, so the results may be looked at after every piece of
/// feedback. τ is a tenth of the pooled standard deviation (effects of about 0.1 σ weigh most);
/// with several variants each is tested at α / (k − 1) (Bonferroni). No decision is taken before
/// ``minimumSamples`` per arm. The confidence interval of each mean is the usual fixed-sample
/// normal interval at 1 − α, for reading, not for deciding.
public enum ExperimentAnalysis {
    /// Feedback counts of one variant.
    public struct Arm: Sendable, Equatable {
        public var name: String
        public var count: Int
        public var sum: Double
        public var sumOfSquares: Double

        public init(name: String, count: Int, sum: Double, sumOfSquares: Double) {
            self.name = name
            self.count = count
            self.sum = sum
            self.sumOfSquares = sumOfSquares
        }

        public var mean: Double? { count > 0 ? sum / Double(count) : nil }

        /// The sample variance; nil below two values.
        public var variance: Double? {
            guard count > 1 else { return nil }
            let m = sum / Double(count)
            return max(0, (sumOfSquares - Double(count) * m * m) / Double(count - 1))
        }
    }

    /// The least feedback per arm before the test may decide.
    public static let minimumSamples = 30

    /// The mSPRT p-value of `variant` against `control` at this look; 1 without enough data.
    public static func pValue(variant: Arm, control: Arm) -> Double {
        guard variant.count >= minimumSamples, control.count >= minimumSamples,
              let mv = variant.mean, let mc = control.mean, let sv = variant.variance, let sc = control.variance else { return 1 }
        let v = sv / Double(variant.count) + sc / Double(control.count)
        let pooled = (sv * Double(variant.count - 1) + sc * Double(control.count - 1)) / Double(variant.count + control.count - 2)
        let tau2 = max(pooled * 0.01, 1e-12)
        guard v > 0 else { return mv == mc ? 1 : 0 }
        let delta = mv - mc
        let logLambda = 0.5 * log(v / (v + tau2)) + tau2 * delta * delta / (2 * v * (v + tau2))
        return min(1, exp(-logLambda))
    }

    /// The two-sided normal quantile z with P(|Z| ≤ z) = 1 − `alpha` (Acklam's approximation,
    /// relative error below 1.2e-9).
    public static func z(alpha: Double) -> Double {
        let p = 1 - alpha / 2
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        if p > 0.97575 {
            let q = (-2 * log(1 - p)).squareRoot()
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }

    /// The interval mean ± z · s / √n at 1 − `alpha`; nil below two values.
    public static func interval(_ arm: Arm, alpha: Double) -> (low: Double, high: Double)? {
        guard let mean = arm.mean, let variance = arm.variance else { return nil }
        let half = z(alpha: alpha) * (variance / Double(arm.count)).squareRoot()
        return (mean - half, mean + half)
    }
}
