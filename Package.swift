// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "lfmaint",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lfmaint", targets: ["lfmaint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .target(name: "LFMaintSupport"),
        .target(
            name: "LFMaintEdges",
            dependencies: [
                "CCurl",
                "CLibPQ",
                "CMalloc",
                "LFMaintSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LFMaint",
            dependencies: [
                "LFMaintEdges",
                "LFMaintSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "LFMaintAgent",
            dependencies: [
                "LFMaint",
                "LFMaintEdges",
                "LFMaintSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LFMaintCLI",
            dependencies: [
                "LFMaint",
                "LFMaintEdges",
                "LFMaintSupport",
                "LFMaintAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "lfmaint",
            dependencies: ["LFMaintCLI", "LFMaintEdges"]
        ),
        .testTarget(
            name: "LFMaintTests",
            dependencies: ["LFMaintSupport", "LFMaintEdges", "LFMaint", "LFMaintAgent", "LFMaintCLI",
                           .product(name: "FlyingFox", package: "FlyingFox"),
                           .product(name: "Yams", package: "Yams")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
