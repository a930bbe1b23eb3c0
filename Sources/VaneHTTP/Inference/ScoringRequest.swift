import VaneText
import VaneCore
import VaneModels
import VaneServing

/// MLflow's scoring protocol (`POST /invocations`), as `mlflow models serve` speaks it.
///
/// Request bodies: JSON with exactly one of `dataframe_split`, `dataframe_records`,
/// `instances` or `inputs` (and optionally `params`, ignored), or CSV with a header row when
/// the content type is `text/csv`. The answer is `{"predictions": …}`. JSON is read straight
/// into numbers (`ScoringRequest+JSON.swift`), so a request costs about its own size again, never a tree.
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
        var parser = JSONParser(bytes: body)
        return try parser.scoringBatch(model: model)
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
