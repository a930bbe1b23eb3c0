/// An error that every Vane surface can translate into its own wire shape.
///
/// Domain modules throw `VaneError`; the HTTP layer maps ``Code`` to the protocol's
/// error code and status (for MLflow: `error_code` and a 4xx status).
public struct VaneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, independent of any wire protocol.
    public enum Code: String, Sendable, Equatable {
        /// The request named something that does not exist.
        case notFound = "RESOURCE_DOES_NOT_EXIST"
        /// The request tried to create something that already exists.
        case alreadyExists = "RESOURCE_ALREADY_EXISTS"
        /// A parameter was missing, malformed or out of range.
        case invalidParameter = "INVALID_PARAMETER_VALUE"
        /// The operation is not allowed in the resource's current state.
        case invalidState = "INVALID_STATE"
        /// The request body is larger than the server accepts.
        case tooLarge = "REQUEST_LIMIT_EXCEEDED"
        /// The caller may not do this.
        case permissionDenied = "PERMISSION_DENIED"
        /// The request carries no credentials, or credentials that are not valid.
        case unauthenticated = "UNAUTHENTICATED"
        /// The server cannot take the request now (it is busy); the caller may try again later.
        case unavailable = "TEMPORARILY_UNAVAILABLE"
        /// Something failed inside Vane; never caused by the request itself.
        case internalError = "INTERNAL_ERROR"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Shorthand for ``Code/invalidParameter``.
    public static func invalid(_ message: String) -> VaneError { VaneError(.invalidParameter, message) }
    /// Shorthand for ``Code/notFound``.
    public static func notFound(_ message: String) -> VaneError { VaneError(.notFound, message) }
    /// Shorthand for ``Code/alreadyExists``.
    public static func exists(_ message: String) -> VaneError { VaneError(.alreadyExists, message) }
}

/// An error of a module that keeps its own error type (model runtimes, statistics, series), with
/// the ``VaneError`` it means, so that every surface can answer it in its own shape without
/// knowing the module.
public protocol VaneErrorConvertible: Error {
    /// The same failure as a ``VaneError``.
    var vaneError: VaneError { get }
}

extension VaneError: VaneErrorConvertible {
    public var vaneError: VaneError { self }
}
