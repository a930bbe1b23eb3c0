import Foundation
import Testing
import VaneCore

/// Runs `body`, expecting it to throw a `VaneError` with `code`.
fileprivate func expectVaneError<R>(
    _ code: VaneError.Code, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) {
    do {
        let value = try body()
        Issue.record("expected \(code.rawValue) for \(what), got \(value)", sourceLocation: sourceLocation)
    } catch let error as VaneError {
        #expect(error.code == code, "\(what): \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected VaneError for \(what), got \(error)", sourceLocation: sourceLocation)
    }
}

fileprivate func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

@Suite("Page tokens")
struct PageTokenTests {
    @Test("encode then decode gives the offset back", arguments: [0, 1, 7, 100, 1_000, 123_456, Int(Int32.max) + 5])
    func roundTrip(offset: Int) throws {
        let token = PageToken.encode(offset: offset)
        #expect(!token.isEmpty)
        #expect(try PageToken.decode(token) == offset)
    }

    @Test("distinct offsets give distinct tokens")
    func distinctTokens() {
        let tokens = Set((0..<500).map { PageToken.encode(offset: $0) })
        #expect(tokens.count == 500)
    }

    @Test("no token or an empty token means the first page")
    func missingTokenIsFirstPage() throws {
        #expect(try PageToken.decode(nil) == 0)
        #expect(try PageToken.decode("") == 0)
    }

    @Test("the token is base64 of {\"offset\": N}, the shape MLflow clients and servers exchange")
    func tokenShapeMatchesMLflow() throws {
        let token = PageToken.encode(offset: 42)
        let data = try #require(Data(base64Encoded: token))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["offset"] as? NSNumber)?.intValue == 42)
        #expect(object.count == 1)
        // A token produced by the Python reference: base64.b64encode(json.dumps({"offset": 100}))
        #expect(try PageToken.decode("eyJvZmZzZXQiOiAxMDB9") == 100)
        #expect(try PageToken.decode(b64("{\"offset\":3}")) == 3)
    }

    @Test("malformed tokens are refused as invalid parameters", arguments: [
        "garbage",                       // not valid base64 (length)
        "!!!!",                          // not base64 alphabet
        "eyJvZmZzZXQiOiAxMDB9!!",        // trailing junk
        "%%%%%%%%",
        b64("not json"),
        b64("[1, 2, 3]"),
        b64("{}"),
        b64("{\"offset\": null}"),
        b64("{\"offset\": \"5\"}"),
        b64("{\"offset\": -1}"),
        b64("{\"offset\": -100}"),
        b64("{\"other\": 5}"),
        b64("{\"offset\": 1e300}"),                // out of Int range: refused, never a trap
        b64("{\"offset\": -1e300}"),
        "eyJvZmZzZXQiOiAtNX0=",          // {"offset": -5}
    ])
    func malformedTokens(token: String) {
        expectVaneError(.invalidParameter, token) { try PageToken.decode(token) }
    }

    @Test("an offset beyond Int's range is refused, not wrapped to another offset")
    func outOfRangeOffset() {
        let token = b64("{\"offset\": 99999999999999999999999}")
        expectVaneError(.invalidParameter, token) { try PageToken.decode(token) }
    }
}
