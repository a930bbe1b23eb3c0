import Hummingbird
import Logging

/// The request context of every Vane route.
public struct VaneRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// JSON API bodies above this size are refused with 413; artifact uploads stream and are not limited by it.
    public var maxUploadSize: Int { MLflowError.maxJSONBodySize }
}
