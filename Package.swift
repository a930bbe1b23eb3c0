// swift-tools-version:6.1
import PackageDescription

/// One settings array shared by every target: Swift 6 language mode with strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "vane",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vane", targets: ["vane"]),
        // The model runtimes as a library, for Benchmarks/serving's in-process batch timing.
        .library(name: "VaneModels", targets: ["VaneModels"]),
        // The series numerics as a library, for Benchmarks/anomaly's in-process timing.
        .library(name: "VaneSeries", targets: ["VaneSeries"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        .target(name: "VaneCore", swiftSettings: swiftSettings),
        // Byte-level lexers for JSON and CSV and the decimal parser they share; no dependencies.
        .target(name: "VaneText", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),
        .target(name: "VaneStorage", dependencies: [
            "VaneCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: swiftSettings),
        .target(name: "VaneTracking", dependencies: [
            "VaneCore", "VaneStorage",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ], swiftSettings: swiftSettings),
        .target(name: "VaneRegistry", dependencies: ["VaneCore", "VaneStorage", "VaneTracking", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: swiftSettings),
        .target(name: "VaneArtifacts", dependencies: ["VaneCore"], swiftSettings: swiftSettings),
        // Who may call the server: roles, API tokens (SHA-256 at rest) and users (bcrypt), and their store.
        .target(name: "VaneAuth", dependencies: [
            "VaneCore", "VaneStorage",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
        .target(name: "VaneModels", dependencies: [
            "VaneCore", "VaneText",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], swiftSettings: swiftSettings),
        .target(name: "VaneMonitoring", dependencies: ["VaneCore", "VaneText"], swiftSettings: swiftSettings),
        .target(name: "VaneSeries", dependencies: ["VaneCore", "VaneText"], swiftSettings: swiftSettings),
        // Alert intake with Alertmanager's semantics, routing, silences, inhibition, incidents.
        .target(name: "VaneOps", dependencies: [
            "VaneCore", "VaneText",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .target(name: "VaneServing", dependencies: [
            "VaneCore", "VaneStorage", "VaneText", "VaneTracking", "VaneRegistry", "VaneArtifacts", "VaneModels",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // The composition root: opens storage, runs every module's migrations, builds the stores.
        // No HTTP: the CLI's maintenance commands use it without the HTTP layer.
        .target(name: "VaneServer", dependencies: [
            "VaneCore", "VaneStorage", "VaneTracking", "VaneRegistry", "VaneArtifacts", "VaneAuth", "VaneText", "VaneServing", "VaneOps",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .target(name: "VaneHTTP", dependencies: [
            "VaneCore", "VaneStorage", "VaneServer", "VaneTracking", "VaneRegistry", "VaneArtifacts", "VaneModels", "VaneServing", "VaneAuth", "VaneText", "VaneOps",
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .executableTarget(name: "vane", dependencies: [
            "VaneCore", "VaneStorage", "VaneTracking", "VaneRegistry", "VaneArtifacts", "VaneAuth", "VaneServer", "VaneHTTP", "VaneModels", "VaneServing", "VaneMonitoring", "VaneSeries", "VaneOps", "VaneText",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "VaneCoreTests", dependencies: ["VaneCore"], swiftSettings: swiftSettings),
        .testTarget(name: "VaneTextTests", dependencies: ["VaneText"], swiftSettings: swiftSettings),
        // What several test targets share (the store backends of the contract suites); tests only.
        .target(name: "VaneTestSupport", dependencies: ["VaneCore", "VaneStorage"], path: "Tests/VaneTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "VaneTrackingTests", dependencies: ["VaneCore", "VaneStorage", "VaneTracking", "VaneTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "VaneRegistryTests", dependencies: ["VaneCore", "VaneStorage", "VaneTracking", "VaneRegistry", "VaneTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "VaneAuthTests", dependencies: ["VaneAuth", "VaneCore", "VaneStorage", "VaneTestSupport", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: swiftSettings),
        .testTarget(name: "VaneArtifactsTests", dependencies: ["VaneCore", "VaneArtifacts"], swiftSettings: swiftSettings),
        .testTarget(name: "VaneModelsTests", dependencies: ["VaneModels", "VaneText", "VaneCore"], swiftSettings: swiftSettings),
        .testTarget(name: "VaneMonitoringTests", dependencies: ["VaneMonitoring", "VaneCore"], swiftSettings: swiftSettings),
        .testTarget(name: "VaneSeriesTests", dependencies: ["VaneSeries"], swiftSettings: swiftSettings),
        .testTarget(name: "VaneOpsTests", dependencies: [
            "VaneOps", "VaneCore", "VaneText",
            .product(name: "MetricsTestKit", package: "swift-metrics"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "VaneServingTests", dependencies: [
            "VaneServing", "VaneModels", "VaneCore",
            .product(name: "MetricsTestKit", package: "swift-metrics"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "VaneServerTests", dependencies: [
            "VaneServer", "VaneCore", "VaneStorage", "VaneTracking", "VaneArtifacts", "VaneOps",
        ], swiftSettings: swiftSettings),
        .testTarget(name: "VaneHTTPTests", dependencies: [
            "VaneHTTP", "VaneServer", "VaneCore", "VaneStorage", "VaneTracking", "VaneRegistry", "VaneArtifacts", "VaneModels", "VaneServing", "VaneAuth",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: swiftSettings),
    ]
)
