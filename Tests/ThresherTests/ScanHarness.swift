import Foundation
import Testing
@testable import ThresherPipeline
@testable import ThresherTools
@testable import ThresherExtract
import ThresherStore
import ThresherState

/// Builds a transcript line by line, chaining `parentUuid` like the client.
struct Transcript {
    var lines: [String] = []
    var count = 0
    var parent: String?
    var sidechain = false
    var session = "s-1"
    var prefix = "u"

    static func json(_ object: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes, .sortedKeys]), as: UTF8.self)
    }

    private mutating func base(_ type: String, _ extra: [String: Any]) -> [String: Any] {
        count += 1
        let uuid = "\(prefix)-\(count)"
        var record: [String: Any] = [
            "type": type, "uuid": uuid, "parentUuid": parent as Any? ?? NSNull(), "isSidechain": sidechain,
            "sessionId": session, "timestamp": "2026-01-01T00:00:\(String(format: "%02d", count % 60))Z",
            "cwd": "/work", "version": "2.1.0", "gitBranch": "main",
        ]
        parent = uuid
        for (k, v) in extra { record[k] = v }
        return record
    }

    mutating func user(_ content: Any, _ extra: [String: Any] = [:]) {
        var r = base("user", extra)
        r["message"] = ["role": "user", "content": content]
        lines.append(Self.json(r))
    }

    mutating func assistant(_ id: String?, _ blocks: [[String: Any]], model: String = "claude-test", _ extra: [String: Any] = [:]) {
        var r = base("assistant", extra)
        var message: [String: Any] = ["role": "assistant", "model": model, "content": blocks]
        if let id { message["id"] = id }
        r["message"] = message
        lines.append(Self.json(r))
    }

    /// A user record of tool results: (tool_use_id, content, is_error).
    mutating func results(_ blocks: [(String, Any?, Any?)]) {
        user(blocks.map { id, content, isError -> [String: Any] in
            var b: [String: Any] = ["type": "tool_result", "tool_use_id": id]
            if let content { b["content"] = content }
            if let isError { b["is_error"] = isError }
            return b
        })
    }

    mutating func result(_ id: String, _ content: Any? = "ok") { results([(id, content, nil)]) }

    mutating func other(_ type: String, _ extra: [String: Any] = [:]) {
        lines.append(Self.json(base(type, extra)))
    }

    mutating func raw(_ line: String) { lines.append(line) }

    /// A whole turn: prompt, one call, its result, the answer.
    mutating func turn(_ prompt: String, tool: String = "mcp__srv__do", id: String, input: Any = ["q": 1], answer: String = "done") {
        user(prompt)
        assistant("m-\(id)", [use(id, tool, input)])
        result(id, "result for \(prompt)")
        assistant("a-\(id)", [text(answer)])
    }

    var contents: String { lines.map { $0 + "\n" }.joined() }
}

func text(_ t: String) -> [String: Any] { ["type": "text", "text": t] }
func use(_ id: String, _ name: String, _ input: Any? = ["q": 1]) -> [String: Any] {
    var b: [String: Any] = ["type": "tool_use", "id": id, "name": name]
    if let input { b["input"] = input }
    return b
}

/// One scan over files written to a temporary archive.
struct ScanRun {
    let archive: TemporaryDirectory
    let out: String
    var report: ScanReport
    var examples: [[String: Any]]

    var messages: [[[String: Any]]] { examples.map { $0["messages"] as! [[String: Any]] } }
    var metadata: [[String: Any]] { examples.map { $0["metadata"] as! [String: Any] } }
}

/// Scans `files` (relative path → content) with test defaults: settled,
/// uncompressed, every tool selected. `configure` adjusts the rest.
func scan(_ files: [(String, String)], archive: TemporaryDirectory = TemporaryDirectory(),
          configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanRun {
    for (path, content) in files { archive.write(path, content) }
    return try rescan(archive, configure: configure)
}

func scan(_ transcript: Transcript, configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanRun {
    try scan([("p/s.jsonl", transcript.contents)], configure: configure)
}

/// Scans `archive` again into its `out` folder.
func rescan(_ archive: TemporaryDirectory, configure: (inout ScanConfiguration) -> Void = { _ in }) throws -> ScanRun {
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
func readExamples(_ out: String) throws -> [[String: Any]] {
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
func decompress(_ bytes: [UInt8], name: String) throws -> [UInt8] {
    try Decompressor.decompress(bytes, Decompressor.compression(ofShard: name))
}
