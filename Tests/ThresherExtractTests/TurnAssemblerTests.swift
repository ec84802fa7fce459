import TestSupport
import Testing
@testable import ThresherExtract
import ThresherJSON

/// Phase 2 on its own (SPEC §3-§4): records in, turns and examples out.
@Suite struct TurnAssemblerTests {
    private func texts(_ example: Example) -> [String] {
        example.messages.map { message in
            switch message {
            case .user(let text): "user: " + text.string
            case .assistant(let text, let calls, _): "assistant: " + (text?.string ?? "") + calls.map { " call " + $0.name }.joined()
            case .tool(let id, _, let position, let content, let isError): "tool \(id)#\(position)\(isError ? "!" : ""): " + content.string
            }
        }
    }

    @Test func aCompleteTurnBecomesAnExampleWithItsLines() throws {
        var t = Transcript()
        t.user("Weather in Lyon?")
        t.assistant("m1", [text("Checking."), use("c1", "mcp__weather__forecast", ["city": "Lyon"])])
        t.result("c1", "18C")
        t.assistant("m2", [text("It is 18C.")])
        let (assembler, pending) = try InMemoryTranscript(t).assemble()
        #expect(pending == nil)
        #expect(assembler.counters.turnsComplete == 1)
        #expect(assembler.examples.count == 1)
        let example = try #require(assembler.examples.first)
        #expect(texts(example) == [
            "user: Weather in Lyon?", "assistant: Checking. call mcp__weather__forecast", "tool c1#0: 18C", "assistant: It is 18C.",
        ])
        #expect(example.metadata.lineStart == 1)
        #expect(example.metadata.lineEnd == 4)
        #expect(example.metadata.file == "p/s.jsonl")
        #expect(example.metadata.mcpServers == ["weather"])
        #expect(example.metadata.numToolCalls == 1)
        #expect(example.metadata.bytes == example.contentBytes)
    }

    @Test func theSelectorDecidesWhichCompleteTurnsBecomeExamples() throws {
        var t = Transcript()
        t.turn("a", tool: "Bash", id: "c1")
        t.turn("b", tool: "mcp__git__log", id: "c2")
        let mcp = try InMemoryTranscript(t).assemble(.init(selector: .mcp, redactor: nil)).assembler
        #expect(mcp.counters.turnsComplete == 2)
        #expect(mcp.counters.selected == 1)
        #expect(mcp.examples.map(\.metadata.tools) == [["mcp__git__log"]])
        let all = try InMemoryTranscript(t).assemble().assembler
        #expect(all.examples.count == 2)
    }

    @Test func anUnsettledOpenTurnIsPendingFromItsPrompt() throws {
        var t = Transcript()
        t.turn("done", id: "c1")
        t.user("still going")
        t.assistant("m3", [use("c2", "mcp__srv__do")])
        let transcript = InMemoryTranscript(t)
        let (open, pending) = try transcript.assemble(settled: false)
        #expect(open.examples.count == 1)
        #expect(open.counters.turnsPending == 1)
        let start = try #require(pending)
        #expect(start.line == 5)
        let promptOffset = transcript.bytes.indices.filter { transcript.bytes[$0] == 0x0A }[3] + 1
        #expect(start.offset == Int64(promptOffset))
        // Settled, the same turn ends with a call never answered.
        let (closed, none) = try transcript.assemble(settled: true)
        #expect(none == nil)
        #expect(closed.counters.turnsUnansweredCall == 1)
        #expect(closed.examples.count == 1)
    }

    @Test func anInterruptedTurnIsCountedAndNotEmitted() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("m1", [use("c1", "mcp__srv__do")])
        t.result("c1")
        t.user([text("[Request interrupted by user]")])
        t.turn("next", id: "c2")
        let assembler = try InMemoryTranscript(t).assemble().assembler
        #expect(assembler.counters.turnsInterrupted == 1)
        #expect(assembler.examples.map(\.metadata.lineStart) == [5])
    }

    @Test func theNextPromptGivesTheFeedbackOfTheTurnItCloses() throws {
        var t = Transcript()
        t.turn("first", id: "c1")
        t.user("Thanks, that works!")
        t.assistant("m2", [text("Glad to help.")])
        let example = try #require(InMemoryTranscript(t).assemble().assembler.examples.first)
        #expect(example.metadata.feedback == .positive)
    }

    @Test func sidechainsAreLeftOutWhenAsked() throws {
        var t = Transcript()
        t.turn("main", id: "c1")
        t.sidechain = true
        t.prefix = "side"
        t.parent = nil
        t.turn("delegated", id: "c2")
        let with = try InMemoryTranscript(t).assemble().assembler
        #expect(with.examples.map(\.metadata.sidechain) == [false, true])
        let without = try InMemoryTranscript(t).assemble(.init(selector: .all, includeSidechains: false, redactor: nil)).assembler
        #expect(without.examples.map(\.metadata.sidechain) == [false])
    }

    @Test func onExampleReceivesTheExamplesInsteadOfTheList() throws {
        var t = Transcript()
        t.turn("key sk-ant-api03-" + String(repeating: "a", count: 40), id: "c1")
        var configuration = TurnAssembler.Configuration(selector: .all, redactor: Redactor(rules: .all))
        configuration.keepThinking = false
        let transcript = InMemoryTranscript(t)
        let unit = transcript.summary()
        let bytes = transcript.bytes
        var assembler = TurnAssembler(
            configuration: configuration, file: "f",
            decoder: SpanDecoder { span in Array(bytes[Int(span.offset)..<Int(span.offset) + span.length]) })
        var received: [(Example, RedactionCounts)] = []
        assembler.onExample = { received.append(($0, $1)) }
        for record in unit.records { try assembler.feed(record, of: unit, line: record.line + 1) }
        _ = try assembler.finish(settled: true)
        #expect(assembler.examples.isEmpty)
        #expect(received.count == 1)
        // The key is in the prompt and in the result that quotes it.
        #expect(received.first?.1.total == 2)
        #expect(received.first.map { texts($0.0)[0].contains("sk-ant-") } == false)
    }
}
