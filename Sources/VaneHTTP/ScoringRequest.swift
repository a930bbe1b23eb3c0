import VaneCore
import VaneModels
import VaneServing

/// MLflow's scoring protocol (`POST /invocations`), as `mlflow models serve` speaks it.
///
/// Request bodies: JSON with exactly one of `dataframe_split`, `dataframe_records`,
/// `instances` or `inputs` (and optionally `params`, ignored), or CSV with a header row when
/// the content type is `text/csv`. The answer is `{"predictions": …}`.
enum ScoringRequest {
    static let inputKeys = ["dataframe_split", "dataframe_records", "instances", "inputs"]

    /// The batch a request body describes for `model`.
    static func batch(body: [UInt8], contentType: String?, model: ServedModel) throws(VaneError) -> FeatureBatch {
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "application/json"
        if type == "text/csv" {
            do {
                let table = try RowReader.numericTable(csv: body)
                return try model.batch(rowMajor: table.values, rowCount: table.rowCount, columnNames: table.columns)
            } catch let error as ModelError {
                throw VaneError.invalid("Failed to parse the CSV input: \(error)")
            } catch let error as VaneError {
                throw error
            } catch {
                throw VaneError.invalid("Failed to parse the CSV input: \(error)")
            }
        }
        guard type == "application/json" || type.hasSuffix("+json") else {
            throw VaneError.invalid("This predictor only supports the following content types: application/json, text/csv. Got '\(type)'.")
        }
        guard case .object(let object) = try JSONValue.parse(body) else {
            throw VaneError.invalid("The input must be a JSON object with exactly one of the fields \(inputKeys.joined(separator: ", ")).")
        }
        let present = inputKeys.filter { object[$0] != nil }
        let unknown = object.keys.filter { !inputKeys.contains($0) && $0 != "params" }.sorted()
        guard present.count == 1, unknown.isEmpty, let key = present.first, let value = object[key] else {
            throw VaneError.invalid("The input must be a JSON object with exactly one of the fields \(inputKeys.joined(separator: ", "))"
                + (unknown.isEmpty ? "." : "; unexpected fields: \(unknown.joined(separator: ", ")).") )
        }
        switch key {
        case "dataframe_split": return try dataframeSplit(value, model: model)
        case "dataframe_records": return try records(value, model: model, field: key)
        default: return try instances(value, model: model, field: key)
        }
    }

    /// `{"columns": [...], "data": [[...], ...], "index": [...]}`.
    static func dataframeSplit(_ value: JSONValue, model: ServedModel) throws(VaneError) -> FeatureBatch {
        guard case .object(let frame) = value, case .array(let data)? = frame["data"] else {
            throw VaneError.invalid("'dataframe_split' must be an object with a 'data' array of rows.")
        }
        var names: [String]?
        if let columns = frame["columns"] {
            guard case .array(let list) = columns else { throw VaneError.invalid("'dataframe_split.columns' must be an array of names.") }
            names = try list.map { item throws(VaneError) -> String in
                switch item {
                case .string(let s): return s
                case .int(let i): return String(i)
                default: throw VaneError.invalid("'dataframe_split.columns' must hold names.")
                }
            }
        }
        let (values, width) = try rows(data, field: "dataframe_split.data", width: names?.count)
        let columnNames = names ?? (0..<width).map { String($0) }
        return try model.batch(rowMajor: values, rowCount: data.count, columnNames: columnNames)
    }

    /// `[{"feature": value, ...}, ...]`: keys in first-seen order, absent keys are missing values.
    static func records(_ value: JSONValue, model: ServedModel, field: String) throws(VaneError) -> FeatureBatch {
        guard case .array(let items) = value else { throw VaneError.invalid("'\(field)' must be an array of records.") }
        var names: [String] = []
        var position: [String: Int] = [:]
        var objects: [[String: JSONValue]] = []
        objects.reserveCapacity(items.count)
        for item in items {
            guard case .object(let record) = item else { throw VaneError.invalid("Every element of '\(field)' must be an object.") }
            for key in record.keys.sorted() where position[key] == nil {
                position[key] = names.count
                names.append(key)
            }
            objects.append(record)
        }
        // Put model features first in the model's order, so positional fallbacks line up too.
        if let features = model.signature.featureNames, Set(features).isSubset(of: Set(names)) {
            names = features + names.filter { !Set(features).contains($0) }
        }
        var values = [Double](repeating: .nan, count: objects.count * names.count)
        for (row, record) in objects.enumerated() {
            for (column, name) in names.enumerated() {
                if let cell = record[name] { values[row * names.count + column] = try scalar(cell, field: field) }
            }
        }
        return try model.batch(rowMajor: values, rowCount: objects.count, columnNames: names)
    }

