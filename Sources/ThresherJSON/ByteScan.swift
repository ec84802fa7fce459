/// The SIMD search every string loop shares: the first byte that ends a
/// plain run inside a JSON string (`"`, `\` or a control byte below 0x20).
/// These are exactly the bytes the parser must stop at and the writer must
/// escape, so both skip everything else 16 bytes at a time.
enum ByteScan {
    /// Index of the first special byte in `p[start..<end]`, or `end`.
    /// ORs the bytes it passed (and possibly a few after the hit) into
    /// `highBits`, so callers learn conservatively whether any was >= 0x80.
    @inline(__always)
    static func firstSpecial(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, highBits: inout UInt8) -> Int {
        // Splat constants as locals: statics would cost a `swift_once` per call.
        let quotes = SIMD16<UInt8>(repeating: 0x22)
        let backslashes = SIMD16<UInt8>(repeating: 0x5C)
        let spaces = SIMD16<UInt8>(repeating: 0x20)
        var seen = SIMD16<UInt8>(repeating: 0)
        var j = start
        while j + 16 <= end {
            let block = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<UInt8>.self)
            seen |= block
            let special = (block .== quotes) .| (block .== backslashes) .| (block .< spaces)
            if any(special) {
                // Locate the byte within the block with two 8-byte word tests
                // (Swift has no movemask; its SIMD reductions do not inline).
                highBits |= highBitsOf(seen)
                let low = specialBytes(UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
                if low != 0 { return j + low.trailingZeroBitCount >> 3 }
                let high = specialBytes(UnsafeRawPointer(p + j + 8).loadUnaligned(as: UInt64.self))
                return j + 8 + high.trailingZeroBitCount >> 3
            }
            j += 16
        }
        highBits |= highBitsOf(seen)
        while j < end {
            let b = p[j]
            if b == 0x22 || b == 0x5C || b < 0x20 { return j }
            highBits |= b
            j += 1
        }
        return end
    }

    /// 0x80 if any byte of `v` is >= 0x80 (a bitcast and an OR, where
    /// `any(v .>= 0x80)` would call a non-inlined reduction).
    @inline(__always)
    static func highBitsOf(_ v: SIMD16<UInt8>) -> UInt8 {
        let words = unsafeBitCast(v, to: (UInt64, UInt64).self)
        return (words.0 | words.1) & 0x8080_8080_8080_8080 != 0 ? 0x80 : 0
    }

    /// The high bit of each byte of `x` (little-endian) that is `"`, `\` or
    /// below 0x20. Bits above the lowest one may be false positives (a
    /// borrow), but the lowest set bit is always a true hit.
    @inline(__always)
    static func specialBytes(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = x ^ (0x22 &* ones)
        let backslash = x ^ (0x5C &* ones)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (x &- 0x20 &* ones) & ~x
        return (zeroQuote | zeroBackslash | control) & highs
    }
}
