import Hummingbird

/// The MLflow REST API's error shape for every error thrown in its route groups (tracking,
/// registry, logged models, artifacts, server info): `{"error_code": …, "message": …}` with the
/// status MLflow gives that code.
struct MLflowErrorMiddleware<Context: RequestContext>: ErrorShapeMiddleware {
    func response(for error: MLflowError, request: Request, context: Context) throws -> Response {
        try error.response(from: request, context: context)
    }
}
