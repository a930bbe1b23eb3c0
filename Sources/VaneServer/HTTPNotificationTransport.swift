import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import VaneCore
import VaneOps

/// Sends notifications over AsyncHTTPClient's shared client: a POST with the integration's body,
/// `User-Agent: Vane/<version>`, redirects not followed, the answer's body read and dropped (at
/// most 64 KiB of it).
public struct HTTPNotificationTransport: NotificationTransport {
    let client: HTTPClient

    public init(client: HTTPClient = .shared) { self.client = client }

    public func send(_ request: OutgoingRequest, timeout: Duration) async throws -> Int {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        outgoing.headers.add(name: "Content-Type", value: request.contentType)
        outgoing.headers.add(name: "User-Agent", value: "Vane/\(vaneVersion)")
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let seconds = Int64(timeout.components.seconds) * 1_000 + Int64(timeout.components.attoseconds / 1_000_000_000_000_000)
        let response = try await client.execute(outgoing, timeout: .milliseconds(seconds))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}
