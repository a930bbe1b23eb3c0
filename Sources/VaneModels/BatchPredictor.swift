#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scores an input file with a model and writes JSON lines, streaming batch by batch.
///
/// The output goes to a temporary file beside the destination and is renamed into place only
/// when every row is scored, so a failed or cancelled run leaves no partial output.
public struct BatchPredictor {
    /// Progress after each batch: rows scored and input bytes read so far.
    public typealias Progress = (_ rows: Int, _ bytesRead: Int) -> Void

    public var model: any InferenceModel
    public var batchSize: Int

    public init(model: any InferenceModel, batchSize: Int = 4096) {
        self.model = model
        self.batchSize = max(1, batchSize)
    }

    /// Scores `input` into `output` (`-` = standard output); returns the number of rows.
    @discardableResult
    public func run(input: String, format: RowReader.Format? = nil, output: String,
                    isCancelled: () -> Bool = { false }, progress: Progress? = nil) throws(ModelError) -> Int {
        let signature = model.signature
        let reader = try RowReader(path: input, format: format, featureCount: signature.featureCount,
                                   featureNames: signature.featureNames)
        let temporary = output == "-" ? nil : output + ".vane-partial-\(getpid())"
        let file: UnsafeMutablePointer<FILE>
        if let temporary {
            guard let f = fopen(temporary, "wb") else {
                throw ModelError.badInput("cannot write '\(output)': \(String(cString: strerror(errno)))")
            }
            file = f
        } else {
            guard let f = fdopen(dup(1), "wb") else { throw ModelError.badInput("cannot write standard output") }
            file = f
        }
        var finished = false
        defer {
            fclose(file)
            if !finished, let temporary { unlink(temporary) }
        }
        var rows = 0
        var buffer: [UInt8] = []
        while let batch = try reader.nextBatch(maxRows: batchSize) {
            if isCancelled() { throw ModelError.badInput("cancelled after \(rows) rows") }
            let outputs = try model.predict(batch)
            buffer.removeAll(keepingCapacity: true)
            PredictionWriter.appendJSONLines(outputs, rowCount: batch.rowCount, to: &buffer)
            let written = buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == buffer.count else {
                throw ModelError.badInput("cannot write '\(output)': \(String(cString: strerror(errno)))")
            }
            rows += batch.rowCount
            progress?(rows, reader.bytesRead)
        }
        guard fflush(file) == 0 else { throw ModelError.badInput("cannot write '\(output)'") }
        if let temporary {
            guard fsync(fileno(file)) == 0, rename(temporary, output) == 0 else {
                throw ModelError.badInput("cannot write '\(output)': \(String(cString: strerror(errno)))")
            }
        }
        finished = true
        return rows
    }
}
