import VaneCore
import VaneModels
import VaneServing

/// Rows read so far: row-major values and, for records whose keys vary, the width of each row.
struct ScoringRows {
    var values: [Double] = []
    var rowCount = 0
    /// Set when rows have different widths (records that gained a column); nil while all agree.
    var widths: [Int]?
    var width = 0

    /// Appends one row of `row.count` values.
    mutating func append(_ row: [Double]) {
        if rowCount > 0, row.count != width, widths == nil { widths = Array(repeating: width, count: rowCount) }
        widths?.append(row.count)
        width = max(width, row.count)
        values.append(contentsOf: row)
        rowCount += 1
    }

    /// The rows as a matrix `columns` wide, short rows padded with missing values.
    func matrix(columns: Int) -> [Double] {
        guard let widths else { return values }
        var out = [Double](repeating: .nan, count: rowCount * columns)
        var offset = 0
        for (row, w) in widths.enumerated() {
            for c in 0..<w { out[row * columns + c] = values[offset + c] }
            offset += w
        }
        return out
    }
}

/// MLflow scoring JSON, read straight into numbers: one pass, no tree, fields that do not
/// matter stepped over.
extension JSONParser {
    /// The batch of a scoring body: an object with exactly one of ``ScoringRequest/inputKeys``.
    mutating func scoringBatch(model: ServedModel) throws(VaneError) -> FeatureBatch {
        let keys = ScoringRequest.inputKeys
        let shape = "The input must be a JSON object with exactly one of the fields \(keys.joined(separator: ", "))"
        guard peek(UInt8(ascii: "{")) else { throw VaneError.invalid(shape + ".") }
        var batch: FeatureBatch?
        var present = 0
        var unknown: [String] = []
        try objectFields { parser, key throws(VaneError) in
            guard keys.contains(key) else {
                if key != "params", unknown.count < 10 { unknown.append(key) }
                try parser.skipValue(depth: 1)
                return
            }
            present += 1
            guard present == 1 else { try parser.skipValue(depth: 1); return }
            switch key {
            case "dataframe_split": batch = try parser.dataframeSplit(model: model)
            case "dataframe_records": batch = try parser.records(model: model, field: key)
            default: batch = try parser.instances(model: model, field: key)
            }
        }
        skipSpace()
        guard index == end else { throw fail("unexpected data after the JSON value") }
        guard present == 1, unknown.isEmpty, let batch else {
            throw VaneError.invalid(shape + (unknown.isEmpty ? "." : "; unexpected fields: \(unknown.sorted().joined(separator: ", ")).") )
        }
        return batch
    }

    /// `{"columns": [...], "data": [[...], ...], "index": [...]}`, in any field order.
    mutating func dataframeSplit(model: ServedModel) throws(VaneError) -> FeatureBatch {
        guard peek(UInt8(ascii: "{")) else {
            throw VaneError.invalid("'dataframe_split' must be an object with a 'data' array of rows.")
        }
        var names: [String]?
        var rows: ScoringRows?
        try objectFields { parser, key throws(VaneError) in
            switch key {
            case "columns":
                guard parser.peek(UInt8(ascii: "[")) else { throw VaneError.invalid("'dataframe_split.columns' must be an array of names.") }
                var list: [String] = []
                try parser.arrayElements { parser throws(VaneError) in
                    switch try parser.value(depth: 3) {
                    case .string(let s): list.append(s)
                    case .int(let i): list.append(String(i))
                    default: throw VaneError.invalid("'dataframe_split.columns' must hold names.")
                    }
                }
                names = list
            case "data":
                guard parser.peek(UInt8(ascii: "[")) else {
                    throw VaneError.invalid("'dataframe_split' must be an object with a 'data' array of rows.")
                }
                rows = try parser.rowArrays(field: "dataframe_split.data")
            default:
                try parser.skipValue(depth: 2)
            }
        }
        guard let rows else { throw VaneError.invalid("'dataframe_split' must be an object with a 'data' array of rows.") }
        if let names, rows.rowCount > 0, rows.width != names.count {
            throw VaneError.invalid("Row 0 of 'dataframe_split.data' has \(rows.width) values; expected \(names.count).")
        }
        let columnNames = names ?? (0..<rows.width).map { String($0) }
        return try model.batch(rowMajor: rows.values, rowCount: rows.rowCount, columnNames: columnNames)
    }

