import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Counts requests and records their latency per route, method and status
/// (`vane_http_requests_total`, `vane_http_request_duration_seconds`).
///
/// Labels stay bounded: the route is the matched pattern (not the raw path) and a method other
/// than the standard ones is `other`, so no request can mint new series. The handles of each
/// label set are made once and kept.
struct VaneMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let handles = MetricsHandles()

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
        let route = context.endpointPath ?? "unmatched"
        let method = MetricsHandles.standardMethods.contains(request.method) ? request.method.rawValue : "other"
        let (counter, timer) = handles.handles(route: route, method: method, status: status)
        counter.increment()
        timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }
}

/// The metric handles of each route, method and status seen.
final class MetricsHandles: Sendable {
    static let standardMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .delete, .patch, .options, .connect, .trace]

    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private let table = Mutex<[Key: (Counter, Timer)]>([:])

    func handles(route: String, method: String, status: Int) -> (Counter, Timer) {
        let key = Key(route: route, method: method, status: status)
        if let found = table.withLock({ $0[key] }) { return found }
        let dims = [("route", route), ("method", method), ("status", String(status))]
        let made = (Counter(label: "vane_http_requests_total", dimensions: dims),
                    Timer(label: "vane_http_request_duration_seconds", dimensions: dims))
        return table.withLock { table in
            if let raced = table[key] { return raced }
            table[key] = made
            return made
        }
    }
}
