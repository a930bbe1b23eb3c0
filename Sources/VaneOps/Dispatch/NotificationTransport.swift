/// An HTTP request a receiver's integration sends.
public struct OutgoingRequest: Sendable {
    public var url: String
    public var body: [UInt8]
    public var contentType: String

    public init(url: String, body: [UInt8], contentType: String = "application/json") {
        self.url = url
        self.body = body
        self.contentType = contentType
    }
}

/// How notifications leave Vane; the server supplies one over its HTTP client, tests their own.
public protocol NotificationTransport: Sendable {
    /// POSTs `request` and returns the response's status code; throws when no answer came
    /// within `timeout`.
    func send(_ request: OutgoingRequest, timeout: Duration) async throws -> Int
}
