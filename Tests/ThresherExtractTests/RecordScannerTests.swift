import TestSupport
import Testing
@testable import ThresherExtract

/// Phase 1 on single lines (SPEC §2): what a line becomes in the unit summary.
@Suite struct RecordScannerTests {
    @Test func promptCallAndResultBecomeTheirEvents() {
        var t = Transcript()
        t.user("Weather in Lyon?")
        t.assistant("m1", [use("c1", "mcp__weather__forecast", ["city": "Lyon"])])
        t.result("c1", "18C")
        let unit = InMemoryTranscript(t).summary()
        #expect(unit.records.count == 3)
        #expect(unit.counters.lines == 3)
        #expect(unit.counters.recordsByType == ["user": 2, "assistant": 1])
        guard case .prompt = unit.records[0].event else { Issue.record("line 1 is not a prompt"); return }
        guard case .assistant(let assistant) = unit.records[1].event else { Issue.record("line 2 is not an assistant"); return }
        let blocks = unit.blocks(of: unit.assistants[Int(assistant)])
        #expect(blocks.count == 1)
        guard case .toolResults(let range) = unit.records[2].event else { Issue.record("line 3 is not results"); return }
        #expect(unit.toolResults(range).count == 1)
        #expect(unit.records.map(\.line) == [0, 1, 2])
        #expect(unit.records[1].parentUuid == unit.records[0].uuid)
    }

    @Test func malformedAndBlankLinesAreCountedWithTheirLineNumbers() {
        var t = Transcript()
        t.user("a")
        t.raw("{\"type\": \"user\", ")
        t.raw("   ")
        t.raw("[1, 2]")
        let unit = InMemoryTranscript(t).summary()
        #expect(unit.records.count == 1)
        #expect(unit.counters.lines == 4)
        #expect(unit.counters.blankLines == 1)
        #expect(unit.counters.malformedCount == 2)
        #expect(unit.counters.malformedSamples.map(\.line) == [2, 4])
        #expect(unit.counters.malformedSamples.last?.reason == "not a JSON object")
    }

    @Test func aByteOrderMarkIsToleratedOnlyAtTheStartOfTheFile() {
        var t = Transcript()
        t.user("first")
        t.user("second")
        let lines = t.lines
        let atStart = InMemoryTranscript(text: "\u{FEFF}" + lines[0] + "\n" + lines[1] + "\n").summary()
        #expect(atStart.records.count == 2)
        #expect(atStart.counters.malformedCount == 0)
        let later = InMemoryTranscript(text: lines[0] + "\n\u{FEFF}" + lines[1] + "\n").summary()
        #expect(later.records.count == 1)
        #expect(later.counters.malformedCount == 1)
    }

    @Test func aCarriageReturnBeforeTheNewlineIsNotPartOfTheRecord() {
        var t = Transcript()
        t.user("windows")
        let unit = InMemoryTranscript(text: t.lines[0] + "\r\n").summary()
        #expect(unit.records.count == 1)
        #expect(unit.counters.malformedCount == 0)
    }

    /// `scanLine` finds a line's end while parsing; it must agree with
    /// `scan` on every line it takes and decline the rest.
    @Test func scanLineAgreesWithScanOrDeclines() {
        var t = Transcript()
        t.user("Weather?")
        t.assistant("m1", [use("c1", "mcp__w__f", ["q": "x\ny"])])
        let text = t.lines[0] + "\n" + t.lines[1] + "\r\n" + "  " + t.lines[0] + "\n" + "{\"broken\": \n"
        let bytes = Array(text.utf8)
        var byScan = RecordScanner()
        var byScanLine = RecordScanner()
        var scanned = UnitSummary()
        var measured = UnitSummary()
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            var index = 0
            while start < buffer.count {
                let newline = buffer[start...].firstIndex(of: 0x0A)!
                byScan.scan(line: UnsafeBufferPointer(rebasing: buffer[start..<newline]), offset: Int64(start), lineIndex: index, into: &scanned)
                let rest = UnsafeBufferPointer(rebasing: buffer[start...])
                if let length = byScanLine.scanLine(at: rest, offset: Int64(start), lineIndex: index, into: &measured) {
                    #expect(start + length == newline, "scanLine measured line \(index + 1) wrongly")
                } else {
                    #expect(index >= 2, "scanLine declined the plain object line \(index + 1)")
                    byScanLine.scan(line: UnsafeBufferPointer(rebasing: buffer[start..<newline]), offset: Int64(start), lineIndex: index, into: &measured)
                }
                start = newline + 1
                index += 1
            }
        }
        #expect(scanned.records.count == 3)
        #expect(measured.records.map(\.uuid) == scanned.records.map(\.uuid))
        #expect(measured.counters.lines == scanned.counters.lines)
        #expect(measured.counters.malformedCount == 1)
    }
}

