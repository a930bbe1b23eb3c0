import Foundation
import VaneCore
import VaneText

extension PredictionIndex {
    /// Makes every segment under the directory fully indexed: an index file's torn last block is
    /// cut off, and the lines past what its blocks cover (entries that were in memory when a
    /// process stopped without writing them) are read from the segment and written as a block.
    /// Segments of any writer are covered, so an index is also built for logs written before
    /// the index existed. Returns the number of lines indexed again.
    @discardableResult
    func recover() throws -> Int {
        let fm = FileManager.default
        var recovered = 0
        for deployment in ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
            let root = "\(directory)/\(deployment)"
            for hour in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() {
                for file in ((try? fm.contentsOfDirectory(atPath: "\(root)/\(hour)")) ?? []).sorted() where file.hasSuffix(".jsonl") {
                    let base = "\(root)/\(hour)/\(file.dropLast(".jsonl".count))"
                    recovered += try recover(segment: base + ".jsonl", index: base + ".idx", deployment: deployment)
                }
            }
        }
        return recovered
    }

    /// Recovers one segment and its index file.
    func recover(segment: String, index: String, deployment: String) throws -> Int {
        var covered: UInt64 = 0
        if let mapped = MappedFile(path: index) {
            let (validEnd, size) = withExtendedLifetime(mapped) { () -> (Int, Int) in
                let (blocks, validEnd) = PredictionIndexBlock.blocks(in: mapped.bytes)
                covered = blocks.last?.covered ?? 0
                return (validEnd, mapped.bytes.count)
            }
            if validEnd < size {
                guard truncate(index, off_t(validEnd)) == 0 else { throw VaneError(.internalError, "cannot repair the prediction index \(index)") }
            }
        }
        guard let handle = FileHandle(forReadingAtPath: segment) else { return 0 }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard size > covered else { return 0 }
        try handle.seek(toOffset: covered)
        var builder = Builder()
        var carry: [UInt8] = []
        var end = covered
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            carry.append(contentsOf: chunk)
            var start = 0
            while let newline = carry[start...].firstIndex(of: 0x0A) {
                if let entry = Self.entry(line: carry, start: start, end: newline, deployment: deployment) { builder.add(entry) }
                end += UInt64(newline + 1 - start)
                start = newline + 1
            }
            carry.removeFirst(start)
        }
        // A last line without its newline was cut short: left out, and covered once a later
        // block covers past it.
        guard end > covered else { return 0 }
        builder.covered = end
        let block = PredictionIndexBlock.encode(entries: builder.entries, ids: builder.ids, table: builder.table, covered: end)
        try AppendOnlyFile.append(block, to: index, what: "the prediction index")
        return builder.entries.count
    }

    /// The index entry of one logged line (`line[start..<end]`), nil for a shadow's line or a
    /// line that does not read. Reads the leading fields only: the payload follows them.
    static func entry(line: [UInt8], start: Int, end: Int, deployment: String) -> PredictionIndexEntry? {
        var lexer = JSONLexer(bytes: line, start: start, end: end)
        var time: Int64?, variant: String?, requestID: String?, label: String?
        do {
            guard lexer.consume(UInt8(ascii: "{")) else { return nil }
            fields: repeat {
                let key = try lexer.string()
                guard lexer.consume(UInt8(ascii: ":")) else { return nil }
                switch key {
                case "time": time = try lexer.number().int64
                case "variant": variant = try lexer.string()
                case "request_id": requestID = try lexer.string()
                case "label": label = try lexer.string()
                case "shadow": if try lexer.nextToken() == .bool(true) { return nil }
                case "inputs", "outputs": break fields
                default:
                    switch try lexer.nextToken() {
                    case .string, .number, .bool, .null: break
                    default: return nil
                    }
                }
            } while lexer.consume(UInt8(ascii: ","))
        } catch {
            return nil
        }
        guard let time, let variant, let requestID else { return nil }
        return PredictionIndexEntry(deployment: deployment, requestID: requestID, variant: variant, time: time, prediction: label)
    }
}
