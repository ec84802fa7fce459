import TestSupport
import Testing
@testable import ThresherJSON

/// The tokenizer's string scan (64-byte bit masks, the escape-by-escape loop
/// for the rest) against a byte-by-byte reading of the same rules.
@Suite struct StringScanTests {
    /// Which bytes a backslash escapes, one byte at a time across blocks, as
    /// `StringBlock.escaped` must compute them from whole masks.
    @Test func escapedBytesFollowEveryRunOfBackslashesAcrossBlocks() {
        var r = SeededRandom(state: 11)
        for _ in 0..<5_000 {
            let blocks = 1 + r.below(4)
            // Runs of backslashes are what matters: draw masks dense in them.
            let masks = (0..<blocks).map { _ -> UInt64 in
                switch r.below(4) {
                case 0: return r.next()
                case 1: return r.next() | r.next()
                case 2: return ~0 << UInt64(r.below(64))
                default: return r.next() & r.next()
                }
            }
            var expected: [UInt64] = Array(repeating: 0, count: blocks)
            var escapedNext = false
            for k in 0..<(blocks * 64) {
                let isBackslash = masks[k / 64] >> UInt64(k % 64) & 1 == 1
                if escapedNext {
                    if !isBackslash { expected[k / 64] |= 1 << UInt64(k % 64) }
                    escapedNext = false
                } else if isBackslash {
                    escapedNext = true
                }
            }
            var carry: UInt64 = 0
            for (index, mask) in masks.enumerated() {
                let (escaped, carryOut) = StringBlock.escaped(backslashes: mask, carry: carry)
                #expect(escaped == expected[index], "\(masks.map { String($0, radix: 2) }) block \(index) carry \(carry)")
                carry = carryOut
            }
            #expect((carry == 1) == escapedNext)
        }
    }

    @Test func escapeKindsOfEveryByte() {
        for b in 0...255 {
            let kind = StringBlock.escapeKind(UInt8(b))
            switch UInt8(b) {
            case 0x22, 0x62, 0x66, 0x6E, 0x72, 0x74: #expect(kind == StringBlock.plain, "\(b)")
            case 0x2F: #expect(kind == StringBlock.plain | StringBlock.rewrite)
            case 0x75: #expect(kind == StringBlock.plain | StringBlock.rewrite | StringBlock.unicode)
            default: #expect(kind & StringBlock.plain == 0, "\(b)")
            }
        }
    }

