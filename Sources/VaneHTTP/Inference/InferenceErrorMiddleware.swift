import VaneText
import HTTPTypes
import Hummingbird

/// The Open Inference Protocol's error shape for the `/v2` route group: `{"error": "…"}`.
struct OIPErrorMiddleware<Context: RequestContext>: ErrorShapeMiddleware {
    func response(for error: MLflowError, request: Request, context: Context) throws -> Response {
        OIPError(status: error.status, message: error.message).response()
    }
}

/// MLflow scoring's error shape for the `…/invocations` route groups, as `mlflow models serve`
/// answers: the MLflow shape, with `BAD_REQUEST` as the code of every client error but 404.
struct ScoringErrorMiddleware<Context: RequestContext>: ErrorShapeMiddleware {
    func response(for error: MLflowError, request: Request, context: Context) throws -> Response {
        let code = error.status.code < 500 && error.status != .notFound ? "BAD_REQUEST" : error.errorCode
        return try MLflowError(status: error.status, errorCode: code, message: error.message).response(from: request, context: context)
    }
}

/// The Open Inference Protocol's error: `{"error": "…"}` with a 4xx status.
struct OIPError {
    var status: HTTPResponse.Status
    var message: String

    func response() -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.field("error", message)
        w.endObject()
        return w.response(status: status)
    }
}
