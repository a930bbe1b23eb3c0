import Foundation
import VaneServer
import VaneServing

/// Resolves a `--model` argument: a path as it is, a `models:/` or `runs:/` URI through the
/// stores of the data directory.
enum ModelSourceResolution {
    static func resolve(_ text: String, data: DataDirectoryOption) async throws -> (source: ModelSource, resolver: ModelResolver) {
        let source = try ModelSource(parsing: text)
        guard source.needsStore else { return (source, ModelResolver()) }
        let directory = data.resolved
        guard VaneDataDirectory(directory).hasDatabase else {
            throw ModelSourceError("'\(text)' is resolved through Vane's registry, but '\(directory)' holds no vane.db (give --data-dir or VANE_DATA_DIR)")
        }
        let stores = try VaneStores.open(dataDirectory: directory)
        return (source, ModelResolver(tracking: stores.tracking, registry: stores.registry, artifacts: stores.artifacts))
    }
}

/// A model source that cannot be used, in words for the terminal.
struct ModelSourceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
