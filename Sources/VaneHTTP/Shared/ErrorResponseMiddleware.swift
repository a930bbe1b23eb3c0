import HTTPTypes
import Hummingbird
import NIOCore
import VaneCore

/// A middleware that answers every error thrown below it in one surface's error shape, so that no
/// route answers with an HTML page or an empty 500.
///
/// Each surface adds its own to its route group (MLflow, Open Inference Protocol, MLflow scoring);
/// ``FallbackErrorMiddleware`` covers what no group matched. All share one translation of an error
/// into a status, an MLflow-style code and a message that never carries internal detail.
protocol ErrorShapeMiddleware<Context>: RouterMiddleware where Context: RequestContext {
    /// The response for `error`, already translated, in this surface's shape.
    func response(for error: MLflowError, request: Request, context: Context) throws -> Response
}

extension ErrorShapeMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let translated = ErrorTranslation.mlflowError(error, request: request, context: context)
            var answer = try response(for: translated, request: request, context: context)
            if translated.status == .unauthorized {
                // The schemes Vane takes (RFC 9110 §11.6.1): a token, or a user name and password.
                answer.headers[.wwwAuthenticate] = #"Bearer realm="vane", Basic realm="vane", charset="UTF-8""#
            }
            return answer
        }
    }
}

/// Any error as an MLflow error (status, code, message): the vocabulary every surface's shape is made from.
enum ErrorTranslation {
    /// Any error as an MLflow error: status, code and message.
    static func mlflowError<Context: RequestContext>(_ error: any Error, request: Request, context: Context) -> MLflowError {
        switch error {
        case let error as any VaneErrorConvertible:
            let error = error.vaneError
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

/// The error shape of requests that reached no surface's route group: paths no route matches
/// (404) and the server's own endpoints (`/health`, `/version`, `/metrics`, `/ping`), with the
/// cross-site and body-size refusals in front of them.
///
/// This is the one place that looks at the path to choose a shape, because no group matched:
/// `/v2` and below (where an inference client expects it) get the Open Inference Protocol's
/// `{"error": "…"}`, `/api/vane/` and below Vane's `{"error": {"code", "message"}}`, everything
/// else MLflow's `{"error_code", "message"}`.
struct FallbackErrorMiddleware<Context: RequestContext>: ErrorShapeMiddleware {
    func response(for error: MLflowError, request: Request, context: Context) throws -> Response {
        let path = request.uri.path
        if path == "/v2" || path.hasPrefix("/v2/") {
            return OIPError(status: error.status, message: error.message).response()
        }
        if VaneErrorMiddleware<Context>.isVaneAPI(path) {
            return VaneAPIError(error).response()
        }
        return try error.response(from: request, context: context)
    }
}