    /// A string's flags count only its own bytes, not those after its
    /// closing quote in the same 64-byte block.
    @Test func bytesAfterAStringDoNotMarkIt() throws {
        for length in 40...140 {
            let body = Array(repeating: UInt8(ascii: "a"), count: length) + Array(#"\n"#.utf8)
            let document = Array("[\"".utf8) + body + Array(#"","é\u0041"]"#.utf8)
            guard case .success(let tape) = parse(document) else { throw Failure("rejected \(length)") }
            #expect(tape[1].flags == JSONNode.escaped, "\(length)")
            #expect(Int(tape[1].end) == 2 + body.count)
            #expect(tape[2].flags == JSONNode.nonASCII | JSONNode.escaped | JSONNode.nonMinimalEscape)
        }
    }

    /// What parsing a document that is one string followed by spaces must
    /// give: the string's end and flags, or the first error and its offset.
    enum Outcome: Equatable {
        case string(end: Int, flags: UInt8)
        case failure(JSONSyntaxError)
    }

    /// The rules byte by byte: the string ends at the first quote not
    /// escaped; each escape is checked where it starts; a raw control byte
    /// is an error; whatever follows the string must be whitespace.
    static func reference(_ d: [UInt8]) -> Outcome {
        var j = 1
        var flags: UInt8 = 0
        while true {
            guard j < d.count else { return .failure(JSONSyntaxError(.unexpectedEnd, at: j)) }
            let b = d[j]
            if b == 0x22 { break }
            if b < 0x20 { return .failure(JSONSyntaxError(.controlCharacterInString, at: j)) }
            if b >= 0x80 { flags |= JSONNode.nonASCII }
            guard b == 0x5C else { j += 1; continue }
            flags |= JSONNode.escaped
            guard j + 1 < d.count else { return .failure(JSONSyntaxError(.unexpectedEnd, at: j + 1)) }
            switch d[j + 1] {
            case 0x22, 0x5C, 0x62, 0x66, 0x6E, 0x72, 0x74: j += 2
            case 0x2F: flags |= JSONNode.nonMinimalEscape; j += 2
            case 0x75:
                guard j + 6 <= d.count else { return .failure(JSONSyntaxError(.unexpectedEnd, at: d.count)) }
                guard d[(j + 2)..<(j + 6)].allSatisfy({ hexValue($0) != nil }) else {
                    return .failure(JSONSyntaxError(.invalidUnicodeEscape, at: j))
                }
                flags |= JSONNode.nonMinimalEscape
                j += 6
            default: return .failure(JSONSyntaxError(.invalidEscape, at: j))
            }
        }
        var k = j + 1
        while k < d.count, [0x20, 0x0A, 0x0D, 0x09].contains(d[k]) { k += 1 }
        guard k == d.count else { return .failure(JSONSyntaxError(.trailingData, at: k)) }
        return .string(end: j, flags: flags)
    }

    static func outcome(_ d: [UInt8]) -> Outcome {
        switch parse(d) {
        case .success(let tape): return .string(end: Int(tape[0].end), flags: tape[0].flags)
        case .failure(let error): return .failure(error)
        }
    }

    /// Bodies of 0 to 300 bytes drawn from pieces that move escapes across
    /// the 64-byte blocks: runs of 1 to 5 backslashes, escaped and raw
    /// quotes, every kind of escape, `\u` with good and bad hex digits, raw
    /// control bytes, UTF-8 and stray high bytes, and the document cut
    /// short or padded at random, so that strings end in blocks, past
    /// them, and in the byte-by-byte rest.
    @Test func generatedStringsMatchTheByteByByteRules() {
        var r = SeededRandom(state: 5)
        let pieces: [[UInt8]] = [
            Array(#"\n"#.utf8), Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\\\"#.utf8), Array(#"\\\\\"#.utf8),
            Array(#"\/"#.utf8), Array(#"\t\r\b\f"#.utf8), Array(#"\u00e9"#.utf8), Array(#"\uD83D\uDE00"#.utf8),
            Array(#"\u12G4"#.utf8), Array(#"\u12"#.utf8), Array(#"\uZ123"#.utf8), Array(#"\u0g12"#.utf8), Array(#"\u"#.utf8), Array(#"\x"#.utf8), Array(#"\a"#.utf8), [0x5C, 0xC3, 0xA9],
            Array("é→".utf8), [0xFF], [0x0A], [0x01], [0x22], Array(" ".utf8), Array("\"  ".utf8),
        ]
        var outcomes = [String: Int]()
        for _ in 0..<40_000 {
            var body: [UInt8] = []
            let target = r.below(301)
            while body.count < target {
                if r.chance(35) {
                    body += pieces[r.below(pieces.count)]
                } else {
                    body += Array(repeating: Array("abcdefgh".utf8)[r.below(8)], count: 1 + r.below(40))
                }
            }
            var document = [0x22] + body
            switch r.below(4) {
            case 0: break
            case 1: document += [0x22]
            default: document += [0x22] + Array(repeating: 0x20, count: r.below(80))
            }
            if r.chance(10) { document.removeLast(min(document.count - 1, r.below(8))) }
            let expected = Self.reference(document)
            #expect(Self.outcome(document) == expected, "\(String(decoding: document, as: UTF8.self).debugDescription)")
            switch expected {
            case .string: outcomes["string", default: 0] += 1
            case .failure(let error): outcomes["\(error.reason)", default: 0] += 1
            }
        }
        // Every outcome was drawn often enough to mean something.
        for reason in ["string", "unexpectedEnd", "controlCharacterInString", "invalidEscape", "invalidUnicodeEscape", "trailingData"] {
            #expect(outcomes[reason, default: 0] > 500, "\(outcomes)")
        }
    }
}
