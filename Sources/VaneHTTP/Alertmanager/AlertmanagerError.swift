import VaneText
import HTTPTypes
import Hummingbird
import NIOCore

/// An error in Alertmanager's API v2 shapes: a JSON string (`"at least one label pair
/// required"`) for what its handlers refuse, `{"code": …, "message": …}` for what its request
/// parsing and schema validation refuse (status 400, or 422 for schema violations).
struct AlertmanagerError: Error {
    enum Body {
        case text(String)
        case coded(Int, String)
    }

    var status: HTTPResponse.Status
    var body: Body

    /// A handler's refusal: status and a JSON string.
    static func text(_ message: String, status: HTTPResponse.Status = .badRequest) -> AlertmanagerError {
        AlertmanagerError(status: status, body: .text(message))
    }

    /// A body that is not JSON or not of the expected types (400, code 400).
    static func parsing(_ what: String, _ message: String) -> AlertmanagerError {
        AlertmanagerError(status: .badRequest, body: .coded(400, "parsing \(what) body from \"\" failed, because \(message)"))
    }

    /// A required field missing (422, code 602).
    static func required(_ path: String) -> AlertmanagerError {
        AlertmanagerError(status: .unprocessableContent, body: .coded(602, "\(path) in body is required"))
    }

    /// A value of the wrong format (422, code 601).
    static func format(_ message: String) -> AlertmanagerError {
        AlertmanagerError(status: .unprocessableContent, body: .coded(601, message))
    }

    func response() -> Response {
        var w = JSONWriter()
        switch body {
        case .text(let message):
            w.element(message)
            w.rawByte(UInt8(ascii: "\n"))
        case .coded(let code, let message):
            w.beginObject()
            w.field("code", Int64(code))
            w.field("message", message)
            w.endObject()
        }
        return w.response(status: status)
    }
}

/// Alertmanager's error shapes for the `/api/v2` route group: its own refusals as they are,
/// anything else (authentication, cross-site, body size, unknown paths) as a JSON string with
/// an honest status.
struct AlertmanagerErrorMiddleware<Context: RequestContext>: ErrorShapeMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AlertmanagerError {
            return error.response()
        } catch {
            let translated = ErrorTranslation.mlflowError(error, request: request, context: context)
            var answer = try response(for: translated, request: request, context: context)
            if translated.status == .unauthorized {
                answer.headers[.wwwAuthenticate] = #"Bearer realm="vane", Basic realm="vane", charset="UTF-8""#
            }
            return answer
        }
    }

    func response(for error: MLflowError, request: Request, context: Context) throws -> Response {
        AlertmanagerError.text(error.message, status: error.status).response()
    }
}
