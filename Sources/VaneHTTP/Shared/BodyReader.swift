import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VaneCore

/// Reading a whole request body into memory, for the surfaces that parse it (MLflow JSON,
/// inference): bounded before reading, one copy, honest statuses.
///
/// - A declared `Content-Length` over the limit is refused with 413 before a byte is read.
/// - The bytes go straight into one array sized from `Content-Length`, so a body costs its own
///   size once while it is read (no doubling buffer, no second copy).
/// - A body that breaks off (shorter than its `Content-Length`, a bad chunk size, a reset) is a
///   400: the request is malformed, not too large.
enum BodyReader {
    /// The body of `request`, at most `limit` bytes.
    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        let declared = try declaredLength(request)
        if let declared, declared > limit { throw tooLarge(limit) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(declared ?? 0, limit))
        do {
            for try await fragment in request.body {
                guard fragment.readableBytes <= limit - bytes.count else { throw tooLarge(limit) }
                bytes.append(contentsOf: fragment.readableBytesView)
            }
        } catch let error as VaneError {
            throw error
        } catch {
            throw malformed
        }
        if let declared, declared != bytes.count {
            throw VaneError.invalid("The request body holds \(bytes.count) bytes but Content-Length says \(declared)")
        }
        return bytes
    }

    /// `Content-Length` as a number; nil when absent (a chunked body). A value that is not a
    /// non-negative integer is a 400.
    static func declaredLength(_ request: Request) throws(VaneError) -> Int? {
        guard let text = request.headers[.contentLength] else { return nil }
        guard let n = nonNegativeInteger(text) else {
            throw VaneError.invalid("Content-Length must be a non-negative integer")
        }
        return n
    }

    /// A header value as a non-negative decimal integer (spaces and tabs around it ignored);
    /// nil when it is anything else or too large for an `Int`.
    static func nonNegativeInteger(_ text: String) -> Int? {
        var n = 0
        var digits = 0
        var trailing = false
        for c in text.utf8 {
            if c == 0x20 || c == 0x09 {
                if digits > 0 { trailing = true }
                continue
            }
            guard !trailing, c >= 0x30, c <= 0x39 else { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(c - 0x30))
            guard !o1, !o2 else { return nil }
            n = a
            digits += 1
        }
        return digits > 0 ? n : nil
    }

    /// A body that broke off or whose framing is malformed.
    static var malformed: VaneError {
        VaneError.invalid("The request body could not be read: it ended early or its framing is malformed")
    }

    static func tooLarge(_ limit: Int) -> VaneError {
        VaneError(.tooLarge, "Request body exceeds the limit of \(limit) bytes")
    }
}
