import Foundation

/// |got − want| ≤ rel · |want| (exact match required for 0).
func close(_ got: Double, _ want: Double, rel: Double = 1e-9) -> Bool {
    if got.isNaN || want.isNaN { return got.isNaN && want.isNaN }
    return got == want || abs(got - want) <= rel * abs(want)
}

/// `Tests/Fixtures/<folder>`, found from this file (symlinks resolved: the test folder may be
/// linked into a scratch package).
func fixturesFolder(_ folder: String) -> URL {
    var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    while url.lastPathComponent != "Tests" && url.path != "/" { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Fixtures/\(folder)")
}

/// Names of the case folders directly under `root`, sorted.
func caseFolders(in root: URL) -> [String] {
    let items = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return items.filter { name in
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDir) && isDir.boolValue
    }.sorted()
}
