import Testing
@testable import ThresherExtract

/// `RecordID.packed` reads uuids eight bytes at a time; these check it
/// against a digit-by-digit reading and at the edges of the hex ranges.
@Suite struct RecordIDTests {
    /// The straightforward reading the packed form must agree with.
    private func naive(_ text: String) -> (UInt64, UInt64)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 36, [8, 13, 18, 23].allSatisfy({ bytes[$0] == 0x2D }) else { return nil }
        var digits: [UInt64] = []
        for (i, b) in bytes.enumerated() where ![8, 13, 18, 23].contains(i) {
            switch b {
            case 0x30...0x39: digits.append(UInt64(b - 0x30))
            case 0x61...0x66: digits.append(UInt64(b - 0x61 + 10))
            default: return nil
            }
        }
        return (digits[0..<16].reduce(0) { $0 << 4 | $1 }, digits[16..<32].reduce(0) { $0 << 4 | $1 })
    }

    private func packed(_ text: String) -> RecordID? {
        Array(text.utf8).withUnsafeBufferPointer { RecordID.packed($0) }
    }

    @Test func randomUUIDsPackLikeTheNaiveReading() {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        for _ in 0..<2_000 {
            var text = String((0..<32).map { _ in hex[Int(generator.next() % 16)] })
            for position in [8, 13, 18, 23] { text.insert("-", at: text.index(text.startIndex, offsetBy: position)) }
            let expected = naive(text)!
            #expect(packed(text) == .packed(expected.0, expected.1), "\(text)")
        }
    }

    @Test func bytesAtTheEdgesOfTheHexRangesAreRejectedInEveryPosition() {
        let base = Array("0123abcd-ef01-2345-6789-abcdef012345".utf8)
        for position in 0..<36 where ![8, 13, 18, 23].contains(position) {
            for bad in [0x2F, 0x3A, 0x40, 0x41, 0x46, 0x60, 0x67, 0x00, 0x80, 0xB0, 0xE1] as [UInt8] {
                var bytes = base
                bytes[position] = bad
                let result = bytes.withUnsafeBufferPointer { RecordID.packed($0) }
                #expect(result == nil, "byte \(bad) at \(position)")
            }
        }
        #expect(packed("0123abcd-ef01-2345-6789-abcdef012345") != nil)
        #expect(packed("0123abcd-ef01-2345-6789-abcdef01234") == nil)
        #expect(packed("0123abcd_ef01-2345-6789-abcdef012345") == nil)
    }

    @Test func eachDigitLandsInItsOwnNibble() {
        let zero = "00000000-0000-0000-0000-000000000000"
        for position in 0..<36 where ![8, 13, 18, 23].contains(position) {
            var bytes = Array(zero.utf8)
            bytes[position] = UInt8(ascii: "f")
            let text = String(decoding: bytes, as: UTF8.self)
            let expected = naive(text)!
            #expect(packed(text) == .packed(expected.0, expected.1), "\(text)")
        }
    }

    @Test func otherIdsAreKeyedByTheirTextBytes() {
        func key(_ text: String) -> RecordID { Array(text.utf8).withUnsafeBufferPointer { RecordID(decoded: $0) } }
        let lower = "0123abcd-ef01-2345-6789-abcdef012345"
        #expect(key(lower) == packed(lower))
        // Uppercase hex is another string: hashed, not equal to the packed lowercase id.
        guard case .hashed = key(lower.uppercased()) else { Issue.record("uppercase uuid packed"); return }
        #expect(key(lower.uppercased()) != key(lower))
        let odd = ["u1", "u2", "", "a-much-longer-identifier-than-a-uuid-0001", "é", "e\u{301}"]
        for (i, a) in odd.enumerated() {
            for (j, b) in odd.enumerated() { #expect((key(a) == key(b)) == (i == j), "\(a) vs \(b)") }
        }
        // Decomposed and precomposed forms are different bytes, so different ids (String == would merge them).
        #expect(key("\u{E9}") != key("e\u{301}"))
    }

    @Test func theLastUUIDIsRecognizedOnlyByAllItsBytes() {
        let uuid = Array("0123abcd-ef01-2345-6789-abcdef012345".utf8)
        let id = uuid.withUnsafeBufferPointer { RecordID(decoded: $0) }
        var last = LastUUID()
        uuid.withUnsafeBufferPointer { #expect(last.key(of: $0) == nil) }
        uuid.withUnsafeBufferPointer { last.remember($0, as: id) }
        uuid.withUnsafeBufferPointer { #expect(last.key(of: $0) == id) }
        for position in 0..<36 {
            var other = uuid
            other[position] = other[position] == 0x30 ? 0x31 : 0x30
            other.withUnsafeBufferPointer { #expect(last.key(of: $0) == nil, "byte \(position)") }
        }
        Array(uuid.dropLast()).withUnsafeBufferPointer { #expect(last.key(of: $0) == nil) }
        // An id that is not 36 bytes long is not remembered, and forgets the last.
        Array("u1".utf8).withUnsafeBufferPointer { last.remember($0, as: .hashed(1, 2)) }
        uuid.withUnsafeBufferPointer { #expect(last.key(of: $0) == nil) }
    }
}