    /// An array of row arrays of equal width, each cell a number.
    mutating func rowArrays(field: String) throws(VaneError) -> ScoringRows {
        var rows = ScoringRows()
        var row: [Double] = []
        try arrayElements { parser throws(VaneError) in
            guard parser.peek(UInt8(ascii: "[")) else { throw VaneError.invalid("Row \(rows.rowCount) of '\(field)' is not an array.") }
            row.removeAll(keepingCapacity: true)
            try parser.numberElements(into: &row, field: field, maxCount: OIPRequest.maxElements - rows.values.count)
            try Self.checkElements(rows.values.count + row.count, field: field)
            if rows.rowCount > 0, row.count != rows.width {
                throw VaneError.invalid("Row \(rows.rowCount) of '\(field)' has \(row.count) values; expected \(rows.width).")
            }
            rows.append(row)
            try Self.checkElements(rows.values.count, field: field)
        }
        return rows
    }

    /// `[{"feature": value, ...}, ...]`: columns in first-seen order (as pandas builds a frame
    /// from records), absent keys are missing values.
    mutating func records(model: ServedModel, field: String) throws(VaneError) -> FeatureBatch {
        guard peek(UInt8(ascii: "[")) else { throw VaneError.invalid("'\(field)' must be an array of records.") }
        var names: [String] = []
        var position: [String: Int] = [:]
        var rows = ScoringRows()
        var row: [Double] = []
        try arrayElements { parser throws(VaneError) in
            guard parser.peek(UInt8(ascii: "{")) else { throw VaneError.invalid("Every element of '\(field)' must be an object.") }
            row.removeAll(keepingCapacity: true)
            row.append(contentsOf: repeatElement(.nan, count: names.count))
            try parser.objectFields { parser, key throws(VaneError) in
                let column: Int
                if let known = position[key] {
                    column = known
                } else {
                    column = names.count
                    position[key] = column
                    names.append(key)
                    row.append(.nan)
                }
                row[column] = try parser.numberCell(field: field)
            }
            rows.append(row)
            try Self.checkElements(rows.values.count, field: field)
        }
        return try model.batch(rowMajor: rows.matrix(columns: names.count), rowCount: rows.rowCount, columnNames: names)
    }

    /// `instances` / `inputs`: rows (arrays), records (objects), scalars (one feature), or for
    /// `inputs` a columnar object `{"feature": [values...]}`. The first element decides which.
    mutating func instances(model: ServedModel, field: String) throws(VaneError) -> FeatureBatch {
        skipSpace()
        guard index < end else { throw fail("unexpected end") }
        if bytes[index] == UInt8(ascii: "{") { return try columns(model: model, field: field) }
        guard bytes[index] == UInt8(ascii: "[") else {
            throw VaneError.invalid("'\(field)' must be an array of rows or an object of columns.")
        }
        // Look at the first element without consuming the array.
        let start = index
        index += 1
        skipSpace()
        let first = index < end ? bytes[index] : 0
        index = start
        switch first {
        case UInt8(ascii: "{"):
            return try records(model: model, field: field)
        case UInt8(ascii: "["):
            let rows = try rowArrays(field: field)
            return try model.batch(rowMajor: rows.values, rowCount: rows.rowCount, columnNames: (0..<rows.width).map { String($0) })
        default:
            // A list of scalars: one row when it is as wide as the model, else one feature per row.
            var values: [Double] = []
            try numberElements(into: &values, field: field, maxCount: OIPRequest.maxElements)
            try Self.checkElements(values.count, field: field)
            if let count = model.fixedFeatureCount, count == values.count, count != 1 {
                return try model.batch(rowMajor: values, rowCount: 1, columnNames: (0..<count).map { String($0) })
            }
            return try model.batch(rowMajor: values, rowCount: values.count, columnNames: ["0"])
        }
    }

    /// `{"feature": [values...] | value, ...}`: named columns of equal length.
    mutating func columns(model: ServedModel, field: String) throws(VaneError) -> FeatureBatch {
        var named: [(name: String, values: [Double])] = []
        var rowCount: Int?
        var total = 0
        try objectFields { parser, name throws(VaneError) in
            var column: [Double] = []
            if parser.peek(UInt8(ascii: "[")) {
                try parser.numberElements(into: &column, field: field, maxCount: OIPRequest.maxElements - total)
                try Self.checkElements(total + column.count, field: field)
            } else {
                column = [try parser.numberCell(field: field)]
            }
            if let rowCount, rowCount != column.count {
                throw VaneError.invalid("The columns of '\(field)' have different lengths (\(rowCount) and \(column.count)).")
            }
            rowCount = column.count
            total += column.count
            named.append((name, column))
        }
        return try model.batch(columns: named, rowCount: rowCount ?? 0)
    }

    /// Refuses a request with more cells than an inference request may carry.
    static func checkElements(_ count: Int, field: String) throws(VaneError) {
        guard count <= OIPRequest.maxElements else {
            throw VaneError.invalid("'\(field)' holds more than \(OIPRequest.maxElements) values")
        }
    }
}
