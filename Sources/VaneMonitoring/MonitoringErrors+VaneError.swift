import VaneCore

extension DriftError: VaneErrorConvertible {
    /// Options or tables that cannot be combined: the caller's input.
    public var vaneError: VaneError { .invalid(description) }
}

extension QualityError: VaneErrorConvertible {
    /// A reference or options a schema cannot come from: the caller's input.
    public var vaneError: VaneError { .invalid(description) }
}

extension EvaluationError: VaneErrorConvertible {
    /// Columns or options an evaluation cannot use: the caller's input.
    public var vaneError: VaneError { .invalid(description) }
}

extension DataReadError: VaneErrorConvertible {
    /// A table that cannot be read: malformed input, or (``Kind/io``) a file Vane could not read.
    public var vaneError: VaneError {
        kind == .io ? VaneError(.internalError, description) : .invalid(description)
    }
}
