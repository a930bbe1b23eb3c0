import VaneText
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VaneCore

/// An error in MLflow's wire shape: `{"error_code": …, "message": …}` with a 4xx status.
struct MLflowError: HTTPResponseError {
    /// The largest JSON request body the MLflow API accepts.
    static let maxJSONBodySize = 64 * 1024 * 1024

    var status: HTTPResponse.Status
    var errorCode: String
    var message: String

    init(_ error: VaneError) {
        self.errorCode = error.code.rawValue
        self.message = error.message
        switch error.code {
        case .notFound: status = .notFound
        case .alreadyExists, .invalidParameter, .invalidState: status = .badRequest
        case .tooLarge: status = .contentTooLarge
        case .permissionDenied: status = .forbidden
        case .unauthenticated: status = .unauthorized
        case .unavailable: status = .serviceUnavailable
        case .internalError: status = .internalServerError
        }
    }

    init(status: HTTPResponse.Status, errorCode: String, message: String) {
        self.status = status; self.errorCode = errorCode; self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.field("error_code", errorCode)
        w.field("message", message)
        w.endObject()
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }
}

extension Request {
    /// The MLflow parameters of this request: the JSON body for POST/PATCH/DELETE, the query for GET.
    func mlflowInput(context: some RequestContext) async throws -> MLflowInput {
        if method == .get || method == .head { return MLflowInput(query: queryDictionary()) }
        let bytes = try await BodyReader.collect(self, limit: MLflowError.maxJSONBodySize)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            // An empty body is an empty message; GET-style parameters may still be in the query.
            return MLflowInput(query: queryDictionary())
        }
        let value = try JSONValue.parse(bytes)
        guard case .object(let object) = value else {
            throw VaneError.invalid("Malformed JSON request body: expected a JSON object")
        }
        return MLflowInput(json: object)
    }

    /// Query parameters with repeated keys kept in order; `+` is a space, as form encoding has it.
    func queryDictionary() -> [String: [String]] {
        var out: [String: [String]] = [:]
        guard let query = uri.query, !query.isEmpty else { return out }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            out[key, default: []].append(value)
        }
        return out
    }
}

extension JSONWriter {
    /// The writer's bytes as a JSON response.
    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `{}`: MLflow's answer to a write that returns nothing.
    static var emptyObject: Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }
}
