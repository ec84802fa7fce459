import Foundation
import Testing
@testable import ThresherExtract
@testable import ThresherPipeline
import ThresherState
import ThresherStore
@testable import ThresherTools

/// One scan over files written to a temporary archive.
public struct ScanRun {
    public let archive: TemporaryDirectory
    public let out: String
    public var report: ScanReport
    public var examples: [[String: Any]]

    public var messages: [[[String: Any]]] { examples.map { $0["messages"] as! [[String: Any]] } }
    public var metadata: [[String: Any]] { examples.map { $0["metadata"] as! [String: Any] } }
}

/// Scans `files` (relative path → content) with test defaults: settled,
/// uncompressed, every tool selected. `configure` adjusts the rest.
public func scan(_ files: [(String, String)], archive: TemporaryDirectory = TemporaryDirectory(),
          configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanRun {
    for (path, content) in files { archive.write(path, content) }
    return try rescan(archive, configure: configure)
}

public func scan(_ transcript: Transcript, configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanRun {
    try scan([("p/s.jsonl", transcript.contents)], configure: configure)
}

/// Scans `archive` again into its `out` folder.
public func rescan(_ archive: TemporaryDirectory, configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanRun {
    let out = archive.path + "-out"
    var configuration = ScanConfiguration(roots: [archive.path], output: out)
    configuration.settle = 0
    configuration.compression = .none
    configuration.selector = .all
    configuration.jobs = 2
    configure(&configuration)
    let report = try ScanPipeline(configuration: configuration).run()
    let examples = try readExamples(configuration.output)
    return ScanRun(archive: archive, out: configuration.output, report: report, examples: examples)
}

/// Every example in an output folder's shards, in shard order.
public func readExamples(_ out: String) throws -> [[String: Any]] {
    let names = OutputFolder.shardFiles(out + "/shards").sorted()
    var examples: [[String: Any]] = []
    for name in names where name.contains(".jsonl") {
        let bytes = try decompress(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/shards/" + name))), name: name)
        #expect(String(validating: bytes, as: UTF8.self) != nil, "shard \(name) is not valid UTF-8")
        for line in bytes.split(separator: 0x0A) {
            examples.append(try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any])
        }
    }
    return examples
}

/// Test-side decompression of whole shards by file name.
public func decompress(_ bytes: [UInt8], name: String) throws -> [UInt8] {
    try Decompressor.decompress(bytes, Decompressor.compression(ofShard: name))
}

public func manifestJSON(_ out: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as! [String: Any]
}

/// The repository's `fixtures/` folder.
public enum Fixtures {
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures").standardized.path
}
