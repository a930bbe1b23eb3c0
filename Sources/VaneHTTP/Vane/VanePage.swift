import Hummingbird
import VaneCore

/// Paging of Vane's list endpoints: `?page_size=N&page_token=T` in, `next_page_token` out
/// (absent on the last page). Tokens are opaque to clients.
struct VanePage: Sendable, Equatable {
    /// Where the page starts.
    var offset: Int
    /// How many items it holds at most.
    var size: Int

    /// The page size when the request names none, and the largest one it may name.
    static let defaultSize = 100
    static let maxSize = 1000

    /// The page a request asks for; throws invalid for a bad size or token.
    init(request: Request) throws(VaneError) {
        let query = request.uri.queryParameters
        if let text = query["page_size"].map(String.init) {
            guard let size = Int(text), (1...Self.maxSize).contains(size) else {
                throw VaneError.invalid("page_size must be an integer from 1 to \(Self.maxSize), not '\(text.prefix(32))'.")
            }
            self.size = size
        } else {
            self.size = Self.defaultSize
        }
        let token = query["page_token"].map(String.init)
        guard (token?.utf8.count ?? 0) <= 256 else { throw VaneError.invalid("Invalid page_token.") }
        do { offset = try PageToken.decode(token) } catch { throw VaneError.invalid("Invalid page_token.") }
    }

    /// Fetches one item more than the page holds, to know whether another page follows.
    var fetchLimit: Int { size + 1 }

    /// The items of this page from what was fetched with ``fetchLimit``, and the next token.
    func page<T>(_ fetched: [T]) -> (items: ArraySlice<T>, next: String?) {
        guard fetched.count > size else { return (fetched[...], nil) }
        return (fetched.prefix(size), PageToken.encode(offset: offset + size))
    }
}
