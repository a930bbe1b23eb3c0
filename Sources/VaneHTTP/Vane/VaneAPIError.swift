import VaneText
import HTTPTypes
import Hummingbird

/// The error shape of Vane's own API (`/api/vane/v1/…`): `{"error": {"code": …, "message": …}}`
/// with an honest status. The codes are stable strings that clients may switch on.
struct VaneAPIError: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    /// Vane's shape of an error already translated for the wire (see ``ErrorTranslation``):
    /// `VaneError` codes keep their meaning (an existing resource or a wrong state is a 409 here,
    /// where MLflow answers 400), everything else is named by its status. A 5xx other than 503
    /// never carries detail.
    init(_ error: MLflowError) {
        switch error.errorCode {
        case "RESOURCE_ALREADY_EXISTS":
            self.init(status: .conflict, code: "ALREADY_EXISTS", message: error.message)
        case "INVALID_STATE":
            self.init(status: .conflict, code: "FAILED_PRECONDITION", message: error.message)
        default:
            let status = error.status
            let generic = status.code >= 500 && status != .serviceUnavailable
            self.init(status: status, code: Self.code(for: status),
                      message: generic ? ErrorTranslation.internalError.message : error.message)
        }
    }

    init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status; self.code = code; self.message = message
    }

    /// The code Vane's API gives a status.
    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 405: "METHOD_NOT_ALLOWED"
        case 409: "FAILED_PRECONDITION"
        case 413: "PAYLOAD_TOO_LARGE"
        case 415: "UNSUPPORTED_MEDIA_TYPE"
        case 429: "RESOURCE_EXHAUSTED"
        case 503: "UNAVAILABLE"
        case 500...: "INTERNAL"
        default: "INVALID_ARGUMENT"
        }
    }

    func response() -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.beginObject("error")
        w.field("code", code)
        w.field("message", message)
        w.endObject()
        w.endObject()
        return w.response(status: status)
    }
}

/// Vane's error shape for the `/api/vane/v1` route group (and, through
/// ``FallbackErrorMiddleware``, for unmatched paths under `/api/vane/`).
struct VaneErrorMiddleware<Context: RequestContext>: ErrorShapeMiddleware {
    func response(for error: MLflowError, request: Request, context: Context) throws -> Response {
        VaneAPIError(error).response()
    }

    /// Whether `path` belongs to Vane's own API, for requests no route group matched.
    static func isVaneAPI(_ path: String) -> Bool {
        path == "/api/vane" || path.hasPrefix("/api/vane/")
    }
}
