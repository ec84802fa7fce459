import Foundation
import Testing
@testable import ThresherJSON

/// Parses `text` and returns the tape, or the error.
func parse(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> Result<JSONTape, JSONSyntaxError> {
    var tape = JSONTape()
    do throws(JSONSyntaxError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in
            try JSONParser.parse(buffer, into: &tape, maxDepth: maxDepth)
        }
        return .success(tape)
    } catch {
        return .failure(error)
    }
}

/// Canonical JSON text (SPEC §5) of a document.
func canonical(_ text: String) -> String? {
    let bytes = Array(text.utf8)
    return canonical(bytes)
}

func canonical(_ bytes: [UInt8]) -> String? {
    guard case .success(let tape) = parse(bytes) else { return nil }
    return bytes.withUnsafeBufferPointer { tape.canonicalString(tape.root, in: $0) }
}

/// The decoded text of a JSON string document such as `"a\u00e9"`.
func decodedString(_ bytes: [UInt8]) -> String? {
    guard case .success(let tape) = parse(bytes), tape[0].kind == .string else { return nil }
    return bytes.withUnsafeBufferPointer { tape.decodeString(0, in: $0) }
}

@Suite struct JSONParserTests {
    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "01", "1.", ".5", "-", "1e", "1e+",
        "+1", "NaN", "Infinity", "tru", "nul", "falsy", "\"abc", "\"a\\x\"", "\"\\u12G4\"", "\"\\u12\"", "[1 2]",
        "{\"a\":1} x", "{\"a\":1}{}", "// c\n{}", "[\"\t\"]", "\"a\u{0001}b\"", "{\"a\":}", "[,1]", "\u{FEFF}{}",
    ])
    func rejectsInvalidDocuments(_ text: String) {
        guard case .failure = parse(Array(text.utf8)) else {
            Issue.record("accepted invalid JSON: \(text.debugDescription)")
            return
        }
    }

    @Test func reportsWhereAndWhy() throws {
        guard case .failure(let error) = parse(Array("{\"a\":tru}".utf8)) else { throw Failure("accepted") }
        #expect(error.reason == .invalidLiteral)
        #expect(error.offset == 5)
        #expect(error.description == "invalid literal at byte 5")
        guard case .failure(let trailing) = parse(Array("{} x".utf8)) else { throw Failure("accepted") }
        #expect(trailing.reason == .trailingData)
        #expect(trailing.offset == 3)
    }

    @Test func nestingLimitCountsTheOutermostValueAsLevelOne() {
        func nested(_ depth: Int) -> [UInt8] {
            Array(("{\"a\":" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}").utf8)
        }
        guard case .success = parse(nested(512)) else {
            Issue.record("rejected 512 levels")
            return
        }
        guard case .failure(let error) = parse(nested(513)) else {
            Issue.record("accepted 513 levels")
            return
        }
        #expect(error.reason == .tooDeep(limit: 512))
    }

    @Test func skipsValuesAndFindsMembers() throws {
        let bytes = Array(#"{"a":{"x":[1,2,{"y":null}]},"b":"two","a":true}"#.utf8)
        guard case .success(let tape) = parse(bytes) else { throw Failure("rejected") }
        bytes.withUnsafeBufferPointer { buffer in
            // A repeated key takes its last value.
            let a = tape.member(of: 0, "a", in: buffer)
            #expect(a.map { tape[$0].kind } == .true)
            let b = tape.member(of: 0, "b", in: buffer)!
            #expect(tape.decodeString(b, in: buffer) == "two")
            #expect(tape.member(of: 0, "c", in: buffer) == nil)
            #expect(tape.count(of: 0) == 3)
        }
    }

    @Test func decodesEscapes() {
        #expect(decodedString(Array(#""a\"b\\c\/d\b\f\n\r\t""#.utf8)) == "a\"b\\c/d\u{8}\u{C}\n\r\t")
        #expect(decodedString(Array(#""\u00e9\u20AC\ud83d\ude00""#.utf8)) == "é€😀")
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() {
        #expect(decodedString(Array(#""a\ud800b""#.utf8)) == "a\u{FFFD}b")
        #expect(decodedString(Array(#""\udc00""#.utf8)) == "\u{FFFD}")
        #expect(decodedString(Array(#""\ud800\ud800\udc00""#.utf8)) == "\u{FFFD}𐀀")
        #expect(decodedString(Array(#""\ud83d\u0041""#.utf8)) == "\u{FFFD}A")
        #expect(decodedString(Array(#""\ud83d""#.utf8)) == "\u{FFFD}")
    }

    @Test(arguments: [
        ([0xF0, 0x9F, 0x98], "\u{FFFD}"),              // truncated 4-byte sequence: one maximal subpart
        ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),            // overlong: each byte invalid
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),  // encoded surrogate
        ([0x61, 0xFF, 0x62], "a\u{FFFD}b"),
        ([0xE2, 0x82], "\u{FFFD}"),
        ([0xE2, 0x82, 0xAC], "€"),
    ] as [([UInt8], String)])
    func invalidUTF8BecomesOneReplacementPerMaximalSubpart(_ body: [UInt8], _ expected: String) {
        #expect(decodedString([0x22] + body + [0x22]) == expected)
        // The same inside an escaped string takes the slow path; same answer.
        #expect(decodedString([0x22, 0x5C, 0x6E] + body + [0x22]) == "\n" + expected)
    }

    @Test func canonicalFormIsCompactOrderedAndMinimallyEscaped() {
        #expect(canonical(#" { "b" : 1 , "a" : [ 1.50 , -0 , 2E+3 , true , null ] } "#) == #"{"b":1,"a":[1.50,-0,2E+3,true,null]}"#)
        #expect(canonical(#"{"k":1,"j":2,"k":3}"#) == #"{"k":3,"j":2}"#)
        #expect(canonical(#"{"\u006b":1,"k":2}"#) == #"{"k":2}"#)
        #expect(canonical(#""\u001F\u007f\/\u2028\u00e9""#) == "\"\\u001f\u{7F}/\u{2028}é\"")
        #expect(canonical(#""\b\f\n\r\t\"\\""#) == #""\b\f\n\r\t\"\\""#)
        #expect(canonical([0x22, 0xFF, 0x22]) == "\"\u{FFFD}\"")
    }

    /// One reused tape through documents of very different sizes: the node
    /// storage grows (the document is parsed again) and every result is whole.
    @Test func aReusedTapeGrowsForLargeDocumentsAndStaysCorrect() throws {
        var tape = JSONTape()
        for size in [1, 300, 5, 100_000, 2, 70_000] {
            let text = "[" + (0..<size).map { #"{"k":\#($0)}"# }.joined(separator: ",") + "]"
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBufferPointer { try JSONParser.parse($0, into: &tape) }
            #expect(tape.count == 1 + 3 * size)
            let values = bytes.withUnsafeBufferPointer { buffer in
                tape.elements(of: tape.root).map { tape.canonicalString(tape.member(of: $0, "k", in: buffer)!, in: buffer) }
            }
            #expect(values == (0..<size).map(String.init))
        }
        // A smaller depth limit on the same tape, then the default again.
        let deep = Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8)
        for (limit, accepted) in [(1000, true), (10, false), (512, false)] {
            var failed = false
            do {
                try deep.withUnsafeBufferPointer { try JSONParser.parse($0, into: &tape, maxDepth: limit) }
            } catch {
                failed = true
                #expect((error as? JSONSyntaxError)?.reason == .tooDeep(limit: limit))
            }
            #expect(failed != accepted)
        }
    }

    /// Bodies whose escapes minimal text keeps are copied whole; one `\/`
    /// or `\u` anywhere, or invalid UTF-8, sends the body through rewriting.
    @Test func onlyNonMinimalEscapesOrBadUTF8AreRewritten() throws {
        for (text, rewritten) in [(#""a\"b\n\\c""#, false), (#""x\/y""#, true), (#""\n\u0041\t""#, true),
                                  (#""\\u0041""#, false), (#""\\/""#, false), (#""é\n""#, false)] {
            let bytes = Array(text.utf8)
            guard case .success(let tape) = parse(bytes) else { throw Failure("rejected \(text)") }
            #expect((tape[tape.root].flags & JSONNode.nonMinimalEscape != 0) == rewritten, "\(text)")
        }
        #expect(canonical(#""a\"b\/c""#) == #""a\"b/c""#)
        #expect(canonical(#""\n\u0041\t""#) == #""\nA\t""#)
        #expect(canonical([0x22, 0x5C, 0x6E, 0xC3, 0xA9, 0xFF, 0x22]) == "\"\\né\u{FFFD}\"")
    }

    /// Strings of every length around the 16-byte steps (the inline check
    /// of strings up to 48 bytes, the SIMD loop, the shifted last block), with the
    /// document ending at every distance after them, an escape or a
    /// non-ASCII character at each position, and a raw control byte, which
    /// must be rejected wherever it is.
    @Test func stringsOfEveryLengthAtEveryDistanceFromTheEnd() throws {
        for length in 0...56 {
            for tail in ["", " ", "           ", "                     "] {
                for variant in 0...3 {
                    var body = Array(repeating: UInt8(ascii: "a"), count: length)
                    let at = length / 2
                    var expected = String(decoding: body, as: UTF8.self)
                    if length > 0 {
                        switch variant {
                        case 1:
                            body.replaceSubrange(at..<at + 1, with: Array(#"\""#.utf8))
                            expected = String(decoding: body, as: UTF8.self).replacingOccurrences(of: #"\""#, with: "\"")
                        case 2:
                            body.replaceSubrange(at..<at + 1, with: Array("é".utf8))
                            expected = String(decoding: body, as: UTF8.self)
                        case 3:
                            body[at] = 0x0A
                        default: break
                        }
                    }
                    let document = Array(#"{"k":""#.utf8) + body + Array(#""}"#.utf8) + Array(tail.utf8)
                    let result = parse(document)
                    if variant == 3 && length > 0 {
                        guard case .failure(let error) = result else { throw Failure("accepted a raw LF at \(length)") }
                        #expect(error.reason == .controlCharacterInString && error.offset == 6 + at)
                        continue
                    }
                    guard case .success(let tape) = result else { throw Failure("rejected \(document)") }
                    let value = tape.member(of: tape.root, "k", in: document.withUnsafeBufferPointer { $0 })!
                    #expect(document.withUnsafeBufferPointer { tape.decodeString(value, in: $0) } == expected)
                    #expect(tape.valueRange(value) == 5..<(7 + body.count))
                    if variant == 2 && length > 0 { #expect(tape[value].flags & JSONNode.nonASCII != 0, "\(length) \(tail.count)") }
                }
            }
        }
    }

    @Test func whitespaceOnlyStrings() throws {
        for (text, expected) in [(#""  \n\t\r""#, true), (#""\u0020\u000A""#, true), (#""""#, true),
                                 (#"" x ""#, false), (#""\u00a0""#, false), (#""\\""#, false)] {
            let bytes = Array(text.utf8)
            guard case .success(let tape) = parse(bytes) else { throw Failure("rejected \(text)") }
            #expect(bytes.withUnsafeBufferPointer { tape.isWhitespaceOnly(0, in: $0) } == expected, "\(text)")
        }
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A document of more nodes than `shallowAbove` keeps the root's members
/// only, each with its exact extent, and is validated whole all the same.
@Suite struct ShallowParseTests {
    @Test func theShallowTapeHoldsTheTopLevelWithTheirExtents() throws {
        let text = #"{"a":[1,[2,3],{"b":4}],"c":"s","d":{"e":[5,6,7,8,9,10,11,12,13,14,15,16]}}"#
        let bytes = Array(text.utf8)
        var full = JSONTape()
        var shallow = JSONTape()
        try bytes.withUnsafeBufferPointer { buffer in
            try JSONParser.parse(buffer, into: &full)
            try JSONParser.parse(buffer, into: &shallow, shallowAbove: 8)
        }
        #expect(!full.isShallow)
        #expect(shallow.isShallow)
        #expect(shallow.count == 7)  // the root, three keys, three values
        bytes.withUnsafeBufferPointer { buffer in
            for key: StaticString in ["a", "c", "d"] {
                let f = full.member(of: full.root, key, in: buffer)!
                let s = shallow.member(of: shallow.root, key, in: buffer)!
                #expect(shallow[s].kind == full[f].kind)
                #expect(shallow.valueRange(s) == full.valueRange(f))
            }
        }
    }

    @Test func aParseStoresNoDeeperThanAsked() throws {
        let text = #"{"a":[1,[2,3],{"b":4}],"c":"s"}"#
        let bytes = Array(text.utf8)
        var full = JSONTape()
        var two = JSONTape()
        try bytes.withUnsafeBufferPointer { buffer in
            try JSONParser.parse(buffer, into: &full)
            try JSONParser.parse(buffer, into: &two, storingDepth: 2)
        }
        #expect(two.isShallow)
        // The root, keys a and c, their values, and a's three elements (not 2, 3, b, 4).
        #expect(two.count == 8)
        bytes.withUnsafeBufferPointer { buffer in
            let f = full.member(of: full.root, "a", in: buffer)!
            let s = two.member(of: two.root, "a", in: buffer)!
            #expect(two.elements(of: s).map { two.valueRange($0) } == full.elements(of: f).map { full.valueRange($0) })
            #expect(two.member(of: two.root, "c", in: buffer).map { two.valueRange($0) } == 27..<30)
        }
    }

    @Test func aShallowParseStillRejectsWhatIsMalformedDeepInside() {
        let bytes = Array(#"{"a":[1,[2,3],{"b":4,}],"c":"s","d":[5,6,7,8,9,10,11,12]}"#.utf8)
        var tape = JSONTape()
        #expect(throws: JSONSyntaxError.self) {
            try bytes.withUnsafeBufferPointer { try JSONParser.parse($0, into: &tape, shallowAbove: 4) }
        }
    }
}
