/// A record's `uuid` (or `parentUuid`) as a compact key: the canonical
/// lowercase 8-4-4-4-12 form packed exactly into 128 bits (no allocation),
/// anything else kept as its text. Two keys are equal exactly when the
/// strings are.
public enum RecordID: Hashable, Sendable {
    case packed(UInt64, UInt64)
    case text(String)

    /// Packs `bytes` (a decoded uuid) when canonical; nil otherwise.
    @inline(__always)
    static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> RecordID? {
        guard bytes.count == 36, let p = bytes.baseAddress,
              p[8] == 0x2D, p[13] == 0x2D, p[18] == 0x2D, p[23] == 0x2D else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var bad: UInt8 = 0
        @inline(__always) func digit(_ b: UInt8) -> UInt64 {
            let decimal = b &- 0x30
            let letter = b &- 0x61
            // Lowercase hex only: uppercase would be another string.
            if decimal < 10 { return UInt64(decimal) }
            if letter < 6 { return UInt64(letter + 10) }
            bad = 1
            return 0
        }
        for i in 0..<8 { high = high << 4 | digit(p[i]) }
        for i in 9..<13 { high = high << 4 | digit(p[i]) }
        for i in 14..<18 { high = high << 4 | digit(p[i]) }
        for i in 19..<23 { low = low << 4 | digit(p[i]) }
        for i in 24..<36 { low = low << 4 | digit(p[i]) }
        return bad == 0 ? .packed(high, low) : nil
    }
}
