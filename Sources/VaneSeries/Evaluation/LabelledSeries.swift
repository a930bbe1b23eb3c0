import Foundation

/// The kinds of anomaly the ``SeriesGenerator`` can inject.
public enum AnomalyKind: String, Sendable, CaseIterable, Codable {
    /// A short positive excursion (1–3 rows).
    case spike
    /// A short negative excursion (1–3 rows).
    case dip
    /// A persistent step change of the level.
    case levelShift
    /// The noise standard deviation is multiplied from the anomaly onwards.
    case varianceChange
    /// A slow ramp away from the normal level.
    case slowDrift
    /// The sensor is stuck: the value repeats for a while.
    case flatLine
    /// The daily pattern is phase-shifted or disappears for a while.
    case seasonalityBreak
}

/// One injected anomaly: its kind, the row where it starts (its label) and how many rows it lasts.
public struct InjectedAnomaly: Sendable, Equatable, Codable {
    /// What was injected.
    public var kind: AnomalyKind
    /// Row index where the anomaly starts; this is the NAB label (windows are centred on it).
    public var row: Int
    /// Number of rows affected (persistent effects run to the series end).
    public var duration: Int
    /// Size of the effect: the added offset in value units for spikes, dips, level shifts and
    /// drifts (the drift's full amount); the noise multiplier for variance changes; −2 (inverted)
    /// or −1 (removed) daily pattern for seasonality breaks; 0 for flat-lines.
    public var magnitude: Double

    /// Creates an injected anomaly description.
    public init(kind: AnomalyKind, row: Int, duration: Int, magnitude: Double = 0) {
        self.kind = kind
        self.row = row
        self.duration = duration
        self.magnitude = magnitude
    }
}

/// A metric series with ground-truth anomaly labels, as used by the evaluation harness.
public struct LabelledSeries: Sendable, Equatable, Codable {
    /// A human-readable unique name (e.g. `"s017-daily-levelShift"`).
    public var name: String
    /// Observed values, one per row.
    public var values: [Double]
    /// Row timestamps in epoch seconds, strictly increasing (may be irregular or have gaps).
    public var timestamps: [Double]
    /// Row index of each labelled anomaly (its start), ascending. NAB windows are centred on these.
    public var labels: [Int]
    /// Descriptive tags (seasonality, trend, noise model, "count", "irregular", "noAnomaly", anomaly kinds…).
    public var tags: [String]
    /// The anomalies that produced ``labels`` (empty for hand-made series).
    public var anomalies: [InjectedAnomaly]

    /// Creates a labelled series. Labels are sorted; `values` and `timestamps` must have equal length.
    public init(
        name: String, values: [Double], timestamps: [Double], labels: [Int],
        tags: [String] = [], anomalies: [InjectedAnomaly] = []
    ) {
        precondition(values.count == timestamps.count, "values and timestamps differ in length")
        self.name = name
        self.values = values
        self.timestamps = timestamps
        self.labels = labels.sorted()
        self.tags = tags
        self.anomalies = anomalies
    }

    /// Convenience for a regularly sampled series (step in seconds, default 5 minutes).
    public init(name: String, values: [Double], labels: [Int], start: Double = 1_700_000_000, step: Double = 300) {
        self.init(
            name: name, values: values,
            timestamps: (0..<values.count).map { start + Double($0) * step },
            labels: labels)
    }

    /// Number of rows.
    public var count: Int { values.count }
}
