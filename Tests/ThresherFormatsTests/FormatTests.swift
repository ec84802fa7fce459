import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherFormats
@testable import ThresherPipeline

/// The rules of SPEC §6 that the demo archive does not reach.
@Suite struct FormatTests {
    @Test func shareGPTSkipsTurnsThatCannotAlternateAndCountsThem() throws {
        var t = Transcript()
        // Text-only message, then one with calls: cannot alternate.
        t.user("first")
        t.assistant("A", [text("Let me think.")])
        t.assistant("B", [use("c1", "mcp__s__x")])
        t.result("c1")
        t.assistant("C", [text("done")])
        // Text next to calls is dropped; consecutive answers are joined.
        t.user("second")
        t.assistant("D", [text("dropped"), use("c2", "mcp__s__x")])
        t.result("c2", "r2")
        t.assistant("E", [text("part one")])
        t.assistant("F", [text("part two")])
        let run = try scan(t) { $0.format = .sharegpt }
        #expect(run.report.skippedByFormat == 1)
        #expect(run.report.examplesWritten == 1)
        let conversation = try #require(run.examples.first?["conversations"] as? [[String: String]])
        #expect(conversation.map { $0["from"]! } == ["human", "function_call", "observation", "gpt"])
        #expect(conversation[3]["value"] == "part one\n\npart two")
        #expect(conversation[1]["value"] == #"{"name":"mcp__s__x","arguments":{"q":1}}"#)
    }

    @Test func csvQuotesFieldsAsRFC4180Says() throws {
        var t = Transcript()
        t.turn("a, \"quoted\"\nprompt", id: "c1", answer: "plain")
        let run = try scan(t) { $0.format = .csv }
        let shard = try String(contentsOfFile: run.out + "/shards/part-00000.csv", encoding: .utf8)
        let lines = shard.components(separatedBy: "\r\n")
        #expect(lines[0] == "id,prompt,tools,num_tool_calls,num_tool_errors,final_answer,session_id,file,started_at,feedback,split")
        #expect(lines[1].contains(#","a, ""quoted""\#nprompt",mcp__srv__do,1,0,plain,s-1,p/s.jsonl,"#))
        #expect(run.report.examplesWritten == 1)
    }

    @Test func everyFormatCarriesTheSameMetadataAndID() throws {
        var t = Transcript()
        t.turn("go", id: "c1")
        var seen: [(String, NSDictionary)] = []
        for format in OutputFormat.allCases where format != .csv {
            let run = try scan(t) { $0.format = format }
            let example = try #require(run.examples.first)
            seen.append((example["id"] as! String, example["metadata"] as! NSDictionary))
        }
        #expect(Set(seen.map(\.0)).count == 1)
        #expect(seen.allSatisfy { $0.1 == seen[0].1 })
    }
}
