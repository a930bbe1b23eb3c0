#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hummingbird
import Synchronization
import VaneCore

/// Caps the memory that request bodies read into memory may take at once.
///
/// A body of at least ``threshold`` bytes (by its `Content-Length`; a chunked body counts as the
/// largest allowed) reserves its size from a shared budget of ``capacity`` bytes before a byte is
/// read, and returns it when its response is ready; while the budget is spent, further large
/// requests wait (at most ``maxWait``, then 503). Small requests never wait. After a large
/// request the allocator is asked to return freed memory to the system, so one big request does
/// not leave the process big. Streaming routes (artifact uploads) do not hold their body and
/// are not counted.
final class LargeBodyGate: Sendable {
    /// Bodies smaller than this are not counted.
    static let threshold = 1 << 20
    /// The most body bytes held at once: four bodies of the 64 MiB limit.
    static let capacity = 4 * MLflowError.maxJSONBodySize
    /// How long a large request waits for room.
    static let maxWait: Duration = .seconds(30)

    static let shared = LargeBodyGate(capacity: capacity)

    let capacity: Int
    private let inUse = Mutex(0)

    init(capacity: Int) { self.capacity = capacity }

    /// Bytes reserved now.
    var reserved: Int { inUse.withLock { $0 } }

    /// Reserves `bytes`, waiting while the budget is spent; throws 503 after ``maxWait``.
    func reserve(_ bytes: Int) async throws {
        let amount = min(bytes, capacity)
        let deadline = ContinuousClock.now + Self.maxWait
        var pause: Duration = .milliseconds(2)
        while true {
            let granted = inUse.withLock { used -> Bool in
                guard used + amount <= capacity else { return false }
                used += amount
                return true
            }
            if granted { return }
            guard ContinuousClock.now < deadline else {
                throw VaneError(.unavailable, "The server is busy reading other large requests; try again")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    func release(_ bytes: Int) {
        let amount = min(bytes, capacity)
        inUse.withLock { $0 -= amount }
        _ = Self.trim?(0)
    }

    /// glibc's `malloc_trim`, looked up at run time (its header is not in Swift's Glibc module):
    /// gives the pages that freed memory leaves behind back to the system.
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()
}

/// Puts requests that buffer large bodies through the ``LargeBodyGate``.
struct LargeBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let gate: LargeBodyGate
    /// The largest body any buffering route accepts.
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Artifact uploads stream to disk; reads carry no body worth counting.
        guard CrossSiteMiddleware<Context>.changesState(request.method), !request.uri.path.contains("/mlflow-artifacts/") else {
            return try await next(request, context)
        }
        let declared = try BodyReader.declaredLength(request)
        if let declared, declared > limit { throw BodyReader.tooLarge(limit) }
        let size = declared ?? limit
        guard size >= LargeBodyGate.threshold else { return try await next(request, context) }
        try await gate.reserve(size)
        defer { gate.release(size) }
        return try await next(request, context)
    }
}
