import Foundation
import VaneMonitoring

/// A plain-text table for the terminal: columns padded to their widest cell, numbers right-aligned.
struct TextTable {
    /// Column headers.
    var headers: [String]
    /// Indices of the columns aligned to the right.
    var rightAligned: Set<Int> = []
    /// Rows of cells (as many as headers).
    var rows: [[String]] = []

    /// The rendered table, one line per row after a header and a rule.
    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = line(headers) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}
