/// One block of the prediction index file: the index entries of one segment's lines, sorted by
/// the request id's hash, written at once and never changed.
///
/// Layout (little-endian), 8-byte aligned:
///
///     header   magic "VPX1" u32, version u32, blockLength u64, covered u64,
///              entryCount u32, tableCount u32, idBytes u32, tableBytes u32      (40 bytes)
///     table    tableCount × (length u32, UTF-8 bytes): variants and labels
///     ids      idBytes: the request ids, back to back
///     padding  to 8 bytes
///     entries  entryCount × (hash u64, time i64, idStart u32, idLength u32, variant u32, label u32)
///     trailer  blockLength ^ trailerMark, u64
///
/// `covered` is the size of the segment's JSON-lines file that the entries up to this block
/// index: after a crash, lines past it are indexed again from the file. A block whose trailer
/// does not match (a write cut short) ends the file's valid part.
struct PredictionIndexBlock {
    static let magic: UInt32 = 0x3158_5056  // "VPX1"
    static let version: UInt32 = 1
    static let headerSize = 40
    static let entrySize = 32
    static let trailerMark: UInt64 = 0x5650_5845_454E_4421
    /// No label.
    static let noLabel = UInt32.max

    /// One entry as the builder keeps it.
    struct Entry {
        var hash: UInt64
        var time: Int64
        var idStart: UInt32
        var idLength: UInt32
        var variant: UInt32
        var label: UInt32
    }

    /// 64-bit FNV-1a of the request id; ids are compared in full, so a collision costs only a
    /// comparison.
    static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The block's bytes for `entries` (each `idStart` into `ids`; `variant` and `label` into
    /// `table`), sorted by hash with equal hashes in the order given.
    static func encode(entries: [Entry], ids: [UInt8], table: [String], covered: UInt64) -> [UInt8] {
        let order = entries.indices.sorted { (entries[$0].hash, $0) < (entries[$1].hash, $1) }
        var tableBytes = 0
        for s in table { tableBytes += 4 + s.utf8.count }
        let beforePadding = headerSize + tableBytes + ids.count
        let padding = (8 - beforePadding % 8) % 8
        let length = beforePadding + padding + entries.count * entrySize + 8
        var out: [UInt8] = []
        out.reserveCapacity(length)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(magic); put(version); put(UInt64(length)); put(covered)
        put(UInt32(entries.count)); put(UInt32(table.count)); put(UInt32(ids.count)); put(UInt32(tableBytes))
        for s in table { put(UInt32(s.utf8.count)); out.append(contentsOf: s.utf8) }
        out.append(contentsOf: ids)
        out.append(contentsOf: repeatElement(0, count: padding))
        for i in order {
            let e = entries[i]
            put(e.hash); put(e.time); put(e.idStart); put(e.idLength); put(e.variant); put(e.label)
        }
        put(UInt64(length) ^ trailerMark)
        return out
    }

    /// A block read in place from a file's bytes.
    struct View {
        let base: UnsafeRawBufferPointer
        let covered: UInt64
        let entryCount: Int
        let table: [String]
        let idsStart: Int
        let idBytes: Int
        let entriesStart: Int

        func entry(_ i: Int) -> Entry {
            let at = entriesStart + i * PredictionIndexBlock.entrySize
            return Entry(hash: base.u64(at), time: Int64(bitPattern: base.u64(at + 8)), idStart: base.u32(at + 16),
                         idLength: base.u32(at + 20), variant: base.u32(at + 24), label: base.u32(at + 28))
        }

        /// Whether entry `e`'s id is `id`.
        func idEquals(_ e: Entry, _ id: [UInt8]) -> Bool {
            guard Int(e.idLength) == id.count, Int(e.idStart) + id.count <= idBytes else { return false }
            let start = idsStart + Int(e.idStart)
            return base[start..<(start + id.count)].elementsEqual(id)
        }

        /// The newest entry for `id` (hash `h`), if the block has one.
        func find(_ id: [UInt8], hash h: UInt64) -> Entry? {
            var low = 0, high = entryCount
            while low < high {  // the first entry with a hash above h
                let mid = (low + high) / 2
                if base.u64(entriesStart + mid * PredictionIndexBlock.entrySize) <= h { low = mid + 1 } else { high = mid }
            }
            var i = low - 1
            while i >= 0 {
                let e = entry(i)
                guard e.hash == h else { return nil }
                if idEquals(e, id) { return e }
                i -= 1
            }
            return nil
        }

        func string(_ index: UInt32) -> String? {
            index == PredictionIndexBlock.noLabel || Int(index) >= table.count ? nil : table[Int(index)]
        }
    }

    /// The valid blocks of a file's `bytes`, in order, and where the valid part ends.
    static func blocks(in bytes: UnsafeRawBufferPointer) -> (blocks: [View], validEnd: Int) {
        var views: [View] = []
        var offset = 0
        while bytes.count - offset >= headerSize + 8 {
            let at = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            guard at.u32(0) == magic, at.u32(4) == version else { break }
            let length = at.u64(8)
            guard length >= UInt64(headerSize + 8), length <= UInt64(at.count), length % 8 == 0 else { break }
            let block = UnsafeRawBufferPointer(rebasing: at[..<Int(length)])
            guard block.u64(Int(length) - 8) == length ^ trailerMark else { break }
            let entryCount = Int(block.u32(24)), tableCount = Int(block.u32(28))
            let idBytes = Int(block.u32(32)), tableBytes = Int(block.u32(36))
            let beforePadding = headerSize + tableBytes + idBytes
            let entriesStart = beforePadding + (8 - beforePadding % 8) % 8
            guard entriesStart + entryCount * entrySize + 8 == Int(length) else { break }
            var table: [String] = []
            var t = headerSize
            var tableOK = true
            for _ in 0..<tableCount {
                guard t + 4 <= headerSize + tableBytes else { tableOK = false; break }
                let n = Int(block.u32(t))
                guard t + 4 + n <= headerSize + tableBytes else { tableOK = false; break }
                table.append(String(decoding: block[(t + 4)..<(t + 4 + n)], as: UTF8.self))
                t += 4 + n
            }
            guard tableOK else { break }
            views.append(View(base: block, covered: block.u64(16), entryCount: entryCount, table: table,
                              idsStart: headerSize + tableBytes, idBytes: idBytes, entriesStart: entriesStart))
            offset += Int(length)
        }
        return (views, offset)
    }
}

extension UnsafeRawBufferPointer {
    func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
    func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
}
