import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `--server` and `--token`, shared by the commands that talk to a running server.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's base URL (default: $VANE_SERVER, else http://127.0.0.1:5000).", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("An API token (default: $VANE_TOKEN); needed when the server runs with authentication.", valueName: "token"))
    var token: String?

    /// The base URL without a trailing slash.
    func baseURL(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        var url = server ?? env["VANE_SERVER"] ?? "http://127.0.0.1:5000"
        while url.hasSuffix("/") { url.removeLast() }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
            throw ValidationError("Invalid --server '\(url)': give an http:// or https:// URL")
        }
        return url
    }

    func bearer(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        token ?? env["VANE_TOKEN"]
    }
}

/// A small client of Vane's own API (`/api/vane/v1`) for the CLI, over AsyncHTTPClient.
struct VaneAPIClient {
    /// An answer: status and body.
    struct Answer {
        var status: Int
        var body: [UInt8]

        /// The body as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw CLIError("the server's answer is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))")
            }
            return object
        }

        /// The body as a JSON array of objects.
        func list() throws -> [[String: Any]] {
            guard let array = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else {
                throw CLIError("the server's answer is not a JSON list: \(String(decoding: body.prefix(200), as: UTF8.self))")
            }
            return array
        }

        /// The error message of Vane's shape (or Alertmanager's), or the body's start.
        var errorMessage: String {
            if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
               let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return message
            }
            if let message = try? JSONSerialization.jsonObject(with: Data(body), options: .fragmentsAllowed) as? String { return message }
            return String(decoding: body.prefix(300), as: UTF8.self)
        }
    }

    let base: String
    let token: String?

    init(_ options: ServerOptions, prefix: String = "/api/vane/v1") throws {
        base = try options.baseURL() + prefix
        token = options.bearer()
    }

    /// Sends one request (bodies up to 16 MiB back), answers a 4xx or 5xx with a ``CLIError``.
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String? = nil,
              expect: Set<Int> = [200]) async throws -> Answer {
        var request = HTTPClientRequest(url: base + "/" + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let answer: Answer
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            answer = Answer(status: Int(response.status.code), body: Array(bytes.readableBytesView))
        } catch {
            throw CLIError("cannot reach the server at \(base): \(error)")
        }
        guard expect.contains(answer.status) else {
            throw CLIError("\(answer.errorMessage) (HTTP \(answer.status))")
        }
        return answer
    }
}

/// A failure to report on one line and exit with status 2.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, printing a ``CLIError`` on one line prefixed with `command` and exiting 2.
func reportingCLIErrors(_ command: String, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CLIError {
        FileHandle.standardError.write(Data("\(command): \(error.description)\n".utf8))
        throw ExitCode(2)
    }
}

/// `text` escaped for a URL path segment or a query value (letters, digits and `-._~` stay).
func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
