import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdTesting
import Testing
import VaneArtifacts
import VaneHTTP
import VaneServer
import VaneStorage

/// A real `vane server` application on a loopback port, for what only a socket shows: the
/// `Host` header as a client sends it, broken framing, half-closed connections.
struct LiveServer: Sendable {
    let port: Int
    let stores: VaneStores

    /// Runs `body` against a fresh server on 127.0.0.1 with `crossSite` (default: the defaults).
    static func with<T: Sendable>(crossSite: CrossSitePolicy = .defaults(listenHost: "127.0.0.1"),
                                  _ body: @Sendable (LiveServer) async throws -> T) async throws -> T {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("vane-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let db = try VaneDatabase.inMemory()
        try db.migrate(VaneStores.migrations)
        let stores = try VaneStores(database: db, artifacts: try LocalArtifactStore(root: tmp + "/artifacts"))
        let app = Application(router: VaneApplication.makeRouter(stores: stores, crossSite: crossSite),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body(LiveServer(port: try #require(client.port), stores: stores))
        }
    }

    /// Sends `request` as raw bytes on a new connection, optionally half-closes it, and reads
    /// the answer until the server closes the connection or `timeout` seconds pass.
    /// The socket is blocking, so it runs on a Dispatch thread: the server's handlers need the
    /// cooperative threads that a blocked test would hold.
    func exchange(_ request: String, halfClose: Bool = false, timeout: Int = 10) async throws -> RawResponse {
        try await exchange(Array(request.utf8), halfClose: halfClose, timeout: timeout)
    }

    func exchange(_ request: [UInt8], halfClose: Bool = false, timeout: Int = 10) async throws -> RawResponse {
        let port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.blockingExchange(port: port, request, halfClose: halfClose, timeout: timeout) })
            }
        }
    }

    static func blockingExchange(port: Int, _ request: [UInt8], halfClose: Bool, timeout: Int) throws -> RawResponse {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ResponseError(description: "socket() failed") }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ResponseError(description: "connect() failed") }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { break }
            sent += n
        }
        if halfClose { shutdown(fd, Int32(SHUT_WR)) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer.append(contentsOf: buffer[0..<n])
            if RawResponse(answer)?.isComplete == true { break }
        }
        guard let response = RawResponse(answer) else {
            throw ResponseError(description: "no HTTP response: \(String(decoding: answer.prefix(200), as: UTF8.self))")
        }
        return response
    }
}

/// An HTTP/1.1 response as bytes came off the wire.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: String
    var isComplete: Bool

    init?(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."),
              let code = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else { return nil }
        let fields: [(String, String)] = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let content = String(text[split.upperBound...])
        let length = fields.first { $0.0 == "content-length" }.flatMap { Int($0.1) }
        status = code
        headers = fields
        body = content
        isComplete = length.map { content.utf8.count >= $0 } ?? false
    }

    func header(_ name: String) -> String? { headers.first { $0.0 == name.lowercased() }?.1 }

    /// The body as a JSON object.
    func json() -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}

/// A raw request: method, path, headers in order, body with its Content-Length unless told otherwise.
func rawRequest(_ method: String, _ path: String, host: String? = "127.0.0.1", headers: [(String, String)] = [],
                body: String = "", contentLength: Int? = nil, close: Bool = true) -> String {
    var text = "\(method) \(path) HTTP/1.1\r\n"
    if let host { text += "Host: \(host)\r\n" }
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if let length = contentLength ?? (body.isEmpty && method == "GET" ? nil : body.utf8.count) { text += "Content-Length: \(length)\r\n" }
    if close { text += "Connection: close\r\n" }
    return text + "\r\n" + body
}
