extension RowReader {
    /// A whole CSV document in memory (a header row, then one row per line) as row-major numbers.
    ///
    /// Fields follow the same rules as file input: an empty field, `null`, `NA` or `NaN` is a
    /// missing value; `inf`/`Infinity` are infinities. Blank lines are skipped.
    public static func numericTable(csv bytes: [UInt8]) throws(ModelError) -> (columns: [String], rowCount: Int, values: [Double]) {
        var columns: [String]?
        var values: [Double] = []
        var rowCount = 0
        var lineNumber = 0
        var start = 0
        try bytes.withUnsafeBufferPointer { all throws(ModelError) in
            while start < all.count {
                var end = start
                while end < all.count, all[end] != 0x0a { end += 1 }
                var stop = end
                if stop > start, all[stop - 1] == 0x0d { stop -= 1 }
                lineNumber += 1
                let line = UnsafeBufferPointer(rebasing: all[start..<stop])
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                guard let header = columns else {
                    columns = try csvFields(line, lineNumber: lineNumber)
                    continue
                }
                var count = 0
                try forEachCSVField(line, lineNumber: lineNumber) { field throws(ModelError) in
                    if count < header.count {
                        values.append(try number(field, lineNumber: lineNumber, column: header[count]))
                    }
                    count += 1
                }
                guard count == header.count else {
                    throw ModelError.badInput("line \(lineNumber): \(count) fields, the header has \(header.count)")
                }
                rowCount += 1
            }
        }
        guard let columns else { throw ModelError.badInput("the CSV input is empty") }
        return (columns, rowCount, values)
    }
}
