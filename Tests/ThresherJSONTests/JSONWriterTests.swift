import Testing
@testable import ThresherJSON
import TestSupport

@Suite struct JSONWriterTests {
    private func text(_ w: borrowing JSONWriter) -> String { String(decoding: w.bytes, as: UTF8.self) }

    @Test func commasGoBetweenItemsAtEveryLevel() {
        var w = JSONWriter()
        w.beginObject()
        w.key("a")
        w.beginArray()
        w.int(1)
        w.beginObject(); w.endObject()
        w.beginArray(); w.endArray()
        w.beginObject(); w.key("b"); w.null(); w.key(named: "c\"d"); w.bool(false); w.endObject()
        w.string("x\n\u{1}")
        // A container opened where a sibling held items starts empty.
        w.beginArray(); w.int(5); w.endArray()
        w.beginArray(); w.int(6); w.endArray()
        w.endArray()
        w.key("e"); w.beginArray(); w.endArray()
        w.key("f"); w.raw("[1, 2]")
        w.endObject()
        #expect(text(w) == #"{"a":[1,{},[],{"b":null,"c\"d":false},"x\n\u0001",[5],[6]],"e":[],"f":[1, 2]}"#)
        // A reset forgets the containers that were open.
        w.beginArray()
        w.reset()
        w.beginArray(); w.int(2); w.endArray()
        #expect(text(w) == "[2]")
    }

    /// The writer's own buffer, grown from 16 bytes through every size by
    /// items of every length (keys, escaped strings, texts, raw JSON, a
    /// 100 KB string), against the same text built in an array; and a
    /// reset keeps writing from the start, `drain` hands over what is there.
    @Test func theBufferGrowsFromSixteenBytesAndKeepsEveryByte() {
        var w = JSONWriter(capacity: 16)
        var expected: [UInt8] = Array("[".utf8)
        w.beginArray()
        for k in 0..<3_000 {
            let value = String(repeating: "ab\"\u{1}é", count: k % 37) + (k == 1_500 ? String(repeating: "x", count: 100_000) : "")
            if k > 0 { expected.append(UInt8(ascii: ",")) }
            switch k % 4 {
            case 0: w.string(value); JSONWriter.appendQuoted(value, to: &expected)
            case 1: w.text(JSONText(value)); JSONWriter.appendQuoted(value, to: &expected)
            case 2: w.int(k); expected += Array(String(k).utf8)
            default:
                w.beginObject(); w.key("k"); w.raw("[\(k)]"); w.endObject()
                expected += Array("{\"k\":[\(k)]}".utf8)
            }
        }
        w.endArray()
        expected += Array("]".utf8)
        #expect(w.bytes == expected)
        #expect(w.count == expected.count)
        var drained: [UInt8] = []
        w.drain { drained += $0 }
        #expect(drained == expected && w.count == 0)
        w.reset()
        w.string("again")
        #expect(text(w) == "\"again\"")
    }

    @Test func sixtyFourLevelsNestAndUnwind() {
        var w = JSONWriter()
        for _ in 0..<64 { w.beginArray(); w.int(0) }
        for _ in 0..<64 { w.endArray() }
        w.beginArray(); w.int(1); w.int(2); w.endArray()
        let expected = Array(repeating: "[0", count: 64).joined(separator: ",") + String(repeating: "]", count: 64) + "[1,2]"
        #expect(text(w) == expected)
    }
}

struct JSONTextRawCountTests {
    /// `rawCount` undoes every escape by counting: it must give the decoded
    /// text's UTF-8 size, wherever escapes and runs of backslashes fall
    /// against its 64-byte blocks.
    @Test func rawCountIsTheDecodedSize() {
        var random = SeededRandom(state: 7)
        let pieces = ["a", "bc", "\"", "\\", "\n", "\t", "\u{1}", "\u{1f}", "é", "日本", "\\u", "u", "/", "        ",
                      "\\\\\\", String(repeating: "x", count: 61)]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<random.below(90) { text += pieces[random.below(pieces.count)] }
            let escaped = JSONText(text)
            #expect(escaped.rawCount == text.utf8.count, "\(text.debugDescription)")
        }
    }
}
