import CXXHash

/// The stable 128-bit identity of an example: XXH3-128 (seed 0) of its
/// canonical form. Its 32 lowercase hex digits are the example's `id`.
public struct DedupKey: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64

    /// Length of `bytes`, as each key is stored in the key log.
    public static let byteCount = 16

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Hashes `bytes` with `XXH3_128bits` from libxxhash.
    public init(hashing bytes: [UInt8]) {
        let hash = bytes.withUnsafeBytes { XXH3_128bits($0.baseAddress, $0.count) }
        self.init(high: hash.high64, low: hash.low64)
    }

    /// The same hash fed in pieces (`DedupKey.Hasher`): equal to
    /// `init(hashing:)` over the pieces joined.
    public final class Hasher {
        private let state: OpaquePointer

        public init() {
            state = XXH3_createState()
            XXH3_128bits_reset(state)
        }

        deinit { XXH3_freeState(state) }

        public func reset() { XXH3_128bits_reset(state) }

        public func update(_ bytes: UnsafeRawBufferPointer) {
            XXH3_128bits_update(state, bytes.baseAddress, bytes.count)
        }

        public var key: DedupKey {
            let hash = XXH3_128bits_digest(state)
            return DedupKey(high: hash.high64, low: hash.low64)
        }
    }

    /// Big-endian hex of high then low 64 bits (XXH128's canonical order).
    /// Written digit by digit into the string's storage: it is the id of
    /// every example, and `String(radix:)` with padding costs far more.
    public var hex: String {
        String(unsafeUninitializedCapacity: 32) { out in
            for k in 0..<32 {
                let word = k < 16 ? high : low
                let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (k & 15))) & 0x0F
                out[k] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
            }
            return 32
        }
    }

    /// Parses the 32 hex digits of `hex`.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 32, let high = UInt64(String(decoding: digits[0..<16], as: UTF8.self), radix: 16),
              let low = UInt64(String(decoding: digits[16..<32], as: UTF8.self), radix: 16) else { return nil }
        self.init(high: high, low: low)
    }

    /// 16 bytes, big-endian, as stored in the on-disk key log.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 16)
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<8 {
            high = high << 8 | UInt64(bytes[i])
            low = low << 8 | UInt64(bytes[8 + i])
        }
        self.init(high: high, low: low)
    }
}
