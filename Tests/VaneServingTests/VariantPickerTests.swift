import Testing
@testable import VaneServing

/// The traffic split: proportional to the weights, sticky by key, moving as few keys as possible.
@Suite("Variant picker")
struct VariantPickerTests {
    /// Whether `count` of `n` is within 4.5 standard deviations of `share` (a false alarm about
    /// once in 150,000 runs).
    static func withinBinomial(_ count: Int, of n: Int, share: Double) -> Bool {
        let sd = (Double(n) * share * (1 - share)).squareRoot()
        return abs(Double(count) - Double(n) * share) <= 4.5 * sd + 1
    }

    @Test("random and keyed picks follow the weights", arguments: [[90.0, 10.0], [1, 1, 2], [0, 3, 1], [5]])
    func split(weights: [Double]) {
        let names = weights.indices.map { "v\($0)" }
        let picker = VariantPicker(names: names, weights: weights)
        let n = 40_000
        var random = [Int](repeating: 0, count: weights.count)
        var keyed = [Int](repeating: 0, count: weights.count)
        for i in 0..<n {
            random[picker.pickRandom()] += 1
            keyed[picker.pick(key: "user-\(i)".utf8)] += 1
        }
        let total = weights.reduce(0, +)
        for i in weights.indices {
            #expect(Self.withinBinomial(random[i], of: n, share: weights[i] / total), "random \(i): \(random[i])")
            #expect(Self.withinBinomial(keyed[i], of: n, share: weights[i] / total), "keyed \(i): \(keyed[i])")
            if weights[i] == 0 { #expect(random[i] == 0 && keyed[i] == 0) }
        }
    }

    @Test("a key always lands on the same variant, in any picker with the same variants and weights")
    func sticky() {
        let a = VariantPicker(names: ["stable", "challenger"], weights: [90, 10])
        let b = VariantPicker(names: ["stable", "challenger"], weights: [9, 1])
        for i in 0..<5_000 {
            let key = "customer-\(i)"
            let first = a.pick(key: key.utf8)
            #expect(a.pick(key: key.utf8) == first)
            #expect(b.pick(key: key.utf8) == first)
        }
        // Fixed across processes: the hash is not seeded per run.
        #expect(VariantPicker.hash("abc".utf8) == VariantPicker.hash(Array("abc".utf8)))
        #expect(VariantPicker.hash("".utf8) == 0xC381_7C01_6BA4_FF30)
        #expect(VariantPicker.hash("abc".utf8) == 0x29E3_2C04_EC3F_9C30)
    }

    @Test("raising one variant's weight (the others keeping their proportions) moves keys only to it, and about as many as it must")
    func consistent() {
        let before = VariantPicker(names: ["a", "b", "c"], weights: [80, 10, 10])
        let after = VariantPicker(names: ["a", "b", "c"], weights: [70 * 8 / 9, 30, 70 * 1 / 9])
        let n = 30_000
        var moved = 0
        for i in 0..<n {
            let key = "k\(i)".utf8
            let x = before.pick(key: key), y = after.pick(key: key)
            if x != y {
                moved += 1
                #expect(y == 1, "a key moved to \(y), not to the variant that grew")
            }
        }
        // The least that must move is the growth of b's share: 20 % of the keys.
        // And back: lowering b again returns exactly those keys.
        for i in 0..<2_000 {
            let key = "k\(i)".utf8
            if after.pick(key: key) != 1 { #expect(before.pick(key: key) == after.pick(key: key)) }
        }
        #expect(Self.withinBinomial(moved, of: n, share: 0.2), "\(moved) moved")
    }

    @Test("a uniform draw maps onto the cumulative shares, skipping zero weights")
    func uniform() {
        let picker = VariantPicker(names: ["a", "b", "c"], weights: [1, 0, 1])
        #expect(picker.pick(uniform: 0) == 0)
        #expect(picker.pick(uniform: 0.49) == 0)
        #expect(picker.pick(uniform: 0.5) == 2)
        #expect(picker.pick(uniform: 0.999_999) == 2)
        #expect(picker.shares == [0.5, 0, 0.5])
    }
}
