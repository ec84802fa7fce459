import Foundation
import TestSupport
import Testing
@testable import ThresherJSON

/// The tokenizer against Foundation's `JSONSerialization` on generated
/// documents: same validity, same decoded values.
@Suite struct JSONOracleTests {
    /// Writes a random value with random whitespace and random (valid)
    /// escaping choices, so the same value appears in many spellings.
    static func generate(_ r: inout SeededRandom, depth: Int, into out: inout String) {
        func ws() { if r.chance(20) { out += [" ", "\n", "\t", "\r\n", "  "][r.below(5)] } }
        let kind = depth > 5 ? 2 + r.below(4) : r.below(6)
        ws()
        switch kind {
        case 0:
            out += "{"
            let n = r.below(5)
            for i in 0..<n {
                if i > 0 { out += "," }
                ws()
                string(&r, into: &out)
                ws()
                out += ":"
                generate(&r, depth: depth + 1, into: &out)
            }
            ws()
            out += "}"
        case 1:
            out += "["
            let n = r.below(5)
            for i in 0..<n {
                if i > 0 { out += "," }
                generate(&r, depth: depth + 1, into: &out)
            }
            ws()
            out += "]"
        case 2:
            string(&r, into: &out)
        case 3:
            let numbers = ["0", "-0", "12", "-7", "3.25", "1e3", "-2.5E-2", "123456789", "0.001", "6.02e+23"]
            out += numbers[r.below(numbers.count)]
        case 4:
            out += ["true", "false", "null"][r.below(3)]
        default:
            string(&r, into: &out)
        }
        ws()
    }

