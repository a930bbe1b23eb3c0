import ArgumentParser
import Foundation

/// Writing a check's report files and verdict for `vane drift`, `vane quality` and `vane evaluate`.
enum ReportOutput {
    /// Exit status of a check that found drift or a violation.
    static let findingStatus: Int32 = 1
    /// Exit status for bad input.
    static let badInputStatus: Int32 = 2

    /// Writes `data` to `path` (`-` = standard output) through a temporary file in the same
    /// folder that is flushed and renamed into place, so an interrupted run never leaves a
    /// partial report.
    static func write(_ data: Data, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(data)
            return
        }
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(tmp.path, url.path) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }

    /// Prints `vane COMMAND: message` on standard error and returns the bad-input status.
    static func fail(_ command: String, _ message: String) -> Int32 {
        FileHandle.standardError.write(Data("vane \(command): \(message)\n".utf8))
        return badInputStatus
    }

    /// Runs the reading and computing of a check; any error is printed as `vane COMMAND: …`
    /// (through `describe`) and exits with the bad-input status.
    static func compute<T>(_ command: String, describe: (any Error) -> String = { "\($0)" }, _ body: () throws -> T) throws -> T {
        do {
            let value = try body()
            clearStage()
            return value
        } catch {
            clearStage()
            throw ExitCode(fail(command, describe(error)))
        }
    }

    /// A stage line on standard error, shown only when standard error is a terminal.
    static func stage(_ text: String) {
        guard isatty(2) == 1 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    /// Clears the stage line.
    static func clearStage() {
        guard isatty(2) == 1 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    /// Splits comma-separated option values (`--numerical a,b --numerical c`), dropping empty names.
    static func names(_ values: [String]) -> [String]? {
        guard !values.isEmpty else { return nil }
        return values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: true).map { String($0).trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    /// Parses `NAME=VALUE` (split at the last `=`) or a bare `VALUE` (name nil).
    static func assignment(_ text: String) -> (name: String?, value: String) {
        guard let eq = text.lastIndex(of: "=") else { return (nil, text) }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }
}