/// Lines of more JSON values than `shallowAbove` keep a small tape.
@Suite struct ShallowTapeTests {
    private func summary(_ text: String, shallowAbove: Int) -> UnitSummary {
        var options = ExtractOptions()
        options.shallowAbove = shallowAbove
        var scanner = RecordScanner(options: options)
        var unit = UnitSummary()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { scanner.scan(line: $0, offset: 0, lineIndex: 0, into: &unit) }
        return unit
    }

    @Test func aHugeProgressRecordIsSummarizedFromItsTopLevelAlone() {
        let items = (0..<500).map { "{\"k\":\($0),\"v\":[1,2,{\"deep\":true}]}" }.joined(separator: ",")
        let line = #"{"type":"progress","uuid":"11111111-2222-3333-4444-555555555555","parentUuid":null,"timestamp":"2026-01-01T00:00:00Z","data":{"items":["# + items + "]}}"
        let full = summary(line, shallowAbove: .max)
        let shallow = summary(line, shallowAbove: 64)
        #expect(shallow.records.count == 1)
        #expect(shallow.records.first?.uuid == full.records.first?.uuid)
        #expect(shallow.records.first?.timestamp == full.records.first?.timestamp)
        #expect(shallow.counters.recordsByType == full.counters.recordsByType)
        #expect(shallow.counters.malformedCount == 0)
    }

    @Test func aHugeUserRecordIsStillReadWhole() {
        var t = Transcript()
        let blocks = (0..<300).map { i -> [String: Any] in ["type": "text", "text": "part \(i)"] }
        t.user(blocks)
        let full = summary(t.lines[0], shallowAbove: .max)
        let shallow = summary(t.lines[0], shallowAbove: 64)
        #expect(shallow.prompts.count == 1)
        #expect(shallow.prompts.count == full.prompts.count)
        #expect(shallow.records.map(\.uuid) == full.records.map(\.uuid))
    }

    /// A turn record of many values is stored only as deep as its summary
    /// reads: a call's dense input and a tool result's one text block read
    /// the same as from a whole tape.
    @Test func aHugeTurnRecordIsReadAsDeepAsItsSummaryLooks() {
        var t = Transcript()
        let items = (0..<400).map { i -> [String: Any] in ["k": i, "v": ["deep": [i, i + 1]]] }
        t.assistant("m1", [["type": "text", "text": "calling"],
                           ["type": "tool_use", "id": "c1", "name": "mcp__s__t", "input": ["items": items]]])
        t.user([["type": "tool_result", "tool_use_id": "c1", "content": [["type": "text", "text": "the answer"]],
                 "is_error": false]] + (0..<300).map { _ in ["type": "tool_result", "tool_use_id": "c2", "content": "x"] })
        for line in t.lines {
            let full = summary(line, shallowAbove: .max)
            let shallow = summary(line, shallowAbove: 64)
            #expect(shallow.records.count == 1)
            #expect(String(describing: shallow.assistantBlocks) == String(describing: full.assistantBlocks))
            #expect(String(describing: shallow.toolResults) == String(describing: full.toolResults))
            #expect(String(describing: shallow.records) == String(describing: full.records))
        }
        let call = summary(t.lines[0], shallowAbove: 64)
        #expect(call.assistantBlocks.count == 2)
        let result = summary(t.lines[1], shallowAbove: 64)
        #expect(result.toolResults.count == 301)
        // The one text block's string, not the array: read at depth 6.
        #expect(result.toolResults.first?.content?.kind == .string)
    }

    @Test func aMalformedHugeLineIsStillRejected() {
        let items = (0..<500).map { "[\($0)]" }.joined(separator: ",")
        let unit = summary(#"{"type":"progress","data":["# + items + ",]}", shallowAbove: 64)
        #expect(unit.counters.malformedCount == 1)
        #expect(unit.records.isEmpty)
    }
}
