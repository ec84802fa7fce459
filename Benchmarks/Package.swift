// swift-tools-version: 6.1
// Run: swift package --package-path Benchmarks benchmark
import PackageDescription

let package = Package(
    name: "ThresherBenchmarks",
    dependencies: [
        .package(name: "Thresher", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ThresherBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ThresherPipeline", package: "Thresher"),
                .product(name: "ThresherScan", package: "Thresher"),
                .product(name: "ThresherJSON", package: "Thresher"),
                .product(name: "ThresherExtract", package: "Thresher"),
                .product(name: "ThresherStore", package: "Thresher"),
                .product(name: "ThresherSynth", package: "Thresher"),
            ],
            path: "Benchmarks/ThresherBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
