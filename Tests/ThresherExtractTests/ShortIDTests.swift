import TestSupport
import Testing
@testable import ThresherExtract

/// `ShortID` keeps ids up to 32 bytes inline: equal exactly when the texts
/// are, whatever the length, and the text comes back unchanged.
@Suite struct ShortIDTests {
    @Test func idsOfEveryLengthRoundTripAndCompareByText() {
        let alphabet = Array("abcXYZ019_-é😀")
        var all: [(String, ShortID)] = []
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 64] {
            for variant in 0..<3 {
                let text = String((0..<length).map { alphabet[($0 * 7 + variant * 3) % alphabet.count] })
                let id = ShortID(text)
                #expect(id.string == text)
                all.append((text, id))
            }
        }
        for (textA, idA) in all {
            for (textB, idB) in all {
                #expect((idA == idB) == (textA == textB), "\(textA) / \(textB)")
                if textA == textB { #expect(idA.hashValue == idB.hashValue) }
            }
        }
    }

    @Test func anIDThatDiffersOnlyInItsLastInlineByteOrInLengthIsAnotherID() {
        let base = String(repeating: "a", count: 31)
        #expect(ShortID(base + "a") != ShortID(base + "b"))
        #expect(ShortID(base) != ShortID(base + "\u{0}"))
        #expect(ShortID(base + "aa") != ShortID(base + "ab"))
    }

    /// An escaped spelling of an id in a transcript is the same id.
    @Test func escapedAndPlainSpellingsInRecordsPairUp() throws {
        var t = Transcript()
        t.raw(#"{"type":"user","uuid":"u1","message":{"role":"user","content":"go"}}"#)
        t.raw(#"{"type":"assistant","uuid":"a1","parentUuid":"u1","message":{"id":"msg_\u0031","content":[{"type":"text","text":"Looking."}]}}"#)
        t.raw(#"{"type":"assistant","uuid":"a2","parentUuid":"a1","message":{"id":"msg_1","content":[{"type":"tool_use","id":"toolu_\u00e9x","name":"mcp__s__x","input":{}}]}}"#)
        t.raw(#"{"type":"user","uuid":"r1","parentUuid":"a2","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_éx","content":"ok"}]}}"#)
        t.raw(#"{"type":"assistant","uuid":"a3","parentUuid":"r1","message":{"id":"msg_2","content":"done"}}"#)
        let run = try scan(t) { $0.selector = .mcp }
        #expect(run.examples.count == 1)
        let messages = run.messages.first ?? []
        // One assistant message (text and call: the same id), the result paired by its id, the answer.
        #expect(messages.count == 4)
        #expect((messages.last?["content"] as? String) == "done")
        #expect((messages.first { $0["role"] as? String == "tool" }?["tool_call_id"] as? String) == "toolu_éx")
    }
}
