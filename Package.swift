// swift-tools-version: 6.1
import PackageDescription

// Thresher builds on Linux only (glibc or musl: see ThresherSystem/Platform.swift),
// so no Apple platform is claimed. Modules are listed, and their folders
// numbered, in pipeline order; each imports only modules above it.
// docs/architecture.md draws the graph and says what each one owns.

let swiftSystem = Target.Dependency.product(name: "SystemPackage", package: "swift-system")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "Thresher",
    products: [
        // The pipeline and the offline tools, for programs that embed thresh.
        .library(name: "Thresher", targets: ["ThresherPipeline", "ThresherTools"]),
        // The stages, for tools (and the benchmarks) that use one on its own.
        .library(name: "ThresherSystem", targets: ["ThresherSystem"]),
        .library(name: "ThresherScan", targets: ["ThresherScan"]),
        .library(name: "ThresherJSON", targets: ["ThresherJSON"]),
        .library(name: "ThresherExtract", targets: ["ThresherExtract"]),
        .library(name: "ThresherFormats", targets: ["ThresherFormats"]),
        .library(name: "ThresherStore", targets: ["ThresherStore"]),
        .library(name: "ThresherState", targets: ["ThresherState"]),
        .library(name: "ThresherPipeline", targets: ["ThresherPipeline"]),
        .library(name: "ThresherTools", targets: ["ThresherTools"]),
        .library(name: "ThresherSynth", targets: ["ThresherSynth"]),
        .executable(name: "thresh", targets: ["thresh"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // C: libraries from Debian's -dev packages, and SSE2 byte scans.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        .target(name: "CByteMask"),
        // renameat2(RENAME_EXCHANGE), which Swift's Glibc module does not export.
        .target(name: "CThreshSystem"),

        // 0. Errors, descriptors, owner-only files, the SIGBUS guard; the platform #ifs.
        .target(name: "ThresherSystem", dependencies: ["CThreshSystem", swiftSystem], path: "Sources/0-ThresherSystem"),
        // 1. Find transcripts, cut them into work units, split units into lines.
        .target(name: "ThresherScan", dependencies: ["ThresherSystem", "CByteMask"], path: "Sources/1-ThresherScan"),
        // 2. The byte-level JSON tokenizer, tape, text and writer.
        .target(name: "ThresherJSON", dependencies: ["ThresherSystem", "CByteMask"], path: "Sources/2-ThresherJSON"),
        // 3. Transcript records to turns to `Example`s; redaction and signals.
        .target(name: "ThresherExtract", dependencies: ["ThresherSystem", "ThresherJSON", "CXXHash", "CByteMask"], path: "Sources/3-ThresherExtract"),
        // 4. `Example` to bytes in each output format and back; each format's verify rules.
        .target(name: "ThresherFormats", dependencies: ["ThresherJSON", "ThresherExtract"], path: "Sources/4-ThresherFormats"),
        // 5. Dedup keys, compression, shard files.
        .target(name: "ThresherStore", dependencies: ["ThresherSystem", "CZstd", "CZlib", "CXXHash", crypto], path: "Sources/5-ThresherStore"),
        // 6. The output folder: manifest, key log, per-file cursors, the run lock.
        .target(name: "ThresherState", dependencies: ["ThresherSystem", "ThresherScan", "ThresherJSON", "ThresherExtract", "ThresherFormats", "ThresherStore"], path: "Sources/6-ThresherState"),
        // 7. `thresh scan`: schedules work units over Dispatch, assembles, dedups, commits.
        .target(
            name: "ThresherPipeline",
            dependencies: ["ThresherSystem", "ThresherScan", "ThresherJSON", "ThresherExtract", "ThresherFormats", "ThresherStore", "ThresherState"],
            path: "Sources/7-ThresherPipeline"
        ),
        // 8. Offline tools over a finished output folder: verify, export, status, stats.
        .target(
            name: "ThresherTools",
            dependencies: [
                "ThresherSystem", "ThresherScan", "ThresherJSON", "ThresherExtract", "ThresherFormats", "ThresherStore",
                "ThresherState", crypto,
            ],
            path: "Sources/8-ThresherTools"
        ),
        // 9. Synthetic archives for tests and benchmarks.
        .target(name: "ThresherSynth", dependencies: ["ThresherSystem"], path: "Sources/9-ThresherSynth"),

        .executableTarget(
            name: "thresh",
            dependencies: [
                "ThresherSystem", "ThresherScan", "ThresherJSON", "ThresherExtract", "ThresherFormats", "ThresherStore",
                "ThresherState", "ThresherPipeline", "ThresherTools", "ThresherSynth", argumentParser,
            ]
        ),

        // Tests: one target per module, an end-to-end target (the CLI, the
        // real corpus, the golden files), and their shared helpers.
        .target(
            name: "TestSupport",
            dependencies: ["ThresherSystem", "ThresherExtract", "ThresherStore", "ThresherState", "ThresherPipeline", "ThresherTools"],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "ThresherSystemTests", dependencies: ["TestSupport", "ThresherSystem"]),
        .testTarget(name: "ThresherScanTests", dependencies: ["TestSupport", "ThresherSystem", "ThresherScan"]),
        .testTarget(name: "ThresherJSONTests", dependencies: ["TestSupport", "ThresherJSON"]),
        .testTarget(name: "ThresherExtractTests", dependencies: ["TestSupport", "CByteMask", "ThresherJSON", "ThresherExtract", "ThresherSynth"]),
        .testTarget(name: "ThresherFormatsTests", dependencies: ["TestSupport", "ThresherExtract", "ThresherFormats", "ThresherPipeline"]),
        .testTarget(name: "ThresherStoreTests", dependencies: ["TestSupport", "ThresherStore", crypto]),
        .testTarget(name: "ThresherStateTests", dependencies: ["ThresherStore", "ThresherState"]),
        .testTarget(
            name: "ThresherPipelineTests",
            dependencies: [
                "TestSupport", "ThresherSystem", "ThresherScan", "ThresherExtract", "ThresherFormats", "ThresherStore",
                "ThresherState", "ThresherPipeline", "ThresherTools", "ThresherSynth", crypto,
            ]
        ),
        .testTarget(
            name: "ThresherToolsTests",
            dependencies: ["TestSupport", "ThresherExtract", "ThresherFormats", "ThresherState", "ThresherStore", "ThresherSystem", "ThresherPipeline", "ThresherTools"]
        ),
        .testTarget(name: "ThresherSynthTests", dependencies: ["TestSupport", "ThresherSystem", "ThresherPipeline", "ThresherTools", "ThresherSynth", crypto]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "ThresherExtract", "ThresherFormats", "ThresherStore", "ThresherState", "ThresherPipeline",
                "ThresherTools", crypto,
            ]
        ),
    ]
)
