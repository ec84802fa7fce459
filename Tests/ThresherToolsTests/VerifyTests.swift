import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherFormats
@testable import ThresherPipeline
import ThresherStore
@testable import ThresherTools

@Suite struct VerifyTests {
    @Test(arguments: OutputFormat.allCases, [Compression.zstd, .gzip])
    func aFreshOutputVerifies(format: OutputFormat, compression: ThresherStore.Compression) throws {
        var t = Transcript()
        for i in 0..<5 { t.turn("prompt \(i), with \"quotes\"\nand lines", id: "c\(i)") }
        let run = try scan(t) { $0.format = format; $0.compression = compression; $0.shardSize = 2000 }
        let report = try OutputVerifier.verify(output: run.out)
        #expect(report.problems == [])
        #expect(report.examples == 5)
    }

    @Test func everyBrokenRuleIsReportedWithShardAndLine() throws {
        var t = Transcript()
        t.turn("one", id: "c1")
        t.turn("two", id: "c2")
        let long = "mcp__" + String(repeating: "x", count: 70)
        t.turn("three", tool: long, id: "c3")
        let run = try scan(t)
        let shard = run.out + "/shards/part-00000.jsonl"
        var lines = try String(contentsOfFile: shard, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: #""role":"tool","tool_call_id":"c1""#, with: #""role":"tool","tool_call_id":"nobody""#)
        lines[1] = lines[1].replacingOccurrences(of: #""arguments":"{\"q\":1}""#, with: #""arguments":"{q:1}""#)
        lines.append(lines[0])
        try (lines.joined(separator: "\n") + "\n").write(toFile: shard, atomically: false, encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: run.out + "/shards/part-00009.jsonl", contents: Data()))
        let problems = try OutputVerifier.verify(output: run.out).problems
        let expected = [
            "shards/part-00009.jsonl: not listed in the manifest",
            "shards/part-00000.jsonl: SHA-256 differs from the manifest",
            "shards/part-00000.jsonl:1: message 2: tool_call_id nobody answers no earlier call",
            "shards/part-00000.jsonl:2: message 1: arguments do not parse as JSON",
            "shards/part-00000.jsonl:3: message 1: function name \(long) is not 1-64 characters of [A-Za-z0-9_-] (OpenAI rejects it)",
            "shards/part-00000.jsonl:4: duplicate id",
            "shards/part-00000.jsonl: 4 records, the manifest says 3",
        ]
        for fragment in expected { #expect(problems.contains { $0.hasPrefix(fragment) }, "\(fragment)") }
    }

}
