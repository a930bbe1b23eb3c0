import Dispatch
import Hummingbird
import Metrics

/// Counts requests and records their latency per route, method and status
/// (`vane_http_requests_total`, `vane_http_request_duration_seconds`).
struct VaneMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            record(request, context, status: 500, start: start)
            throw error
        }
        record(request, context, status: Int(response.status.code), start: start)
        return response
    }

    func record(_ request: Request, _ context: Context, status: Int, start: UInt64) {
        // The matched route pattern, not the raw path, keeps label cardinality bounded.
        let route = context.endpointPath ?? "unmatched"
        let dims = [("route", route), ("method", request.method.rawValue), ("status", String(status))]
        Counter(label: "vane_http_requests_total", dimensions: dims).increment()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        Timer(label: "vane_http_request_duration_seconds", dimensions: dims).recordNanoseconds(Int64(elapsed))
    }
}
