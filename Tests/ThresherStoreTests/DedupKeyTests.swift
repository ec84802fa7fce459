import TestSupport
import Testing
@testable import ThresherStore

@Suite struct DedupKeyTests {
    /// Example ids: 32 lowercase hex digits, high word first, zero-padded,
    /// against `String(radix:)`; and parsed back.
    @Test func dedupKeyHexIsThePaddedDigitsOfBothWords() {
        var r = SeededRandom(state: 23)
        let words: [UInt64] = [0, 1, 0xF, 0x10, .max, 0x0123_4567_89AB_CDEF, 1 << 63] + (0..<200).map { _ in r.next() >> UInt64(r.below(64)) }
        func padded(_ w: UInt64) -> String {
            let digits = String(w, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        for (high, low) in zip(words, words.reversed()) {
            let key = DedupKey(high: high, low: low)
            #expect(key.hex == padded(high) + padded(low))
            #expect(DedupKey(hex: key.hex) == key)
        }
    }
}