    static func string(_ r: inout SeededRandom, into out: inout String) {
        let alphabet: [Unicode.Scalar] = ["a", "b", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "é", "€", "😀", "\u{7F}", "\u{2028}", "k"]
        out += "\""
        for _ in 0..<r.below(8) {
            let scalar = alphabet[r.below(alphabet.count)]
            let v = scalar.value
            switch (v, r.below(3)) {
            case (0x22, _): out += "\\\""
            case (0x5C, _): out += "\\\\"
            case (0x0A, 0): out += "\\n"
            case (0..<0x20, _): out += String(format: "\\u%04x", v)
            case (_, 0) where v > 0xFFFF:
                let high = 0xD800 + ((v - 0x10000) >> 10)
                let low = 0xDC00 + ((v - 0x10000) & 0x3FF)
                out += String(format: "\\u%04X\\u%04x", high, low)
            case (_, 1): out += String(format: "\\u%04x", v <= 0xFFFF ? v : 0x41)
            case (0x2F, 2): out += "\\/"
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Our tape as a Foundation value, for comparison with the oracle.
    static func toFoundation(_ tape: JSONTape, _ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Any {
        switch tape[index].kind {
        case .object:
            var dict: [String: Any] = [:]
            for (k, v) in tape.uniqueMembers(of: index, in: bytes) {
                dict[tape.decodeString(k, in: bytes)] = toFoundation(tape, v, bytes)
            }
            return dict
        case .array:
            return tape.elements(of: index).map { toFoundation(tape, $0, bytes) }
        case .string:
            return tape.decodeString(index, in: bytes)
        case .number:
            return Double(tape.canonicalString(index, in: bytes))!
        case .true: return true
        case .false: return false
        case .null: return NSNull()
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        case (let x as [Any], let y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (let x as String, let y as String):
            return x == y
        case (is NSNull, is NSNull):
            return true
        case (let x as Bool, let y as NSNumber):
            // Foundation's booleans are NSNumbers of type "c".
            return String(cString: y.objCType) == "c" && x == y.boolValue
        case (let x as Double, let y as NSNumber):
            return x == y.doubleValue
        default:
            return false
        }
    }

    @Test func generatedDocumentsMatchJSONSerialization() throws {
        var r = SeededRandom(state: 42)
        for _ in 0..<3000 {
            var text = ""
            Self.generate(&r, depth: 0, into: &text)
            let bytes = Array(text.utf8)
            let oracle = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            guard case .success(let tape) = parse(bytes) else {
                Issue.record("rejected valid JSON: \(text.debugDescription)")
                continue
            }
            let ours = bytes.withUnsafeBufferPointer { Self.toFoundation(tape, tape.root, $0) }
            #expect(Self.equal(ours, oracle), "\(text.debugDescription)")
            // The canonical text is itself valid JSON with the same value.
            let again = canonical(bytes)!
            let reparsed = try JSONSerialization.jsonObject(with: Data(again.utf8), options: [.fragmentsAllowed])
            #expect(Self.equal(ours, reparsed), "\(again.debugDescription)")
        }
    }

    /// `parseLine` against `parse` of the bytes before the first newline:
    /// generated documents, valid and corrupted, whose whitespace may hold
    /// newlines, followed by spaces, `\r`, a newline and another line (or
    /// nothing). It must take exactly the lines `parse` accepts, ending at
    /// their newline, with the same tape.
    @Test func lineParsingAgreesWithParsingTheLine() throws {
        var r = SeededRandom(state: 17)
        let replacements: [UInt8] = Array("{}[]\":,\\ 0-.eEtfnu\u{1}\nx".utf8) + [0xFF, 0x0A]
        var taken = 0
        for round in 0..<6000 {
            var text = ""
            Self.generate(&r, depth: 0, into: &text)
            var bytes = Array(text.utf8)
            if round % 2 == 1, !bytes.isEmpty { bytes[r.below(bytes.count)] = replacements[r.below(replacements.count)] }
            bytes += [[], [0x20], [0x0D], [0x20, 0x09, 0x0D]][r.below(4)]
            if r.chance(90) { bytes += [0x0A] + Array(#"{"next":"line"}"#.utf8) }
            let newline = bytes.firstIndex(of: 0x0A)
            var expected: JSONTape?
            if let newline, case .success(let tape) = parse(Array(bytes[..<newline])) { expected = tape }
            var tape = JSONTape()
            let end = bytes.withUnsafeBufferPointer { JSONParser.parseLine($0, into: &tape) }
            #expect(end == (expected == nil ? nil : newline), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            if let expected, end != nil {
                taken += 1
                #expect(tape.count == expected.count)
                for k in 0..<min(tape.count, expected.count) {
                    #expect(tape[k].kind == expected[k].kind && tape[k].flags == expected[k].flags
                            && tape[k].start == expected[k].start && tape[k].end == expected[k].end && tape[k].next == expected[k].next)
                }
            }
        }
        #expect(taken > 2000, "\(taken) lines taken")
    }

    /// Single-byte corruptions of valid documents: never a crash, and the
    /// verdict agrees with the oracle whenever our parser accepts.
    @Test func corruptedDocumentsNeverCrashAndNeverPassWhenTheOracleRejects() throws {
        var r = SeededRandom(state: 7)
        let replacements: [UInt8] = Array("{}[]\":,\\ 0-.eEtfnu\u{1}x".utf8) + [0xFF, 0xC3]
        for _ in 0..<3000 {
            var text = ""
            Self.generate(&r, depth: 0, into: &text)
            var bytes = Array(text.utf8)
            guard !bytes.isEmpty else { continue }
            bytes[r.below(bytes.count)] = replacements[r.below(replacements.count)]
            if case .success = parse(bytes) {
                // Invalid UTF-8 inside strings is ours to repair, not an error; the
                // oracle rejects it, so only compare on valid UTF-8.
                guard let text = String(validating: bytes, as: UTF8.self) else { continue }
                // Also ours by design: lone surrogate escapes become U+FFFD,
                // and numbers beyond Double's range are kept as written.
                let lowered = text.lowercased()
                if ["\\ud8", "\\ud9", "\\uda", "\\udb", "\\udc", "\\udd", "\\ude", "\\udf"].contains(where: lowered.contains) { continue }
                if lowered.range(of: #"e[+-]?[0-9]{3,}"#, options: .regularExpression) != nil { continue }
                let oracle = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
                #expect(oracle != nil, "accepted what JSONSerialization rejects: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// The UTF-8 check kept text goes through, against Swift's own
    /// validation, on byte strings mixing ASCII runs, valid sequences of every
    /// length and bytes at the edges of the well-formed ranges: short ones
    /// (mostly the byte-by-byte tail) and long ones (16-byte blocks, with
    /// sequences and bad bytes across block edges), both mostly invalid and
    /// mostly valid.
    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        var r = SeededRandom(state: 99)
        let edges: [UInt8] = [0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
                              0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF, 0x8F, 0x90, 0x9F, 0xA0]
        let scalars: [Unicode.Scalar] = ["a", "\u{7F}", "\u{80}", "é", "\u{7FF}", "\u{800}", "€", "\u{D7FF}", "\u{E000}",
                                         "\u{FFFF}", "\u{10000}", "😀", "\u{10FFFF}", "\u{0FFF}", "\u{1000}", "\u{CFFF}",
                                         "\u{D000}", "\u{3FFFF}", "\u{40000}", "\u{100000}"]
        // Whole sequences each well-formedness rule rejects: overlong,
        // surrogate, past U+10FFFF, a lead never allowed.
        let illFormed: [[UInt8]] = [[0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
                                    [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
                                    [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]]
        for (pieces, oneBadIn) in [(12, 2), (48, 2), (48, 60)] {
            var invalid = 0
            for _ in 0..<20_000 {
                var bytes: [UInt8] = []
                for _ in 0..<r.below(pieces) {
                    if r.below(oneBadIn) == 0 {
                        switch r.below(3) {
                        case 0: bytes.append(edges[r.below(edges.count)])
                        case 1: bytes += illFormed[r.below(illFormed.count)]
                        default: bytes.append(UInt8(truncatingIfNeeded: r.next()))
                        }
                    } else if r.below(2) == 0 {
                        bytes += Array(repeating: UInt8(0x61 + r.below(26)), count: r.below(20))
                    } else {
                        bytes += Array(String(scalars[r.below(scalars.count)]).utf8)
                    }
                }
                let expected = String(validating: bytes, as: UTF8.self) != nil
                if !expected { invalid += 1 }
                #expect(bytes.withUnsafeBufferPointer { UTF8Check.isValid($0) } == expected, "\(bytes)")
            }
            // Both verdicts were exercised.
            #expect(invalid > 1_000 && invalid < 19_000, "\(pieces) pieces: \(invalid) invalid")
        }
    }

    /// The SIMD search for the end of a plain run against a byte loop, for
    /// every range start and length up to 48 (the 16-byte steps, the
    /// shifted last block and the byte loop of ranges under 16), with a
    /// special byte, or none, at every position; and the high-bit report:
    /// set exactly when a byte passed was >= 0x80.
    @Test func specialByteSearchAgreesWithAByteLoop() {
        var r = SeededRandom(state: 7)
        let specials: [UInt8] = [0x22, 0x5C, 0x00, 0x0A, 0x1F]
        let plain: [UInt8] = [0x20, 0x61, 0x7E, 0x7F, 0x21, 0x5B, 0x5D, 0xC3, 0xA9, 0xFF]
        for _ in 0..<20_000 {
            let count = r.below(49)
            var bytes = (0..<count).map { _ in plain[r.below(plain.count)] }
            if count > 0, r.chance(70) { bytes[r.below(count)] = specials[r.below(specials.count)] }
            if count > 0, r.chance(30) { bytes[r.below(count)] = specials[r.below(specials.count)] }
            let start = count == 0 ? 0 : r.below(count + 1)
            let expected = bytes[start...].firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 } ?? count
            let passedHigh = bytes[start..<expected].contains { $0 >= 0x80 }
            var high: UInt8 = 0
            let found = bytes.withUnsafeBufferPointer {
                ByteScan.firstSpecial($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: start, to: count, highBits: &high)
            }
            #expect(found == expected, "\(bytes) from \(start)")
            #expect((high & 0x80 != 0) == passedHigh, "\(bytes) from \(start)")
        }
    }

    /// The inline comparison of short runs: equal runs of every length up
    /// to 40, and a difference at every position of each.
    @Test func bytesEqualFindsADifferenceAtEveryPosition() {
        for count in 0...40 {
            let a = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(a.withUnsafeBufferPointer { x in a.withUnsafeBufferPointer { y in
                bytesEqual(x.baseAddress ?? UnsafePointer(bitPattern: 1)!, y.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: count)
            } })
            for position in 0..<count {
                var b = a
                b[position] ^= 0x40
                #expect(!a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in
                    bytesEqual(x.baseAddress!, y.baseAddress!, count: count)
                } }, "\(count) \(position)")
            }
        }
    }

    /// Transcoding a raw string body straight to minimal escaped form
    /// against decoding it and escaping the String again, on bodies mixing
    /// kept escapes, rewritten ones (`\/`, `\u` with pairs and lone
    /// surrogates), raw UTF-8 and invalid bytes next to escapes.
    @Test func transcodingAgreesWithDecodingThenEscaping() throws {
        var r = SeededRandom(state: 5)
        let pieces: [[UInt8]] = [
            Array(#"\n"#.utf8), Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\t"#.utf8), Array(#"\/"#.utf8),
            Array(#"\u00e9"#.utf8), Array(#"\u001F"#.utf8), Array(#"\u0041"#.utf8), Array(#"\ud83d\ude00"#.utf8),
            Array(#"\ud83d"#.utf8), Array(#"\ude00"#.utf8), Array("é€😀".utf8), [0xC3], [0xA9], [0xFF], [0xE2, 0x82],
            Array("plain text ".utf8), Array("x".utf8),
        ]
        for _ in 0..<5_000 {
            var body: [UInt8] = []
            for _ in 0..<r.below(14) { body += pieces[r.below(pieces.count)] }
            let document = [0x22] + body + [0x22]
            var tape = JSONTape()
            try document.withUnsafeBufferPointer { buffer in
                do throws(JSONSyntaxError) {
                    try JSONParser.parse(buffer, into: &tape)
                } catch {
                    throw Failure("rejected \(document): \(error)")
                }
            }
            let expected = JSONText(document.withUnsafeBufferPointer { tape.decodeString(0, in: $0) }).escaped
            var transcoded: [UInt8] = []
            let ok = document.withUnsafeBufferPointer { buffer in
                JSONText.appendTranscoded(UnsafeBufferPointer(rebasing: buffer[1..<buffer.count - 1]),
                                          flags: tape[0].flags, to: &transcoded)
            }
            #expect(ok && transcoded == expected, "\(body)")
        }
    }
}
