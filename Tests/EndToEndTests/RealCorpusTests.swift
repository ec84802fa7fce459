import Foundation
import TestSupport
import Testing
@testable import ThresherPipeline
@testable import ThresherTools

/// The real transcripts in `../shared/corpus-real` (skipped when absent):
/// the counts its EXPECTED.md gives, invariants, and the one real MCP turn.
@Suite struct RealCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../../shared/corpus-real").standardized.path
    static let available = FileManager.default.fileExists(atPath: corpus + "/EXPECTED.md")

    /// The two tables of EXPECTED.md: counters, and examples per file.
    static func expected() throws -> (counters: [String: Int], perFile: [String: Int]) {
        let text = try String(contentsOfFile: corpus + "/EXPECTED.md", encoding: .utf8)
        var counters: [String: Int] = [:]
        var perFile: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2, let value = Int(cells[1]) else { continue }
            if cells[0].hasSuffix(".jsonl") { perFile[cells[0]] = value } else { counters[cells[0]] = value }
        }
        return (counters, perFile)
    }

    static func scanCorpus(_ configure: (inout ScanConfiguration) -> Void) throws -> (ScanReport, [[String: Any]]) {
        let out = TemporaryDirectory()
        var configuration = ScanConfiguration(roots: [corpus], output: out.path + "/out")
        configuration.settle = 0
        configure(&configuration)
        let report = try ScanPipeline(configuration: configuration).run()
        return (report, try readExamples(out.path + "/out"))
    }

    @Test(.enabled(if: available, "../shared/corpus-real is absent"))
    func countsMatchExpected() throws {
        let (expected, perFile) = try Self.expected()
        #expect(expected.count >= 20 && perFile.count >= 10, "EXPECTED.md tables not found")
        let (report, examples) = try Self.scanCorpus { $0.selector = .all }
        let c = report.counters
        var ours: [String: Int] = [
            "files": report.files, "bytes": Int(report.bytesRead), "lines": c.lines, "malformed": c.malformedCount,
            "partial_lines": c.partialLines, "turns: complete": c.turnsComplete, "turns: no_answer": c.turnsNoAnswer,
            "turns: unanswered_call": c.turnsUnansweredCall, "turns: interrupted": c.turnsInterrupted,
            "orphans: tool_result": c.orphanToolResults, "orphans: assistant_record": c.orphanAssistantRecords,
            "assistant records ignored as synthetic / API error": c.ignoredSyntheticAssistant,
            "selected": c.selected, "duplicates": report.duplicatesThisRun, "written": report.examplesWritten,
        ]
        for (type, count) in c.recordsByType { ours["records: \(type)"] = count }
        for (name, value) in expected { #expect(ours[name] == value, "\(name)") }
        var written: [String: Int] = [:]
        for example in examples { written[(example["metadata"] as! [String: Any])["file"] as! String, default: 0] += 1 }
        #expect(written == perFile)
        #expect(report.malformedSamples.isEmpty && report.problems.isEmpty)
    }

    @Test(.enabled(if: available, "../shared/corpus-real is absent"))
    func everyExampleIsWellFormed() throws {
        let (report, examples) = try Self.scanCorpus { $0.selector = .all; $0.keepThinking = true }
        #expect(examples.count == report.examplesWritten)
        #expect(Set(examples.map { $0["id"] as! String }).count == examples.count)
        for example in examples {
            let messages = example["messages"] as! [[String: Any]]
            let metadata = example["metadata"] as! [String: Any]
            #expect(messages.first?["role"] as? String == "user")
            #expect(messages.last?["role"] as? String == "assistant")
            #expect(messages.last?["tool_calls"] == nil)
            var open: [String: Int] = [:]
            var calls = 0
            var results = 0
            for message in messages {
                switch message["role"] as! String {
                case "assistant":
                    for call in message["tool_calls"] as? [[String: Any]] ?? [] {
                        calls += 1
                        open[call["id"] as! String, default: 0] += 1
                        let arguments = (call["function"] as! [String: Any])["arguments"] as! String
                        #expect((try? JSONSerialization.jsonObject(with: Data(arguments.utf8), options: .fragmentsAllowed)) != nil)
                    }
                case "tool":
                    results += 1
                    let id = message["tool_call_id"] as! String
                    #expect((open[id] ?? 0) > 0, "result \(id) answers no earlier call")
                    open[id, default: 0] -= 1
                default:
                    #expect(message["role"] as? String == "user")
                }
            }
            #expect(calls == results)
            #expect(calls == metadata["num_tool_calls"] as? Int)
            #expect((metadata["line_start"] as! Int) <= (metadata["line_end"] as! Int))
        }
    }

    @Test(.enabled(if: available, "../shared/corpus-real is absent"))
    func theOpenroadSessionGivesItsOneMCPTurn() throws {
        let (report, examples) = try Self.scanCorpus { _ in }
        #expect(report.examplesWritten == 1)
        let example = try #require(examples.first)
        let messages = example["messages"] as! [[String: Any]]
        let metadata = example["metadata"] as! [String: Any]
        #expect(metadata["file"] as? String == "luarss__openroad-mcp/claude_export_2025-11-21_12-09-12_060f3873__raw_messages.jsonl")
        #expect(metadata["line_start"] as? Int == 3)
        #expect(metadata["line_end"] as? Int == 132)
        #expect(messages.count == 95)
        #expect(messages[0]["content"] as? String == "lets run optimisation flow demo")
        let names = messages.flatMap { ($0["tool_calls"] as? [[String: Any]] ?? []).map { ($0["function"] as! [String: Any])["name"] as! String } }
        #expect(names.count == 50)
        #expect(names.filter { $0.hasPrefix("mcp__openroad-mcp__") }.count == 29)
        #expect(metadata["mcp_servers"] as? [String] == ["openroad-mcp"])
        #expect(metadata["session_id"] as? String == "060f3873-8a3f-4c5b-976d-7717d552a4c4")
        #expect(report.callsPerServer.map(\.0) == ["openroad-mcp"])
        #expect(report.callsPerServer.map(\.1) == [29])
    }
}