    /// `instances` / `inputs`: rows (arrays), records (objects), scalars (one feature), or for
    /// `inputs` a columnar object `{"feature": [values...]}`.
    static func instances(_ value: JSONValue, model: ServedModel, field: String) throws(VaneError) -> FeatureBatch {
        switch value {
        case .object(let columns):
            var named: [(name: String, values: [Double])] = []
            var rowCount: Int?
            for name in columns.keys.sorted() {
                let column: [Double]
                switch columns[name]! {
                case .array(let cells): column = try cells.map { c throws(VaneError) in try scalar(c, field: field) }
                case let single: column = [try scalar(single, field: field)]
                }
                if let rowCount, rowCount != column.count {
                    throw VaneError.invalid("The columns of '\(field)' have different lengths (\(rowCount) and \(column.count)).")
                }
                rowCount = column.count
                named.append((name, column))
            }
            if let features = model.signature.featureNames, Set(features).isSubset(of: Set(named.map(\.name))) {
                let rank = Dictionary(uniqueKeysWithValues: features.enumerated().map { ($1, $0) })
                named.sort { (rank[$0.name] ?? Int.max) < (rank[$1.name] ?? Int.max) }
            }
            return try model.batch(columns: named, rowCount: rowCount ?? 0)
        case .array(let items):
            if items.contains(where: { if case .object = $0 { true } else { false } }) {
                return try records(value, model: model, field: field)
            }
            if items.allSatisfy({ if case .array = $0 { false } else { true } }) {
                // A list of scalars: one row when it is as wide as the model, else one feature per row.
                let values = try items.map { c throws(VaneError) in try scalar(c, field: field) }
                if let count = model.fixedFeatureCount, count == values.count, count != 1 {
                    return try model.batch(rowMajor: values, rowCount: 1, columnNames: (0..<count).map { String($0) })
                }
                return try model.batch(rowMajor: values, rowCount: values.count, columnNames: ["0"])
            }
            let (values, width) = try rows(items, field: field, width: nil)
            return try model.batch(rowMajor: values, rowCount: items.count, columnNames: (0..<width).map { String($0) })
        default:
            throw VaneError.invalid("'\(field)' must be an array of rows or an object of columns.")
        }
    }

    /// Row arrays of equal width, flattened.
    static func rows(_ rows: [JSONValue], field: String, width: Int?) throws(VaneError) -> (values: [Double], width: Int) {
        var width = width
        var values: [Double] = []
        for (index, row) in rows.enumerated() {
            guard case .array(let cells) = row else { throw VaneError.invalid("Row \(index) of '\(field)' is not an array.") }
            if width == nil { width = cells.count }
            guard cells.count == width else {
                throw VaneError.invalid("Row \(index) of '\(field)' has \(cells.count) values; expected \(width ?? 0).")
            }
            for cell in cells { values.append(try scalar(cell, field: field)) }
        }
        return (values, width ?? 0)
    }

    /// A cell as a number: `null` and the NaN tokens are missing; booleans are 1/0.
    static func scalar(_ value: JSONValue, field: String) throws(VaneError) -> Double {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .null: return .nan
        case .bool(let b): return b ? 1 : 0
        case .string(let s):
            guard let d = OIPParser.number(quoted: s) else { throw VaneError.invalid("'\(field)' holds \"\(s.prefix(40))\", which is not a number.") }
            return d
        case .array, .object:
            throw VaneError.invalid("'\(field)' holds a nested value where a number was expected.")
        }
    }

    /// `{"predictions": …}`: tree models answer with their first output (`predict`), as their
    /// MLflow flavours do; a single-output model with that output; a model with several outputs
    /// with one object per row, output name → value.
    static func response(outputs: [ModelOutput], model: ServedModel, rowCount: Int) -> JSONWriter {
        var w = JSONWriter(capacity: 64 + rowCount * 24)
        w.beginObject()
        w.beginArray("predictions")
        let shown = model.signature.platform == "onnx" ? outputs : Array(outputs.prefix(1))
        var row: [UInt8] = []
        for r in 0..<rowCount {
            row.removeAll(keepingCapacity: true)
            if r > 0 { row.append(UInt8(ascii: ",")) }
            if shown.count == 1 {
                PredictionWriter.appendRow(r, of: shown[0].value, rowCount: rowCount, to: &row)
            } else {
                row.append(UInt8(ascii: "{"))
                for (n, output) in shown.enumerated() {
                    if n > 0 { row.append(UInt8(ascii: ",")) }
                    var key = JSONWriter(capacity: output.name.utf8.count + 2)
                    key.element(output.name)
                    row.append(contentsOf: key.bytes)
                    row.append(UInt8(ascii: ":"))
                    PredictionWriter.appendRow(r, of: output.value, rowCount: rowCount, to: &row)
                }
                row.append(UInt8(ascii: "}"))
            }
            w.raw(row)
        }
        w.endArray()
        w.endObject()
        return w
    }
}
