import VaneCore

extension TimeSeriesReadError: VaneErrorConvertible {
    /// A series that cannot be read: the caller's input.
    public var vaneError: VaneError { .invalid(description) }
}

extension RegularSeries.Failure: VaneErrorConvertible {
    /// A series too short or too irregular to forecast: the caller's input.
    public var vaneError: VaneError { .invalid(description) }
}

extension Forecaster.Failure: VaneErrorConvertible {
    /// Options or a series the forecaster cannot use: the caller's input.
    public var vaneError: VaneError { .invalid(description) }
}
