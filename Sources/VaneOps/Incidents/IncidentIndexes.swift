/// The incidents that hold one service or one host: almost always one, kept inline (a million
/// hosts in a storm are a million entries of 16 bytes, not a million sets).
struct IncidentIndexes: Sequence, Sendable {
    private var first: Int32 = -1
    private var more: [Int32] = []

    init() {}

    mutating func insert(_ index: Int) {
        let index = Int32(index)
        if first < 0 {
            first = index
        } else if first != index, !more.contains(index) {
            more.append(index)
        }
    }

    struct Iterator: IteratorProtocol {
        let first: Int32
        let more: [Int32]
        var position = -1

        mutating func next() -> Int? {
            defer { position += 1 }
            if position < 0 { return first < 0 ? nil : Int(first) }
            return first >= 0 && position < more.count ? Int(more[position]) : nil
        }
    }

    func makeIterator() -> Iterator { Iterator(first: first, more: more) }
}
