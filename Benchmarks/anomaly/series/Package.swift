// swift-tools-version:6.1
// In-process timing of Vane's anomaly detectors and forecaster (the `VaneSeries` library of the
// repository root), for Benchmarks/anomaly/run.sh. Build: swift build -c release (in this folder).
import PackageDescription

let package = Package(
    name: "vane-anomaly-bench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "vane", path: "../../.."),
    ],
    targets: [
        .executableTarget(
            name: "vane-anomaly-bench",
            dependencies: [.product(name: "VaneSeries", package: "vane")]
        ),
    ]
)
