import HTTPTypes
import Hummingbird
import NIOCore
import VaneCore

/// Turns every error thrown below it into the error shape of the surface the request came to,
/// so that no route answers with an HTML page or an empty 500:
/// - `/v2/…` (Open Inference Protocol): `{"error": "…"}`;
/// - `…/invocations` (MLflow scoring): `{"error_code": "BAD_REQUEST", "message": "…"}`;
/// - everything else (MLflow REST): `{"error_code": …, "message": …}`.
struct ErrorResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    enum Surface { case openInference, scoring, mlflow }

    static func surface(of path: String) -> Surface {
        if path == "/v2" || path.hasPrefix("/v2/") { return .openInference }
        if path.hasSuffix("/invocations") { return .scoring }
        return .mlflow
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mlflow = Self.mlflowError(error, request: request, context: context)
            switch Self.surface(of: request.uri.path) {
            case .mlflow:
                return try mlflow.response(from: request, context: context)
            case .scoring:
                let code = mlflow.status.code < 500 && mlflow.status != .notFound ? "BAD_REQUEST" : mlflow.errorCode
                return try MLflowError(status: mlflow.status, errorCode: code, message: mlflow.message).response(from: request, context: context)
            case .openInference:
                return OIPError(status: mlflow.status, message: mlflow.message).response()
            }
        }
    }

    /// Any error as an MLflow error: status, code and message.
    static func mlflowError(_ error: any Error, request: Request, context: Context) -> MLflowError {
        switch error {
        case let error as VaneError:
            if error.code == .internalError {
                // The message may carry database or file system detail: it goes to the log only.
                context.logger.error("internal error", metadata: ["error": "\(error.message)", "path": "\(request.uri.path)"])
                return internalError
            }
            return MLflowError(error)
        case let error as MLflowError:
            return error
        case let error as HTTPError:
            let code: String = switch error.status {
            case .notFound: "ENDPOINT_NOT_FOUND"
            case .contentTooLarge: "REQUEST_LIMIT_EXCEEDED"
            case .methodNotAllowed: "BAD_REQUEST"
            default: error.status.code < 500 ? "INVALID_PARAMETER_VALUE" : "INTERNAL_ERROR"
            }
            if error.status.code >= 500 {
                context.logger.error("internal error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                return internalError
            }
            return MLflowError(status: error.status, errorCode: code, message: error.body ?? error.status.reasonPhrase)
        default:
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return internalError
        }
    }

    /// What a client learns of a failure inside Vane: that it happened, never its detail.
    static var internalError: MLflowError {
        MLflowError(status: .internalServerError, errorCode: "INTERNAL_ERROR", message: "Internal error; the server log has the details")
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
