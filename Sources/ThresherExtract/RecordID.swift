/// A record's `uuid` (or `parentUuid`) as a compact key: the canonical
/// lowercase 8-4-4-4-12 form packed exactly into 128 bits (no allocation),
/// anything else kept as its text. Two keys are equal exactly when the
/// strings are.
public enum RecordID: Hashable, Sendable {
    case packed(UInt64, UInt64)
    case text(String)

    /// Packs `bytes` (a decoded uuid) when canonical; nil otherwise.
    static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> RecordID? {
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard b == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = b - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = b - 0x61 + 10
            default: return nil
            }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
        }
        return .packed(high, low)
    }
}
