import ArgumentParser
import Foundation

/// The two windows a check compares, and the column types given on the command line
/// (`vane drift`, `vane quality`).
struct WindowOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The reference window (CSV or JSON lines).", valueName: "file"))
    var reference: String

    @Option(help: ArgumentHelp("The current window (CSV or JSON lines).", valueName: "file"))
    var current: String

    @Option(help: ArgumentHelp("Columns to treat as numerical (comma-separated; repeatable).", valueName: "columns"))
    var numerical: [String] = []

    @Option(help: ArgumentHelp("Columns to treat as categorical (comma-separated; repeatable).", valueName: "columns"))
    var categorical: [String] = []

    /// Names given with `--numerical`, nil when none.
    var numericalColumns: [String]? { ReportOutput.names(numerical) }
    /// Names given with `--categorical`, nil when none.
    var categoricalColumns: [String]? { ReportOutput.names(categorical) }
}

/// Where a check writes its full result (`vane drift`, `vane quality`, `vane evaluate`).
struct ReportFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write the result as JSON to this file (- for standard output).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report to this file.", valueName: "file"))
    var html: String?

    /// Whether the terminal summary goes to standard output (not when the JSON does).
    var printsSummary: Bool { json != "-" }

    /// Writes the requested files; a failure is reported as `vane COMMAND: …` with the bad-input status.
    func write(_ command: String, json makeJSON: () throws -> Data, html makeHTML: () -> String) throws {
        do {
            if let json { try ReportOutput.write(makeJSON(), to: json) }
            if let html { try ReportOutput.write(Data(makeHTML().utf8), to: html) }
        } catch {
            throw ExitCode(ReportOutput.fail(command, "cannot write the report: \(error.localizedDescription)"))
        }
    }
}
