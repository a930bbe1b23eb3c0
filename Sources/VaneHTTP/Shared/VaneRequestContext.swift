import Hummingbird
import HummingbirdAuth
import Logging
import VaneAuth

/// The request context of every Vane route.
public struct VaneRequestContext: AuthRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling, set by ``AuthMiddleware`` (``Principal/anonymous`` when authentication is off).
    public var identity: Principal?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
    }

    /// JSON API bodies above this size are refused with 413; artifact uploads stream and are not limited by it.
    public var maxUploadSize: Int { MLflowError.maxJSONBodySize }
}
