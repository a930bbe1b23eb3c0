import VaneCore
import VaneText

extension ModelError: VaneErrorConvertible {
    /// A model that cannot be loaded or a request it cannot score: the request's (or the
    /// registered model's) fault, never the server's.
    public var vaneError: VaneError { .invalid(description) }
}

extension YAMLReadError: VaneErrorConvertible {
    /// A YAML document refused by its bounds or malformed.
    public var vaneError: VaneError { .invalid(message) }
}
