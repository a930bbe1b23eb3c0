import ArgumentParser
import Foundation

/// `--data-dir`, shared by every command that opens Vane's data.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "Directory holding vane.db and artifacts/ (env VANE_DATA_DIR).", valueName: "path"))
    var dataDir: String?

    /// The flag, else VANE_DATA_DIR, else ./vane-data.
    var resolved: String {
        dataDir ?? ProcessInfo.processInfo.environment["VANE_DATA_DIR"] ?? "./vane-data"
    }
}
