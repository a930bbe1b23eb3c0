import Foundation

/// Sorting of `Double` arrays by an 8-bit LSD radix sort on order-preserving bit keys
/// (far faster than comparison sorts for the million-value columns drift runs on).
enum RadixSort {
    /// Ascending copy of `values` (NaN-free input; ±inf and ±0 are placed by value, -0 before +0).
    static func sorted(_ values: [Double]) -> [Double] {
        let n = values.count
        if n < 256 { return values.sorted() }
        var keys = [UInt64](repeating: 0, count: n)
        var tmp = [UInt64](repeating: 0, count: n)
        let digitBits = 8
        let buckets = 1 << digitBits
        let passes = 8  // passes × digitBits = 64
        var counts = [Int](repeating: 0, count: buckets * passes)
        values.withUnsafeBufferPointer { src in
            keys.withUnsafeMutableBufferPointer { k in
                counts.withUnsafeMutableBufferPointer { c in
                    for i in 0..<n {
                        let b = src[i].bitPattern
                        // flip: negatives reverse order, positives go above them
                        let key = (b & 0x8000_0000_0000_0000) != 0 ? ~b : b | 0x8000_0000_0000_0000
                        k[i] = key
                        var x = key
                        for p in 0..<passes {
                            c[p * buckets + Int(x & UInt64(buckets - 1))] += 1
                            x >>= UInt64(digitBits)
                        }
                    }
                }
            }
        }
        var inKeys = true
        counts.withUnsafeMutableBufferPointer { c in
            for p in 0..<passes {
                let base = p * buckets
                // skip a pass when every key has the same digit
                var trivial = false
                for d in 0..<buckets where c[base + d] != 0 { trivial = c[base + d] == n; break }
                if trivial { continue }
                var sum = 0
                for d in 0..<buckets { let v = c[base + d]; c[base + d] = sum; sum += v }
                let shift = UInt64(p * digitBits)
                if inKeys {
                    keys.withUnsafeBufferPointer { s in tmp.withUnsafeMutableBufferPointer { t in
                        for i in 0..<n {
                            let d = Int((s[i] >> shift) & UInt64(buckets - 1))
                            t[c[base + d]] = s[i]; c[base + d] += 1
                        }
                    } }
                } else {
                    tmp.withUnsafeBufferPointer { s in keys.withUnsafeMutableBufferPointer { t in
                        for i in 0..<n {
                            let d = Int((s[i] >> shift) & UInt64(buckets - 1))
                            t[c[base + d]] = s[i]; c[base + d] += 1
                        }
                    } }
                }
                inKeys.toggle()
            }
        }
        let result = inKeys ? keys : tmp
        var out = [Double](repeating: 0, count: n)
        result.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { o in
            for i in 0..<n {
                let key = r[i]
                let b = (key & 0x8000_0000_0000_0000) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFF : ~key
                o[i] = Double(bitPattern: b)
            }
        } }
        return out
    }
}
