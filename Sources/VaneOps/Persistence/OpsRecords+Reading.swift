import Foundation
import VaneText

/// Reading the alert journal and snapshot back at start: a file a chunk at a time, a line at a
/// time, each alert read straight from the lexer (a million alerts load without a tree of
/// Foundation objects). A line that is cut short or damaged is skipped.
extension OpsRecords {
    /// Calls `body` with a lexer over each line of the file at `path`, read 8 MiB at a time.
    static func forEachLine(inFile path: String, _ body: (inout JSONLexer) -> Void) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while true {
            let chunk = (try? handle.read(upToCount: 8 << 20)) ?? nil
            let atEnd = chunk?.isEmpty ?? true
            if let chunk { pending.append(contentsOf: chunk) }
            var start = 0
            var lines: [Range<Int>] = []
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                lines.append(start..<newline)
                start = newline + 1
            }
            if atEnd, start < pending.count { lines.append(start..<pending.count) }
            for range in lines where !range.isEmpty {
                var lexer = JSONLexer(bytes: pending, start: range.lowerBound, end: range.upperBound, stringRules: .lenient)
                body(&lexer)
            }
            if atEnd { return }
            pending.removeFirst(start)
        }
    }

    /// Calls `body` with a lexer over each line of `bytes`.
    static func forEachLine(in bytes: [UInt8], _ body: (inout JSONLexer) -> Void) {
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            if end > start {
                var lexer = JSONLexer(bytes: bytes, start: start, end: end, stringRules: .lenient)
                body(&lexer)
            }
            start = end + 1
        }
    }

    /// An alert line: `{"l": labels, "a": annotations, "s"|"e"|"u": [micros, offset], "g": url, "t": true}`.
    static func alert(_ lexer: inout JSONLexer) -> Alert? {
        var labels: [Label]?, annotations: [Label] = [], starts: WireTime?, ends: WireTime?, updated: WireTime?
        var url = "", timeout = false
        let ok = object(&lexer) { key, lexer in
            switch key {
            case "l": labels = try strings(&lexer)
            case "a": annotations = try strings(&lexer)
            case "s": starts = try time(&lexer)
            case "e": ends = try time(&lexer)
            case "u": updated = try time(&lexer)
            case "g": url = try lexer.string()
            case "t": timeout = try lexer.nextToken() == .bool(true)
            default: try skip(&lexer)
            }
        }
        guard ok, let labels, let starts, let ends, let updated else { return nil }
        return Alert(labels: LabelSet(labels), annotations: LabelSet(annotations), startsAt: starts, endsAt: ends, updatedAt: updated,
                     generatorURL: url, timeout: timeout)
    }

    /// The first line of a snapshot: `{"covers": generation}`, or the earlier single object
    /// `{"covers": generation, "alerts": [alert, …]}`, whose alerts go to `alert`.
    static func snapshotHeader(_ lexer: inout JSONLexer, alert found: (Alert) -> Void) -> Int? {
        var covers: Int?
        let ok = object(&lexer) { key, lexer in
            switch key {
            case "covers":
                guard case .number(let n) = try lexer.nextToken(), let value = n.int64 else { throw lexer.error(.invalidValue) }
                covers = Int(value)
            case "alerts":
                guard try lexer.nextToken() == .beginArray else { throw lexer.error(.invalidValue) }
                if lexer.consume(UInt8(ascii: "]")) { return }
                repeat {
                    lexer.skipSpace()
                    if let alert = alert(&lexer) { found(alert) } else { throw lexer.error(.invalidValue) }
                } while lexer.consume(UInt8(ascii: ","))
                guard lexer.consume(UInt8(ascii: "]")) else { throw lexer.error(.invalidValue) }
            default: try skip(&lexer)
            }
        }
        return ok ? covers : nil
    }

    /// Reads an object, handing each key to `field` with the lexer at its value; false when the
    /// text is not such an object.
    static func object(_ lexer: inout JSONLexer, field: (String, inout JSONLexer) throws -> Void) -> Bool {
        do {
            guard try lexer.nextToken() == .beginObject else { return false }
            if lexer.consume(UInt8(ascii: "}")) { return true }
            repeat {
                lexer.skipSpace()
                guard lexer.current == UInt8(ascii: "\"") else { return false }
                let key = try lexer.string()
                guard lexer.consume(UInt8(ascii: ":")) else { return false }
                lexer.skipSpace()
                try field(key, &lexer)
            } while lexer.consume(UInt8(ascii: ","))
            return lexer.consume(UInt8(ascii: "}"))
        } catch {
            return false
        }
    }

    static func strings(_ lexer: inout JSONLexer) throws -> [Label] {
        var labels: [Label] = []
        let ok = object(&lexer) { key, lexer in
            guard lexer.current == UInt8(ascii: "\"") else { throw lexer.error(.invalidValue) }
            labels.append(Label(key, try lexer.string()))
        }
        guard ok else { throw lexer.error(.invalidValue) }
        return labels
    }

    static func time(_ lexer: inout JSONLexer) throws -> WireTime {
        guard try lexer.nextToken() == .beginArray, case .number(let micros) = try lexer.nextToken(), let m = micros.int64,
              try lexer.nextToken() == .comma, case .number(let offset) = try lexer.nextToken(), let o = offset.int64,
              let seconds = Int32(exactly: o), try lexer.nextToken() == .endArray else { throw lexer.error(.invalidValue) }
        return WireTime(micros: m, offsetSeconds: seconds)
    }

    /// Steps over one value of any kind.
    static func skip(_ lexer: inout JSONLexer) throws {
        var depth = 0
        repeat {
            switch try lexer.nextToken() {
            case .beginObject, .beginArray: depth += 1
            case .endObject, .endArray: depth -= 1
            case .end: throw lexer.error(.unexpectedEnd)
            default: break
            }
        } while depth > 0
    }
}
