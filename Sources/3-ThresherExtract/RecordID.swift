import CXXHash

/// A record's `uuid` (or `parentUuid`) as a compact key: the canonical
/// lowercase 8-4-4-4-12 form packed exactly into 128 bits, anything else
/// (hand-written or foreign ids, rare) as the XXH3-128 hash of its decoded
/// text. The key holds no reference, so the millions of record summaries
/// copy and free as plain bytes. Two keys are equal exactly when the
/// strings are, but for a 128-bit hash collision between two odd ids of
/// one file (the odds the dedup key already accepts).
public enum RecordID: Hashable, Sendable {
    case packed(UInt64, UInt64)
    case hashed(UInt64, UInt64)

    /// The key of a decoded id: packed when canonical, else hashed.
    @inline(__always)
    init(decoded bytes: UnsafeBufferPointer<UInt8>) {
        self = Self.packed(bytes) ?? Self.hashed(bytes)
    }

    @inline(never)
    private static func hashed(_ bytes: UnsafeBufferPointer<UInt8>) -> RecordID {
        let hash = XXH3_128bits(bytes.baseAddress, bytes.count)
        return .hashed(hash.high64, hash.low64)
    }

    /// A packed uuid hashes as one word, its halves folded: uuid bits are
    /// random already, so this spreads keys as well for half the hashing
    /// (two uuids per record go through the stream map).
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .packed(let high, let low), .hashed(let high, let low): hasher.combine(high ^ low)
        }
    }

    /// Packs `bytes` (a decoded uuid) when canonical; nil otherwise.
    /// Two uuids per record make this hot: it reads the hex groups eight
    /// bytes at a time without a branch per digit (random digits defeat
    /// the branch predictor).
    @inline(__always)
    static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> RecordID? {
        guard bytes.count == 36, let p = bytes.baseAddress,
              p[8] == 0x2D, p[13] == 0x2D, p[18] == 0x2D, p[23] == 0x2D else { return nil }
        let raw = UnsafeRawPointer(p)
        // Groups 8-4-4-4-12 as five 8-byte loads: the 4-digit groups and the
        // last one's head are read with their neighbours and shifted out.
        let g1 = raw.loadUnaligned(as: UInt64.self)
        let g2 = raw.loadUnaligned(fromByteOffset: 9, as: UInt64.self) & 0xFFFF_FFFF
        let g3 = raw.loadUnaligned(fromByteOffset: 14, as: UInt64.self) & 0xFFFF_FFFF
        let g4 = raw.loadUnaligned(fromByteOffset: 19, as: UInt64.self) & 0xFFFF_FFFF
        let g5 = raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        let g6 = raw.loadUnaligned(fromByteOffset: 28, as: UInt64.self)
        let fours = g2 | g3 << 32
        let mixed = g4 | (g5 & 0xFFFF_FFFF) << 32
        guard isLowerHex(g1), isLowerHex(fours), isLowerHex(mixed), isLowerHex(g6) else { return nil }
        let high = hexValue(g1) << 32 | hexValue(fours)
        let low = hexValue(mixed) << 32 | hexValue(g6)
        return .packed(high, low)
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether all eight bytes are `0-9` or `a-f` (uppercase would be
    /// another string). Range tests by adding bias: no carries while every
    /// byte is below 0x80, which is checked first.
    @inline(__always)
    static func isLowerHex(_ x: UInt64) -> Bool {
        guard x & highs == 0 else { return false }
        let digit = (x &+ (0x80 - 0x30) &* ones) & ~(x &+ (0x7F - 0x39) &* ones)
        let letter = (x &+ (0x80 - 0x61) &* ones) & ~(x &+ (0x7F - 0x66) &* ones)
        return (digit | letter) & highs == highs
    }

    /// Eight hex digits (first in the lowest byte) as a 32-bit number, the
    /// first digit most significant.
    @inline(__always)
    static func hexValue(_ x: UInt64) -> UInt64 {
        // '0'-'9' -> low nibble; 'a'-'f' -> low nibble + 9 (bit 6 marks letters).
        let nibbles = (x & 0x0F0F_0F0F_0F0F_0F0F) &+ ((x >> 6) & ones) &* 9
        var w = nibbles.byteSwapped
        w = ((w >> 4) | w) & 0x00FF_00FF_00FF_00FF
        w = ((w >> 8) | w) & 0x0000_FFFF_0000_FFFF
        return ((w >> 16) | w) & 0xFFFF_FFFF
    }
}
