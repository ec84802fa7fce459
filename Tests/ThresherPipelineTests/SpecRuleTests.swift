import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherPipeline
@testable import ThresherTools

/// One test per rule of SPEC.md §2-§4, each on a small transcript.
@Suite struct SpecRuleTests {
    // MARK: §4 turns

    @Test func aPromptCallResultAnswerTurnBecomesOneExample() throws {
        var t = Transcript()
        t.user("Weather in Lyon?")
        t.assistant("m1", [text("Checking."), use("c1", "mcp__weather__forecast", ["city": "Lyon"])])
        t.result("c1", "18C")
        t.assistant("m2", [text("It is 18C.")])
        let run = try scan(t)
        #expect(run.examples.count == 1)
        let messages = run.messages[0]
        #expect(messages.count == 4)
        #expect(messages[0] as NSDictionary == ["role": "user", "content": "Weather in Lyon?"])
        #expect(messages[1] as NSDictionary == [
            "role": "assistant", "content": "Checking.",
            "tool_calls": [["id": "c1", "type": "function",
                            "function": ["name": "mcp__weather__forecast", "arguments": "{\"city\":\"Lyon\"}"]]],
        ])
        #expect(messages[2] as NSDictionary == ["role": "tool", "tool_call_id": "c1", "content": "18C"])
        #expect(messages[3] as NSDictionary == ["role": "assistant", "content": "It is 18C."])
        #expect(run.report.counters.turnsComplete == 1)
        #expect((run.examples[0]["id"] as! String).count == 32)
    }

    @Test func theDefaultSelectorTakesOnlyMCPCalls() throws {
        var t = Transcript()
        t.turn("a", tool: "Bash", id: "c1")
        t.turn("b", tool: "mcp__git__log", id: "c2")
        t.turn("c", tool: "mcp_not__x", id: "c3")
        let run = try scan(t) { $0.selector = .mcp }
        #expect(run.examples.count == 1)
        #expect(run.metadata[0]["tools"] as? [String] == ["mcp__git__log"])
        #expect(run.report.counters.turnsComplete == 3)
        #expect(run.report.counters.selected == 1)
    }

    @Test func toolGlobsReplaceTheDefaultAndAllToolsWins() throws {
        var t = Transcript()
        t.turn("a", tool: "Bash", id: "c1")
        t.turn("b", tool: "mcp__git__log", id: "c2")
        t.turn("c", tool: "Read", id: "c3")
        t.user("no calls")
        t.assistant("m", [text("fine")])
        let globbed = try scan(t) { $0.selector = .globs(["Ba?h", "R*"]) }
        #expect(globbed.metadata.map { $0["tools"] as! [String] } == [["Bash"], ["Read"]])
        let caseSensitive = try scan(t) { $0.selector = .globs(["bash"]) }
        #expect(caseSensitive.examples.isEmpty)
        let all = try scan(t) { $0.selector = .all }
        #expect(all.examples.count == 3)  // the turn without calls is never selected
    }

    @Test func recordsWithTheSameMessageIDJoinOneMessageAcrossResults() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [["type": "thinking", "thinking": "hmm"]])
        t.assistant("A", [text("First.")])
        t.assistant("A", [use("c1", "mcp__s__one")])
        t.result("c1", "r1")
        t.assistant("A", [use("c2", "mcp__s__two"), text("Also.")])
        t.result("c2", "r2")
        t.assistant("B", [text("  ")])
        t.assistant("B", [text("Done.")])
        let run = try scan(t)
        let messages = try #require(run.messages.first)
        #expect(messages.map { $0["role"] as! String } == ["user", "assistant", "tool", "tool", "assistant"])
        #expect(messages[1]["content"] as? String == "First.\n\nAlso.")
        let calls = messages[1]["tool_calls"] as! [[String: Any]]
        #expect(calls.map { $0["id"] as! String } == ["c1", "c2"])
        #expect(messages[4]["content"] as? String == "Done.")
        #expect(messages[1]["reasoning"] == nil)
        #expect(run.metadata[0]["line_end"] as? Int == 9)
    }

    /// A turn with more messages than the short id list holds (past 32 the
    /// ids move to a dictionary): a record of an early message, coming after
    /// all the others, still joins that message.
    @Test func aLateRecordJoinsItsMessageInALongTurn() throws {
        var t = Transcript()
        t.user("go")
        for k in 0..<40 {
            t.assistant("M\(k)", [use("c\(k)", "mcp__s__x")])
            t.result("c\(k)", "r\(k)")
        }
        t.assistant("M3", [text("late text of M3")])
        t.assistant("M35", [text("late text of M35")])
        t.assistant("Z", [text("Done.")])
        let run = try scan(t)
        let messages = try #require(run.messages.first)
        let assistants = messages.filter { $0["role"] as? String == "assistant" }
        #expect(assistants.count == 41)
        #expect(assistants[3]["content"] as? String == "late text of M3")
        #expect(assistants[35]["content"] as? String == "late text of M35")
        #expect((assistants[35]["tool_calls"] as? [[String: Any]])?.first?["id"] as? String == "c35")
        #expect(assistants[40]["content"] as? String == "Done.")
    }

    @Test func keepThinkingKeepsReasoning() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [["type": "thinking", "thinking": "plan"], use("c1", "mcp__s__x")])
        t.result("c1")
        t.assistant("B", [["type": "redacted_thinking", "data": "zzz"], text("ok")])
        let run = try scan(t) { $0.keepThinking = true }
        let messages = try #require(run.messages.first)
        #expect(messages[1]["reasoning"] as? String == "plan")
        #expect(messages[3]["reasoning"] == nil)
    }

    @Test func anAssistantMessageWithOnlyThinkingIsNotEmittedAndCannotAnswer() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.result("c1")
        t.assistant("B", [text("answer")])
        t.assistant("C", [["type": "thinking", "thinking": "more"]])
        let run = try scan(t)
        #expect(run.messages.first?.count == 4)
        t.assistant("D", [use("c2", "mcp__s__x")])
        t.result("c2")
        let unfinished = try scan(t)
        #expect(unfinished.examples.isEmpty)
        #expect(unfinished.report.counters.turnsNoAnswer == 1)
    }

    @Test func contentAsAStringIsOneTextBlock() throws {
        var t = Transcript()
        t.user([text("first"), ["type": "image", "source": [:]], text("  "), text("<system-reminder>x</system-reminder>"), text("last")])
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.result("c1")
        t.raw(Transcript.json(["type": "assistant", "uuid": "z", "parentUuid": NSNull(), "message": ["id": "B", "content": "plain answer"]]))
        let run = try scan(t)
        let messages = try #require(run.messages.first)
        #expect(messages[0]["content"] as? String == "first\n\n[image]\n\nlast")
        #expect(messages.last?["content"] as? String == "plain answer")
    }

    @Test func interruptionWinsOverOtherReasons() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.user([text("[Request interrupted by user for tool use]")])
        t.assistant("B", [text("stopped")])
        t.user("next")
        t.assistant("C", [use("c2", "mcp__s__x")])
        t.user("[Request interrupted by user]")
        let run = try scan(t)
        #expect(run.examples.isEmpty)
        #expect(run.report.counters.turnsInterrupted == 2)
        #expect(run.report.counters.turnsUnansweredCall == 0)
    }

    @Test func incompleteTurnsAreCountedByTheirFirstReason() throws {
        var t = Transcript()
        t.user("unanswered")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.user("ends on a result")
        t.assistant("B", [use("c2", "mcp__s__x")])
        t.result("c2")
        t.user("ends on text with a call")
        t.assistant("C", [text("calling"), use("c3", "mcp__s__x")])
        t.result("c3")
        t.assistant("D", [text("and again"), use("c4", "mcp__s__x")])
        t.result("c4")
        t.user("no assistant at all")
        t.user("last")
        t.assistant("E", [text("only text")])
        let c = try scan(t).report.counters
        #expect(c.turnsUnansweredCall == 1)
        #expect(c.turnsNoAnswer == 3)
        #expect(c.turnsComplete == 1)
    }

    @Test func orphansAreCountedAndDropped() throws {
        var t = Transcript()
        t.assistant("X", [text("before any prompt")])
        t.result("nobody")
        t.user("go")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.results([("c1", "first", nil), ("c1", "second", nil), ("zz", "stray", nil)])
        t.assistant("B", [text("done")])
        let run = try scan(t)
        #expect(run.report.counters.orphanAssistantRecords == 1)
        #expect(run.report.counters.orphanToolResults == 3)
        #expect(run.messages.first?.filter { $0["role"] as? String == "tool" }.count == 1)
    }

    @Test func sharedCallIDsTakeResultsInOrder() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [use("dup", "mcp__s__one"), use("dup", "mcp__s__two")])
        t.result("dup", "r-one")
        t.result("dup", "r-two")
        t.assistant("B", [text("done")])
        let run = try scan(t)
        let tools = try #require(run.messages.first).filter { $0["role"] as? String == "tool" }
        #expect(tools.map { $0["content"] as! String } == ["r-one", "r-two"])
        #expect(run.report.counters.turnsComplete == 1)
    }

    @Test func resultContentForms() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", (1...11).map { use("c\($0)", "mcp__s__x") })
        t.results([
            ("c1", "plain", nil),
            ("c2", [text("a"), ["type": "image", "source": [:]], ["x": 1], "bare", text("b")], nil),
            ("c3", NSNull(), nil),
            ("c4", nil, nil),
            ("c5", 12.50, true),
            ("c6", ["k": ["é\n", 1]], "true"),
            ("c7", [], 1),
            // One-item arrays (phase 1 keeps a lone text block's string as the content).
            ("c8", [text("solo \"q\" é\n\u{1}")], nil),
            ("c9", [["type": "text"]], nil),
            ("c10", [["type": "text", "text": 5]], nil),
            ("c11", [["type": "image"]], nil),
        ])
        t.assistant("B", [text("done")])
        let run = try scan(t)
        let messages = try #require(run.messages.first)
        let tools = messages.filter { $0["role"] as? String == "tool" }
        #expect(tools.map { $0["content"] as! String } == [
            "plain", "a\n[image]\n[unknown]\n[unknown]\nb", "", "", "12.5", #"{"k":["é\n",1]}"#, "",
            "solo \"q\" é\n\u{1}", "", "", "[image]",
        ])
        #expect(run.metadata[0]["num_tool_errors"] as? Int == 1)
    }

    @Test func argumentsAreCanonicalJSONText() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [use("c1", "mcp__s__x", nil), use("c2", "mcp__s__x", NSNull())])
        t.raw(#"{"type":"assistant","uuid":"r1","parentUuid":null,"message":{"id":"A","content":[{"type":"tool_use","id":"c3","name":"mcp__s__x","input":{ "z" : 1.50 , "a":"\u00e9\/\u001F", "z": [ true ] }}]}}"#)
        t.results([("c1", "1", nil), ("c2", "2", nil), ("c3", "3", nil)])
        t.assistant("B", [text("done")])
        let run = try scan(t)
        let calls = try #require(run.messages.first)[1]["tool_calls"] as! [[String: Any]]
        let arguments = calls.map { ($0["function"] as! [String: Any])["arguments"] as! String }
        #expect(arguments == ["{}", "null", "{\"z\":[true],\"a\":\"é/\\u001f\"}"])
    }

    @Test func slashCommandPrompts() throws {
        var t = Transcript()
        t.user("<command-message>deploy</command-message>\n<command-name>/deploy</command-name>\n<command-args>  prod now \n</command-args>")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.result("c1")
        t.assistant("B", [text("deployed")])
        t.user([text("<command-name>/status</command-name><command-args></command-args>")])
        t.assistant("C", [use("c2", "mcp__s__x")])
        t.result("c2")
        t.assistant("D", [text("fine")])
        let run = try scan(t)
        #expect(run.messages.map { $0[0]["content"] as! String } == ["/deploy prod now", "/status"])
    }

    @Test func shellOutputAndNotificationsCloseTheTurn() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.result("c1")
        t.assistant("B", [text("done")])
        t.user("  <bash-input>ls</bash-input>")
        t.assistant("C", [text("after the close: an orphan")])
        t.user("<task-notification>x</task-notification>")
        let run = try scan(t)
        #expect(run.examples.count == 1)
        #expect(run.metadata[0]["line_end"] as? Int == 4)
        #expect(run.report.counters.orphanAssistantRecords == 1)
    }

    @Test func remindersAndMetaRecordsNeitherOpenNorCloseATurn() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.user("<system-reminder>note</system-reminder>")
        t.user([text("  <local-command-caveat>x</local-command-caveat>"), text(" \n ")])
        t.user("meta", ["isMeta": true])
        t.user("summary", ["isCompactSummary": true])
        t.user("visible", ["isVisibleInTranscriptOnly": true])
        t.user("not really meta", ["isMeta": "true"])
        t.result("c1")
        t.assistant("B", [text("done")])
        let run = try scan(t)
        // Only JSON `true` flags a record: the "true" string one is a prompt,
        // which closes the first turn unanswered and leaves the result orphaned.
        #expect(run.report.counters.turnsUnansweredCall == 1)
        #expect(run.report.counters.orphanToolResults == 1)
        #expect(run.report.counters.turnsComplete == 1)  // "not really meta" → "done", no calls
        #expect(run.examples.isEmpty)
        var kept = Transcript()
        kept.user("go")
        kept.assistant("A", [use("c1", "mcp__s__x")])
        kept.user("<system-reminder>note</system-reminder>")
        kept.user("meta", ["isMeta": true])
        kept.result("c1")
        kept.assistant("B", [text("done")])
        #expect(try scan(kept).examples.count == 1)
    }

    @Test func syntheticAndAPIErrorAssistantRecordsAreIgnored() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.result("c1")
        t.assistant("B", [text("done")])
        t.assistant("S", [text("No response requested.")], model: "<synthetic>")
        t.assistant("E", [text("API Error: 500")], ["isApiErrorMessage": true])
        let run = try scan(t)
        #expect(run.examples.count == 1)
        #expect(run.report.counters.ignoredSyntheticAssistant == 2)
        #expect(run.metadata[0]["line_end"] as? Int == 4)
    }

    @Test func callsCopiedIntoOtherRecordsAreNeverExtracted() throws {
        var t = Transcript()
        t.user("go")
        t.other("progress", ["data": ["type": "agent_progress", "message": ["type": "assistant", "message": ["content": [use("p1", "mcp__s__x")]]]]])
        t.other("attachment", ["attachment": ["type": "deferred_tools_delta", "names": ["mcp__s__x"]]])
        t.other("brand-new-type")
        t.assistant("B", [text("done")])
        let run = try scan(t)
        #expect(run.examples.isEmpty)
        #expect(run.report.counters.recordsByType == ["user": 1, "assistant": 1, "progress": 1, "attachment": 1, "brand-new-type": 1])
    }

    @Test func aRepeatedKeyTakesItsLastValue() throws {
        var t = Transcript()
        t.raw(#"{"type":"progress","uuid":"p","message":{"role":"user","content":"go"},"type":"user"}"#)
        t.raw(#"{"type":"assistant","uuid":"a","parentUuid":"p","message":{"id":"A","content":[{"type":"tool_use","id":"c","name":"x","name":"mcp__s__x","input":{}}]}}"#)
        t.raw(#"{"type":"user","uuid":"r","parentUuid":"a","message":{"content":[{"type":"tool_result","tool_use_id":"c","content":"ok"}]}}"#)
        t.raw(#"{"type":"assistant","uuid":"b","message":{"id":"B","content":"fine"}}"#)
        let run = try scan(t) { $0.selector = .mcp }
        #expect(run.examples.count == 1)
        #expect(run.report.counters.recordsByType["user"] == 2)
    }

    /// Keys are compared decoded: escaped spellings of the names summaries
    /// read (at every level) mean the same, and a record type is counted decoded.
    @Test func escapedKeysAndTypesReadAsTheirDecodedText() throws {
        var plain = Transcript()
        plain.turn("go", tool: "mcp__s__x", id: "c1")
        let expected = try scan(plain) { $0.selector = .mcp }
        #expect(expected.examples.count == 1)
        var escaped = Transcript()
        for line in plain.contents.split(separator: "\n") {
            escaped.raw(String(line)
                .replacingOccurrences(of: #""type":"#, with: #""t\u0079pe":"#)
                .replacingOccurrences(of: #""message":"#, with: #""m\u0065ssage":"#)
                .replacingOccurrences(of: #""content":"#, with: #""\u0063ontent":"#)
                .replacingOccurrences(of: #""name":"#, with: #""n\u0061me":"#)
                .replacingOccurrences(of: #""tool_use_id":"#, with: #""tool_use_\u0069d":"#)
                .replacingOccurrences(of: #""parentUuid":"#, with: #""parent\u0055uid":"#)
                .replacingOccurrences(of: #""user""#, with: #""us\u0065r""#))
        }
        #expect(escaped.contents.contains(#"t\u0079pe"#) && escaped.contents.contains(#"tool_use_\u0069d"#))
        let run = try scan(escaped) { $0.selector = .mcp }
        #expect(run.report.counters.recordsByType == expected.report.counters.recordsByType)
        #expect(run.messages.map { $0.map { NSDictionary(dictionary: $0) } } == expected.messages.map { $0.map { NSDictionary(dictionary: $0) } })
    }

    @Test func recordsWithoutAUUIDTakeNoPart() throws {
        var t = Transcript()
        t.raw(#"{"type":"user","message":{"content":"no uuid"}}"#)
        t.raw(#"{"type":"assistant","message":{"id":"A","content":"orphan?"}}"#)
        let run = try scan(t)
        #expect(run.report.counters.recordsByType["user"] == 1)
        #expect(run.report.counters.orphanAssistantRecords == 0)
        #expect(run.report.counters.turnsNoAnswer == 0)
    }

    // MARK: §3 streams

    @Test func inlineSidechainsAreTheirOwnStreams() throws {
        var main = Transcript()
        main.user("main prompt")
        main.assistant("A", [use("task", "Task")])
        var side = Transcript()
        side.prefix = "side"
        side.sidechain = true
        side.user("sub prompt")
        side.assistant("S1", [use("s1", "mcp__s__find")])
        side.result("s1")
        side.assistant("S2", [text("sub answer")])
        var t = Transcript()
        t.lines = [main.lines[0], main.lines[1]] + side.lines
        main.result("task", "sub answer")
        main.assistant("B", [text("main answer")])
        t.lines += main.lines[2...]
        let run = try scan(t)
        #expect(run.examples.count == 2)
        #expect(run.metadata.map { $0["sidechain"] as! Bool } == [false, true])
        #expect(run.metadata.map { $0["line_start"] as! Int } == [1, 3])
        let dropped = try scan(t) { $0.includeSidechains = false }
        #expect(dropped.examples.count == 1)
        #expect(dropped.report.counters.sidechainStreamsDropped == 1)
    }

    @Test func aSidechainRecordWhoseParentIsInTheMainStreamJoinsIt() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.sidechain = true
        t.result("c1")
        t.assistant("B", [text("done")])
        let run = try scan(t)
        #expect(run.metadata.first?["sidechain"] as? Bool == false)
        let dropped = try scan(t) { $0.includeSidechains = false }
        #expect(dropped.examples.count == 1)
    }

    @Test func subagentFilesInEveryLayout() throws {
        var agent = Transcript()
        agent.sidechain = true
        agent.turn("sub", id: "c1")
        let files = [
            ("proj/agent-a1.jsonl", agent.contents),
            ("proj/sess/subagents/agent-a2.jsonl", agent.contents.replacingOccurrences(of: "\"sub\"", with: "\"sub2\"")),
            ("proj/sess/subagents/agent-acompact-1.jsonl", agent.contents),
            ("proj/agent-aprompt_suggestion-1.jsonl", agent.contents),
            ("proj/tool-results/x.jsonl", agent.contents),
            ("proj/session-memory/x.jsonl", agent.contents),
            ("proj/workflows/x.jsonl", agent.contents),
            ("proj/journal.jsonl", agent.contents),
            ("proj/notes.json", agent.contents),
        ]
        let run = try scan(files)
        #expect(run.report.files == 2)
        #expect(run.metadata.map { $0["file"] as! String } == ["proj/agent-a1.jsonl", "proj/sess/subagents/agent-a2.jsonl"])
        #expect(run.metadata.allSatisfy { $0["sidechain"] as? Bool == true })
        let dropped = try rescan(run.archive) { $0.includeSidechains = false; $0.fresh = true }
        #expect(dropped.examples.isEmpty)
    }

    @Test func aRootThatIsAFileIsReadWhateverItsName() throws {
        var t = Transcript()
        t.turn("go", id: "c1")
        let dir = TemporaryDirectory()
        let path = dir.write("export.txt", t.contents)
        var configuration = ScanConfiguration(roots: [path], output: dir.path + "/out")
        configuration.settle = 0
        configuration.compression = .none
        let report = try ScanPipeline(configuration: configuration).run()
        #expect(report.examplesWritten == 1)
        #expect(try readExamples(dir.path + "/out").first.map { ($0["metadata"] as! [String: Any])["file"] as! String } == "export.txt")
    }

    // MARK: §2 lines

    @Test func malformedLinesAreCountedWithFileLineAndReason() throws {
        var t = Transcript()
        t.user("go")
        t.raw(#"{"type":"user""#)
        t.raw("[1,2]")
        t.raw(#"{"a":1} trailing"#)
        t.raw("\u{FEFF}{}")
        t.raw("{\"a\":" + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}")
        t.raw("{\"a\":" + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}")
        t.assistant("A", [use("c1", "mcp__s__x")])
        t.result("c1")
        t.assistant("B", [text("done")])
        let run = try scan(t)
        #expect(run.examples.count == 1)
        #expect(run.report.counters.malformedCount == 5)
        #expect(run.report.malformedSamples == [
            "p/s.jsonl:2: unexpected end of line at byte 14",
            "p/s.jsonl:3: not a JSON object",
            "p/s.jsonl:4: trailing data after the JSON value at byte 8",
            "p/s.jsonl:5: unexpected byte 0xEF at byte 0",
            "p/s.jsonl:6: nesting deeper than 512 levels at byte 516",
        ])
    }

    @Test func bomCRLFBlankAndPartialLines() throws {
        var t = Transcript()
        t.turn("go", id: "c1")
        let body = "\u{FEFF}" + t.lines.joined(separator: "\r\n") + "\r\n\n   \t\r\n" + #"{"type":"user","uuid":"x","message":{"content":"half"#
        let run = try scan([("p/s.jsonl", body)])
        #expect(run.examples.count == 1)
        #expect(run.report.counters.malformedCount == 0)
        #expect(run.report.counters.blankLines == 2)
        #expect(run.report.counters.partialLines == 1)
        #expect(run.report.counters.lines == 6)
    }

    @Test func invalidUTF8AndLoneSurrogatesBecomeReplacementCharacters() throws {
        var t = Transcript()
        t.turn("PLACEHOLDER", id: "c1", answer: #"lone \ud800 end"#)
        var bytes = Array(t.contents.replacingOccurrences(of: #"\\ud800"#, with: #"\ud800"#).utf8)
        let marker = Array("PLACEHOLDER".utf8)
        let at = (0...(bytes.count - marker.count)).first { Array(bytes[$0..<$0 + marker.count]) == marker }!
        bytes.replaceSubrange(at..<at + marker.count, with: [0x61, 0xFF, 0xF0, 0x9F, 0x98, 0x62])
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", bytes)
        let run = try rescan(dir)
        let messages = try #require(run.messages.first)
        #expect(messages[0]["content"] as? String == "a\u{FFFD}\u{FFFD}b")
        #expect(messages[3]["content"] as? String == "lone \u{FFFD} end")
    }

    // MARK: settling

    @Test func aTurnOpenAtTheEndOfAFreshFileIsPending() throws {
        var t = Transcript()
        t.turn("first", id: "c1")
        t.turn("still being written", id: "c2")
        let dir = TemporaryDirectory()
        dir.write("p/s.jsonl", t.contents, modified: Date())
        let fresh = try rescan(dir) { $0.settle = 60 }
        #expect(fresh.examples.count == 1)
        #expect(fresh.report.counters.turnsPending == 1)
        dir.write("p/s.jsonl", t.contents, modified: Date(timeIntervalSinceNow: -120))
        let settled = try rescan(dir) { $0.settle = 60 }
        // Read again from the pending prompt only: nothing before it twice.
        #expect(settled.report.filesResumed == 1)
        #expect(settled.report.examplesWritten == 1)
        #expect(settled.report.duplicatesEarlierRuns == 0)
        #expect(settled.examples.count == 2)
        #expect(settled.metadata.map { $0["line_start"] as! Int } == [1, 5])
    }

    // MARK: §6 metadata

    @Test func metadataDescribesWhereTheTurnCameFrom() throws {
        var t = Transcript()
        t.other("system")
        t.user("go", ["agentId": "ag1"])
        t.assistant("A", [use("c1", "mcp__srv__a"), use("c2", "Bash"), use("c3", "mcp__srv__a"), use("c4", "mcp__two__b")])
        t.results([("c1", "", true), ("c2", "", nil), ("c3", "", false), ("c4", "", true)])
        t.other("progress")
        t.assistant("B", [text("done")])
        t.other("system")
        let run = try scan(t)
        let m = try #require(run.metadata.first) as NSDictionary
        #expect(m == [
            "source": "claude-code", "file": "p/s.jsonl", "session_id": "s-1", "agent_id": "ag1", "sidechain": false,
            "cwd": "/work", "git_branch": "main", "client_version": "2.1.0", "model": "claude-test",
            "started_at": "2026-01-01T00:00:02Z", "ended_at": "2026-01-01T00:00:06Z", "line_start": 2, "line_end": 6,
            "tools": ["mcp__srv__a", "Bash", "mcp__two__b"], "mcp_servers": ["srv", "two"],
            "num_tool_calls": 4, "num_tool_errors": 2,
            // "go" + four names and `{"q":1}` arguments + "done" ("A" is the message id); no feedback (the file ends).
            "bytes": 2 + (11 + 4 + 11 + 11) + 4 * 7 + 4, "redactions": 0,
        ])
    }

    @Test func mcpServerIsTheTextBetweenThePrefixAndTheNextDoubleUnderscore() {
        let cases: [(String, String?)] = [
            ("mcp__github__search_issues", "github"), ("mcp__openroad-mcp__run", "openroad-mcp"), ("mcp__a__b__c", "a"),
            ("mcp__solo", "solo"), ("mcp__", ""), ("mcp__x", "x"), ("mcp___x", "_x"), ("mcp__é__t", "é"),
            ("mcp_x__y", nil), ("Bash", nil), ("", nil), ("MCP__a__b", nil),
        ]
        for (name, server) in cases { #expect(Example.mcpServer(of: name) == server, "\(name)") }
    }
}
