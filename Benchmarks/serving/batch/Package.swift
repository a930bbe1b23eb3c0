// swift-tools-version:6.1
// In-process batch timing of Vane's model runtimes (the `VaneModels` library of the repository
// root), for Benchmarks/serving/run.sh. Build: swift build -c release (in this folder).
import PackageDescription

let package = Package(
    name: "vane-batch-bench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "vane", path: "../../.."),
    ],
    targets: [
        .executableTarget(
            name: "vane-batch-bench",
            dependencies: [.product(name: "VaneModels", package: "vane")]
        ),
    ]
)
