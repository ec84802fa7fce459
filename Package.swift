// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Thresher",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Thresher", targets: ["Thresher"]),
        // The stages, for tools (and the benchmarks) that use one on its own.
        .library(name: "ThresherScan", targets: ["ThresherScan"]),
        .library(name: "ThresherJSON", targets: ["ThresherJSON"]),
        .library(name: "ThresherExtract", targets: ["ThresherExtract"]),
        .library(name: "ThresherStore", targets: ["ThresherStore"]),
        .library(name: "ThresherState", targets: ["ThresherState"]),
        .library(name: "ThresherSynth", targets: ["ThresherSynth"]),
        .executable(name: "thresh", targets: ["thresh"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        // The SSE2 movemask behind the tokenizer's string scan, and memrchr (header-only).
        .target(name: "CByteMask"),
        .target(name: "ThresherScan", dependencies: ["CByteMask"]),
        .target(name: "ThresherJSON", dependencies: ["CByteMask"]),
        .target(name: "ThresherExtract", dependencies: ["ThresherJSON", "CXXHash", "CByteMask"]),
        .target(
            name: "ThresherStore",
            dependencies: [
                "ThresherScan", "CZstd", "CZlib", "CXXHash",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "ThresherSynth", dependencies: ["ThresherScan", "ThresherStore"]),
        .target(name: "ThresherState", dependencies: ["ThresherScan", "ThresherJSON", "ThresherStore"]),
        .target(
            name: "Thresher",
            dependencies: ["ThresherScan", "ThresherJSON", "ThresherExtract", "ThresherStore", "ThresherState"]
        ),
        .executableTarget(
            name: "thresh",
            dependencies: [
                "Thresher", "ThresherSynth", "ThresherScan", "ThresherJSON", "ThresherExtract", "ThresherStore", "ThresherState",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ThresherTests", dependencies: ["Thresher", .product(name: "Crypto", package: "swift-crypto"), "ThresherScan", "ThresherJSON", "ThresherExtract", "ThresherStore", "ThresherState", "ThresherSynth"]),
    ]
)
