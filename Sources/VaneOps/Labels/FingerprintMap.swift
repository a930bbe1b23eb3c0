/// A map from fingerprint to value that stays compact at millions of entries: an index from
/// fingerprint to slot (12 bytes a bucket), and the keys and values in contiguous arrays, so a
/// value costs its own size rather than a dictionary bucket sized for it. A removal moves the
/// last entry into the freed slot; iteration is over the arrays, without hashing.
struct FingerprintMap<Value> {
    private(set) var index: [Fingerprint: Int32] = [:]
    private(set) var keys: ContiguousArray<Fingerprint> = []
    /// The values, in slot order (aligned with ``keys``); mutate in place by slot.
    var values: ContiguousArray<Value> = []

    init() {}

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    /// The slot of `key`, or nil.
    func slot(of key: Fingerprint) -> Int? { index[key].map(Int.init) }

    subscript(key: Fingerprint) -> Value? {
        get { index[key].map { values[Int($0)] } }
        set {
            if let slot = index[key] {
                if let newValue { values[Int(slot)] = newValue } else { remove(at: Int(slot)) }
            } else if let newValue {
                index[key] = Int32(keys.count)
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Removes the entry in `slot`; the last entry takes its place.
    mutating func remove(at slot: Int) {
        index[keys[slot]] = nil
        let last = keys.count - 1
        if slot != last {
            keys.swapAt(slot, last)
            values.swapAt(slot, last)
            index[keys[slot]] = Int32(slot)
        }
        keys.removeLast()
        values.removeLast()
    }

    /// Removes every entry for which `test` holds.
    mutating func removeAll(where test: (Fingerprint, Value) -> Bool) {
        var slot = keys.count - 1
        while slot >= 0 {
            if test(keys[slot], values[slot]) { remove(at: slot) }
            slot -= 1
        }
    }

    /// The entries as a dictionary (for snapshots of a part of the map).
    func dictionary(where test: (Value) -> Bool) -> [Fingerprint: Value] {
        var result: [Fingerprint: Value] = [:]
        for slot in keys.indices where test(values[slot]) { result[keys[slot]] = values[slot] }
        return result
    }
}

extension FingerprintMap: Sendable where Value: Sendable {}
