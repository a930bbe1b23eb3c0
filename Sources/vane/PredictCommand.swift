import ArgumentParser
import Foundation
import Synchronization
import VaneCore
import VaneModels
import VaneServing

/// `vane predict`: batch scoring of a CSV or JSON lines file, without a server.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score a file of rows with a model and write one JSON line per row.",
        discussion: """
            SOURCE is a model file (XGBoost JSON or UBJSON, LightGBM text, ONNX), an MLflow \
            model directory, whose MLmodel file picks the flavour (xgboost, lightgbm, onnx), or a \
            registry URI resolved through the data directory (models:/NAME/VERSION, \
            models:/NAME@ALIAS, models:/NAME/latest, models:/m-ID, runs:/RUN-ID/PATH).

            The input is CSV with a header of feature names (an empty field is a missing value) \
            or JSON lines of {feature: value} objects (by extension .jsonl, .ndjson or .json, or \
            --format). Columns are matched to the model's features by name when the model records \
            names, otherwise by position.

            The output holds one JSON object per input row, in input order, mapping each output \
            name (XGBoost: predict, margin; LightGBM: predict, raw_score; ONNX: the graph's \
            outputs) to a number, a list, or an object keyed by class label. Files of any size \
            stream in flat memory; on a terminal a progress line shows rows scored and input read. \
            Ctrl-C stops the run and leaves no partial output file.
            """)

    @Option(name: .long, help: ArgumentHelp("The model file, MLflow model directory, or models:/ or runs:/ URI.", valueName: "source"))
    var model: String

    @OptionGroup var data: DataDirectoryOption

    @Option(name: .long, help: ArgumentHelp("The rows to score (- for standard input).", valueName: "file"))
    var input: String

    @Option(name: .long, help: ArgumentHelp("Where to write the JSON lines (default: standard output).", valueName: "file"))
    var output: String = "-"

    @Option(name: .long, help: ArgumentHelp("The input format: csv or jsonl (default: from the extension).", valueName: "format"))
    var format: String?

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Rows scored at a time.", valueName: "rows"))
    var batchSize: Int = 4096

    func validate() throws {
        if let format, !["csv", "jsonl", "json", "ndjson"].contains(format.lowercased()) {
            throw ValidationError("--format must be csv or jsonl")
        }
        guard batchSize > 0, batchSize <= 1 << 20 else { throw ValidationError("--batch-size must be between 1 and 1048576") }
    }

    func run() async throws {
        let inputFormat: RowReader.Format? = format.map { $0.lowercased() == "csv" ? .csv : .jsonLines }
        let resolved: ModelResolver.Resolved
        do {
            let (source, resolver) = try await ModelSourceResolution.resolve(model, data: data)
            resolved = try await resolver.resolve(source)
        } catch let error as VaneError {
            FileHandle.standardError.write(Data("vane predict: \(error.message)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("vane predict: \(error)\n".utf8))
            throw ExitCode(2)
        }
        do {
            // A models:/ or runs:/ source is read inside the artifact root, links refused; a plain
            // path is the user's own and is opened as given.
            let loaded = try resolved.loadModel()
            let progress = ProgressLine(totalBytes: input == "-" ? nil : Self.fileSize(input))
            PredictCommand.installInterruptHandler()
            let rows = try BatchPredictor(model: loaded, batchSize: batchSize).run(
                input: input, format: inputFormat, output: output,
                isCancelled: { PredictCommand.interrupted.load(ordering: .relaxed) },
                progress: progress.map { p in { rows, bytes in p.update(rows: rows, bytesRead: bytes) } })
            progress?.finish(rows: rows)
        } catch {
            if PredictCommand.interrupted.load(ordering: .relaxed) {
                FileHandle.standardError.write(Data("vane predict: cancelled\n".utf8))
                throw ExitCode(130)
            }
            FileHandle.standardError.write(Data("vane predict: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    static let interrupted = Atomic<Bool>(false)

    static func installInterruptHandler() {
        signal(SIGINT) { _ in PredictCommand.interrupted.store(true, ordering: .relaxed) }
    }

    static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }
}

/// A progress line on standard error, drawn only when standard error is a terminal.
final class ProgressLine {
    private let totalBytes: Int?
    private let start = Date()
    private var lastDraw = Date.distantPast

    /// nil when standard error is not a terminal.
    init?(totalBytes: Int?) {
        guard isatty(2) == 1 else { return nil }
        self.totalBytes = totalBytes
    }

    func update(rows: Int, bytesRead: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        draw(rows: rows, bytesRead: bytesRead, final: false)
    }

    func finish(rows: Int) {
        draw(rows: rows, bytesRead: totalBytes ?? 0, final: true)
    }

    private func draw(rows: Int, bytesRead: Int, final: Bool) {
        let elapsed = max(Date().timeIntervalSince(start), 1e-9)
        var line = "\r\u{1B}[2K"
        if let totalBytes, totalBytes > 0 {
            let fraction = min(1, Double(bytesRead) / Double(totalBytes))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += String(Int(fraction * 100)) + "% "
        }
        line += "\(rows) rows, \(Int(Double(rows) / elapsed)) rows/s"
        if final { line += "\n" }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
