// swift-tools-version: 6.1
// libFuzzer targets for the parts of thresh that read hostile bytes.
// Build and run: make fuzz (FUZZ_SECONDS=60 per target by default).
import PackageDescription

let fuzzer: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "ThresherFuzz",
    dependencies: [.package(name: "Thresher", path: "../")],
    targets: [
        // The tokenizer: `parse` and `parseLine` must agree, never crash, never read out of bounds.
        .executableTarget(
            name: "FuzzJSON",
            dependencies: [.product(name: "ThresherJSON", package: "Thresher")],
            swiftSettings: fuzzer
        ),
        // The redaction matcher, on any bytes as text: never crashes, and is idempotent.
        .executableTarget(
            name: "FuzzRedaction",
            dependencies: [
                .product(name: "ThresherExtract", package: "Thresher"),
                .product(name: "ThresherJSON", package: "Thresher"),
            ],
            swiftSettings: fuzzer
        ),
    ]
)
