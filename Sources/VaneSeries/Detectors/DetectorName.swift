import Foundation

/// The registry of detectors by name; ``makeDetector()`` returns a fresh state for one series.
public enum DetectorName: String, CaseIterable, Sendable {
    /// The best detector on the evaluation corpus: ``DefaultDetector`` (seasonal baseline, level
    /// shift and forecast residual, Bonferroni-combined, with post-detection suppression).
    case `default`
    /// NAB's windowed-Gaussian baseline.
    case windowedGaussian = "windowed-gaussian"
    /// Robust daily/weekly seasonal baselines with online season selection.
    case seasonalRobust = "seasonal-robust"
    /// Level and variance shifts (fast vs slow statistics).
    case levelShift = "level-shift"
    /// Spectral residual saliency over a 32-point window.
    case spectralResidual = "spectral-residual"
    /// Exponential-smoothing residuals with calibrated tails.
    case forecastResidual = "forecast-residual"
    /// KL divergence of the recent value histogram from the long-run one.
    case relativeEntropy = "relative-entropy"
    /// Numenta anomaly likelihood over forecast-residual surprise.
    case likelihood
    /// Bonferroni-combined ensemble of the calibrated detectors.
    case ensemble

    /// A fresh detector of this kind.
    public func makeDetector() -> any AnomalyDetector {
        switch self {
        case .default: DefaultDetector()
        case .windowedGaussian: WindowedGaussianDetector()
        case .seasonalRobust: SeasonalRobustDetector()
        case .levelShift: LevelShiftDetector()
        case .spectralResidual: SpectralResidualDetector()
        case .forecastResidual: ForecastResidualDetector()
        case .relativeEntropy: RelativeEntropyDetector()
        case .likelihood: LikelihoodDetector()
        case .ensemble: EnsembleDetector()
        }
    }
}
