import Testing
@testable import ThresherJSON

@Suite struct JSONWriterTests {
    private func text(_ w: JSONWriter) -> String { String(decoding: w.bytes, as: UTF8.self) }

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

    @Test func sixtyFourLevelsNestAndUnwind() {
        var w = JSONWriter()
        for _ in 0..<64 { w.beginArray(); w.int(0) }
        for _ in 0..<64 { w.endArray() }
        w.beginArray(); w.int(1); w.int(2); w.endArray()
        let expected = Array(repeating: "[0", count: 64).joined(separator: ",") + String(repeating: "]", count: 64) + "[1,2]"
        #expect(text(w) == expected)
    }
}
