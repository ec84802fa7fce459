/// 64 bytes of a string body as bit masks (bit k = byte k), so that the
/// tokenizer finds a string's end without a branch per escape.
///
/// Code text in tool results has a backslash every few dozen bytes; stopping
/// at each one and switching on the escaped byte mispredicted a branch or two
/// per escape (half of the tokenizer's time in long strings). From the masks,
/// which bytes are escaped follows by integer arithmetic, the closing quote is
/// the first quote not escaped, escaped quotes and `n t r b f` are accepted
/// by one more SIMD compare, and only `/` and `u` are looked at one by one.
struct StringBlock {
    var quotes: UInt64 = 0
    var backslashes: UInt64 = 0
    /// Whether any byte is below 0x20 (which JSON forbids raw inside
    /// strings): one mask test for all 64, since such blocks are errors or
    /// past the string's end, both rare enough to go the slow way.
    var hasControl = false
    /// Whether any byte is >= 0x80; `highBits` says which.
    var hasHigh = false

    /// The masks of `p[0..<64]`, which must be readable.
    @inline(__always)
    init(_ p: UnsafePointer<UInt8>) {
        let quote = SIMD16<UInt8>(repeating: 0x22)
        let backslash = SIMD16<UInt8>(repeating: 0x5C)
        let space = SIMD16<UInt8>(repeating: 0x20)
        var controls = SIMDMask<SIMD16<Int8>>(repeating: false)
        var all = SIMD16<UInt8>(repeating: 0)
        for lane in 0..<4 {
            let v = UnsafeRawPointer(p + 16 &* lane).loadUnaligned(as: SIMD16<UInt8>.self)
            let shift = UInt64(16 &* lane)
            quotes |= UInt64(ByteScan.bits(unsafeBitCast(v .== quote, to: SIMD16<UInt8>.self))) << shift
            backslashes |= UInt64(ByteScan.bits(unsafeBitCast(v .== backslash, to: SIMD16<UInt8>.self))) << shift
            controls .|= v .< space
            all |= v
        }
        hasControl = ByteScan.bits(unsafeBitCast(controls, to: SIMD16<UInt8>.self)) != 0
        hasHigh = ByteScan.bits(all) != 0
    }

    /// Bit k set when `p[k]` is one of `n t r b f` (the escapes that are
    /// letters and need no check or rewrite), for the 64 bytes at `p`.
    @inline(__always)
    static func plainEscapeLetters(_ p: UnsafePointer<UInt8>) -> UInt64 {
        let n = SIMD16<UInt8>(repeating: 0x6E), t = SIMD16<UInt8>(repeating: 0x74)
        let r = SIMD16<UInt8>(repeating: 0x72), b = SIMD16<UInt8>(repeating: 0x62)
        let f = SIMD16<UInt8>(repeating: 0x66)
        var letters: UInt64 = 0
        for lane in 0..<4 {
            let v = UnsafeRawPointer(p + 16 &* lane).loadUnaligned(as: SIMD16<UInt8>.self)
            var hit = v .== n
            hit .|= v .== t
            hit .|= v .== r
            hit .|= v .== b
            hit .|= v .== f
            letters |= UInt64(ByteScan.bits(unsafeBitCast(hit, to: SIMD16<UInt8>.self))) << UInt64(16 &* lane)
        }
        return letters
    }

    /// Bit k set when `p[k]` >= 0x80, for the 64 bytes at `p`.
    @inline(__always)
    static func highBits(_ p: UnsafePointer<UInt8>) -> UInt64 {
        var high: UInt64 = 0
        for lane in 0..<4 {
            let v = UnsafeRawPointer(p + 16 &* lane).loadUnaligned(as: SIMD16<UInt8>.self)
            high |= UInt64(ByteScan.bits(v)) << UInt64(16 &* lane)
        }
        return high
    }

    /// The bytes escaped by a backslash, other than backslashes (an escaped
    /// backslash is valid whatever it is), given whether byte 0 is escaped by
    /// the previous block's last backslash (`carry` 0 or 1). `carryOut` says
    /// the same of the next block's byte 0.
    ///
    /// A run of backslashes starting at `s` escapes every other byte after
    /// `s`; the byte just past the run is escaped when the run's length is
    /// odd, i.e. when the run ends at a position of the other parity than
    /// `s`. Adding a run's first bit to the mask carries through the run and
    /// sets the bit just past it, so all runs end in one addition per parity.
    @inline(__always)
    static func escaped(backslashes: UInt64, carry: UInt64) -> (escaped: UInt64, carryOut: UInt64) {
        let even: UInt64 = 0x5555_5555_5555_5555
        let odd = ~even
        let runs = backslashes & ~carry
        let starts = runs & ~(runs << 1)
        let pastEvenRuns = (runs &+ (starts & even)) & ~runs
        let (sum, overflow) = runs.addingReportingOverflow(starts & odd)
        let pastOddRuns = sum & ~runs
        let escaped = (pastEvenRuns & odd) | (pastOddRuns & even) | (carry & ~backslashes)
        // A run reaching bit 63 escapes the next block's byte 0 when it
        // started at an odd position (an odd count of backslashes to 63).
        return (escaped, overflow ? 1 : 0)
    }

    /// What a valid escaped byte (other than `\`) needs: 0 when the byte
    /// cannot follow a backslash, `plain` for `"` `b` `f` `n` `r` `t`,
    /// `plain | rewrite` for `/`, `plain | rewrite | unicode` for `u`.
    @inline(__always)
    static func escapeKind(_ b: UInt8) -> UInt8 {
        // Bit (b & 63) of the word for b's quarter of ASCII: `"` `/` below
        // 64; `b` `f` `n` `r` `t` `u` from 64 to 127.
        let low: UInt64 = 1 << 0x22 | 1 << 0x2F
        let upper: UInt64 = 1 << (0x62 - 64) | 1 << (0x66 - 64) | 1 << (0x6E - 64)
            | 1 << (0x72 - 64) | 1 << (0x74 - 64) | 1 << (0x75 - 64)
        let set = b < 64 ? low : (b < 128 ? upper : 0)
        let valid = UInt8(truncatingIfNeeded: set >> UInt64(b & 63)) & plain
        let rewrite: UInt8 = b == 0x2F || b == 0x75 ? Self.rewrite : 0
        let unicode: UInt8 = b == 0x75 ? Self.unicode : 0
        return valid | rewrite | unicode
    }

    static let plain: UInt8 = 1
    static let rewrite: UInt8 = 2
    static let unicode: UInt8 = 4
}
