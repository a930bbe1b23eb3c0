import ArgumentParser
import VaneCore

/// `vane version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Vane's version.")
    static var versionString: String { vaneVersion }

    func run() throws {
        print(vaneVersion)
    }
}
